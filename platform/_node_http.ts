/**
 * Node's HTTP serving for the Node platform: `node:http`/`node:https` with the request adapter
 * (no Fetch objects on the framework's path), limits, timeouts and 100-continue handling.
 *
 * @module
 */

import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import { Readable } from "node:stream";
import { declaredLength, guardBody, TOO_LARGE_BODY } from "./_body.ts";
import { INTERNAL_ERROR_BODY, isBodylessStatus } from "./_shared.ts";
import {
  type BoundAddress,
  type IncomingRequest,
  type NativeServer,
  type OutgoingBody,
  type OutgoingResponse,
  PayloadTooLargeError,
  RequestTimeoutError,
  type ServeOptions,
} from "./types.ts";

const METHODS_WITHOUT_BODY = new Set(["GET", "HEAD"]);

class NodeIncoming implements IncomingRequest {
  readonly method: string;
  readonly target: string;
  readonly scheme: string;
  readonly #req: http.IncomingMessage;
  readonly #res: http.ServerResponse;
  readonly #maxBody: number;
  readonly #timeoutMs: number;
  #abort: AbortController | undefined;

  constructor(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    scheme: string,
    maxBody: number,
    timeoutMs: number,
  ) {
    this.#req = req;
    this.#res = res;
    this.#maxBody = maxBody;
    this.#timeoutMs = timeoutMs;
    this.method = req.method ?? "GET";
    this.target = req.url ?? "/";
    this.scheme = scheme;
  }

  get protocol(): string {
    const version = this.#req.httpVersion;
    return version === "1.1" ? "HTTP/1.1" : "HTTP/" + version;
  }
  get remoteAddress(): string {
    return this.#req.socket.remoteAddress ?? "";
  }
  get remotePort(): number {
    return this.#req.socket.remotePort ?? 0;
  }
  get localAddress(): string {
    return this.#req.socket.localAddress ?? "";
  }
  get localPort(): number {
    return this.#req.socket.localPort ?? 0;
  }

  header(name: string): string | null {
    const v = this.#req.headers[name.toLowerCase()];
    if (v === undefined) return null;
    return typeof v === "string" ? v : v.join(", ");
  }

  *headerEntries(): Iterable<[string, string]> {
    const raw = this.#req.rawHeaders;
    for (let i = 0; i + 1 < raw.length; i += 2) yield [raw[i]!.toLowerCase(), raw[i + 1]!];
  }

  body(): AsyncIterable<Uint8Array> | null {
    const req = this.#req;
    if (
      METHODS_WITHOUT_BODY.has(this.method) && req.headers["content-length"] === undefined &&
      req.headers["transfer-encoding"] === undefined
    ) return null;
    if (this.#maxBody === 0 && this.#timeoutMs === 0) return req;
    return guardBody(req, this.#maxBody, this.#timeoutMs);
  }

  get signal(): AbortSignal {
    if (this.#abort === undefined) {
      const ac = this.#abort = new AbortController();
      const res = this.#res;
      if (res.destroyed && !res.writableFinished) ac.abort();
      else {
        res.once("close", () => {
          if (!res.writableFinished) ac.abort();
        });
      }
    }
    return this.#abort.signal;
  }

  toRequest(): Request {
    const req = this.#req;
    const host = req.headers.host ?? `${this.localAddress}:${this.localPort}`;
    const headers: Array<[string, string]> = [...this.headerEntries()];
    const init: RequestInit & { duplex?: "half" } = {
      method: this.method,
      headers,
      signal: this.signal,
    };
    const body = this.body();
    if (body !== null && this.method !== "GET" && this.method !== "HEAD") {
      init.body = (this.#maxBody === 0 && this.#timeoutMs === 0
        ? Readable.toWeb(req)
        : Readable.toWeb(Readable.from(body))) as unknown as ReadableStream<Uint8Array>;
      init.duplex = "half";
    }
    return new Request(`${this.scheme}://${host}${this.target}`, init);
  }
}

/**
 * The headers as Node's flat `[name, value, ...]` list, with a `Content-Length` added for a
 * body whose size is known (otherwise Node would send it chunked).
 */
function flatHeaders(pairs: Array<[string, string]>, body: OutgoingBody): string[] {
  const flat: string[] = new Array(pairs.length * 2);
  let hasLength = false;
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i]!;
    flat[2 * i] = pair[0];
    flat[2 * i + 1] = pair[1];
    if (!hasLength && pair[0].length === 14 && pair[0].toLowerCase() === "content-length") {
      hasLength = true;
    }
  }
  if (!hasLength) {
    if (typeof body === "string") flat.push("Content-Length", String(Buffer.byteLength(body)));
    else if (body instanceof Uint8Array) flat.push("Content-Length", String(body.length));
  }
  return flat;
}

async function pipeBody(
  res: http.ServerResponse,
  body: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>,
): Promise<void> {
  for await (const chunk of body as AsyncIterable<Uint8Array>) {
    if (res.destroyed) break;
    if (!res.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off("drain", done);
          res.off("close", done);
          resolve();
        };
        res.on("drain", done);
        res.on("close", done);
      });
    }
  }
  res.end();
}

function sendBody(res: http.ServerResponse, body: OutgoingBody): void | Promise<void> {
  if (body === null) res.end();
  else if (typeof body === "string" || body instanceof Uint8Array) res.end(body);
  else return pipeBody(res, body);
}

function sendResponse(
  res: http.ServerResponse,
  out: OutgoingResponse | Response,
): void | Promise<void> {
  if (out instanceof Response) {
    const pairs: Array<[string, string]> = [];
    // Fetch header iteration yields each Set-Cookie on its own.
    out.headers.forEach((v, k) => pairs.push([k, v]));
    const body = isBodylessStatus(out.status) ? null : out.body;
    // A Fetch Response made without a statusText has "": send the standard reason instead.
    if (out.statusText) res.writeHead(out.status, out.statusText, flatHeaders(pairs, null));
    else res.writeHead(out.status, flatHeaders(pairs, null));
    return sendBody(res, body);
  }
  const body = isBodylessStatus(out.status) ? null : out.body;
  if (out.statusText) {
    res.writeHead(out.status, out.statusText, flatHeaders(out.headers, body));
  } else res.writeHead(out.status, flatHeaders(out.headers, body));
  return sendBody(res, body);
}

function failResponse(res: http.ServerResponse, error: unknown, onError?: (e: unknown) => void) {
  onError?.(error);
  if (res.headersSent) {
    // Mid-stream: what was written still goes out, then the connection closes without the
    // end of the body (destroying the socket at once would drop the queued data).
    if (res.socket !== null && !res.socket.destroyed) res.socket.end();
    else res.destroy();
  } else if (error instanceof PayloadTooLargeError) plainResponse(res, 413, TOO_LARGE_BODY);
  else if (error instanceof RequestTimeoutError) plainResponse(res, 408, "Request Timeout");
  else {
    res.writeHead(500, { "content-type": "text/plain" });
    res.end(INTERNAL_ERROR_BODY);
  }
}

/** A plain-text answer that closes the connection (limits, timeouts). */
function plainResponse(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    "Content-Type": "text/plain",
    "Content-Length": String(Buffer.byteLength(text)),
    "Connection": "close",
  });
  res.end(text);
}

/** Starts a `node:http` (or `node:https`) server; see `Platform.serve`. */
export function serve(options: ServeOptions): Promise<NativeServer> {
  const { handler, onError } = options;
  const maxBody = options.maxBodySize ?? 0;
  const timeoutMs = options.timeoutMs ?? 0;
  const scheme = options.tls ? "https" : "http";
  const tooLarge = (req: http.IncomingMessage) =>
    maxBody > 0 && (declaredLength(req.headers["content-length"]) ?? 0) > maxBody;

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (tooLarge(req)) {
      plainResponse(res, 413, TOO_LARGE_BODY);
      return;
    }
    let result;
    try {
      result = handler(new NodeIncoming(req, res, scheme, maxBody, timeoutMs));
    } catch (e) {
      failResponse(res, e, onError);
      return;
    }
    if (result instanceof Promise) {
      result.then((out) => sendResponse(res, out)).catch((e) => failResponse(res, e, onError));
    } else {
      try {
        const sent = sendResponse(res, result);
        if (sent) sent.catch((e) => failResponse(res, e, onError));
      } catch (e) {
        failResponse(res, e, onError);
      }
    }
  };

  const serverOptions: http.ServerOptions = {
    noDelay: options.noDelay ?? true,
    // The framework answers a missing Host itself, with CherryPy's message.
    requireHostHeader: false,
  };
  if (options.maxHeaderSize) serverOptions.maxHeaderSize = options.maxHeaderSize;
  const server = options.tls
    ? https.createServer(
      { ...serverOptions, cert: options.tls.cert, key: options.tls.key },
      onRequest,
    )
    : http.createServer(serverOptions, onRequest);
  if (timeoutMs > 0) {
    server.keepAliveTimeout = timeoutMs;
    server.headersTimeout = timeoutMs;
  }
  // Expect: 100-continue: refuse an oversized body before the client sends it.
  server.on("checkContinue", (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (tooLarge(req)) plainResponse(res, 413, TOO_LARGE_BODY);
    else {
      res.writeContinue();
      onRequest(req, res);
    }
  });
  if (options.path) {
    try {
      if (fs.statSync(options.path).isSocket()) fs.unlinkSync(options.path);
    } catch { /* no stale socket */ }
  }
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    const onListening = () => {
      server.off("error", reject);
      if (options.path) fs.chmodSync(options.path, 0o777);
      const a = server.address();
      const addr: BoundAddress = typeof a === "string" || a === null
        ? { transport: "unix", hostname: options.path ?? String(a), port: 0 }
        : { transport: "tcp", hostname: a.address, port: a.port };
      let closed: Promise<void> | undefined;
      resolve({
        addr,
        shutdown() {
          closed ??= new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
          });
          return closed;
        },
        closeAllConnections: () => server.closeAllConnections(),
      });
    };
    if (options.fd !== undefined) server.listen({ fd: options.fd }, onListening);
    else if (options.path) {
      server.listen({ path: options.path, backlog: options.backlog }, onListening);
    } else {
      server.listen(
        { host: options.hostname, port: options.port, backlog: options.backlog, ipv6Only: false },
        onListening,
      );
    }
  });
}
