/**
 * The project's HTTP/1.1 engine (`_wire.ts`) on Deno: listens with `Deno.listen` (TCP or Unix
 * socket) or `Deno.listenTls` (ALPN `http/1.1` only), and serves each `Deno.Conn` through
 * {@link DenoSocket}, which gives it the engine's {@link WireSocket} shape: a read loop that
 * delivers what arrives (pausable), and a write queue that sends what is written in one piece
 * per turn of the event loop, reporting when it is full and when it drained.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { checkReusePort } from "./_shared.ts";
import type { Connection } from "./_wire.ts";

/** What a {@link DenoSocket} tells its reader (the engine's `Connection`, or a stream). */
export type SocketEvents = Pick<Connection, "onData" | "onEnd" | "onDrain" | "onClose">;
import { acceptQueueQuiet, WireEngine } from "./_wire_engine.ts";
import type { WireSocket } from "./_wire_request.ts";
import type { DenoApi, DenoConn, DenoListener } from "./deno_api.ts";
import type { BoundAddress, NativeServer, ServeOptions } from "./types.ts";

/** The most a read takes at once. */
const READ_SIZE = 16 * 1024;
/** Queued bytes beyond which `write` reports the queue full (as Node's default high water). */
const HIGH_WATER = 64 * 1024;
const encoder = new TextEncoder();
// deno-lint-ignore no-control-regex
const NOT_ASCII = /[^\x00-\x7f]/;
/** Strings up to this length are encoded into {@link slab} (response heads, small bodies). */
const SLAB_STRING = 4096;
const SLAB_SIZE = 64 * 1024;
/**
 * Where short strings are encoded: a fresh `Uint8Array` (what `TextEncoder.encode` returns)
 * costs microseconds on Deno, a view of a shared slab almost nothing. The slab is only
 * appended to and replaced when full, never reused, so a queued view is never overwritten.
 */
let slab = new Uint8Array(SLAB_SIZE);
let slabUsed = 0;

/**
 * `text` as bytes, in {@link slab}: UTF-8, or with `latin1`, each code unit's low byte (as
 * `Buffer`'s `latin1`). Deno's `encodeInto` is native and, for the concatenated strings heads
 * are, faster than a loop of `charCodeAt` (which walks the rope); a latin1 string that is not
 * ASCII is then written again, byte by byte.
 */
function slabEncode(text: string, latin1: boolean): Uint8Array {
  const n = text.length;
  // (At most 3 bytes of UTF-8 per UTF-16 unit.)
  if (slabUsed + n * 3 > SLAB_SIZE) {
    slab = new Uint8Array(SLAB_SIZE);
    slabUsed = 0;
  }
  const start = slabUsed;
  const bytes = slab;
  let written = encoder.encodeInto(text, bytes.subarray(start)).written;
  if (written !== n && latin1) {
    for (let i = 0; i < n; i++) bytes[start + i] = text.charCodeAt(i);
    written = n;
  }
  slabUsed = start + written;
  return bytes.subarray(start, start + written);
}

/** A `Deno.Conn` with the engine's {@link WireSocket} shape. */
export class DenoSocket implements WireSocket {
  readonly #conn: DenoConn;
  #target: SocketEvents | null = null;
  #queue: Uint8Array[] = [];
  #queued = 0;
  #corked = false;
  #flushing = false;
  #scheduled = false;
  /** `end()` was called: half-close once the queue is sent. */
  #ending = false;
  #writeEnded = false;
  #readEnded = false;
  #paused = false;
  #resume: (() => void) | null = null;
  #destroyed = false;
  /** Resolved once the queue is empty and nothing is being written ({@link whenFlushed}). */
  #flushWaiters: Array<() => void> = [];
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  readonly localAddress: string | undefined;
  readonly localPort: number | undefined;

  /** Wraps `conn`; nothing is read before {@link DenoSocket.start}. */
  constructor(conn: DenoConn) {
    this.#conn = conn;
    const remote = conn.remoteAddr;
    const local = conn.localAddr;
    this.remoteAddress = remote.transport === "unix" ? undefined : remote.hostname;
    this.remotePort = remote.transport === "unix" ? undefined : remote.port;
    this.localAddress = local.transport === "unix" ? undefined : local.hostname;
    this.localPort = local.transport === "unix" ? undefined : local.port;
  }

  /** Starts reading, delivering to `target`. */
  start(target: SocketEvents): void {
    this.#target = target;
    this.#read();
  }

  async #read(): Promise<void> {
    const conn = this.#conn;
    const scratch = new Uint8Array(READ_SIZE);
    try {
      for (;;) {
        if (this.#paused) await new Promise<void>((resolve) => this.#resume = resolve);
        if (this.#destroyed) return;
        const n = await conn.read(scratch);
        if (this.#destroyed) return;
        if (n === null) {
          this.#readEnded = true;
          this.#target!.onEnd();
          this.#closeIfDone();
          return;
        }
        const chunk = Buffer.allocUnsafe(n);
        chunk.set(n === READ_SIZE ? scratch : scratch.subarray(0, n));
        this.#target!.onData(chunk);
      }
    } catch {
      this.destroy();
    }
  }

  write(data: string | Uint8Array, encoding?: "latin1"): boolean {
    if (this.#destroyed || this.#ending) return false;
    const bytes = typeof data !== "string"
      ? data
      : data.length <= SLAB_STRING
      ? slabEncode(data, encoding === "latin1")
      : encoding === "latin1" && NOT_ASCII.test(data)
      ? Buffer.from(data, "latin1")
      : encoder.encode(data);
    if (bytes.length > 0) {
      this.#queue.push(bytes);
      this.#queued += bytes.length;
      this.#schedule();
    }
    return this.#queued < HIGH_WATER;
  }

  /** The bytes written and not yet handed to the connection (as Node's `writableLength`). */
  get writableLength(): number {
    return this.#queued;
  }

  cork(): void {
    this.#corked = true;
  }

  uncork(): void {
    this.#corked = false;
    this.#schedule();
  }

  end(data?: string, encoding?: "latin1"): void {
    if (this.#destroyed || this.#ending) return;
    if (data !== undefined) this.write(data, encoding);
    this.#ending = true;
    this.#schedule();
  }

  /**
   * Resolves once everything written so far has been handed to the connection (or it was
   * destroyed): a chunk written before may then be overwritten (see `BORROWED_CHUNKS`).
   */
  whenFlushed(): Promise<void> {
    if (this.#destroyed || this.#idle()) return Promise.resolve();
    return new Promise((resolve) => this.#flushWaiters.push(resolve));
  }

  #idle(): boolean {
    return this.#queue.length === 0 && !this.#flushing && !this.#scheduled;
  }

  #flushed(): void {
    const waiters = this.#flushWaiters;
    if (waiters.length === 0) return;
    this.#flushWaiters = [];
    for (const resolve of waiters) resolve();
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#queue = [];
    this.#queued = 0;
    this.#flushed();
    try {
      this.#conn.close();
    } catch { /* already closed */ }
    this.#resume?.();
    const target = this.#target;
    if (target !== null) queueMicrotask(() => target.onClose());
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    const resume = this.#resume;
    if (resume !== null) {
      this.#resume = null;
      resume();
    }
  }

  /** Sends the queue on the next microtask, so that what one turn writes leaves in one piece. */
  #schedule(): void {
    if (this.#scheduled || this.#flushing || this.#corked) return;
    this.#scheduled = true;
    queueMicrotask(this.#scheduledFlush);
  }

  /** The microtask of {@link DenoSocket.#schedule} (made once per socket). */
  readonly #scheduledFlush = (): void => {
    this.#scheduled = false;
    if (!this.#corked) this.#flush();
  };

  /**
   * Sends the queue. The usual case, one piece (a response's head and body) and no end to send
   * after it, is one write and one continuation; anything else goes through
   * {@link DenoSocket.#flushAll}.
   */
  #flush(): void {
    if (this.#flushing || this.#destroyed) return;
    const queue = this.#queue;
    if (queue.length !== 1 || this.#ending) {
      void this.#flushAll();
      return;
    }
    const bytes = queue.pop()!;
    this.#flushing = true;
    this.#conn.write(bytes).then((n) => {
      this.#flushing = false;
      if (this.#destroyed) return;
      this.#queued -= n;
      // A partial write: the rest goes first.
      if (n < bytes.length) this.#queue.unshift(bytes.subarray(n));
      if (this.#queue.length > 0 || this.#ending) {
        void this.#flushAll();
        return;
      }
      this.#target?.onDrain();
      if (this.#idle()) this.#flushed();
    }, () => {
      this.#flushing = false;
      this.destroy();
    });
  }

  async #flushAll(): Promise<void> {
    if (this.#flushing || this.#destroyed) return;
    this.#flushing = true;
    const conn = this.#conn;
    try {
      while (this.#queue.length > 0) {
        const queue = this.#queue;
        this.#queue = [];
        let bytes = queue.length === 1 ? queue[0]! : Buffer.concat(queue);
        while (bytes.length > 0) {
          const n = await conn.write(bytes);
          if (this.#destroyed) return;
          this.#queued -= n;
          bytes = bytes.subarray(n);
        }
      }
    } catch {
      this.destroy();
      return;
    } finally {
      this.#flushing = false;
    }
    this.#target?.onDrain();
    if (this.#idle()) this.#flushed();
    if (this.#ending && !this.#writeEnded && this.#queue.length === 0) {
      this.#writeEnded = true;
      try {
        await conn.closeWrite();
      } catch {
        this.destroy();
        return;
      }
      this.#closeIfDone();
    }
  }

  /** Both sides ended: the connection is over (as Node closes a half-open socket then). */
  #closeIfDone(): void {
    if (this.#readEnded && this.#writeEnded) this.destroy();
  }
}

/** Closes `conn`, closed already or not. */
function close(conn: DenoConn): void {
  try {
    conn.close();
  } catch { /* closed already */ }
}

/**
 * How long no connection must have been accepted before the accept queue counts as quiet (see
 * `acceptQueueQuiet`): Deno hands over one connection per accept call.
 */
const QUIET_MS = 10;

/** A turn of at least a millisecond: Deno runs timers already due without polling for I/O. */
const nextTurn = () => new Promise((resolve) => setTimeout(resolve, 1));

/** Starts the server, listening once this returns (it throws when binding fails). */
export function serveWire(D: DenoApi, options: ServeOptions): NativeServer {
  checkReusePort(options.reusePort, typeof D.listenDatagram === "function");
  const engine = new WireEngine(options, (timer) => D.unrefTimer(timer as unknown as number));
  let listener: DenoListener;
  try {
    if (options.path) {
      try {
        if (D.lstatSync(options.path).isSocket) D.removeSync(options.path);
      } catch { /* no stale socket */ }
      listener = D.listen({ transport: "unix", path: options.path });
      D.chmodSync(options.path, 0o777);
    } else {
      const tcp = {
        hostname: options.hostname,
        port: options.port,
        tcpBacklog: options.backlog ?? 511,
        reusePort: options.reusePort === true,
      };
      listener = options.tls
        ? D.listenTls({
          ...tcp,
          cert: options.tls.cert,
          key: options.tls.key,
          // HTTP/1.1 only: HTTP/2 on Deno is the native engine's (see docs/server.md).
          alpnProtocols: ["http/1.1"],
        })
        : D.listen(tcp);
    }
  } catch (e) {
    engine.dispose();
    throw e;
  }
  const a = listener.addr;
  const addr: BoundAddress = a.transport === "unix"
    ? { transport: "unix", hostname: a.path ?? options.path ?? "", port: 0 }
    : { transport: "tcp", hostname: a.hostname ?? "", port: a.port ?? 0 };
  const noDelay = (options.noDelay ?? true) && addr.transport === "tcp";
  let stopping = false;
  let disposed = false;
  /** Sockets accepted while the server stops, held unread until the listener is closed. */
  let held = null as Array<() => void> | null;
  let accepted = 0;
  const serveH1 = (conn: DenoConn) => {
    if (disposed) {
      close(conn);
      return;
    }
    const socket = new DenoSocket(conn);
    const served = engine.accept(socket);
    if (held === null) socket.start(served);
    else held.push(() => socket.start(served));
  };
  const accepting = (async () => {
    while (!stopping) {
      let conn: DenoConn;
      try {
        conn = await listener.accept();
      } catch (e) {
        if (stopping) return;
        options.onError?.(e);
        // Out of file descriptors, say: try again shortly rather than spin.
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      if (noDelay) {
        try {
          (conn as DenoConn & { setNoDelay?(on: boolean): void }).setNoDelay?.(true);
        } catch { /* closed already */ }
      }
      accepted++;
      serveH1(conn);
    }
  })();
  let closed: Promise<void> | undefined;
  return {
    addr,
    shutdown() {
      closed ??= (async () => {
        const drained = engine.drain();
        held = [];
        await acceptQueueQuiet(() => accepted, nextTurn, QUIET_MS);
        stopping = true;
        listener.close();
        await accepting;
        for (const start of held) start();
        held = null;
        await drained;
        // The connections accepted while the queue fell quiet are drained too (the first
        // drain may have found none left before they came).
        await engine.drain();
        disposed = true;
        engine.dispose();
      })();
      return closed;
    },
    closeAllConnections() {
      engine.closeAll();
    },
    openWebSockets: () => engine.webSockets(),
  };
}
