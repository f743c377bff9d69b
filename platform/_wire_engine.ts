/**
 * One server's engine: its settings, its connections and their timeouts. One timer ticks for
 * every running engine (`TICK_MS`), renewing the `Date` header's text and checking timeouts.
 *
 * @module
 */

import { advanceClock, Connection } from "./_wire.ts";
import type { Settings, WireSocket } from "./_wire_request.ts";
import type { ServeOptions } from "./types.ts";

/** The request head limit when none is given (as `node:http`'s default). */
const DEFAULT_MAX_HEAD = 16 * 1024;
/** Idle keep-alive and request-head timeouts when no timeout is given (`node:http`'s). */
const DEFAULT_IDLE_MS = 5_000;
const DEFAULT_HEAD_MS = 60_000;
/** How often timeouts are checked and the `Date` header is renewed. */
export const TICK_MS = 500;

/** The longest a stopping server waits for its accept queue to fall quiet. */
const QUIET_MAX_MS = 250;

/**
 * Resolves once no connection was accepted (`count` did not change) for two turns of `turn` in
 * a row and at least `quietMs` (or after `QUIET_MAX_MS`). Closing a listener resets the
 * connections still in the kernel's accept queue, connections their clients already saw
 * established; closing it once the queue was seen empty, while the connections accepted
 * meanwhile are held unanswered (their clients wait instead of connecting again), leaves that
 * queue empty in practice. Node accepts every waiting connection at each turn of its event loop
 * (`setImmediate`, `quietMs` 0); Deno hands over one per accept call, and under load one can
 * wait in the queue for a millisecond or more, so it needs a quiet of some milliseconds too.
 */
export async function acceptQueueQuiet(
  count: () => number,
  turn: () => Promise<unknown>,
  quietMs: number,
): Promise<void> {
  const deadline = Date.now() + QUIET_MAX_MS;
  let last = count();
  let since = Date.now();
  for (let calm = 0; Date.now() < deadline;) {
    await turn();
    if (count() !== last) {
      last = count();
      since = Date.now();
      calm = 0;
    } else if (++calm >= 2 && Date.now() - since >= quietMs) return;
  }
}

/** The running engines; one timer ticks for all of them. */
const engines = new Set<WireEngine>();
let ticker: ReturnType<typeof setInterval> | undefined;

function onTick(): void {
  const now = advanceClock();
  for (const engine of engines) engine.sweep(now);
}

/**
 * The engine of one server: its settings and connections. The runtime's adapter listens and
 * passes each accepted socket to {@link WireEngine.accept}.
 */
export class WireEngine {
  /** What every connection shares. */
  readonly settings: Settings;
  /** The open connections. */
  readonly connections: Set<Connection> = new Set();

  /**
   * An engine serving by `options` (the address fields are the adapter's business); `unref`
   * keeps the runtime's timer from holding the process open.
   */
  constructor(options: ServeOptions, unref: (timer: ReturnType<typeof setInterval>) => void) {
    const timeoutMs = options.timeoutMs ?? 0;
    const ticks = (ms: number) => Math.max(1, Math.ceil(ms / TICK_MS));
    this.settings = {
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
    engines.add(this);
    if (ticker === undefined) {
      ticker = setInterval(onTick, TICK_MS);
      // Unreferenced: a server keeps the process alive by its listener, not this timer.
      unref(ticker);
    }
  }

  /** Serves an accepted socket; the adapter delivers its events to the returned connection. */
  accept(socket: WireSocket): Connection {
    return new Connection(socket, this.settings, this.connections);
  }

  /** Checks every connection's timeouts. */
  sweep(now: number): void {
    for (const conn of this.connections) conn.sweep(now);
  }

  /**
   * Stops taking requests on kept-alive connections: idle ones close now, busy ones after their
   * response, fresh ones after answering their first request; WebSockets are closed with 1001.
   * Resolves when all are closed.
   */
  drain(): Promise<void> {
    this.settings.closing = true;
    for (const conn of this.connections) conn.closeIfIdle();
    return new Promise<void>((done) => {
      const check = () => {
        if (this.connections.size > 0) return;
        clearInterval(poll);
        done();
      };
      const poll = setInterval(check, 20);
      check();
    });
  }

  /** How many connections are WebSockets now (open or closing). */
  webSockets(): number {
    let n = 0;
    for (const conn of this.connections) if (conn.switched?.live) n++;
    return n;
  }

  /** Closes every connection now. */
  closeAll(): void {
    for (const conn of this.connections) conn.socket.destroy();
  }

  /** Forgets the engine (its timer stops with the last one). */
  dispose(): void {
    engines.delete(this);
    if (engines.size === 0 && ticker !== undefined) {
      clearInterval(ticker);
      ticker = undefined;
    }
  }
}
