/**
 * The Node platform's HTTP/1.1 server: requests read straight off `node:net` (or `node:tls`)
 * sockets with the parser of `_http1.ts`, responses written as one buffer, as cheroot does for
 * CherryPy in Python. It skips what `node:http` builds for every request (an `IncomingMessage`
 * and a `ServerResponse` stream, header objects, events), which is most of the cost of a small
 * response, and it answers bad requests with cheroot's statuses and messages.
 *
 * One request at a time per connection: pipelined requests wait, buffered, until the response
 * before them is written. A request body is read as the application iterates it, with
 * backpressure; what the application leaves unread is discarded (up to a limit) before the
 * next request, or the connection is closed.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import * as fs from "node:fs";
import { STATUS_CODES } from "node:http";
import * as net from "node:net";
import * as tls from "node:tls";
import { cancelBody, describeHeaders, fromFetch, isStream, parseHead, Refusal } from "./_http1.ts";
import {
  type BodyReader,
  DISCARD_LIMIT,
  type Settings,
  type WireConnection,
  WireIncoming,
} from "./_node_wire_request.ts";
import { TOO_LARGE_BODY } from "./_body.ts";
import { INTERNAL_ERROR_BODY, isBodylessStatus } from "./_shared.ts";
import {
  BadRequestError,
  type BoundAddress,
  type NativeServer,
  type OutgoingResponse,
  PayloadTooLargeError,
  RequestTimeoutError,
  type ServeOptions,
} from "./types.ts";

/** The request head limit when none is given (as `node:http`'s default). */
const DEFAULT_MAX_HEAD = 16 * 1024;
/** Idle keep-alive and request-head timeouts when no timeout is given (`node:http`'s). */
const DEFAULT_IDLE_MS = 5_000;
const DEFAULT_HEAD_MS = 60_000;
/** How often timeouts are checked and the `Date` header is renewed. */
const TICK_MS = 500;
/** Pipelined bytes buffered while a response is pending before the socket stops reading. */
const PIPELINE_LIMIT = 64 * 1024;
const HEAD_END = Buffer.from("\r\n\r\n", "latin1");

let dateText = new Date().toUTCString();
let tick = 0;

/** The standard reason phrase of a status. */
const standardReason = (status: number): string | undefined => STATUS_CODES[status];

/** One client connection. */
class Connection implements WireConnection {
  readonly socket: net.Socket;
  readonly settings: Settings;
  readonly #all: Set<Connection>;
  /** Received bytes not yet read (the start of the next request). */
  #pending: Buffer | null = null;
  /** How much of `#pending` was already searched for the end of a head. */
  #scanned = 0;
  /** Room that `#pending` grows into while a head arrives in pieces (no copy per piece). */
  #store: Buffer | null = null;
  /** The request being answered. */
  #exchange: WireIncoming | null = null;
  /** The request body being received (it may outlive its exchange while it is discarded). */
  #reader: BodyReader | null = null;
  #pumping = false;
  #paused = false;
  /** The tick at which the current wait (idle, or a request head arriving) began. */
  #since = tick;
  /** No more requests are read (the connection ends after the current response). */
  #ending = false;
  closed = false;
  #drainWaiters: Array<() => void> = [];

  constructor(socket: net.Socket, settings: Settings, all: Set<Connection>) {
    this.socket = socket;
    this.settings = settings;
    this.#all = all;
    all.add(this);
    socket.on("data", (chunk: Buffer) => this.#onData(chunk));
    socket.on("end", () => this.#onEnd());
    socket.on("drain", () => this.#drained());
    socket.on("error", () => {});
    socket.on("close", () => this.#onClose());
  }

  /** `true` when no request is in progress and nothing is buffered. */
  get idle(): boolean {
    return this.#exchange === null && this.#pending === null && this.#reader === null;
  }

  /** Checks this connection's timeouts (called every tick). */
  sweep(now: number): void {
    if (this.closed) return;
    const elapsed = now - this.#since;
    if (this.#ending) {
      // Ended by us; the client has had a moment to close its side.
      if (this.#exchange === null && elapsed > 4) this.socket.destroy();
    } else if (this.#exchange !== null) {
      return;
    } else if (this.#reader !== null) {
      // Discarding the rest of a body the client stopped sending.
      if (elapsed > this.settings.headTicks) this.socket.destroy();
    } else if (this.#pending === null) {
      if (elapsed > this.settings.idleTicks) this.socket.destroy();
    } else if (elapsed > this.settings.headTicks) {
      this.#refuse(new Refusal(408, "Request Timeout"));
    }
  }

  /** Reads no further request: the connection ends after the current response. */
  endAfterResponse(): void {
    this.#ending = true;
  }

  /** Closes the connection if it is idle (the server is stopping). */
  closeIfIdle(): void {
    if (this.idle && !this.closed) this.socket.destroy();
  }

  #onData(chunk: Buffer): void {
    if (this.#ending) return;
    const pending = this.#pending;
    if (pending === null) {
      if (this.#exchange === null && this.#reader === null) this.#since = tick;
      this.#pending = chunk;
      this.#scanned = 0;
    } else this.#pending = this.#append(pending, chunk);
    this.#pump();
  }

  /**
   * `pending` followed by `chunk`. The bytes go into a buffer with room to spare, so that a head
   * sent a byte at a time costs linear, not quadratic, copying.
   */
  #append(pending: Buffer, chunk: Buffer): Buffer {
    const length = pending.length + chunk.length;
    let store = this.#store;
    if (
      store === null || pending.buffer !== store.buffer ||
      pending.byteOffset !== store.byteOffset || store.length < length
    ) {
      store = this.#store = Buffer.allocUnsafe(Math.max(length * 2, 4096));
      pending.copy(store, 0);
    }
    chunk.copy(store, pending.length);
    return store.subarray(0, length);
  }

  #onEnd(): void {
    if (this.#ending || this.closed) {
      this.socket.destroy();
      return;
    }
    if (this.#exchange === null && this.#pending !== null) {
      this.#refuse(new Refusal(400, "Illegal end of headers."));
      return;
    }
    this.#ending = true;
    // Half-closed after sending its request: the request is answered, then the connection ends.
    if (this.#exchange !== null) this.#clientGone();
    else this.socket.end();
  }

  /** A body still arriving will not be complete: the client closed its side. */
  #clientGone(): void {
    this.#reader?.sink.fail(new BadRequestError("The client closed the connection."));
  }

  #onClose(): void {
    this.closed = true;
    this.#all.delete(this);
    this.#exchange?.aborted();
    this.#clientGone();
    this.#drained();
  }

  #drained(): void {
    const waiters = this.#drainWaiters;
    if (waiters.length === 0) return;
    this.#drainWaiters = [];
    for (const w of waiters) w();
  }

  /** Resolves once the socket can take more (or is closed). */
  waitDrain(): Promise<void> {
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  /** Pauses or resumes reading, as the body queue and the pipelined bytes require. */
  flow(): void {
    if (this.closed) return;
    const reader = this.#reader;
    const pause = (reader !== null && reader.sink.full) ||
      (reader === null && this.#exchange !== null && this.#pending !== null &&
        this.#pending.length > PIPELINE_LIMIT);
    if (pause !== this.#paused) {
      this.#paused = pause;
      if (pause) this.socket.pause();
      else this.socket.resume();
    }
  }

  /** Reads requests (and body bytes) from what was received, as far as it can. */
  #pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (!this.closed && !this.#ending) {
        const pending = this.#pending;
        const reader = this.#reader;
        if (reader !== null) {
          if (pending === null) break;
          let used;
          try {
            used = reader.feed(pending);
          } catch (e) {
            this.#bodyFailed(reader, e);
            break;
          }
          this.#pending = used === pending.length ? null : pending.subarray(used);
          this.#scanned = 0;
          if (!reader.done) break;
          this.#reader = null;
          if (this.#exchange === null) this.#since = tick;
          continue;
        }
        if (this.#exchange !== null || pending === null) break;
        if (!this.#startRequest(pending)) break;
      }
    } finally {
      this.#pumping = false;
    }
    this.flow();
  }

  #bodyFailed(reader: BodyReader, error: unknown): void {
    // The framing is lost: nothing more can be read from this connection.
    this.#pending = null;
    this.#ending = true;
    reader.sink.fail(new BadRequestError((error as Error).message));
    if (this.#exchange === null) this.socket.destroy();
  }

  /** Parses the request head at the start of `pending`; `false` when more bytes are needed. */
  #startRequest(pending: Buffer): boolean {
    let start = 0;
    // One empty line before a request is ignored (RFC 9112 §2.2).
    if (pending[0] === 13 && pending[1] === 10) start = 2;
    // Search only what arrived since the last search (and the 3 bytes before it).
    const from = Math.max(start, this.#scanned - 3);
    const end = pending.indexOf(HEAD_END, from);
    const max = this.settings.maxHead;
    if (end < 0) {
      if (pending.length - start > max) this.#refuse(oversized(pending, start, max));
      else if (hasBareLF(pending, Math.max(start, this.#scanned - 1), start)) {
        this.#refuse(new Refusal(400, "HTTP requires CRLF terminators"));
      }
      this.#scanned = pending.length;
      return false;
    }
    if (end - start > max) {
      this.#refuse(oversized(pending, start, max));
      return false;
    }
    const parsed = parseHead(pending.toString("latin1", start, end), this.settings.maxBody);
    const rest = end + 4;
    this.#pending = rest === pending.length ? null : pending.subarray(rest);
    this.#scanned = 0;
    if (parsed instanceof Refusal) {
      this.#refuse(parsed);
      return false;
    }
    const exchange = new WireIncoming(this, parsed);
    this.#exchange = exchange;
    this.#reader = exchange.reader;
    let result;
    try {
      result = this.settings.handler(exchange);
    } catch (e) {
      this.#failed(exchange, e);
      return true;
    }
    if (result instanceof Promise) {
      result.then(
        (out) => this.#send(exchange, out),
        (e) => this.#failed(exchange, e),
      );
    } else this.#send(exchange, result);
    return true;
  }

  /** Answers a request the server refuses, and ends the connection. */
  #refuse(refusal: Refusal): void {
    this.#ending = true;
    this.#pending = null;
    this.#since = tick;
    const body = refusal.message;
    this.socket.end(
      `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status] ?? "Error"}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nContent-Type: text/plain\r\n` +
        `Connection: close\r\n\r\n${body}`,
      "latin1",
    );
  }

  #send(exchange: WireIncoming, result: OutgoingResponse | Response): void {
    let sending;
    try {
      sending = this.#write(exchange, result instanceof Response ? fromFetch(result) : result);
    } catch (e) {
      this.#failed(exchange, e);
      return;
    }
    if (sending !== undefined) sending.catch((e) => this.#failed(exchange, e));
  }

  /** Writes the response; returns a promise while a streamed body is being sent. */
  #write(exchange: WireIncoming, out: OutgoingResponse): Promise<void> | undefined {
    if (this.closed) {
      cancelBody(out.body);
      this.#finished(exchange, false);
      return undefined;
    }
    const facts = describeHeaders(out, standardReason);
    let head = facts.head;
    const status = out.status;
    const headRequest = exchange.method === "HEAD";
    const bodyless = headRequest || isBodylessStatus(status);
    const body = bodyless ? null : out.body;
    if (bodyless) cancelBody(out.body);
    const stream = isStream(body);
    let keepAlive = exchange.head.keepAlive && !facts.close && !this.settings.closing &&
      !this.#ending && this.#keepsBody(exchange);
    let chunked = false;
    if (!bodyless && facts.length < 0) {
      if (typeof body === "string") head += `Content-Length: ${Buffer.byteLength(body)}\r\n`;
      else if (body === null) head += "Content-Length: 0\r\n";
      else if (body instanceof Uint8Array) head += `Content-Length: ${body.length}\r\n`;
      else if (facts.chunked) chunked = true;
      else if (exchange.head.http11) {
        head += "Transfer-Encoding: chunked\r\n";
        chunked = true;
      } else keepAlive = false;
    }
    if (!facts.hasDate) head += "Date: " + dateText + "\r\n";
    if (!facts.hasConnection) {
      if (!keepAlive) head += "Connection: close\r\n";
      else if (!exchange.head.http11) {
        head +=
          `Connection: keep-alive\r\nKeep-Alive: timeout=${this.settings.keepAliveSeconds}\r\n`;
      }
    }
    head += "\r\n";
    exchange.headSent = true;
    const socket = this.socket;
    if (!stream) {
      if (body === null) socket.write(head, "latin1");
      else if (typeof body === "string") {
        if (facts.ascii) socket.write(head + body);
        else {
          socket.cork();
          socket.write(head, "latin1");
          socket.write(body);
          socket.uncork();
        }
      } else {
        socket.cork();
        socket.write(head, "latin1");
        socket.write(body as Uint8Array);
        socket.uncork();
      }
      this.#finished(exchange, keepAlive);
      return undefined;
    }
    socket.write(head, "latin1");
    return this.#stream(exchange, body, chunked, facts.length, keepAlive);
  }

  /**
   * Whether the connection can be kept once the response is sent, as far as the request body
   * goes: what is left of it is discarded when it is small enough and was not held back by an
   * unanswered `Expect: 100-continue`.
   */
  #keepsBody(exchange: WireIncoming): boolean {
    const reader = exchange.reader;
    if (reader === null || reader.done) return true;
    if (!exchange.continued) return false;
    return reader.remaining <= DISCARD_LIMIT || reader.remaining === Infinity;
  }

  async #stream(
    exchange: WireIncoming,
    body: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>,
    chunked: boolean,
    declared: number,
    keepAlive: boolean,
  ): Promise<void> {
    const socket = this.socket;
    let sent = 0;
    for await (const chunk of body as AsyncIterable<Uint8Array>) {
      if (this.closed) break;
      if (chunk.length === 0) continue;
      let ok;
      if (chunked) {
        socket.cork();
        socket.write(chunk.length.toString(16) + "\r\n", "latin1");
        socket.write(chunk);
        ok = socket.write("\r\n", "latin1");
        socket.uncork();
      } else if (declared >= 0 && sent + chunk.length > declared) {
        // More than the declared length: send what fits, then close.
        socket.write(chunk.subarray(0, declared - sent));
        sent = declared;
        keepAlive = false;
        break;
      } else ok = socket.write(chunk);
      sent += chunk.length;
      if (!ok && !this.closed) await this.waitDrain();
    }
    if (this.closed) {
      this.#finished(exchange, false);
      return;
    }
    if (chunked) socket.write("0\r\n\r\n", "latin1");
    else if (declared >= 0 && sent < declared) keepAlive = false;
    this.#finished(exchange, keepAlive);
  }

  /** The response failed: a plain error response, or a cut connection once it started. */
  #failed(exchange: WireIncoming, error: unknown): void {
    this.settings.onError?.(error);
    if (this.closed) {
      this.#finished(exchange, false);
      return;
    }
    if (exchange.headSent) {
      // Mid-stream: what was written still goes out, then the connection ends.
      this.#ending = true;
      this.#finished(exchange, false);
      return;
    }
    const [status, text] = error instanceof PayloadTooLargeError
      ? [413, TOO_LARGE_BODY]
      : error instanceof BadRequestError
      ? [400, error.message]
      : error instanceof RequestTimeoutError
      ? [408, "Request Timeout"]
      : [500, INTERNAL_ERROR_BODY];
    this.#write(exchange, {
      status,
      headers: [["Content-Type", "text/plain"], ["Connection", "close"]],
      body: text,
    });
  }

  /** The response is written: go on with the next request, or end the connection. */
  #finished(exchange: WireIncoming, keepAlive: boolean): void {
    if (this.#exchange !== exchange) return;
    this.#exchange = null;
    this.#since = tick;
    const reader = this.#reader;
    if (reader !== null && reader === exchange.reader) reader.sink.discard();
    if (!keepAlive || this.closed) {
      this.#ending = true;
      this.#pending = null;
      if (!this.closed) {
        this.socket.end();
        if (reader !== null) this.#reader = null;
      }
      return;
    }
    this.#pump();
  }
}

function oversized(pending: Buffer, start: number, max: number): Refusal {
  const lineEnd = pending.indexOf(10, start);
  return lineEnd < 0 || lineEnd - start > max
    ? new Refusal(414, "The Request-URI sent with the request exceeds the maximum allowed bytes.")
    : new Refusal(431, "The headers sent with the request exceed the maximum allowed bytes.");
}

/** `true` when a line of the incomplete head (from `start`) has a bare LF after `from`. */
function hasBareLF(pending: Buffer, from: number, start: number): boolean {
  for (let lf = pending.indexOf(10, from); lf >= 0; lf = pending.indexOf(10, lf + 1)) {
    if (lf === start || pending[lf - 1] !== 13) return true;
  }
  return false;
}

/** Starts the server; see `Platform.serve`. */
export function serve(options: ServeOptions): Promise<NativeServer> {
  const timeoutMs = options.timeoutMs ?? 0;
  const ticks = (ms: number) => Math.max(1, Math.ceil(ms / TICK_MS));
  const settings: Settings = {
    handler: options.handler,
    onError: options.onError,
    scheme: options.tls ? "https" : "http",
    maxHead: options.maxHeaderSize || DEFAULT_MAX_HEAD,
    maxBody: options.maxBodySize ?? 0,
    timeoutMs,
    idleTicks: ticks(timeoutMs || DEFAULT_IDLE_MS),
    headTicks: ticks(timeoutMs || DEFAULT_HEAD_MS),
    keepAliveSeconds: Math.ceil((timeoutMs || DEFAULT_IDLE_MS) / 1000),
    closing: false,
  };
  const connections = new Set<Connection>();
  const noDelay = options.noDelay ?? true;
  const accept = (socket: net.Socket) => {
    if (noDelay && socket.remoteAddress !== undefined) socket.setNoDelay(true);
    new Connection(socket, settings, connections);
  };
  const server: net.Server = options.tls
    ? tls.createServer({ cert: options.tls.cert, key: options.tls.key, allowHalfOpen: true })
      .on("secureConnection", accept)
      .on("tlsClientError", () => {})
    : net.createServer({ allowHalfOpen: true }, accept);
  // Every socket, a TLS one before its handshake too (it has no Connection yet).
  const sockets = new Set<net.Socket>();
  server.on("connection", (socket: net.Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  const timer = setInterval(() => {
    dateText = new Date().toUTCString();
    const now = ++tick;
    for (const conn of connections) conn.sweep(now);
  }, TICK_MS);
  timer.unref();

  if (options.path) {
    try {
      if (fs.statSync(options.path).isSocket()) fs.unlinkSync(options.path);
    } catch { /* no stale socket */ }
  }
  return new Promise((resolve, reject) => {
    server.once("error", (e) => {
      clearInterval(timer);
      reject(e);
    });
    const onListening = () => {
      server.removeAllListeners("error");
      server.on("error", (e) => options.onError?.(e));
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
            settings.closing = true;
            server.close();
            for (const conn of connections) conn.closeIfIdle();
            const check = () => {
              if (connections.size > 0) return;
              // What is left never became a connection (a TLS handshake in progress).
              for (const socket of sockets) socket.destroy();
              clearInterval(timer);
              clearInterval(poll);
              done();
            };
            const poll = setInterval(check, 20);
            check();
          });
          return closed;
        },
        closeAllConnections() {
          for (const conn of connections) conn.socket.destroy();
          for (const socket of sockets) socket.destroy();
        },
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
