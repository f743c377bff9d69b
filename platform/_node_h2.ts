/**
 * HTTP/2 on Node (and Bun): TLS connections that negotiate `h2` through ALPN are handed to a
 * `node:http2` server, whose streams become {@link IncomingRequest}s for the same handler the
 * HTTP/1.1 engine serves. Responses lose the headers HTTP/2 forbids (`Connection`,
 * `Keep-Alive`, `Transfer-Encoding`, ...); the drain sends GOAWAY and waits for open streams.
 *
 * @module
 */

import type { Buffer } from "node:buffer";
import * as http2 from "node:http2";
import type * as tls from "node:tls";
import { declaredLength, guardBody, TOO_LARGE_BODY } from "./_body.ts";
import { fetchRequest, INTERNAL_ERROR_BODY, isAsyncIterable, isBodylessStatus } from "./_shared.ts";
import type { IncomingRequest, OutgoingBody, OutgoingResponse, ServeOptions } from "./types.ts";

/** Response headers that are specific to an HTTP/1.1 connection (RFC 9113 §8.2.2). */
const CONNECTION_SPECIFIC = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
]);

/** A request received on an HTTP/2 stream. */
class H2Incoming implements IncomingRequest {
  readonly method: string;
  readonly target: string;
  readonly protocol = "HTTP/2";
  readonly scheme = "https";
  readonly #req: http2.Http2ServerRequest;
  readonly #options: ServeOptions;
  readonly #abort = new AbortController();

  constructor(req: http2.Http2ServerRequest, options: ServeOptions) {
    this.#req = req;
    this.#options = options;
    this.method = req.method;
    this.target = req.url;
    req.stream.once("close", () => {
      if (!req.stream.writableFinished) this.#abort.abort();
    });
  }

  get remoteAddress(): string {
    return this.#req.socket?.remoteAddress ?? "";
  }
  get remotePort(): number {
    return this.#req.socket?.remotePort ?? 0;
  }
  get localAddress(): string {
    return this.#req.socket?.localAddress ?? "";
  }
  get localPort(): number {
    return this.#req.socket?.localPort ?? 0;
  }
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  header(name: string): string | null {
    const lower = name.toLowerCase();
    const headers = this.#req.headers;
    let value = headers[lower];
    if (value === undefined && lower === "host") value = headers[":authority"];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(lower === "cookie" ? "; " : ", ") : String(value);
  }

  headerEntries(): Iterable<[string, string]> {
    const pairs: Array<[string, string]> = [];
    const raw = this.#req.rawHeaders;
    let host = false;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i]!.toLowerCase();
      if (name === "host") host = true;
      if (name.startsWith(":")) continue;
      pairs.push([name, raw[i + 1]!]);
    }
    const authority = this.#req.headers[":authority"];
    if (!host && typeof authority === "string") pairs.unshift(["host", authority]);
    return pairs;
  }

  body(): AsyncIterable<Uint8Array> | null {
    const req = this.#req;
    if (req.stream.readableEnded && req.readableLength === 0) return null;
    const length = declaredLength(this.header("content-length"));
    if (length === 0 || (length === null && req.stream.endAfterHeaders)) return null;
    const chunks = (async function* () {
      for await (const chunk of req as AsyncIterable<Buffer>) {
        yield new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      }
    })();
    const max = this.#options.maxBodySize ?? 0;
    const timeout = this.#options.timeoutMs ?? 0;
    return max > 0 || timeout > 0 ? guardBody(chunks, max, timeout) : chunks;
  }

  toRequest(): Request {
    return fetchRequest(`https://${this.header("host") ?? "localhost"}${this.target}`, this);
  }
}

/** Writes `chunk`, waiting for `drain` when the stream's buffer is full. */
function write(res: http2.Http2ServerResponse, chunk: Uint8Array | string): Promise<void> {
  if (res.write(chunk)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", closed);
      resolve();
    };
    const closed = () => {
      res.off("drain", done);
      reject(new Error("the HTTP/2 stream closed"));
    };
    res.on("drain", done);
    res.once("close", closed);
  });
}

async function sendBody(res: http2.Http2ServerResponse, body: OutgoingBody): Promise<void> {
  if (body === null) return void res.end();
  if (typeof body === "string" || body instanceof Uint8Array) return void res.end(body);
  const iterable: AsyncIterable<Uint8Array> = isAsyncIterable(body)
    ? body
    : (body as ReadableStream<Uint8Array>);
  for await (const chunk of iterable) {
    if (res.stream.closed) return;
    if (chunk.length > 0) await write(res, chunk);
  }
  res.end();
}

function fromFetch(response: Response): OutgoingResponse {
  const headers: Array<[string, string]> = [];
  for (const [name, value] of response.headers) {
    if (name !== "set-cookie") headers.push([name, value]);
  }
  for (const cookie of response.headers.getSetCookie()) headers.push(["set-cookie", cookie]);
  return { status: response.status, headers, body: response.body };
}

async function respond(
  req: http2.Http2ServerRequest,
  res: http2.Http2ServerResponse,
  out: OutgoingResponse | Response,
): Promise<void> {
  const response = out instanceof Response ? fromFetch(out) : out;
  const head: Record<string, string | string[]> = {};
  for (const [name, value] of response.headers) {
    const lower = name.toLowerCase();
    if (CONNECTION_SPECIFIC.has(lower)) continue;
    const seen = head[lower];
    if (seen === undefined) head[lower] = value;
    else head[lower] = Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  if (res.stream.closed) return;
  res.writeHead(response.status, head);
  if (req.method === "HEAD" || isBodylessStatus(response.status)) {
    res.end();
    if (isAsyncIterable(response.body)) {
      (response.body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]().return?.();
    }
    return;
  }
  await sendBody(res, response.body);
}

/** What the HTTP/1.1 engine's listener needs from the HTTP/2 side. */
export interface H2Side {
  /** Serves a TLS socket that negotiated `h2`. */
  accept(socket: tls.TLSSocket): void;
  /** Sends GOAWAY on every session and resolves once their open streams have finished. */
  drain(): Promise<void>;
  /** Closes every session at once. */
  closeAll(): void;
}

/** The HTTP/2 side of a TLS listener serving `options.handler`. */
export function createH2Side(options: ServeOptions): H2Side {
  const sessions = new Set<http2.ServerHttp2Session>();
  let draining = false;
  const server = http2.createServer({
    maxSessionMemory: 64,
    settings: { enablePush: false },
    maxHeaderListPairs: 256,
    ...(options.maxHeaderSize ? { maxSendHeaderBlockLength: options.maxHeaderSize } : {}),
  });
  server.on("session", (session: http2.ServerHttp2Session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
    session.on("error", () => {});
    if (options.timeoutMs) session.setTimeout(options.timeoutMs, () => session.close());
    if (draining) session.close();
  });
  server.on("request", (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => {
    req.stream.on("error", () => {});
    const max = options.maxBodySize ?? 0;
    const declared = declaredLength(req.headers["content-length"] as string | undefined);
    if (max > 0 && declared !== null && declared > max) {
      res.writeHead(413, { "content-type": "text/plain" });
      res.end(TOO_LARGE_BODY);
      return;
    }
    const fail = (e: unknown) => {
      options.onError?.(e);
      if (res.headersSent) {
        res.stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
      } else if (!res.stream.closed) {
        res.writeHead(500, { "content-type": "text/plain" });
        res.end(INTERNAL_ERROR_BODY);
      }
    };
    try {
      const result = options.handler(new H2Incoming(req, options));
      const done = result instanceof Promise
        ? result.then((out) => respond(req, res, out))
        : respond(req, res, result);
      done.catch(fail);
    } catch (e) {
      fail(e);
    }
  });
  return {
    accept(socket) {
      server.emit("connection", socket);
    },
    async drain() {
      draining = true;
      await Promise.all(
        [...sessions].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
      );
    },
    closeAll() {
      for (const s of sessions) s.destroy();
    },
  };
}
