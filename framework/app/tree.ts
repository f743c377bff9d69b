/**
 * `Tree`: the mounted applications by script name, the gateway the HTTP server calls (the
 * longest mount point that is a prefix of the path wins), and `GraftedApp`, a Fetch-style app
 * grafted into it.
 *
 * @module
 */

import type { IncomingRequest, OutgoingResponse } from "../../platform/mod.ts";
import type { FetchHandler } from "../../server/mod.ts";
import { type AppConfig, Application, type Site } from "./application.ts";
import { invalidateDispatch } from "../core/types.ts";
import { FetchIncoming, stripPrefix, toFetchResponse } from "./fetch.ts";
import { decodePath } from "../http/httputil.ts";
import { watchedRecord } from "./_watched.ts";
import { addDefaultFavicon } from "./_favicon.ts";

/** A Fetch-style app grafted into the tree (CherryPy's "foreign WSGI application"). */
export class GraftedApp {
  /** The mount point. */
  readonly script_name: string;
  /** The app. */
  readonly handler: FetchHandler;
  /** `false` (default): the app sees URLs with the mount point removed. */
  readonly keepScriptName: boolean;

  /** Grafts `handler` at `scriptName`. */
  constructor(handler: FetchHandler, scriptName: string, keepScriptName = false) {
    this.handler = handler;
    this.script_name = scriptName.replace(/\/+$/, "");
    this.keepScriptName = keepScriptName;
  }

  /** Serves a native request through the Fetch app. */
  handle(incoming: IncomingRequest): Promise<Response> {
    return this.fetch(incoming.toRequest());
  }

  /** Serves a Fetch request. */
  async fetch(request: Request): Promise<Response> {
    const req = this.keepScriptName ? request : stripPrefix(request, this.script_name);
    return await this.handler(req);
  }
}

const NOT_FOUND: OutgoingResponse = { status: 404, headers: [], body: null };
const BAD_URI: OutgoingResponse = {
  status: 400,
  headers: [["Content-Type", "text/plain"]],
  body: "Malformed Request-URI",
};

/**
 * The mounted applications by script name; also the gateway the HTTP server calls, and a
 * Fetch handler for the whole site (`tree.fetch(request)`).
 *
 * @example Using `Tree`
 * ```ts
 * import { expose, tree } from "../../mod.ts";
 * const blog = { index: expose(() => "the blog") };
 * tree.mount(blog, "/blog");
 * tree.graft((req) => new Response(`hello from ${new URL(req.url).pathname}`), "/hello");
 * tree.scriptName("/blog/2026/11"); // "/blog"
 * ```
 */
export class Tree {
  /** Applications by script name (`""` is the site root). */
  readonly apps: Record<string, Application | GraftedApp>;
  readonly #site: Site;
  readonly #appChanges: { readonly count: number };
  /** {@link Tree.apps} as last seen: when, its script names longest first, and the apps. */
  #seen = -1;
  #byLength: readonly string[] = [];
  #byName = new Map<string, Application | GraftedApp>();

  /** Creates an empty tree for `site`. */
  constructor(site: Site) {
    this.#site = site;
    const { record, changes } = watchedRecord<Application | GraftedApp>();
    this.apps = record;
    this.#appChanges = changes;
  }

  /**
   * Mounts `root` (an object tree or an {@link Application}) at `scriptName` with `config`
   * sections (or the path of a config file); returns the application.
   */
  mount(root: unknown, scriptName = "", config?: AppConfig | string): Application {
    if (scriptName === null || scriptName === undefined) {
      throw new TypeError(
        "The 'script_name' argument may not be None. Application objects may, however, " +
          "possess a script_name of None (in order to inpect the WSGI environ for " +
          "SCRIPT_NAME upon each request). You cannot mount such Applications on this Tree; " +
          "you must pass them to a WSGI server interface directly.",
      );
    }
    const name = scriptName.replace(/\/+$/, "");
    let app: Application;
    if (root instanceof Application) {
      if (name !== "" && name !== root.script_name) {
        throw new Error(
          "Cannot specify a different script name and pass an Application instance to " +
            "cherrypy.mount",
        );
      }
      app = root;
      if (config) app.merge(config);
    } else {
      app = new Application(root, name, undefined, this.#site);
      // If mounted at "", add favicon.ico (as CherryPy does).
      if (name === "") addDefaultFavicon(root);
      if (config) app.merge(config);
    }
    this.apps[app.script_name] = app;
    invalidateDispatch();
    return app;
  }

  /**
   * Grafts a Fetch-style app (`(Request) => Response`: Hono, itty, a bare function) at
   * `scriptName`. The app sees URLs with the mount point removed unless `keepScriptName`.
   */
  graft(
    handler: FetchHandler | { fetch: FetchHandler },
    scriptName = "",
    options: { keepScriptName?: boolean } = {},
  ): GraftedApp {
    const fn: FetchHandler = typeof handler === "function" ? handler : (req) => handler.fetch(req);
    const app = new GraftedApp(fn, scriptName, options.keepScriptName ?? false);
    this.apps[app.script_name] = app;
    return app;
  }

  /** The script name of the application serving `path`, or `null` when none does. */
  scriptName(path: string): string | null {
    if (this.#seen !== this.#appChanges.count) this.#look();
    const names = this.#byLength;
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      if (
        path.startsWith(name) &&
        (path.length === name.length || path.charCodeAt(name.length) === 47)
      ) return name;
    }
    return null;
  }

  /** Takes in the changes to {@link Tree.apps}. */
  #look(): void {
    this.#seen = this.#appChanges.count;
    this.#byName = new Map(Object.entries(this.apps));
    this.#byLength = Object.keys(this.apps).sort((a, b) => b.length - a.length);
  }

  /** The gateway entry point: routes a native request to its application. */
  handle(
    incoming: IncomingRequest,
  ): Promise<OutgoingResponse | Response> | OutgoingResponse | Response {
    const target = incoming.target;
    const q = target.indexOf("?");
    let rawPath = q < 0 ? target : target.slice(0, q);
    if (incoming.method === "CONNECT" && !rawPath.startsWith("/")) {
      // An authority (`host:port`): served at the path `/host:port`, as CherryPy does.
      rawPath = "/" + rawPath;
    } else if (!rawPath.startsWith("/")) {
      const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/]*/.exec(rawPath);
      if (m === null) return BAD_URI;
      rawPath = rawPath.slice(m[0].length) || "/";
    }
    let path: string;
    try {
      path = decodePath(rawPath);
    } catch {
      return BAD_URI;
    }
    const sn = this.scriptName(path);
    if (sn === null) return NOT_FOUND;
    const app = this.#byName.get(sn)!;
    if (app instanceof GraftedApp) return app.handle(incoming);
    return app.handle(incoming, path.slice(sn.length));
  }

  /** Answers a Fetch `Request` with whichever application is mounted for its path. */
  async fetch(request: Request): Promise<Response> {
    return toFetchResponse(await this.handle(new FetchIncoming(request)));
  }
}
