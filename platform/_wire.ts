/**
 * The project's own HTTP/1.1 engine, the same on every runtime: requests read straight off
 * sockets with the parser of `_http1.ts`, responses written as one buffer, as cheroot does for
 * CherryPy in Python. It answers bad requests with cheroot's statuses and messages, and times
 * out slow request heads (408) and idle keep-alive connections.
 *
 * The engine knows sockets only through {@link WireSocket}: Node's `net.Socket` has its shape
 * (`_node_wire.ts` listens with `node:net`/`node:tls`), and `_deno_wire.ts` wraps Deno's
 * `Deno.Conn`. Each adapter listens, hands every accepted socket to {@link WireEngine.accept}
 * and delivers what the socket receives to the connection it gets back.
 *
 * One request at a time per connection: pipelined requests wait, buffered, until the response
 * before them is written. A request body is read as the application iterates it, with
 * backpressure; what the application leaves unread is discarded (up to a limit) before the
 * next request, or the connection is closed.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import {
  cancelBody,
  describeHeaders,
  findHeadEnd,
  fromFetch,
  hasBareLF,
  isStream,
  oversized,
  parseHead,
  Refusal,
} from "./_http1.ts";
import {
  type BodyReader,
  DISCARD_LIMIT,
  type Settings,
  type WireConnection,
  WireIncoming,
  type WireSocket,
} from "./_wire_request.ts";
import { standardReason } from "./_status.ts";
import type { SwitchedConnection, WireWebSocket } from "./_websocket.ts";
import { bodySize, overrunResponse, writeStream } from "./_wire_stream.ts";
import { TOO_LARGE_BODY } from "./_body.ts";
import { INTERNAL_ERROR_BODY, isBodylessStatus } from "./_shared.ts";
import {
  BadRequestError,
  ConnectionAbort,
  type OutgoingResponse,
  PayloadTooLargeError,
  RequestTimeoutError,
} from "./types.ts";

export type { WireSocket } from "./_wire_request.ts";

/**
 * Ticks a connection that never sent a request gets once the server stops: it was accepted,
 * so its request (likely on its way) is answered rather than the connection reset.
 */
const STOP_GRACE_TICKS = 2;
/** The largest body copied next to its head to go out in one write. */
const ONE_WRITE_BODY = 16384;
/** Pipelined bytes buffered while a response is pending before the socket stops reading. */
const PIPELINE_LIMIT = 64 * 1024;
const HEAD_ENCODER = new TextEncoder();

let dateText = new Date().toUTCString();
let tick = 0;

/** Advances the engines' clock (every `TICK_MS`): renews the `Date` text; returns the tick. */
export function advanceClock(): number {
  dateText = new Date().toUTCString();
  return ++tick;
}

/** One client connection. */
export class Connection implements WireConnection {
  readonly socket: WireSocket;
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
  /** A request was received on this connection (it is not a fresh one). */
  #served = false;
  /** The bytes the socket still had to send at the last sweep. */
  #unsent = 0;
  /** `true` once the socket closed. */
  closed = false;
  #drainWaiters: Array<() => void> = [];
  /** Once the connection switched protocols (a WebSocket), what takes its socket's events. */
  switched: SwitchedConnection | null = null;

  /** Serves `socket`; its adapter delivers what it receives to the `on*` methods. */
  constructor(socket: WireSocket, settings: Settings, all: Set<Connection>) {
    this.socket = socket;
    this.settings = settings;
    this.#all = all;
    all.add(this);
  }

  /** `true` when no request is in progress and nothing is buffered. */
  get idle(): boolean {
    return this.#exchange === null && this.#pending === null && this.#reader === null;
  }

  /** Checks this connection's timeouts (called every tick). */
  sweep(now: number): void {
    if (this.closed) return;
    if (this.switched !== null) return this.switched.sweep();
    const unsent = this.socket.writableLength ?? 0;
    if (unsent !== this.#unsent) {
      // The socket is sending a response (or just sent the last of one): the waits count from
      // its progress, so that a large response to a slow reader is not cut as idle.
      this.#unsent = unsent;
      this.#since = now;
      return;
    }
    if (unsent > 0 && this.#exchange === null) {
      // A response still unsent, and no progress since the last sweep: a client that stopped
      // reading is given up after the idle timeout.
      if (now - this.#since > this.settings.idleTicks) this.socket.destroy();
      return;
    }
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
      if (this.settings.closing && elapsed > STOP_GRACE_TICKS) this.socket.destroy();
      else if (elapsed > this.settings.idleTicks) {
        // A connection that never sent a request is told why it is closed (as cheroot does);
        // an idle keep-alive connection closes silently.
        if (this.#served) this.socket.destroy();
        else this.#refuse(new Refusal(408, "Request Timeout"));
      }
    } else if (elapsed > this.settings.headTicks) {
      this.#refuse(new Refusal(408, "Request Timeout"));
    }
  }

  /** Reads no further request: the connection ends after the current response. */
  endAfterResponse(): void {
    this.#ending = true;
  }

  /**
   * Ends the connection if it is idle between requests (the server is stopping): what its last
   * response still has queued is sent first, then the connection half-closes and is closed once
   * the client closes its side (or after the grace `sweep` gives an ending connection). Closing
   * it at once would drop the end of a response the socket has not sent yet (a large one, or
   * one written an instant before). A connection already ending is left to end; a fresh one,
   * that has sent no request yet, is kept: its request is answered (with `Connection: close`),
   * or it closes after a grace of about a second (see `sweep`).
   */
  closeIfIdle(): void {
    if (this.switched !== null) return this.switched.goAway();
    if (!this.idle || !this.#served || this.closed || this.#ending) return;
    this.#ending = true;
    this.#since = tick;
    this.socket.end();
  }

  /** Bytes received (the adapter calls this). */
  onData(chunk: Buffer): void {
    if (this.switched !== null) return this.switched.onData(chunk);
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

  /** The client half-closed its side (the adapter calls this). */
  onEnd(): void {
    if (this.switched !== null) return this.switched.onEnd();
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

  /** The socket closed (the adapter calls this, once). */
  onClose(): void {
    this.closed = true;
    this.#all.delete(this);
    this.#exchange?.aborted();
    this.#clientGone();
    this.onDrain();
    this.switched?.onClose();
  }

  /** The socket can take more bytes (the adapter calls this). */
  onDrain(): void {
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
    reader.sink.fail(
      error instanceof PayloadTooLargeError ? error : new BadRequestError((error as Error).message),
    );
    if (this.#exchange === null) this.socket.destroy();
  }

  /** Parses the request head at the start of `pending`; `false` when more bytes are needed. */
  #startRequest(pending: Buffer): boolean {
    let start = 0;
    // One empty line before a request is ignored (RFC 9112 §2.2).
    if (pending[0] === 13 && pending[1] === 10) start = 2;
    // Search only what arrived since the last search (and the 3 bytes before it).
    const from = Math.max(start, this.#scanned - 3);
    const end = findHeadEnd(pending, from);
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
    const parsed = parseHead(
      pending.toString("latin1", start, end),
      this.settings.maxBody,
      pending,
      start,
    );
    const rest = end + 4;
    this.#pending = rest === pending.length ? null : pending.subarray(rest);
    this.#scanned = 0;
    if (parsed instanceof Refusal) {
      this.#refuse(parsed);
      return false;
    }
    const exchange = new WireIncoming(this, parsed);
    this.#served = true;
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
      `HTTP/1.1 ${refusal.status} ${standardReason(refusal.status) ?? "Error"}\r\n` +
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
    if (exchange.upgrade !== null) {
      if (out.status === 101 && !this.closed) return this.#switch(exchange, exchange.upgrade, out);
      exchange.upgrade.abandon();
    }
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
          `Connection: Keep-Alive\r\nKeep-Alive: timeout=${this.settings.keepAliveSeconds}\r\n`;
      }
    }
    head += "\r\n";
    const socket = this.socket;
    const declared = bodyless || facts.chunked ? -1 : facts.length;
    if (!stream && declared >= 0 && body !== null) {
      const size = bodySize(body as string | Uint8Array, declared);
      if (size > declared) return this.#overrun(exchange);
      // Fewer bytes than declared: the client waits for the rest; the connection must end.
      if (size < declared) keepAlive = false;
    }
    if (stream && declared >= 0) {
      // The head goes with the first chunk, so that a first chunk longer than the declared
      // length can still be answered with a 500 (as cheroot does).
      return this.#stream(exchange, body, false, declared, keepAlive, head);
    }
    exchange.headSent = true;
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
        const bytes = body as Uint8Array;
        if (bytes.length <= ONE_WRITE_BODY) {
          // A small body leaves with its head in one buffer: one write, no vector of two.
          const n = head.length;
          const out = Buffer.allocUnsafe(n + bytes.length);
          // The head's latin1 bytes: through the native encoder when the head is ASCII (Deno's
          // `Buffer.write` is slow at it, and a loop of `charCodeAt` walks the head's rope);
          // byte by byte when it is not.
          const { read, written } = HEAD_ENCODER.encodeInto(head, out);
          if (read !== n || written !== n) {
            for (let i = 0; i < n; i++) out[i] = head.charCodeAt(i);
          }
          out.set(bytes, n);
          socket.write(out);
        } else {
          socket.cork();
          socket.write(head, "latin1");
          socket.write(bytes);
          socket.uncork();
        }
      }
      this.#finished(exchange, keepAlive);
      return undefined;
    }
    socket.write(head, "latin1");
    return this.#stream(exchange, body, chunked, facts.length, keepAlive);
  }

  /** Answers `101` and hands the socket over to the WebSocket `ws` (`_websocket.ts`). */
  #switch(exchange: WireIncoming, ws: WireWebSocket, out: OutgoingResponse): undefined {
    cancelBody(out.body);
    exchange.headSent = true;
    const rest = this.#pending;
    this.#exchange = null;
    this.#reader = null;
    this.#pending = null;
    this.#ending = true;
    this.switched = ws;
    this.flow();
    ws.attach(this.socket, out, dateText, rest, this.settings.closing);
    return undefined;
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

  /** A body longer than its declared `Content-Length`, found before the head was sent. */
  #overrun(exchange: WireIncoming): undefined {
    exchange.headSent = true;
    this.socket.write(overrunResponse(dateText), "latin1");
    this.#finished(exchange, false);
    return undefined;
  }

  #stream(
    exchange: WireIncoming,
    body: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>,
    chunked: boolean,
    declared: number,
    keepAlive: boolean,
    head: string | null = null,
  ): Promise<void> {
    return writeStream(this, exchange, body, { chunked, declared, keepAlive, head }, {
      overrun: () => this.#overrun(exchange),
      finished: (keep) => this.#finished(exchange, keep),
    });
  }

  /** The response failed: a plain error response, or a cut connection once it started. */
  #failed(exchange: WireIncoming, error: unknown): void {
    if (error instanceof ConnectionAbort) {
      // No answer at all: the connection ends here.
      this.#ending = true;
      this.#finished(exchange, false);
      if (!this.closed) this.socket.destroy();
      return;
    }
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
