/**
 * Dispatchers: finding the page handler for a path by walking the application's object tree.
 *
 * @module
 */

import { bindArguments } from "./arguments.ts";
import { CherryPyException, NotFound } from "../core/errors.ts";
import { isExposed } from "./expose.ts";
import { callApplication, currentServing } from "../core/serving.ts";
import { signatureOf } from "./signature.ts";
import {
  type ConfigDict,
  type DispatcherLike,
  dispatchGeneration,
  type DispatchTarget,
  type PageHandler,
} from "../core/types.ts";

export {
  type ConfigDict,
  type DispatcherLike,
  type DispatchTarget,
  invalidateDispatch,
  type PageHandler,
} from "../core/types.ts";

// Property names that lead out of the user's tree into JavaScript's object machinery.
const FORBIDDEN = new Set(["constructor", "__proto__", "prototype"]);

/**
 * Turns the `%2F` left in virtual path segments into `/` (the path is percent-decoded before
 * it is split into segments, except for encoded slashes, so that they cannot split a segment).
 *
 * @example Using `decodeSlashes`
 * ```ts
 * import { decodeSlashes } from "./mod.ts";
 * decodeSlashes(["a%2Fb", "c"]); // ["a/b", "c"]
 * ```
 */
export function decodeSlashes(vpath: readonly string[]): string[] {
  return vpath.map((x) => x.includes("%2F") ? x.replaceAll("%2F", "/") : x);
}

/** Reads attribute `name` of `node` the way Python's `getattr(node, name, None)` would. */
export function getAttr(node: unknown, name: string): unknown {
  if (node === null || node === undefined || FORBIDDEN.has(name)) return undefined;
  if (typeof node !== "object" && typeof node !== "function") return undefined;
  return (node as Record<string, unknown>)[name];
}

const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;

/** Maps every ASCII punctuation character to `_` (`"foo.bar"` → `"foo_bar"`). */
export function punctuationToUnderscores(name: string): string {
  return name.replace(PUNCTUATION, "_");
}

/**
 * Builds the page handler for `callable` bound to `thisArg`, with `vpath` as positional
 * arguments; request parameters are read when it is called, so tools may change them.
 */
export function pageHandler(
  callable: (...args: unknown[]) => unknown,
  thisArg: unknown,
  vpath: readonly string[],
): PageHandler {
  const handler = () => {
    const { request } = currentServing();
    const args = bindArguments(signatureOf(callable), vpath, request.params, {
      bodyParams: request.bodyParamNames,
      showMismatchedParams: request.show_mismatched_params,
    });
    return callApplication(callable, thisArg, args);
  };
  return Object.assign(handler, { callable });
}

const pageHandlers = new WeakMap<object, PageHandler>();

type Trail = [name: string, node: unknown, parent: unknown, conf: ConfigDict, segleft: number];

interface DispatchEntry<F> {
  found: F;
  config: ConfigDict;
  isIndex: boolean | null;
}

interface DispatchCache {
  generation: number;
  paths: Map<string, DispatchEntry<[unknown, unknown, string[]]>>;
  misses: Map<string, DispatchEntry<null>>;
}

/**
 * The default dispatcher: `/a/b/c` looks up `root.a.b.c` (punctuation in a segment becoming
 * `_`), tries `index` for the path itself and `default` of the deepest node as a fallback, and
 * passes the segments not consumed as positional arguments. A node may take over the walk
 * with a non-exposed `_cp_dispatch(vpath)` method.
 *
 * @example A dispatcher that lower-cases the path first (the docs' ForceLowerDispatcher)
 * ```ts
 * import { Dispatcher } from "../../mod.ts";
 * import { type DispatchTarget } from "../core/mod.ts";
 * class ForceLowerDispatcher extends Dispatcher {
 *   override dispatch(pathInfo: string, request: DispatchTarget): void {
 *     super.dispatch(pathInfo.toLowerCase(), request);
 *   }
 * }
 * ```
 */
export class Dispatcher implements DispatcherLike {
  /** The name of the method a node uses to take over dispatch. */
  readonly dispatchMethodName: string;
  /** Turns a path segment into an attribute name. */
  readonly translate: (segment: string) => string;

  /** Creates a dispatcher. */
  constructor(
    dispatchMethodName = "_cp_dispatch",
    translate: (segment: string) => string = punctuationToUnderscores,
  ) {
    this.dispatchMethodName = dispatchMethodName;
    this.translate = translate;
  }

  /** Sets `request.handler` and `request.config` for `pathInfo`. */
  dispatch(pathInfo: string, request: DispatchTarget): void {
    const found = this.findHandler(pathInfo, request);
    if (found === null) {
      request.handler = notFoundHandler(request, pathInfo);
      return;
    }
    // A remembered walk gives the same array each time: so does its page handler.
    let handler = pageHandlers.get(found);
    if (handler === undefined) {
      const [callable, thisArg, vpath] = found;
      handler = pageHandler(
        callable as (...args: unknown[]) => unknown,
        thisArg,
        decodeSlashes(vpath),
      );
      pageHandlers.set(found, handler);
    }
    request.handler = handler;
  }

  /**
   * Whether `candidate`, a node of the walk, answers requests itself: by default an exposed
   * function. Subclasses that dispatch to exposed objects (see `MethodDispatcher`) override it.
   */
  isHandler(candidate: unknown): boolean {
    return typeof candidate === "function" && isExposed(candidate);
  }

  /**
   * Finds the handler for `path`: `[handler, this, vpath]`, or `null` when nothing is exposed
   * there. Also sets `request.config` and `request.is_index`. What a walk finds is remembered
   * per application and path (unless a `_cp_dispatch` took part), until the config or the tree
   * changes (see {@link invalidateDispatch}); `request.config` then inherits the remembered
   * entries, so writes to it stay with the request.
   */
  findHandler(path: string, request: DispatchTarget): [unknown, unknown, string[]] | null {
    const app = request.app;
    if (app === null) return null;
    let cache = this.#cache.get(app);
    if (cache === undefined || cache.generation !== dispatchGeneration()) {
      cache = { generation: dispatchGeneration(), paths: new Map(), misses: new Map() };
      this.#cache.set(app, cache);
    }
    const hit = cache.paths.get(path) ?? cache.misses.get(path);
    if (hit !== undefined) {
      request.config = Object.create(hit.config);
      request.is_index = hit.isIndex;
      return hit.found;
    }
    this.#dynamic = false;
    const found = this.walk(path, request);
    if (this.#dynamic) return found;
    const [config, isIndex] = [request.config, request.is_index];
    if (found !== null) {
      if (cache.paths.size >= Dispatcher.cacheSize) return found;
      cache.paths.set(path, { found, config, isIndex });
    } else {
      // Paths without a handler (those a tool such as staticdir serves, and 404s) are many
      // more: they are remembered apart, and forgotten all at once when too many.
      if (cache.misses.size >= Dispatcher.cacheSize) cache.misses.clear();
      cache.misses.set(path, { found, config, isIndex });
    }
    request.config = Object.create(request.config);
    return found;
  }

  readonly #cache = new WeakMap<object, DispatchCache>();
  #dynamic = false;
  /** How many paths each application remembers (a path with arguments counts once per value). */
  static cacheSize = 2000;

  /**
   * Walks the tree for `path` (no caching): the dispatch algorithm itself, for subclasses
   * that change it.
   */
  walk(path: string, request: DispatchTarget): [unknown, unknown, string[]] | null {
    const app = request.app;
    if (app === null) return null;
    const root = app.root;
    const fullpath = path.split("/").filter((x) => x !== "");
    fullpath.push("index");
    const fullLen = fullpath.length;
    let segleft = fullLen;
    let nodeconf: ConfigDict = { ...(getAttr(root, "_cp_config") as ConfigDict | undefined) };
    if (app.config["/"]) Object.assign(nodeconf, app.config["/"]);
    const trail: Trail[] = [["root", root, undefined, nodeconf, segleft]];

    let node: unknown = root;
    const iternames = fullpath.slice();
    while (iternames.length > 0) {
      const name = iternames[0]!;
      const objname = this.translate(name);
      nodeconf = {};
      let subnode = getAttr(node, objname);
      const parent = node;
      const preLen = iternames.length;
      if (subnode === undefined || subnode === null) {
        const dispatch = getAttr(node, this.dispatchMethodName);
        if (typeof dispatch === "function" && !isExposed(dispatch) && preLen > 1) {
          this.#dynamic = true;
          const indexName = iternames.pop()!;
          subnode = dispatch.call(node, iternames);
          iternames.push(indexName);
        } else {
          iternames.shift();
        }
      } else {
        iternames.shift();
      }
      segleft = iternames.length;
      if (segleft > preLen) {
        throw new CherryPyException(
          "A vpath segment was added.  Custom dispatchers may only remove elements.  " +
            `While trying to process ${name} in ${JSON.stringify(fullpath)}`,
        );
      } else if (segleft === preLen) {
        iternames.shift();
        segleft -= 1;
      }
      node = subnode ?? undefined;
      const nodeCp = getAttr(node, "_cp_config") as ConfigDict | undefined;
      if (nodeCp) Object.assign(nodeconf, nodeCp);

      const existingLen = fullLen - preLen;
      let curpath = existingLen !== 0 ? "/" + fullpath.slice(0, existingLen).join("/") : "";
      for (const seg of fullpath.slice(fullLen - preLen, fullLen - segleft)) {
        curpath += "/" + seg;
        const section = app.config[curpath];
        if (section) Object.assign(nodeconf, section);
      }
      trail.push([name, node, parent, nodeconf, segleft]);
    }

    const setConf = (upTo: Trail[]) => {
      const base: ConfigDict = { ...app.globalConfig() };
      for (const [, , , conf, left] of upTo) {
        Object.assign(base, conf);
        if ("tools.staticdir.dir" in conf) {
          base["tools.staticdir.section"] = "/" + fullpath.slice(0, fullLen - left).join("/");
        }
      }
      return base;
    };

    const numCandidates = trail.length - 1;
    for (let i = numCandidates; i >= 0; i--) {
      const [, candidate, parent, , left] = trail[i]!;
      if (candidate === undefined || candidate === null) continue;
      const defhandler = getAttr(candidate, "default");
      // An exposed `default` (a method, or a resource object for the method dispatcher).
      if (this.isHandler(defhandler)) {
        const conf = (getAttr(defhandler, "_cp_config") as ConfigDict | undefined) ?? {};
        request.config = setConf([
          ...trail.slice(0, i + 1),
          ["default", defhandler, candidate, conf, left],
          ...trail.slice(i + 1),
        ]);
        request.is_index = path.endsWith("/");
        return [defhandler, candidate, fullpath.slice(fullLen - left, -1)];
      }
      if (this.isHandler(candidate)) {
        request.config = setConf(trail);
        request.is_index = i === numCandidates;
        return [candidate, parent, fullpath.slice(fullLen - left, -1)];
      }
    }
    request.config = setConf(trail);
    return null;
  }
}

/**
 * A page handler that answers 404 for `pathInfo` (below the request's mount point).
 *
 * @example Using `notFoundHandler`
 * ```ts
 * import { notFoundHandler } from "./mod.ts";
 * import { type DispatchTarget } from "../core/mod.ts";
 * const request = { script_name: "/app" } as DispatchTarget;
 * request.handler = notFoundHandler(request, "/nowhere"); // throws NotFound("/app/nowhere")
 * ```
 */
export function notFoundHandler(request: DispatchTarget, pathInfo: string): PageHandler {
  const path = request.script_name + pathInfo;
  return () => {
    throw new NotFound(path);
  };
}
