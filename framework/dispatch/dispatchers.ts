/**
 * The other dispatchers: `MethodDispatcher` (REST resources answering by HTTP method),
 * `RoutesDispatcher` (URL patterns mapped to controllers, in `routes_dispatcher.ts`) and
 * `VirtualHost` (a path prefix
 * chosen by the `Host` header), and the `dispatch` namespace that names them as CherryPy's
 * `cherrypy.dispatch` module does.
 *
 * Any of them is set with the `request.dispatch` config key:
 *
 * ```ts ignore
 * const config = { "/": { "request.dispatch": new cherrypy.dispatch.MethodDispatcher() } };
 * ```
 *
 * @module
 */

import { configRegistry } from "../config/config_registry.ts";
import { isBuiltinMember } from "./_classes.ts";
import {
  type ConfigDict,
  decodeSlashes,
  Dispatcher,
  type DispatcherLike,
  type DispatchTarget,
  getAttr,
  notFoundHandler,
  pageHandler,
} from "./dispatch.ts";
import { HTTPError } from "../core/errors.ts";
import { isExposed } from "./expose.ts";
import { Request } from "../core/request.ts";
import { RoutesDispatcher } from "./routes_dispatcher.ts";
import { XMLRPCDispatcher } from "./xmlrpc_dispatcher.ts";
import { currentServing } from "../core/serving.ts";

// Python's str.isupper(): at least one cased character, and no lower-case one.
function isUpper(name: string): boolean {
  return name !== name.toLowerCase() && name === name.toUpperCase();
}

/**
 * The HTTP methods `resource` answers, as `MethodDispatcher` lists them in the `Allow`
 * header: its upper-case attribute names (own and inherited), plus `HEAD` when it has `GET`,
 * sorted.
 *
 * @example Using `allowedMethods`
 * ```ts
 * import { allowedMethods } from "./mod.ts";
 * class Resource {
 *   GET() { return "state"; }
 *   POST() { return "created"; }
 * }
 * allowedMethods(new Resource()); // ["GET", "HEAD", "POST"]
 * ```
 */
export function allowedMethods(resource: unknown): string[] {
  const names = new Set<string>();
  let level: unknown = resource;
  while (
    (typeof level === "object" || typeof level === "function") && level !== null &&
    level !== Object.prototype && level !== Function.prototype
  ) {
    for (const name of Object.getOwnPropertyNames(level)) if (isUpper(name)) names.add(name);
    level = Object.getPrototypeOf(level);
  }
  if (names.has("GET")) names.add("HEAD");
  return [...names].sort();
}

/**
 * Dispatches on the HTTP method: the URL finds an exposed *resource* by the same tree walk as
 * {@link Dispatcher} (leftover segments become positional arguments), and the resource's
 * method named after the request's method (`GET`, `POST`, `PUT`, `DELETE`, ...) answers.
 *
 * - The resource must be exposed: `@expose` on its class, or an `exposed = true` property.
 *   Its methods need not be.
 * - Every response for a resource carries `Allow`, listing its upper-case attribute names
 *   (see {@link allowedMethods}).
 * - `HEAD` uses `GET` when the resource has no `HEAD`. Any other missing method, `OPTIONS`
 *   included, answers `405 Method Not Allowed`.
 * - The method's own `_cp_config` is merged into `request.config`.
 * - No exposed resource on the path: `404 Not Found`.
 *
 * @example A REST resource
 * ```ts
 * import { expose } from "../../mod.ts";
 * import { MethodDispatcher } from "./mod.ts";
 *
 * @expose
 * class Notes {
 *   notes: string[] = [];
 *   GET(id?: string) { return id === undefined ? this.notes.join("\n") : this.notes[Number(id)]; }
 *   POST(text: string) { this.notes.push(text); return String(this.notes.length - 1); }
 * }
 * const config = { "/": { "request.dispatch": new MethodDispatcher() } };
 * // cherrypy.quickstart(new Notes(), "/notes", config);
 * ```
 */
export class MethodDispatcher extends Dispatcher {
  /** Exposed objects (or classes' instances) and exposed functions are resources. */
  override isHandler(candidate: unknown): boolean {
    if (isExposed(candidate)) return true;
    if (typeof candidate !== "object" || candidate === null) return false;
    const proto = Object.getPrototypeOf(candidate) as { constructor?: unknown } | null;
    return proto !== null && proto !== Object.prototype && isExposed(proto.constructor);
  }

  /** Finds the resource for `pathInfo`, sets `Allow` and the handler for the method. */
  override dispatch(pathInfo: string, request: DispatchTarget): void {
    const found = this.findHandler(pathInfo, request);
    if (found === null) {
      request.handler = notFoundHandler(request, pathInfo);
      return;
    }
    const [resource, , vpath] = found;
    currentServing().response.headers.set("Allow", allowedMethods(resource).join(", "));
    const method = request.method.toUpperCase();
    let func = getAttr(resource, method);
    if ((func === undefined || func === null) && method === "HEAD") {
      func = getAttr(resource, "GET");
    }
    if (typeof func !== "function" || isBuiltinMember(method, func)) {
      request.handler = () => {
        throw new HTTPError(405);
      };
      return;
    }
    const conf = getAttr(func, "_cp_config") as ConfigDict | undefined;
    if (conf) Object.assign(request.config, conf);
    request.handler = pageHandler(
      func as (...args: unknown[]) => unknown,
      resource,
      decodeSlashes(vpath),
    );
  }
}

/** Options of the {@link VirtualHost} dispatcher. */
export interface VirtualHostOptions {
  /** The dispatcher that walks the prefixed path (default: a new {@link Dispatcher}). */
  nextDispatcher?: DispatcherLike;
  /** Read `X-Forwarded-Host` (set by proxies) instead of `Host` when present (default). */
  useXForwardedHost?: boolean;
}

// CherryPy's httputil.urljoin: join with "/", collapse "//", never "".
function urljoin(...atoms: string[]): string {
  let url = atoms.filter((x) => x !== "").join("/");
  while (url.includes("//")) url = url.replaceAll("//", "/");
  return url || "/";
}

/**
 * Serves several domains from one tree: the request's `Host` header (or `X-Forwarded-Host`)
 * is looked up exactly, port included when the client sent one, in `domains`, and the prefix
 * found is put before the path, which the next dispatcher then walks. A host not listed gets
 * the path as it is. `cherrypy.url` and `request.path_info` keep the path the client asked
 * for; `tools.staticdir.section` loses the prefix.
 *
 * @example The docs' two domains
 * ```ts
 * import { dispatch } from "../../mod.ts";
 * const hostmap = { "company.com:8080": "/app1", "home.net:8080": "/app2" };
 * const config = { "/": { "request.dispatch": new dispatch.VirtualHost(hostmap) } };
 * ```
 */
export class VirtualHost implements DispatcherLike {
  /** Path prefixes by host (`"www.example.com:8080": "/example"`). */
  readonly domains: Readonly<Record<string, string>>;
  /** The dispatcher that walks the prefixed path. */
  readonly nextDispatcher: DispatcherLike;
  /** Whether `X-Forwarded-Host` takes precedence over `Host`. */
  readonly useXForwardedHost: boolean;

  /** Creates the dispatcher for `domains` (host → path prefix). */
  constructor(domains: Readonly<Record<string, string>>, options: VirtualHostOptions = {}) {
    for (const [host, prefix] of Object.entries(domains)) {
      if (typeof prefix !== "string") {
        throw new TypeError(
          `VirtualHost: the prefix for ${JSON.stringify(host)} must be a path string such as ` +
            `"/app1"; got ${JSON.stringify(prefix)}.`,
        );
      }
    }
    this.domains = { ...domains };
    this.nextDispatcher = options.nextDispatcher ?? new Dispatcher();
    this.useXForwardedHost = options.useXForwardedHost ?? true;
  }

  /** Prefixes `pathInfo` for the request's host and hands it to the next dispatcher. */
  dispatch(pathInfo: string, request: DispatchTarget): void {
    let domain = request.header("Host") ?? "";
    if (this.useXForwardedHost) domain = request.header("X-Forwarded-Host") ?? domain;
    const prefix = Object.hasOwn(this.domains, domain) ? this.domains[domain]! : "";
    this.nextDispatcher.dispatch(prefix ? urljoin(prefix, pathInfo) : pathInfo, request);
    const section = request.config["tools.staticdir.section"];
    if (typeof section === "string" && section) {
      request.config["tools.staticdir.section"] = section.slice(prefix.length);
    }
  }
}

/** The dispatcher classes, by the names CherryPy's `cherrypy.dispatch` module gives them. */
export interface DispatchNamespace {
  /** The default, tree-walking dispatcher. */
  readonly Dispatcher: typeof Dispatcher;
  /** Dispatch on the HTTP method. */
  readonly MethodDispatcher: typeof MethodDispatcher;
  /** URL patterns mapped to controllers. */
  readonly RoutesDispatcher: typeof RoutesDispatcher;
  /** A path prefix chosen by the Host header. */
  readonly VirtualHost: typeof VirtualHost;
  /** XML-RPC controllers' dispatcher (an optional `/RPC2` prefix). */
  readonly XMLRPCDispatcher: typeof XMLRPCDispatcher;
}

/**
 * `cherrypy.dispatch`: the dispatchers under the names the CherryPy docs use, so that
 * `'request.dispatch': cherrypy.dispatch.MethodDispatcher()` reads
 * `"request.dispatch": new cherrypy.dispatch.MethodDispatcher()`.
 *
 * @example Using `dispatch`
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * const config = { "/": { "request.dispatch": new cherrypy.dispatch.MethodDispatcher() } };
 * ```
 */
export const dispatch: DispatchNamespace = Object.freeze({
  Dispatcher,
  MethodDispatcher,
  RoutesDispatcher,
  VirtualHost,
  XMLRPCDispatcher,
});

configRegistry.register("cherrypy.dispatch", dispatch);

// Every request's `request.dispatch` until config says otherwise; it sits on Request's prototype
// with the other defaults (see request.ts), set here so that the request knows no dispatcher.
(Request.prototype as { dispatch: DispatcherLike }).dispatch = new Dispatcher();
