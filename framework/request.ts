/**
 * `Request`: one HTTP request as the framework sees it, and the pipeline that answers it
 * (dispatch, parameters, the handler, errors, finalizing, the access log).
 *
 * @module
 */

import { formatTraceback } from "../bus/mod.ts";
import type { IncomingRequest } from "../platform/mod.ts";
import { type ConfigDict, Dispatcher, type PageHandler } from "./dispatch.ts";
import { getErrorPage, HTTPError, NotFound } from "./errors.ts";
import { HeaderMap } from "./headers.ts";
import { type Params, parseQueryString } from "./httputil.ts";
import type { LogManager } from "./log.ts";
import { escapeLogValue, logTime } from "./log.ts";
import type { Response } from "./response.ts";

/** A network endpoint: `ip`, `port` and, when known, a host `name`. */
export class Host {
  /**
   * Creates the endpoint.
   *
   * @example
   * ```ts
   * import { Host } from "./request.ts";
   * const local = new Host("127.0.0.1", 8080);
   * ```
   */
  constructor(
    /** The IP address. */
    readonly ip: string,
    /** The port. */
    readonly port: number,
    /** The host name, when known. */
    readonly name: string = "",
  ) {}
}

/** What a request needs from the application serving it. */
export interface RequestApp {
  /** The mounted root object. */
  readonly root: unknown;
  /** Per-path config sections. */
  readonly config: Record<string, ConfigDict>;
  /** The global config, merged under the app's. */
  globalConfig(): ConfigDict;
  /** Finds a config value for `path`, walking up to `/`. */
  findConfig(path: string, key: string, defaultValue: unknown): unknown;
  /** The app's logs. */
  readonly log: LogManager;
}

const NO_BODY_PARAMS: ReadonlySet<string> = new Set();

/**
 * The request being served: available as `cherrypy.request` during the request. Attribute
 * names are CherryPy's (`path_info`, `query_string`, `is_index`, ...), so that config keys
 * such as `request.show_tracebacks` name them directly.
 *
 * @example Read the request from a handler
 * ```ts
 * import { request } from "./serving.ts";
 * function echo() {
 *   return `${request.method} ${request.path_info}?${request.query_string}`;
 * }
 * ```
 */
export class Request {
  /** The request before an internal redirect, if any. */
  prev: Request | null = null;
  /** The server end of the connection. */
  local: Host;
  /** The client end of the connection. */
  remote: Host;
  /** `"http"` or `"https"`. */
  scheme = "http";
  /** The protocol the server speaks. */
  server_protocol = "HTTP/1.1";
  /** `scheme://host`, from the Host header. */
  base = "";
  /** `GET /path?qs HTTP/1.1`. */
  request_line = "";
  /** The method (`"GET"`). */
  method = "GET";
  /** The raw query string (without `?`). */
  query_string = "";
  /** The protocol version in use, as `[major, minor]`. */
  protocol: [number, number] = [1, 1];
  /** Query-string (and later body) parameters. */
  params: Params = {};
  /** The mount point of the application. */
  script_name = "";
  /** The path below the mount point. */
  path_info = "/";
  /** The authenticated user name, if any. */
  login: string | null = null;
  /** The application serving the request. */
  app: RequestApp | null = null;
  /** The page handler found by dispatch. */
  handler: PageHandler | null = null;
  /** The config in effect for this request's path. */
  config: ConfigDict = {};
  /** Whether the handler was reached as an index (`/a/` → `a.index`). */
  is_index: boolean | null = null;
  /** The dispatcher (`request.dispatch` in config). */
  dispatch: Dispatcher = defaultDispatcher;
  /** Show tracebacks on error pages. */
  show_tracebacks = true;
  /** Name the mismatched parameters in 404/400 messages. */
  show_mismatched_params = true;
  /** Let errors propagate instead of answering 500. */
  throw_errors = false;
  /** Methods whose requests carry a body. */
  methods_with_bodies: readonly string[] = ["POST", "PUT", "PATCH"];
  /** Names of parameters that came from the body. */
  bodyParamNames: ReadonlySet<string> = NO_BODY_PARAMS;
  /** The native request, or `null` outside a real request. */
  readonly incoming: IncomingRequest | null;
  #headers: HeaderMap | undefined;

  /** Creates the request for `incoming` (or a default, request-less one). */
  constructor(incoming: IncomingRequest | null = null) {
    this.incoming = incoming;
    if (incoming === null) {
      this.local = new Host("127.0.0.1", 80);
      this.remote = new Host("127.0.0.1", 1111);
    } else {
      this.local = new Host(incoming.localAddress, incoming.localPort);
      this.remote = new Host(incoming.remoteAddress, incoming.remotePort);
      this.scheme = incoming.scheme;
      this.method = incoming.method;
    }
  }

  /** Request headers (names Title-Cased, lookups case-insensitive). */
  get headers(): HeaderMap {
    if (this.#headers === undefined) {
      this.#headers = new HeaderMap(this.incoming === null ? [] : this.incoming.headerEntries());
    }
    return this.#headers;
  }

  /** One header's value without building {@link Request.headers}. */
  header(name: string): string | null {
    if (this.#headers !== undefined) return this.#headers.get(name);
    return this.incoming?.header(name) ?? null;
  }
}

const defaultDispatcher = new Dispatcher();

/** Applies an HTTP error to the response: status, cleaned headers and the error page. */
export function setErrorResponse(error: HTTPError, request: Request, response: Response): void {
  const h = response.headers;
  for (
    const name of [
      "Accept-Ranges",
      "Age",
      "ETag",
      "Location",
      "Retry-After",
      "Vary",
      "Content-Encoding",
      "Content-Length",
      "Expires",
      "Content-Location",
      "Content-MD5",
      "Last-Modified",
    ]
  ) h.delete(name);
  if (error.code !== 416) h.delete("Content-Range");
  response.status = error.fullStatus;
  const traceback = request.show_tracebacks ? formatTraceback(error) : "";
  let content = getErrorPage(error.fullStatus, { message: error.errorMessage, traceback });
  h.set("Content-Type", "text/html;charset=utf-8");
  // Browsers replace short error pages with their own; pad them (CherryPy's _be_ie_unfriendly).
  const minLength = [400, 404, 406, 408, 409, 500, 501, 505].includes(error.code)
    ? 513
    : [403, 405, 410].includes(error.code)
    ? 257
    : 0;
  const length = new TextEncoder().encode(content).length;
  if (length < minLength) content += " ".repeat(minLength - length);
  response.body = content;
}

function splitTarget(target: string): [string, string] {
  const q = target.indexOf("?");
  return q < 0 ? [target, ""] : [target.slice(0, q), target.slice(q + 1)];
}

/** Runs the request pipeline for `request`/`response` below `pathInfo`. */
export async function respond(
  request: Request,
  response: Response,
  pathInfo: string,
): Promise<void> {
  try {
    try {
      if (request.app === null) throw new NotFound(request.script_name + pathInfo);
      const host = request.header("host");
      if (host === null && request.protocol[0] === 1 && request.protocol[1] >= 1) {
        throw new HTTPError(400, "HTTP/1.1 requires a 'Host' request header.");
      }
      request.base = `${request.scheme}://${
        host === null ? request.local.ip : host.replace(/[\r\n]/g, "")
      }`;
      const dispatch = request.app.findConfig(pathInfo, "request.dispatch", request.dispatch);
      (dispatch as Dispatcher).dispatch(pathInfo, request);
      applyRequestConfig(request, response);
      try {
        const query = parseQueryString(request.query_string);
        request.params = Object.assign(Object.create(null), request.params, query);
      } catch {
        throw new HTTPError(
          404,
          "The given query string could not be processed. Query strings for this resource " +
            "must be encoded with 'utf8'.",
        );
      }
      if (request.handler) response.body = await request.handler();
      await response.finalize();
    } catch (e) {
      if (!(e instanceof HTTPError)) throw e;
      setErrorResponse(e, request, response);
      await response.finalize();
    }
  } catch (e) {
    if (request.throw_errors) throw e;
    request.app?.log.error("", "HTTP", 40, e);
    setErrorResponse(new HTTPError(500), request, response);
    if (request.show_tracebacks) {
      response.body = getErrorPage(500, { traceback: formatTraceback(e) });
    }
    await response.finalize();
  }
}

function applyRequestConfig(request: Request, response: Response): void {
  for (const key in request.config) {
    if (key.startsWith("request.")) {
      (request as unknown as Record<string, unknown>)[key.slice(8)] = request.config[key];
    } else if (key.startsWith("response.headers.")) {
      response.headers.set(key.slice(17), String(request.config[key]));
    } else if (key.startsWith("response.")) {
      (response as unknown as Record<string, unknown>)[key.slice(9)] = request.config[key];
    }
  }
}

/**
 * Fills `request` from its native request: request line, path, query string and protocol.
 * Returns the decoded path (below the mount point).
 */
export function readRequestLine(request: Request, incoming: IncomingRequest, path: string): void {
  const [, qs] = splitTarget(incoming.target);
  request.query_string = qs;
  request.request_line = `${incoming.method} ${incoming.target} ${incoming.protocol}`;
  const slash = incoming.protocol.indexOf("/");
  const dot = incoming.protocol.indexOf(".");
  const major = Number(incoming.protocol.slice(slash + 1, dot));
  const minor = Number(incoming.protocol.slice(dot + 1));
  request.protocol = major > 1 || (major === 1 && minor >= 1) ? [1, 1] : [major, minor];
  request.path_info = path;
}

/** Writes the access-log line for a finished request. */
export function logAccess(log: LogManager, request: Request, response: Response): void {
  const len = response.headers.get("Content-Length");
  const line = `${request.remote.name || request.remote.ip} - ${
    request.login ?? "-"
  } ${logTime()} "${escapeLogValue(request.request_line)}" ${response.code} ${len ?? "-"} "${
    escapeLogValue(request.header("referer") ?? "")
  }" "${escapeLogValue(request.header("user-agent") ?? "")}"`;
  log.accessLine(line);
}

export { splitTarget };
