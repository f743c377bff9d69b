/**
 * `Application`: an object tree mounted with its config, answering requests through the
 * pipeline; also a Fetch handler of its own. The tree that routes requests to applications is
 * in `tree.ts`.
 *
 * @module
 */

import type { IncomingRequest, OutgoingResponse } from "../../platform/mod.ts";
import { tools as defaultTools } from "../tools/builtin_tools.ts";
import { readConfigFile } from "../config/config_file.ts";
import { type ConfigDict, invalidateDispatch } from "../core/types.ts";
import { RequestBody } from "../body/body.ts";
import { HTTPError } from "../core/errors.ts";
import { type FetchHandler, IncomingView } from "../../server/mod.ts";
import { FetchIncoming, toFetchResponse } from "./fetch.ts";
import { decodePath } from "../http/httputil.ts";
import { LogManager } from "../core/log.ts";
import type { RequestNamespaceHandler } from "./namespaces.ts";
import {
  closeRequest,
  isQuietError,
  type PipelineBody,
  readRequestLine,
  respond,
} from "./pipeline.ts";
import { InternalRedirect } from "../core/redirect.ts";
import { classHooks, Request as CPRequest } from "../core/request.ts";
import { Response as CPResponse } from "../core/response.ts";
import {
  bindServing,
  currentServing,
  followServing,
  runServing,
  type Serving,
} from "../core/serving.ts";
import type { Toolbox } from "../tools/tools.ts";
import { wrapClose } from "./_close.ts";
import { watchedRecord } from "./_watched.ts";

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
  /** Called at the start of each request, after it (the engine publishes `before_request`). */
  beforeRequest?(): Promise<unknown> | void;
  /** Called when a request ends, before `on_end_request` (the engine publishes `after_request`). */
  afterRequest?: (() => Promise<unknown> | void) | undefined;
  /** Tracks a response in progress for the timeout monitor; returns the untrack function. */
  trackResponse?(response: CPResponse): (() => void) | undefined;
}

const NO_DISPATCHER = Symbol("no dispatcher configured");

/** An application-scope namespace handler (`app.namespaces`), given each `key, value`. */
export type AppNamespaceHandler = (key: string, value: unknown) => void;

/** A Fetch middleware factory for `wsgi.pipeline`: `(next, options) => handler`. */
export type PipelineFactory = (
  next: FetchHandler,
  options: Record<string, unknown>,
) => FetchHandler;

const DEFAULT_BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);

/** The body of `request`: a {@link RequestBody} when the request may carry one. */
function makeRequestBody(request: CPRequest): PipelineBody | null {
  const incoming = request.incoming;
  if (incoming === null) return null;
  const source = incoming.body();
  if (source === null && !DEFAULT_BODY_METHODS.has(request.method)) return null;
  return new RequestBody(source, request.headers, {
    requestParams: request.params,
    method: request.method,
  });
}

classHooks.isQuiet = isQuietError;
classHooks.onError = (error) => currentServing().request.app?.log.error("", "", 40, error);

/**
 * An object tree mounted at a script name, with its own config; also a Fetch handler
 * (`app.fetch(request)`), so it runs without our server too.
 *
 * @example Using `Application`
 * ```ts
 * import { expose, tree } from "../../mod.ts";
 * class Root {
 *   @expose
 *   index() { return "Hello"; }
 * }
 * const app = tree.mount(new Root(), "/hello", { "/": { "request.show_tracebacks": false } });
 * const res = await app.fetch(new Request("http://localhost/hello/"));
 * console.log(await res.text()); // "Hello"
 * ```
 *
 * @example An application that is not mounted, served by another server
 * ```ts
 * import { Application, expose } from "../../mod.ts";
 * const app = new Application({ index: expose(() => "Hello") }, "", {
 *   "/": { "request.show_tracebacks": false },
 * });
 * export default { fetch: (request: Request) => app.fetch(request) };
 * ```
 */
export class Application {
  /**
   * The site of applications created without one (`new Application(root)`): the framework
   * sets it to the global one (`cherrypy.config`, `cherrypy.log`, the engine).
   */
  static defaultSite: Site | null = null;

  /** The root object of the tree. */
  readonly root: unknown;
  /** Per-path config sections. */
  readonly config: AppConfig = {};
  /** This application's logs (records also go to the global log). */
  readonly log: LogManager;
  /** Application-scope config namespaces (`log`, `wsgi`, and any you add), applied on merge. */
  readonly namespaces: Map<string, AppNamespaceHandler> = new Map();
  /** Request-scope namespaces for this application only. */
  readonly requestNamespaces: Map<string, RequestNamespaceHandler> = new Map();
  /** Toolboxes by config namespace (`{ tools }`); add custom ones here. */
  readonly toolboxes: Record<string, Toolbox>;
  /** Counts the changes to {@link Application.toolboxes}. */
  readonly toolboxChanges: { readonly count: number };
  /** Make `url()` results relative (`true`, `"server"`) instead of absolute. */
  relative_urls: boolean | "server" = false;
  /** Fetch middleware (`wsgi.pipeline`): `[name, factory]` pairs, outermost first. */
  pipeline: Array<[string, PipelineFactory]> = [];
  /** Options for pipeline factories (`wsgi.<name>.<option>`). */
  readonly pipelineOptions: Record<string, Record<string, unknown>> = {};
  readonly #site: Site;
  #scriptName = "";
  #piped: FetchHandler | null = null;

  /**
   * Creates the application (CherryPy's `cherrypy.Application(root, script_name, config)`);
   * most code calls `tree.mount` instead. Without `site`, the application belongs to
   * {@link Application.defaultSite}.
   */
  constructor(root: unknown, scriptName = "", config?: AppConfig | string, site?: Site) {
    const owner = site ?? Application.defaultSite;
    if (owner === null) {
      throw new Error(
        "An Application needs a site (global config and log): pass one, or import the " +
          "framework's mod.ts, which provides the global site.",
      );
    }
    this.root = root;
    this.script_name = scriptName;
    this.#site = owner;
    const toolboxes = watchedRecord<Toolbox>({ tools: defaultTools });
    this.toolboxes = toolboxes.record;
    this.toolboxChanges = toolboxes.changes;
    this.log = new LogManager({ parent: owner.log, screen: false });
    this.namespaces.set("log", (k, v) => {
      if (!(k in this.log)) throw new Error(`Unknown config key "log.${k}" for the app's log.`);
      (this.log as unknown as Record<string, unknown>)[k] = v;
    });
    this.namespaces.set("wsgi", (k, v) => this.#wsgiNamespace(k, v));
    if (config) this.merge(config);
  }

  /** The mount point (never ends with `/`; `""` for the site root). */
  get script_name(): string {
    return this.#scriptName;
  }
  set script_name(value: string) {
    this.#scriptName = value.replace(/\/+$/, "");
  }

  /** The global config. */
  globalConfig(): ConfigDict {
    return this.#site.globalConfig();
  }

  #wsgiNamespace(key: string, value: unknown): void {
    if (key === "pipeline") {
      if (!Array.isArray(value)) {
        throw new TypeError("wsgi.pipeline must be a list of [name, factory] pairs.");
      }
      this.pipeline = [...this.pipeline, ...(value as Array<[string, PipelineFactory]>)];
      this.#piped = null;
      return;
    }
    const dot = key.indexOf(".");
    if (dot < 0) throw new Error(`Unknown config key "wsgi.${key}".`);
    (this.pipelineOptions[key.slice(0, dot)] ??= {})[key.slice(dot + 1)] = value;
    this.#piped = null;
  }

  /**
   * Merges per-path config sections (or a config file's, given its path) into this
   * application's config, then applies the `/` section's application namespaces.
   */
  merge(config: AppConfig | string): void {
    if (typeof config === "string") {
      config = readConfigFile(config);
    }
    for (const [section, entries] of Object.entries(config)) {
      if (entries === null || typeof entries !== "object" || Array.isArray(entries)) {
        throw new TypeError(
          `Application config section ${JSON.stringify(section)} must be an object of ` +
            `"key": value entries; got ${JSON.stringify(entries)}.`,
        );
      }
      for (const ns in this.toolboxes) this.toolboxes[ns]!.checkSection(section, entries);
      this.config[section] = { ...this.config[section], ...entries };
    }
    invalidateDispatch();
    this.#dispatchers.clear();
    const root = this.config["/"];
    if (root) {
      for (const [key, value] of Object.entries(root)) {
        const dot = key.indexOf(".");
        if (dot < 0) continue;
        this.namespaces.get(key.slice(0, dot))?.(key.slice(dot + 1), value);
      }
    }
  }

  #dispatchers = new Map<string, unknown>();

  /** The `request.dispatch` configured for `path` (remembered per path until config changes). */
  dispatcherFor(path: string, defaultValue: unknown): unknown {
    let found = this.#dispatchers.get(path);
    if (found === undefined) {
      found = this.findConfig(path, "request.dispatch", NO_DISPATCHER);
      if (this.#dispatchers.size < 2000) this.#dispatchers.set(path, found);
    }
    return found === NO_DISPATCHER ? defaultValue : found;
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

  /** Makes the body object for a request (pipeline hook). */
  makeBody(request: CPRequest): PipelineBody | null {
    return makeRequestBody(request);
  }

  /** Serves one request whose path (below the mount point) is `pathInfo`. */
  handle(
    incoming: IncomingRequest,
    pathInfo: string,
  ): OutgoingResponse | Response | Promise<OutgoingResponse | Response> {
    if (this.pipeline.length > 0) {
      return Promise.resolve(this.#pipedHandler()(incoming.toRequest()));
    }
    return this.#serve(incoming, pathInfo, null, []);
  }

  #pipedHandler(): FetchHandler {
    if (this.#piped !== null) return this.#piped;
    let handler: FetchHandler = async (req) => toFetchResponse(await this.#serveFetch(req));
    for (let i = this.pipeline.length - 1; i >= 0; i--) {
      const [name, factory] = this.pipeline[i]!;
      handler = factory(handler, this.pipelineOptions[name] ?? {});
    }
    return this.#piped = handler;
  }

  #serveFetch(req: Request): OutgoingResponse | Promise<OutgoingResponse> {
    const incoming = new FetchIncoming(req);
    const path = decodePath(incoming.target.replace(/\?.*$/, ""));
    return this.#serve(incoming, path.slice(this.#scriptName.length), null, []);
  }

  /**
   * Answers a Fetch `Request` (its URL's path must lie below the mount point), without any
   * server: for tests, serverless platforms and other frameworks.
   */
  async fetch(request: Request): Promise<Response> {
    if (this.pipeline.length > 0) return await this.#pipedHandler()(request);
    return toFetchResponse(await this.#serveFetch(request));
  }

  #serve(
    incoming: IncomingRequest,
    pathInfo: string,
    prev: CPRequest | null,
    visited: string[],
  ): OutgoingResponse | Promise<OutgoingResponse> {
    const request = new CPRequest(incoming);
    const response = new CPResponse();
    request.app = this;
    request.prev = prev;
    request.script_name = this.#scriptName;
    readRequestLine(request, incoming, pathInfo);
    const serving: Serving = { request, response };
    return runServing(serving, () => this.#respond(incoming, request, response, pathInfo, visited));
  }

  #respond(
    incoming: IncomingRequest,
    request: CPRequest,
    response: CPResponse,
    pathInfo: string,
    visited: string[],
    opened = 0,
  ): OutgoingResponse | Promise<OutgoingResponse> {
    // The channels published as a request starts (acquire_thread, then before_request): when
    // one waits, the request goes on from the next once it is done.
    for (; opened < 2; opened++) {
      const site = this.#site;
      const waiting = opened === 0 ? site.acquireThread?.() : site.beforeRequest?.();
      if (waiting !== undefined) {
        const next = opened + 1;
        return waiting.then(
          bindServing(() => this.#respond(incoming, request, response, pathInfo, visited, next)),
        );
      }
    }
    let running;
    try {
      running = respond(this, request, response, pathInfo, this.log);
    } catch (e) {
      return this.#failed(incoming, request, e, visited, undefined);
    }
    if (running === undefined) return this.#finish(request, response, undefined);
    // Only a request that waits can run past its timeout: track it from now on.
    const untrack = this.#track(request, response);
    return running.then(
      bindServing(() => this.#finish(request, response, untrack)),
      bindServing((e: unknown) => this.#failed(incoming, request, e, visited, untrack)),
    );
  }

  /** Has the timeout monitor watch `response` (when it runs); returns the untrack function. */
  #track(request: CPRequest, response: CPResponse): (() => void) | undefined {
    const untrack = this.#site.trackResponse?.(response);
    if (untrack !== undefined) response.onTimedOut = () => request.abortForTimeout();
    return untrack;
  }

  async #failed(
    incoming: IncomingRequest,
    request: CPRequest,
    error: unknown,
    visited: string[],
    untrack: (() => void) | undefined,
  ): Promise<OutgoingResponse> {
    untrack?.();
    if (!(error instanceof InternalRedirect)) throw error;
    await closeRequest(request, this.log);
    return this.#redirect(incoming, request, error, visited);
  }

  #finish(
    request: CPRequest,
    response: CPResponse,
    untrack: (() => void) | undefined,
  ): OutgoingResponse {
    if (request.method === "HEAD") response.body = null;
    this.log.access(request, response);
    const out = response.toOutgoing();
    const site = this.#site;
    const streamed = out.body !== null && typeof out.body === "object" &&
      Symbol.asyncIterator in out.body;
    if (streamed) {
      untrack ??= this.#track(request, response);
    } else if (untrack !== undefined) {
      // The whole body is in hand: the response can no longer time out.
      untrack();
      untrack = undefined;
    }
    if (
      untrack === undefined && site.afterRequest === undefined &&
      !request.hooks.has("on_end_request") && request.body === undefined && !streamed
    ) {
      // Nothing listens for the end of this request: close it now, without scheduling.
      request.closed = true;
      return out;
    }
    const serving = { request, response };
    const close = () => {
      untrack?.();
      const after = site.afterRequest?.();
      if (after === undefined) return closeRequest(request, this.log);
      return after.then(bindServing(() => closeRequest(request, this.log)));
    };
    return wrapClose(out, () => runServing(serving, close));
  }

  #redirect(
    incoming: IncomingRequest,
    request: CPRequest,
    ir: InternalRedirect,
    visited: string[],
  ): OutgoingResponse | Promise<OutgoingResponse> {
    const oldUri = this.#scriptName + request.path_info +
      (request.query_string ? "?" + request.query_string : "");
    visited = [...visited, oldUri];
    const newUri = this.#scriptName + ir.path + (ir.query_string ? "?" + ir.query_string : "");
    if (!request.recursive_redirect && visited.includes(newUri)) {
      const error = new Error(`InternalRedirector visited the same URL twice: '${newUri}'`);
      const response = new CPResponse();
      return runServing({ request, response }, async () => {
        followServing();
        this.log.error("", "HTTP", 40, error);
        new HTTPError(500).setResponse(error);
        await response.finalize();
        this.log.access(request, response);
        return response.toOutgoing();
      });
    }
    const redirected = new RedirectedIncoming(incoming, newUri);
    return this.#serve(redirected, ir.path, request, visited);
  }
}

/** The incoming request of an internal redirect: a GET for another URI, without a body. */
class RedirectedIncoming extends IncomingView {
  readonly #target: string;
  constructor(inner: IncomingRequest, target: string) {
    super(inner);
    this.#target = target;
  }
  override get method(): string {
    return "GET";
  }
  override get target(): string {
    return this.#target;
  }
  override header(name: string): string | null {
    return BODY_HEADERS.has(name.toLowerCase()) ? null : this.inner.header(name);
  }
  override *headerEntries(): Iterable<[string, string]> {
    for (const entry of this.inner.headerEntries()) {
      if (!BODY_HEADERS.has(entry[0])) yield entry;
    }
  }
  override body(): null {
    return null;
  }
  override toRequest(): Request {
    const original = this.inner.toRequest();
    return new Request(new URL(this.target, original.url), {
      method: "GET",
      headers: [...this.headerEntries()],
    });
  }
}

/** Headers describing a request body, which an internal redirect drops with the body. */
const BODY_HEADERS = new Set(["content-length", "transfer-encoding", "content-type"]);
