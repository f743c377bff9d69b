/**
 * Between Fetch and the framework: a Fetch `Request` seen as the platform's
 * {@link IncomingRequest}, and an {@link OutgoingResponse} turned into a Fetch `Response`.
 * These let an application answer `fetch(request)` without any server (tests, workers,
 * another framework), and let Fetch-style apps be grafted into the tree.
 *
 * @module
 */

import type { IncomingRequest, OutgoingBody, OutgoingResponse } from "../../platform/mod.ts";

/** Where a Fetch request came from, when no socket tells (defaults: 127.0.0.1:1111). */
export interface FetchClientInfo {
  /** The client's address. */
  remoteAddress?: string;
  /** The client's port. */
  remotePort?: number;
}

/**
 * A Fetch `Request` as an {@link IncomingRequest}.
 *
 * @example Using `FetchIncoming`
 * ```ts
 * import { FetchIncoming } from "./mod.ts";
 * const incoming = new FetchIncoming(new Request("http://example.com/a?b=1"));
 * incoming.target; // "/a?b=1"
 * ```
 */
export class FetchIncoming implements IncomingRequest {
  /** The method. */
  readonly method: string;
  /** Path and query string. */
  readonly target: string;
  /** Always `"HTTP/1.1"` (Fetch does not say). */
  readonly protocol = "HTTP/1.1";
  /** From the URL. */
  readonly scheme: string;
  /** The client's address (from `info`, else 127.0.0.1). */
  readonly remoteAddress: string;
  /** The client's port. */
  readonly remotePort: number;
  /** The URL's host name. */
  readonly localAddress: string;
  /** The URL's port (or the scheme's default). */
  readonly localPort: number;
  /** The request's signal. */
  readonly signal: AbortSignal;
  readonly #request: Request;

  /** Wraps `request`. */
  constructor(request: Request, info: FetchClientInfo = {}) {
    const u = new URL(request.url);
    this.#request = request;
    this.method = request.method;
    this.target = (u.pathname || "/") + u.search;
    this.scheme = u.protocol.replace(/:$/, "");
    this.remoteAddress = info.remoteAddress ?? "127.0.0.1";
    this.remotePort = info.remotePort ?? 1111;
    this.localAddress = u.hostname.replace(/^\[|\]$/g, "");
    this.localPort = u.port ? Number(u.port) : this.scheme === "https" ? 443 : 80;
    this.signal = request.signal;
  }

  /**
   * One header. A Host header is made up from the URL when missing, and a body without a
   * length is announced as chunked (as it would be on the wire).
   */
  header(name: string): string | null {
    const value = this.#request.headers.get(name);
    if (value !== null) return value;
    const lower = name.toLowerCase();
    if (lower === "host") return new URL(this.#request.url).host;
    if (lower === "transfer-encoding" && this.#chunked()) return "chunked";
    return null;
  }

  #chunked(): boolean {
    const h = this.#request.headers;
    return this.#request.body !== null && !h.has("content-length") &&
      !h.has("transfer-encoding");
  }

  /** All headers, names lower-cased (with the made-up ones of {@link FetchIncoming.header}). */
  headerEntries(): Iterable<[string, string]> {
    const entries = [...this.#request.headers.entries()];
    if (!this.#request.headers.has("host")) {
      entries.unshift(["host", new URL(this.#request.url).host]);
    }
    if (this.#chunked()) entries.push(["transfer-encoding", "chunked"]);
    return entries;
  }

  /** The body stream. */
  body(): AsyncIterable<Uint8Array> | null {
    const body = this.#request.body;
    if (body === null) return null;
    return readableToIterable(body);
  }

  /** The request itself. */
  toRequest(): Request {
    return this.#request;
  }
}

async function* readableToIterable(stream: ReadableStream<Uint8Array>): AsyncIterable<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

function iterableToReadable(source: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await iterator.next();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (e) {
        controller.error(e);
      }
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

/** The body as something `new Response()` takes. */
function fetchBody(body: OutgoingBody): BodyInit | null {
  if (body === null || typeof body === "string") return body;
  if (body instanceof Uint8Array) return body as unknown as BodyInit;
  if (body instanceof ReadableStream) return body;
  return iterableToReadable(body);
}

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * An {@link OutgoingResponse} (or a Fetch `Response`, passed through) as a Fetch `Response`.
 *
 * @example Using `toFetchResponse`
 * ```ts
 * import { toFetchResponse } from "./mod.ts";
 * const res = toFetchResponse({ status: 200, headers: [["Content-Type", "text/plain"]], body: "hi" });
 * ```
 */
export function toFetchResponse(out: OutgoingResponse | Response): Response {
  if (out instanceof Response) return out;
  const headers = new Headers();
  for (const [k, v] of out.headers) headers.append(k, v);
  const init: ResponseInit = { status: out.status, headers };
  if (out.statusText !== undefined) init.statusText = out.statusText;
  const body = NULL_BODY_STATUSES.has(out.status) ? null : fetchBody(out.body);
  return new Response(body, init);
}

/**
 * A copy of `request` whose URL path has `prefix` removed (the mount point of a grafted app),
 * as a WSGI app sees `PATH_INFO` below its `SCRIPT_NAME`.
 *
 * @example Using `stripPrefix`
 * ```ts
 * import { stripPrefix } from "./mod.ts";
 * stripPrefix(new Request("http://x/hono/hi"), "/hono").url; // "http://x/hi"
 * ```
 */
export function stripPrefix(request: Request, prefix: string): Request {
  if (prefix === "") return request;
  const u = new URL(request.url);
  u.pathname = u.pathname.slice(prefix.length) || "/";
  const init: RequestInit & { duplex?: "half" } = {
    method: request.method,
    headers: request.headers,
    signal: request.signal,
    redirect: request.redirect,
  };
  if (request.body !== null) {
    init.body = request.body;
    init.duplex = "half";
  }
  return new Request(u.toString(), init);
}
