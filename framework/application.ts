/**
 * `Application` and `Tree`: mounted object trees and the gateway that routes requests to them.
 *
 * @module
 */

import type { IncomingRequest, OutgoingResponse } from "../platform/mod.ts";
import type { ConfigDict } from "./dispatch.ts";
import { decodePath } from "./httputil.ts";
import type { LogManager } from "./log.ts";
import { logAccess, readRequestLine, Request, respond, splitTarget } from "./request.ts";
import { Response } from "./response.ts";
import { runServing } from "./serving.ts";

/** Per-path configuration: `{ "/": { key: value }, "/static": { ... } }`. */
export type AppConfig = Record<string, ConfigDict>;

/** Where an application finds the global config and logs. */
export interface Site {
  /** The global config. */
  globalConfig(): ConfigDict;
  /** The global log. */
  readonly log: LogManager;
  /** Called at the start of each request (the engine publishes `acquire_thread`). */
  acquireThread?(): Promise<unknown> | void;
}

/**
 * An object tree mounted at a script name, with its own config.
 *
 * @example
 * ```ts
 * import { expose, tree } from "../mod.ts";
 * class Root {
 *   @expose
 *   index() { return "Hello"; }
 * }
 * const app = tree.mount(new Root(), "/hello", { "/": { "request.show_tracebacks": false } });
 * console.log(app.script_name); // "/hello"
 * ```
 */
export class Application {
  /** The root object of the tree. */
  readonly root: unknown;
  /** Per-path config sections. */
  readonly config: AppConfig = {};
  readonly #site: Site;
  #scriptName = "";

  /** Creates the application; most code calls `tree.mount` instead. */
  constructor(root: unknown, scriptName: string, config: AppConfig | undefined, site: Site) {
    this.root = root;
    this.script_name = scriptName;
    this.#site = site;
    if (config) this.merge(config);
  }

  /** The mount point (never ends with `/`; `""` for the site root). */
  get script_name(): string {
    return this.#scriptName;
  }
  set script_name(value: string) {
    this.#scriptName = value.replace(/\/+$/, "");
  }

  /** The app's logs (the global ones). */
  get log(): LogManager {
    return this.#site.log;
  }

  /** The global config. */
  globalConfig(): ConfigDict {
    return this.#site.globalConfig();
  }

  /** Merges per-path config sections into this application's config. */
  merge(config: AppConfig): void {
    for (const [section, entries] of Object.entries(config)) {
      if (entries === null || typeof entries !== "object" || Array.isArray(entries)) {
        throw new TypeError(
          `Application config section ${JSON.stringify(section)} must be an object of ` +
            `"key": value entries; got ${JSON.stringify(entries)}.`,
        );
      }
      this.config[section] = { ...this.config[section], ...entries };
    }
  }

  /** The value of `key` for `path`, looking in `/a/b`, `/a`, then `/`. */
  findConfig(path: string, key: string, defaultValue: unknown): unknown {
    let trail = path || "/";
    for (;;) {
      const section = this.config[trail];
      if (section && key in section) return section[key];
      if (trail === "/" || trail === "") break;
      const cut = trail.lastIndexOf("/");
      trail = cut <= 0 ? "/" : trail.slice(0, cut);
    }
    return defaultValue;
  }

  /** Serves one request whose path (below the mount point) is `pathInfo`. */
  handle(incoming: IncomingRequest, pathInfo: string): Promise<OutgoingResponse> {
    const request = new Request(incoming);
    const response = new Response();
    request.app = this;
    request.script_name = this.#scriptName;
    readRequestLine(request, incoming, pathInfo);
    const site = this.#site;
    return runServing({ request, response }, async () => {
      const acquired = site.acquireThread?.();
      if (acquired !== undefined) await acquired;
      await respond(request, response, pathInfo);
      if (request.method === "HEAD") response.body = null;
      logAccess(this.log, request, response);
      return response.toOutgoing();
    });
  }
}

const NOT_FOUND: OutgoingResponse = { status: 404, headers: [], body: null };
const BAD_URI: OutgoingResponse = {
  status: 400,
  headers: [["Content-Type", "text/plain"]],
  body: "Malformed Request-URI",
};

/**
 * The mounted applications by script name; also the gateway the HTTP server calls.
 *
 * @example
 * ```ts
 * import { expose, tree } from "../mod.ts";
 * const blog = { index: expose(() => "the blog") };
 * tree.mount(blog, "/blog");
 * tree.scriptName("/blog/2026/11"); // "/blog"
 * ```
 */
export class Tree {
  /** Applications by script name (`""` is the site root). */
  readonly apps: Record<string, Application> = {};
  readonly #site: Site;

  /** Creates an empty tree for `site`. */
  constructor(site: Site) {
    this.#site = site;
  }

  /**
   * Mounts `root` (an object tree or an {@link Application}) at `scriptName` with `config`
   * sections; returns the application.
   */
  mount(root: unknown, scriptName = "", config?: AppConfig): Application {
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
      app = new Application(root, name, config, this.#site);
    }
    this.apps[app.script_name] = app;
    return app;
  }

  /** The script name of the application serving `path`, or `null` when none does. */
  scriptName(path: string): string | null {
    let candidate = path;
    for (;;) {
      if (candidate in this.apps) return candidate;
      if (candidate === "") return null;
      candidate = candidate.slice(0, Math.max(candidate.lastIndexOf("/"), 0));
    }
  }

  /** The gateway entry point: routes a native request to its application. */
  handle(incoming: IncomingRequest): Promise<OutgoingResponse> | OutgoingResponse {
    let [rawPath] = splitTarget(incoming.target);
    if (!rawPath.startsWith("/")) {
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
    const app = this.apps[sn]!;
    return app.handle(incoming, path.slice(sn.length));
  }
}
