/**
 * The request side of the project's HTTP/1.1 engine (`_wire.ts`): the socket interface each
 * runtime's adapter implements, the request the handler sees, and its body as it arrives (a known length or chunked), queued for the
 * application with backpressure, or discarded once the response went out without it.
 *
 * @module
 */

import { guardBody } from "./_body.ts";
import { fetchRequest } from "./_shared.ts";
import type { Head } from "./_http1.ts";
import { ChunkedBodyError, ChunkedDecoder } from "./_http1_chunked.ts";
import {
  type IncomingRequest,
  type NativeHandler,
  PayloadTooLargeError,
  type WebSocketEvents,
  type WebSocketUpgrade,
  type WebSocketUpgradeOptions,
} from "./types.ts";
import { prepareUpgrade, type WireWebSocket } from "./_websocket.ts";

/** Body bytes queued for the application before the socket stops reading. */
const BODY_HIGH_WATER = 256 * 1024;
/** Unread body bytes discarded to keep a connection; beyond this it is closed. */
export const DISCARD_LIMIT = 1024 * 1024;

/**
 * A connected socket as the engine uses it, whatever the runtime: Node's `net.Socket` (and
 * `tls.TLSSocket`) has exactly this shape and is used as is; on Deno `_deno_wire.ts` wraps a
 * `Deno.Conn`. What arrives is delivered by the adapter to the connection's `onData`, `onEnd`,
 * `onDrain` and `onClose`.
 */
export interface WireSocket {
  /**
   * Queues bytes to send (a string as Latin-1 when `encoding` says so, else UTF-8); `false`
   * once the queue is full (wait for `onDrain`).
   */
  write(data: string | Uint8Array, encoding?: "latin1"): boolean;
  /** Holds writes back until {@link WireSocket.uncork}, so that they leave together. */
  cork(): void;
  /** Sends what {@link WireSocket.cork} held back. */
  uncork(): void;
  /** Sends what is queued, then half-closes (FIN); reading goes on. */
  end(): void;
  /** Sends what is queued and `data` (Latin-1), then half-closes (FIN); reading goes on. */
  end(data: string, encoding: "latin1"): void;
  /** Closes at once, dropping what is queued; `onClose` follows. */
  destroy(): void;
  /** The bytes written and not yet handed to the system (Node's `writableLength`). */
  readonly writableLength?: number;
  /** Stops delivering received bytes until {@link WireSocket.resume}. */
  pause(): void;
  /** Delivers received bytes again. */
  resume(): void;
  /** The peer's address (`undefined` for Unix sockets or once closed). */
  readonly remoteAddress?: string | undefined;
  /** The peer's port. */
  readonly remotePort?: number | undefined;
  /** The local address. */
  readonly localAddress?: string | undefined;
  /** The local port. */
  readonly localPort?: number | undefined;
}

/** What every connection of one server shares. */
export interface Settings {
  readonly handler: NativeHandler;
  readonly onError: ((error: unknown) => void) | undefined;
  readonly scheme: string;
  readonly maxHead: number;
  readonly maxBody: number;
  readonly timeoutMs: number;
  readonly idleTicks: number;
  readonly headTicks: number;
  readonly keepAliveSeconds: number;
  closing: boolean;
}

/** What the request side needs from its connection. */
export interface WireConnection {
  readonly socket: WireSocket;
  readonly settings: Settings;
  readonly closed: boolean;
  /** Pauses or resumes reading as the body queue requires. */
  flow(): void;
  /** Reads no further request: the connection ends after the current response. */
  endAfterResponse(): void;
}

/** Where a request body's bytes go: the application's queue, or nowhere. */
export class WireBody implements AsyncIterableIterator<Uint8Array> {
  #queue: Uint8Array[] = [];
  #queued = 0;
  #ended = false;
  #failure: unknown = null;
  #waiter: { resolve(r: IteratorResult<Uint8Array>): void; reject(e: unknown): void } | null = null;
  /** `true` once the application gave up the body (or the response was sent without it). */
  discarding = false;
  readonly #conn: WireConnection;

  constructor(conn: WireConnection) {
    this.#conn = conn;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  get full(): boolean {
    return this.#queued > BODY_HIGH_WATER;
  }

  push(chunk: Uint8Array): void {
    if (this.discarding || chunk.length === 0) return;
    const waiter = this.#waiter;
    if (waiter !== null) {
      this.#waiter = null;
      waiter.resolve({ done: false, value: chunk });
      return;
    }
    this.#queue.push(chunk);
    this.#queued += chunk.length;
  }

  end(): void {
    this.#ended = true;
    const waiter = this.#waiter;
    if (waiter !== null) {
      this.#waiter = null;
      waiter.resolve({ done: true, value: undefined });
    }
  }

  fail(error: unknown): void {
    if (this.#ended || this.#failure !== null) return;
    this.#failure = error;
    const waiter = this.#waiter;
    if (waiter !== null) {
      this.#waiter = null;
      waiter.reject(error);
    }
  }

  discard(): void {
    this.discarding = true;
    this.#queue = [];
    this.#queued = 0;
  }

  next(): Promise<IteratorResult<Uint8Array>> {
    if (this.#queue.length > 0) {
      const chunk = this.#queue.shift()!;
      const wasFull = this.full;
      this.#queued -= chunk.length;
      if (wasFull && !this.full) this.#conn.flow();
      return Promise.resolve({ done: false, value: chunk });
    }
    if (this.#failure !== null) return Promise.reject(this.#failure);
    if (this.#ended || this.discarding) return Promise.resolve({ done: true, value: undefined });
    this.#conn.flow();
    return new Promise((resolve, reject) => this.#waiter = { resolve, reject });
  }

  return(): Promise<IteratorResult<Uint8Array>> {
    this.discard();
    this.#conn.flow();
    return Promise.resolve({ done: true, value: undefined });
  }
}

/** Reads one request body off the connection: a known length, or chunked. */
export class BodyReader {
  readonly sink: WireBody;
  #remaining: number;
  readonly #chunked: ChunkedDecoder | null;
  #discarded = 0;
  /** The most bytes a chunked body may take on the wire, framing included (0: no limit). */
  readonly #maxWire: number;
  #wire = 0;
  done = false;

  constructor(sink: WireBody, length: number, chunked: boolean, maxBody = 0) {
    this.sink = sink;
    this.#remaining = length;
    this.#chunked = chunked ? new ChunkedDecoder() : null;
    this.#maxWire = maxBody;
  }

  /** Unread bytes still expected (`Infinity` when chunked: unknown). */
  get remaining(): number {
    return this.#chunked === null ? this.#remaining : Infinity;
  }

  /** Reads what belongs to the body from `bytes`; returns how many bytes it took. */
  feed(bytes: Uint8Array): number {
    const sink = this.sink;
    let used: number;
    if (this.#chunked === null) {
      used = Math.min(this.#remaining, bytes.length);
      sink.push(used === bytes.length ? bytes : bytes.subarray(0, used));
      this.#remaining -= used;
      this.done = this.#remaining === 0;
    } else {
      used = this.#chunked.feed(bytes, 0, (chunk) => sink.push(chunk));
      this.done = this.#chunked.done;
      // As cheroot counts them, a chunked body's sizes, delimiters and trailers count against
      // the body limit too.
      this.#wire += used;
      if (this.#maxWire > 0 && this.#wire > this.#maxWire) {
        throw new PayloadTooLargeError(this.#maxWire);
      }
    }
    if (sink.discarding) {
      this.#discarded += used;
      if (this.#discarded > DISCARD_LIMIT && !this.done) {
        throw new ChunkedBodyError("too much unread body to discard");
      }
    }
    if (this.done) sink.end();
    return used;
  }
}

/** The request as the handler sees it. */
export class WireIncoming implements IncomingRequest {
  readonly method: string;
  readonly target: string;
  readonly protocol: string;
  readonly head: Head;
  readonly conn: WireConnection;
  readonly reader: BodyReader | null;
  #abort: AbortController | undefined;
  /** `true` once the response head was written. */
  headSent = false;
  /** `true` once `100 Continue` was sent (or was not asked for). */
  continued: boolean;

  constructor(conn: WireConnection, head: Head) {
    this.conn = conn;
    this.head = head;
    this.method = head.method;
    this.target = head.target;
    this.protocol = head.protocol;
    this.continued = !head.expectContinue;
    this.reader = head.framing === "none" ? null : new BodyReader(
      new WireBody(conn),
      head.length,
      head.framing === "chunked",
      conn.settings.maxBody,
    );
  }

  get scheme(): string {
    return this.conn.settings.scheme;
  }
  get remoteAddress(): string {
    return this.conn.socket.remoteAddress ?? "";
  }
  get remotePort(): number {
    return this.conn.socket.remotePort ?? 0;
  }
  get localAddress(): string {
    return this.conn.socket.localAddress ?? "";
  }
  get localPort(): number {
    return this.conn.socket.localPort ?? 0;
  }

  header(name: string): string | null {
    const fields = this.head.fields;
    let lower = name;
    for (let i = 0; i < name.length; i++) {
      const c = name.charCodeAt(i);
      if (c >= 65 && c <= 90) {
        lower = name.toLowerCase();
        break;
      }
    }
    let found: string | null = null;
    for (let i = 0; i < fields.length; i += 2) {
      if (fields[i] === lower) {
        found = found === null
          ? fields[i + 1]!
          : found + (lower === "cookie" ? "; " : ", ") + fields[i + 1]!;
      }
    }
    return found;
  }

  headerEntries(): Iterable<[string, string]> {
    const fields = this.head.fields;
    const pairs: Array<[string, string]> = new Array(fields.length / 2);
    for (let i = 0; i < fields.length; i += 2) pairs[i / 2] = [fields[i]!, fields[i + 1]!];
    return pairs;
  }

  body(): AsyncIterable<Uint8Array> | null {
    const reader = this.reader;
    if (reader === null) return null;
    if (!this.continued && !this.headSent) {
      this.continued = true;
      this.conn.socket.write("HTTP/1.1 100 Continue\r\n\r\n", "latin1");
    }
    const { maxBody, timeoutMs } = this.conn.settings;
    const limit = this.head.framing === "chunked" ? maxBody : 0;
    if (limit === 0 && timeoutMs === 0) return reader.sink;
    return endOnFailure(
      this.conn,
      guardBody(reader.sink, limit, timeoutMs, () => reader.sink.discard()),
    );
  }

  get signal(): AbortSignal {
    if (this.#abort === undefined) {
      this.#abort = new AbortController();
      if (this.conn.closed) this.#abort.abort();
    }
    return this.#abort.signal;
  }

  /** The client went away before the response was complete (aborts {@link signal}). */
  aborted(): void {
    this.#abort?.abort();
  }

  /** The WebSocket this request asked to switch to (`_websocket.ts`), if any. */
  upgrade: WireWebSocket | null = null;

  upgradeWebSocket(
    events: WebSocketEvents,
    options: WebSocketUpgradeOptions = {},
  ): WebSocketUpgrade {
    const hasBody = this.reader !== null;
    const prepared = prepareUpgrade(this, hasBody, this.conn.settings.closing, events, options);
    this.upgrade = prepared.socket;
    return prepared.upgrade;
  }

  toRequest(): Request {
    const host = this.header("host") ?? `${this.localAddress}:${this.localPort}`;
    const url = this.target.charCodeAt(0) === 47
      ? `${this.scheme}://${host}${this.target}`
      : this.target === "*"
      ? `${this.scheme}://${host}/`
      : this.target;
    return fetchRequest(url, this);
  }
}

/**
 * `body`, ending the connection after the response when reading it fails (a body over the
 * limit or a stalled client: what is left of it is not worth reading).
 */
async function* endOnFailure(
  conn: WireConnection,
  body: AsyncIterable<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  try {
    yield* body;
  } catch (e) {
    conn.endAfterResponse();
    throw e;
  }
}
