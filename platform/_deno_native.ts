/**
 * The Deno platform's `"native"` engine: `Deno.serve` (Deno's HTTP server, in Rust, with HTTP/2)
 * serving the platform's gateway interface. What Deno's request does not say (the protocol
 * version) is inferred, and responses are shaped for Deno's fast paths.
 *
 * @module
 */

import { declaredLength, TOO_LARGE_BODY } from "./_body.ts";
import {
  BodyState,
  BodyWatch,
  ConnectionCut,
  isSized,
  refusalResponse,
  unimplementedCoding,
  unreadBodyResponse,
  watchedBody,
} from "./_deno_body.ts";
import { validHost } from "./_http1.ts";
import {
  checkReusePort,
  INTERNAL_ERROR_BODY,
  isAsyncIterable,
  isBodylessStatus,
  targetOfUrl,
} from "./_shared.ts";
import type { DenoApi, DenoNetAddr } from "./deno_api.ts";
import {
  BadRequestError,
  type BoundAddress,
  type IncomingRequest,
  type NativeServer,
  type OutgoingResponse,
  PayloadTooLargeError,
  RequestTimeoutError,
  type ServeOptions,
} from "./types.ts";

type StreamFrom = { from(source: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> };

/** What every request of one server shares. */
interface ServeContext {
  /** The bound address (set once listening). */
  local: BoundAddress;
  readonly scheme: string;
  readonly maxBody: number;
  readonly timeoutMs: number;
}

/**
 * What Deno's request does not say outright: the protocol version and, for HTTP/2, the
 * `:authority` that stands for `Host`. Deno builds `req.url` from the Host header, from the
 * HTTP/2 `:authority`, or (neither given) from `localhost:PORT`. So a request with a Host header
 * is HTTP/1.1 (HTTP/1.0 with Host looks the same); one without is HTTP/2 over TLS, where clients
 * always negotiate it by ALPN, and on cleartext HTTP/2 (prior knowledge) when its authority is not
 * Deno's stand-in, HTTP/1.0 otherwise.
 */
function versionOf(url: string, ctx: ServeContext): { protocol: string; authority: string } {
  const start = url.indexOf("//") + 2;
  const slash = url.indexOf("/", start);
  const authority = url.slice(start, slash < 0 ? url.length : slash);
  const h2 = ctx.scheme === "https" || authority !== `localhost:${ctx.local.port}`;
  return { protocol: h2 ? "HTTP/2" : "HTTP/1.0", authority };
}

class DenoIncoming implements IncomingRequest {
  readonly method: string;
  readonly protocol: string;
  readonly #req: Request;
  readonly #info: { readonly remoteAddr: DenoNetAddr };
  readonly #ctx: ServeContext;
  /** The Host header, already read by the server (each header read is a call into Deno). */
  readonly #host: string | null;
  /** True when `#host` came from the URL (HTTP/2's `:authority`), not a Host header. */
  readonly #authority: boolean;
  #target: string | undefined;
  /** How far the application read the body (`null`: the request has none). */
  readonly watch: BodyWatch | null;

  constructor(
    req: Request,
    method: string,
    info: { readonly remoteAddr: DenoNetAddr },
    ctx: ServeContext,
    host: string | null,
    hasBody: boolean,
  ) {
    this.#req = req;
    this.#info = info;
    this.method = method;
    this.#ctx = ctx;
    if (host === null) {
      const { protocol, authority } = versionOf(req.url, ctx);
      this.protocol = protocol;
      this.#host = protocol === "HTTP/2" ? authority : null;
    } else {
      this.protocol = "HTTP/1.1";
      this.#host = host;
    }
    this.#authority = host === null && this.#host !== null;
    this.watch = hasBody ? new BodyWatch() : null;
  }

  get scheme(): string {
    return this.#ctx.scheme;
  }

  // The peer address costs Deno a call into the runtime: read it only when asked for.
  get remoteAddress(): string {
    return this.#info.remoteAddr.hostname ?? "";
  }
  get remotePort(): number {
    return this.#info.remoteAddr.port ?? 0;
  }
  get localAddress(): string {
    return this.#ctx.local.hostname;
  }
  get localPort(): number {
    return this.#ctx.local.port;
  }

  get target(): string {
    return this.#target ??= targetOfUrl(this.#req.url);
  }

  header(name: string): string | null {
    if (name === "host" || name === "Host") return this.#host;
    return this.#req.headers.get(name);
  }

  headerEntries(): Iterable<[string, string]> {
    if (!this.#authority) return this.#req.headers;
    return [["host", this.#host!], ...this.#req.headers];
  }

  body(): AsyncIterable<Uint8Array> | null {
    const body = this.#req.body;
    if (body === null) return null;
    const length = declaredLength(this.#req.headers.get("content-length"));
    return watchedBody(body, this.watch!, length, this.#ctx.maxBody, this.#ctx.timeoutMs);
  }

  get signal(): AbortSignal {
    return this.#req.signal;
  }

  toRequest(): Request {
    const req = this.#req;
    if (req.body === null) return req;
    const init: RequestInit & { duplex: "half" } = {
      method: req.method,
      headers: req.headers,
      signal: req.signal,
      body: (ReadableStream as unknown as StreamFrom).from(this.body()!),
      duplex: "half",
    };
    return new Request(req.url, init);
  }
}

/**
 * The header list Deno needs for a body of known size: `Content-Length` left out, since Deno
 * computes it for string and byte bodies and sends its own whatever the list says.
 */
function withoutLength(headers: Array<[string, string]>): Array<[string, string]> {
  for (let i = 0; i < headers.length; i++) {
    const name = headers[i]![0];
    if (name.length === 14 && name.toLowerCase() === "content-length") {
      return headers.filter((h) => h[0].length !== 14 || h[0].toLowerCase() !== "content-length");
    }
  }
  return headers;
}

/** The Content-Type values Deno sends a static 200 response with on its fast path. */
const FAST_CONTENT_TYPES: ReadonlySet<string> = new Set([
  "text/plain",
  "text/plain;charset=UTF-8",
  "application/json",
]);

function toResponse(out: OutgoingResponse | Response): Response {
  if (out instanceof Response) return out;
  const status = out.status;
  let body = out.body;
  let headers = out.headers;
  const sized = typeof body === "string" || body instanceof Uint8Array;
  if (isBodylessStatus(status)) body = null;
  else if (sized) headers = withoutLength(headers);
  else if (isAsyncIterable(body) && !(body instanceof ReadableStream)) {
    body = (ReadableStream as unknown as StreamFrom).from(body);
  }
  // Deno always sends the standard reason phrase, so out.statusText is not passed on. A 200
  // with a string or byte body and a lone Content-Type Deno knows takes Deno's fastest path,
  // which builds no Headers object at all (and sends the name in lower case).
  if (status === 200 && sized) {
    if (headers.length === 1) {
      const [name, value] = headers[0]!;
      if (FAST_CONTENT_TYPES.has(value) && name.toLowerCase() === "content-type") {
        return new Response(body as BodyInit, { headers: { "content-type": value } });
      }
    }
    const ct = contentTypeAt(headers);
    if (ct >= 0 && headers.length > 1) return withExtraHeaders(body as BodyInit, headers, ct);
  }
  return new Response(body as BodyInit | null, { status, headers });
}

function contentTypeAt(headers: Array<[string, string]>): number {
  for (let i = 0; i < headers.length; i++) {
    const name = headers[i]![0];
    if (name.length === 12 && name.toLowerCase() === "content-type") return i;
  }
  return -1;
}

/**
 * A 200 made with its Content-Type alone, the other headers appended after: Deno then sends it
 * on its general path, which costs less than the native response it prepares for a 200 made
 * with several headers (measured on Deno 2.9: about 1.4 µs a request less).
 */
function withExtraHeaders(body: BodyInit, headers: Array<[string, string]>, ct: number): Response {
  const response = new Response(body, { headers: [headers[ct]!] });
  const target = response.headers;
  for (let i = 0; i < headers.length; i++) {
    if (i !== ct) target.append(headers[i]![0], headers[i]![1]);
  }
  return response;
}

/** An HTTP method token in upper case. */
const VALID_METHOD = /^[A-Z][A-Z0-9_-]*$/;

function validMethod(method: string): boolean {
  return method === "GET" || method === "POST" || method === "HEAD" || VALID_METHOD.test(method);
}

/** A refusal: plain text, and the connection closes after it. */
function plain(status: number, text: string): OutgoingResponse {
  return { status, headers: [["content-type", "text/plain"], ["connection", "close"]], body: text };
}

/** The response for an error the handler threw (or a body read failed with). */
function failure(error: unknown, onError?: (e: unknown) => void): OutgoingResponse {
  onError?.(error);
  if (error instanceof PayloadTooLargeError) return plain(413, TOO_LARGE_BODY);
  if (error instanceof RequestTimeoutError) return plain(408, "Request Timeout");
  if (error instanceof BadRequestError) return plain(400, error.message);
  return { status: 500, headers: [["content-type", "text/plain"]], body: INTERNAL_ERROR_BODY };
}

/**
 * The Response for `out`. When the request body (`body`, watched by `watch`) was not read to the
 * end, the rest is read and dropped if small, and the connection closed otherwise (or when the
 * response says `Connection: close`): Deno would read the rest of it, however large.
 */
function respond(
  out: OutgoingResponse | Response,
  body: ReadableStream<Uint8Array> | null,
  watch: BodyWatch | null,
): Response | Promise<Response> {
  if (body === null || watch?.state === BodyState.Complete) return toResponse(out);
  // A streamed body or a Fetch Response: Deno reads and drops the rest of the request body.
  if (out instanceof Response || !isSized(out.body) || isBodylessStatus(out.status)) {
    return toResponse(out);
  }
  const untouched = watch === null || watch.state === BodyState.Untouched;
  const close = out.headers.some(([n, v]) => n.toLowerCase() === "connection" && /close/i.test(v));
  return unreadBodyResponse(out, untouched ? body : null, close).then((r) => r ?? toResponse(out));
}

/** Deno's `onError`: reports the error (a cut connection is no error) and answers 500. */
function onServeError(error: unknown, onError?: (e: unknown) => void): Response {
  if (!(error instanceof ConnectionCut)) onError?.(error);
  return new Response(INTERNAL_ERROR_BODY, {
    status: 500,
    headers: { "content-type": "text/plain", "connection": "close" },
  });
}

/** The message Node's engine (and cheroot) gives a CONNECT, whose target is never a path. */
const NOT_ORIGIN_FORM = "Invalid path in Request-URI: request-target must contain origin-form " +
  'which starts with absolute-path (URI starting with a slash "/").';

export async function serveNative(D: DenoApi, options: ServeOptions): Promise<NativeServer> {
  let listening!: () => void;
  const listened = new Promise<void>((resolve) => listening = resolve);
  const { onError, handler } = options;
  const maxBody = options.maxBodySize ?? 0;
  const ctx: ServeContext = {
    local: { transport: "tcp", hostname: "", port: 0 },
    scheme: options.tls ? "https" : "http",
    maxBody,
    timeoutMs: options.timeoutMs ?? 0,
  };
  const serveOptions: Parameters<DenoApi["serve"]>[0] = {
    onListen(addr) {
      ctx.local = {
        transport: addr.transport === "unix" ? "unix" : "tcp",
        hostname: addr.hostname ?? addr.path ?? "",
        port: addr.port ?? 0,
      };
      listening();
    },
    onError: (e) => onServeError(e, onError),
  };
  const failWithoutBody = (e: unknown) => toResponse(failure(e, onError));
  if (options.path) {
    try {
      if (D.lstatSync(options.path).isSocket) D.removeSync(options.path);
    } catch { /* no stale socket */ }
    serveOptions.path = options.path;
  } else {
    serveOptions.hostname = options.hostname;
    serveOptions.port = options.port;
    if (options.reusePort) serveOptions.reusePort = true;
  }
  if (options.tls) {
    serveOptions.cert = options.tls.cert;
    serveOptions.key = options.tls.key;
  }
  checkReusePort(options.reusePort, typeof D.listenDatagram === "function");
  const server = D.serve(serveOptions, (req, info) => {
    // Deno builds req.url from the raw Host header and accepts any method casing: refuse
    // what would let a request reach another path, or that no HTTP/1.1 parser accepts.
    const body = req.body;
    const host = req.headers.get("host");
    if (host !== null && !validHost(host)) {
      return refusalResponse(plain(400, "Invalid Host header."), body);
    }
    const method = req.method;
    if (!validMethod(method)) {
      return refusalResponse(
        plain(400, "Malformed method name: methods are case-sensitive and uppercase."),
        body,
      );
    }
    if (method === "CONNECT") return refusalResponse(plain(400, NOT_ORIGIN_FORM), body);
    if (body !== null) {
      // Deno decodes a chunked body whatever codings come before chunked: refuse them, as
      // cheroot does (501), and do not read the body.
      const te = req.headers.get("transfer-encoding");
      if (te !== null && unimplementedCoding(te)) {
        return refusalResponse(plain(501, "Unimplemented"), body);
      }
      if (maxBody > 0 && (declaredLength(req.headers.get("content-length")) ?? 0) > maxBody) {
        return refusalResponse(plain(413, TOO_LARGE_BODY), body);
      }
    }
    const incoming = new DenoIncoming(req, method, info, ctx, host, body !== null);
    const watch = incoming.watch;
    let result;
    try {
      result = handler(incoming);
    } catch (e) {
      return respond(failure(e, onError), body, watch);
    }
    if (body === null) {
      return result instanceof Promise
        ? result.then(toResponse, failWithoutBody)
        : toResponse(result);
    }
    return result instanceof Promise
      ? result.then(
        (out) => respond(out, body, watch),
        (e) => respond(failure(e, onError), body, watch),
      )
      : respond(result, body, watch);
  });
  await listened;
  if (options.path) D.chmodSync(options.path, 0o777);
  let closed: Promise<void> | undefined;
  return {
    addr: ctx.local,
    shutdown: () => closed ??= server.shutdown(),
    closeAllConnections() {
      // Deno offers no handle on its connections; the server layer answers what is left.
    },
  };
}
