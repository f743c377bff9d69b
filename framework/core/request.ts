/**
 * `Request`: one HTTP request as the framework sees it (`cherrypy.request`).
 *
 * @module
 */

import type { IncomingRequest } from "../../platform/mod.ts";
import type { ConfigDict, DispatcherLike, PageHandler } from "./types.ts";
// Type only: the body folder builds on core, and a request holds its body.
import type { RequestBody } from "../body/body.ts";
import { type ErrorPage, HTTPError } from "./errors.ts";
import { parseRequestCookies, SimpleCookie } from "./cookies.ts";
import { CPHeaderMap } from "./header_elements.ts";
import { HookMap } from "./hooks.ts";
import { decodeText, type Params } from "../http/httputil.ts";
import type { LogManager } from "./log.ts";
import { currentServing } from "./serving.ts";
import type { ToolMap } from "../tools/tools.ts";

/** A network endpoint: `ip`, `port` and, when known, a host `name`. */
export class Host {
  /**
   * Creates the endpoint.
   *
   * @example Using `constructor`
   * ```ts
   * import { Host } from "./mod.ts";
   * const local = new Host("127.0.0.1", 8080);
   * ```
   */
  constructor(ip: string, port: number, name = "") {
    this.ip = ip;
    this.port = port;
    this.name = name;
  }

  /** The IP address. */
  readonly ip: string;
  /** The port. */
  readonly port: number;
  /** The host name, when known. */
  readonly name: string;
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
  /** Make `url()` results relative (`true`, `"server"`) instead of absolute. */
  readonly relative_urls?: boolean | "server";
}

const NO_BODY_PARAMS: ReadonlySet<string> = new Set();
/**
 * The prototype of `request.params`: empty and without a prototype of its own, so names such
 * as `toString` are never found, while the params object itself stays a fast object.
 */
const NO_PROTOTYPE: object = Object.freeze(Object.create(null));

/** Request headers whose repeated values are joined with ", " (RFC 9110 list headers). */
const COMMA_SEPARATED = new Set([
  "accept",
  "accept-charset",
  "accept-encoding",
  "accept-language",
  "accept-ranges",
  "allow",
  "cache-control",
  "connection",
  "content-encoding",
  "content-language",
  "expect",
  "if-match",
  "if-none-match",
  "pragma",
  "proxy-authenticate",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "vary",
  "via",
  "warning",
  "www-authenticate",
]);

/** What `requestLineSource` returns (set by the class, which sees its private field). */
let lineSource: (request: Request) => IncomingRequest | null;

/**
 * The request being served: available as `cherrypy.request` during the request. Attribute
 * names are CherryPy's (`path_info`, `query_string`, `is_index`, ...), so that config keys
 * such as `request.show_tracebacks` name them directly.
 *
 * @example Read the request from a handler
 * ```ts
 * import { request } from "../../mod.ts";
 * function echo() {
 *   return `${request.method} ${request.path_info}?${request.query_string}`;
 * }
 * ```
 */
export class Request {
  /**
   * Any other attribute: tools and handlers may keep per-request values on the request
   * (`cherrypy.request.db = ...`), as CherryPy code does.
   */
  [attribute: string]: unknown;
  /** The request before an internal redirect, if any. */
  prev: Request | null = null;
  #local: Host | undefined;
  #remote: Host | undefined;
  /** `"http"` or `"https"`. */
  scheme = "http";
  /** The protocol the server speaks. */
  declare server_protocol: string;
  /** `scheme://host`, from the Host header. */
  base = "";
  #requestLine: string | undefined;
  /** The method (`"GET"`). */
  method = "GET";
  /** The raw query string (without `?`). */
  query_string = "";
  /** The protocol version in use, as `[major, minor]`. */
  protocol: readonly [number, number] = HTTP_11;
  /** Query-string (and later body) parameters. */
  params: Params = Object.create(NO_PROTOTYPE);
  /** The mount point of the application. */
  script_name = "";
  /** The path below the mount point. */
  path_info = "/";
  /** The authenticated user name, if any. */
  declare login: string | null;
  /** The application serving the request. */
  app: RequestApp | null = null;
  /** The page handler found by dispatch. */
  handler: PageHandler | null = null;
  /** The config in effect for this request's path. */
  config: ConfigDict = {};
  /** Whether the handler was reached as an index (`/a/` → `a.index`). */
  is_index: boolean | null = null;
  /** The dispatcher (`request.dispatch` in config). */
  declare dispatch: DispatcherLike;
  /** Show tracebacks on error pages. */
  show_tracebacks = true;
  /** Name the mismatched parameters in 404/400 messages. */
  declare show_mismatched_params: boolean;
  /** Let errors propagate instead of answering 500. */
  declare throw_errors: boolean;
  /** The charset the query string's percent-escapes are decoded with (`utf8`, or `latin1`). */
  declare query_string_encoding: string;
  /** Methods whose requests carry a body. */
  declare methods_with_bodies: readonly string[];
  /** Names of parameters that came from the body. */
  declare bodyParamNames: ReadonlySet<string>;
  /**
   * The request body (a `RequestBody`) when the method may carry one:
   * `await cherrypy.request.body!.text()`. `undefined` for `GET` and the like.
   */
  declare body: RequestBody | undefined;
  /** Whether to read and parse the body (off for methods not in `methods_with_bodies`). */
  process_request_body = true;
  /** Each toolbox's config entries for this request, by namespace then tool name. */
  toolmaps: Record<string, ToolMap> = NO_TOOLMAPS;
  /** Custom error pages by status code (`"404"`) or `"default"` (`error_page.*` config). */
  declare error_page: Record<string, ErrorPage>;
  /** Sets the response for an unexpected error (by default a 500 error page). */
  declare error_response: () => unknown;
  /** The error being handled, on the error path. */
  declare error: unknown;
  /** Where the pipeline is (`"before_handler"`, `"handler"`, ...), for error reports. */
  stage: string | null = null;
  /** `true` once the request is finished (after `on_end_request`). */
  closed = false;
  /** Allow internal redirects to revisit a URL already visited in the same chain. */
  declare recursive_redirect: boolean;
  /** The native request, or `null` outside a real request. */
  readonly incoming: IncomingRequest | null;
  #headers: CPHeaderMap | undefined;
  #cookie: SimpleCookie | undefined;
  #signal: AbortSignal | undefined;
  #timeout: AbortController | undefined;
  #uniqueId: string | undefined;
  #hooks: HookMap | undefined;

  /** Creates the request for `incoming` (or a default, request-less one). */
  constructor(incoming: IncomingRequest | null = null) {
    this.incoming = incoming;
    if (incoming !== null) {
      this.scheme = incoming.scheme;
      this.method = incoming.method;
    }
  }

  static {
    lineSource = (request) => request.#requestLine === undefined ? request.incoming : null;
  }

  /** `GET /path?qs HTTP/1.1` (from the native request, unless set). */
  get request_line(): string {
    if (this.#requestLine === undefined) {
      const incoming = this.incoming;
      this.#requestLine = incoming === null
        ? ""
        : `${incoming.method} ${incoming.target} ${incoming.protocol}`;
    }
    return this.#requestLine;
  }
  set request_line(value: string) {
    this.#requestLine = value;
  }

  /** The hooks attached for this request (tools attach theirs when they are on). */
  get hooks(): HookMap {
    return this.#hooks ??= classHooks.fork();
  }
  set hooks(value: HookMap) {
    this.#hooks = value;
  }

  /** The server end of the connection. */
  get local(): Host {
    const incoming = this.incoming;
    return this.#local ??= incoming === null
      ? new Host("127.0.0.1", 80)
      : new Host(incoming.localAddress, incoming.localPort);
  }
  set local(value: Host) {
    this.#local = value;
  }

  /** The client end of the connection. */
  get remote(): Host {
    const incoming = this.incoming;
    return this.#remote ??= incoming === null
      ? new Host("127.0.0.1", 1111)
      : new Host(incoming.remoteAddress, incoming.remotePort);
  }
  set remote(value: Host) {
    this.#remote = value;
  }

  /** Request headers (names Title-Cased, lookups case-insensitive). */
  get headers(): CPHeaderMap {
    if (this.#headers === undefined) {
      // A repeated header of a comma-separated kind is joined with ", " (as CherryPy's server
      // does); for any other, the last one wins.
      const joined = new Map<string, [string, string]>();
      for (const [name, value] of this.incoming === null ? [] : this.incoming.headerEntries()) {
        const key = name.toLowerCase();
        const had = joined.get(key);
        joined.set(
          key,
          had !== undefined && COMMA_SEPARATED.has(key) ? [had[0], `${had[1]}, ${value}`] : [
            had?.[0] ?? name,
            value,
          ],
        );
      }
      const headers = new CPHeaderMap();
      for (const [name, value] of joined.values()) {
        // RFC 2047 encoded words are decoded (CherryPy's decode_TEXT_maybe); the Host header
        // loses line breaks (CherryPy's SanitizedHost).
        const text = value.includes("=?") ? decodeText(value) : value;
        headers.set(
          name,
          name.length === 4 && name.toLowerCase() === "host" ? text.replace(/[\r\n]/g, "") : text,
        );
      }
      this.#headers = headers;
    }
    return this.#headers;
  }
  set headers(value: CPHeaderMap) {
    // A tool may put a map of its own in place (autovary watches which headers are read).
    this.#headers = value;
  }

  /**
   * The request's cookies (`request.cookie.get("name")?.value`). A malformed Cookie header
   * is a 400 (raised when the request's headers are processed).
   */
  get cookie(): SimpleCookie {
    if (this.#cookie === undefined) {
      const header = this.header("cookie");
      this.#cookie = header === null ? new SimpleCookie() : parseRequestCookies([header]);
    }
    return this.#cookie;
  }
  set cookie(value: SimpleCookie) {
    this.#cookie = value;
  }

  /** One header's value without building {@link Request.headers}. */
  header(name: string): string | null {
    if (this.#headers !== undefined) return this.#headers.get(name);
    return this.incoming?.header(name) ?? null;
  }

  /**
   * Aborted when the client goes away before the response is complete, or when the response
   * times out (`response.timeout`): pass it to `fetch`, database drivers and timers so that
   * abandoned work stops.
   */
  get signal(): AbortSignal {
    if (this.#signal === undefined) {
      const signals: AbortSignal[] = [];
      if (this.incoming !== null) signals.push(this.incoming.signal);
      signals.push((this.#timeout ??= new AbortController()).signal);
      this.#signal = signals.length === 1 ? signals[0]! : AbortSignal.any(signals);
    }
    return this.#signal;
  }

  /** Aborts {@link Request.signal} because the response timed out. */
  abortForTimeout(): void {
    (this.#timeout ??= new AbortController()).abort(
      new DOMException("The response timed out.", "TimeoutError"),
    );
  }

  /** A unique id for this request (a UUID), for logs (`{i}` in the access-log format). */
  get unique_id(): string {
    return this.#uniqueId ??= crypto.randomUUID();
  }
}

const HTTP_11: readonly [number, number] = Object.freeze([1, 1]) as readonly [number, number];
const DEFAULT_METHODS_WITH_BODIES: readonly string[] = Object.freeze(["POST", "PUT", "PATCH"]);
const NO_TOOLMAPS: Record<string, ToolMap> = Object.freeze({}) as Record<string, ToolMap>;
/** The shared, empty `error_page` of requests without custom error pages (replace, never fill). */
export const NO_ERROR_PAGES: Record<string, ErrorPage> = Object.freeze({}) as Record<
  string,
  ErrorPage
>;

/**
 * The native request whose method, target and protocol make `request`'s request line, while
 * that line was neither set nor read (the access log writes the three parts without joining
 * them into a string it would then have to walk); `null` once it was.
 */
export function requestLineSource(request: Request): IncomingRequest | null {
  return lineSource(request);
}

/** The hooks every request starts with (CherryPy's class-level `Request.hooks`). */
export const classHooks: HookMap = new HookMap();

// The defaults no request changes unless told to live on the prototype, as CherryPy keeps them
// on the class: a request carries only what it sets.
Object.assign(Request.prototype, {
  server_protocol: "HTTP/1.1",
  login: null,
  show_mismatched_params: true,
  throw_errors: false,
  query_string_encoding: "utf8",
  methods_with_bodies: DEFAULT_METHODS_WITH_BODIES,
  bodyParamNames: NO_BODY_PARAMS,
  error_page: NO_ERROR_PAGES,
  error_response: defaultErrorResponse,
  error: undefined,
  recursive_redirect: false,
});

/** The default `request.error_response`: a 500 error page for the error being handled. */
export function defaultErrorResponse(): void {
  new HTTPError(500).setResponse(currentServing().request.error);
}
