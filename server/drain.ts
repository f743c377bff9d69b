/**
 * The graceful stop of an HTTP server, step by step:
 *
 * 1. stop accepting connections; close idle keep-alive connections at once; start the closing
 *    handshake of every WebSocket with 1001 (Going Away), logging how many;
 * 2. let in-flight requests finish, and WebSockets finish closing; every response sent from now
 *    on carries `Connection: close`, so a kept-alive connection closes after its last response;
 * 3. at the deadline (`shutdown_timeout`), answer what is still in flight with 503, close every
 *    remaining connection, and log how many requests and WebSockets were cut.
 *
 * @module
 */

import type { NativeServer, OutgoingResponse } from "../platform/mod.ts";

/** Where a server reports: `(message, level)` with Python logging levels (30 = warning). */
export type DrainLog = (msg: string, level?: number) => void;

/**
 * Answers one request in flight: the resolver of the promise the server handed to the native
 * engine for it. A drain past its deadline calls it with a 503 so the connection can close.
 */
export type PendingAnswer = (out: OutgoingResponse) => void;

function timer(ms: number): { done: Promise<false>; clear(): void } {
  let id: ReturnType<typeof setTimeout> | undefined;
  const done = new Promise<false>((resolve) => id = setTimeout(() => resolve(false), ms));
  return { done, clear: () => clearTimeout(id) };
}

/**
 * One graceful stop in progress.
 *
 * @example Using `Drain`
 * ```ts
 * import { Drain } from "../mod.ts";
 * const drain = new Drain((msg) => console.log(msg));
 * ```
 */
export class Drain {
  readonly #log: DrainLog | undefined;
  /** How many requests were cut at the deadline. */
  cut = 0;
  /** How many WebSockets were open when the stop began (each was closed with 1001). */
  webSockets = 0;
  /** How many WebSockets had not finished closing at the deadline (their connections dropped). */
  cutWebSockets = 0;

  /** Creates the drain; `log` receives the report of cut requests. */
  constructor(log?: DrainLog) {
    this.#log = log;
  }

  /** `out` with `Connection: close`, so its connection ends after this response. */
  closing<T extends OutgoingResponse | Response>(out: T): T {
    if (out instanceof Response) {
      try {
        out.headers.set("Connection", "close");
      } catch {
        // Immutable headers (a fetched Response): the native server closes the connection anyway.
      }
      return out;
    }
    const headers = out.headers.filter(([k]) => k.toLowerCase() !== "connection");
    headers.push(["Connection", "close"]);
    return { ...out, headers };
  }

  /**
   * Runs the stop (see the module documentation); at the deadline, every request in `pending`
   * is answered `cutResponse`.
   */
  async run(
    native: NativeServer,
    pending: Set<PendingAnswer>,
    timeoutMs: number,
    cutResponse: OutgoingResponse,
  ): Promise<void> {
    const sockets = this.webSockets = native.openWebSockets?.() ?? 0;
    if (sockets > 0) this.#log?.(`Closing ${sockets} WebSocket(s) with 1001 (Going Away).`, 20);
    const closed = native.shutdown().then(() => true as const);
    const deadline = timer(timeoutMs);
    const drained = await Promise.race([closed, deadline.done]);
    deadline.clear();
    if (drained) return;
    this.cut = pending.size;
    this.cutWebSockets = native.openWebSockets?.() ?? 0;
    for (const answer of [...pending]) answer(cutResponse);
    pending.clear();
    native.closeAllConnections();
    this.#log?.(
      `Shutdown timeout (${timeoutMs / 1000} s) reached: ${this.cut} request(s) still in ` +
        "flight were cut and their connections closed." +
        (this.cutWebSockets > 0
          ? ` ${this.cutWebSockets} WebSocket(s) that had not finished closing were dropped.`
          : ""),
      30,
    );
    const grace = timer(1000);
    await Promise.race([closed, grace.done]);
    grace.clear();
  }
}
