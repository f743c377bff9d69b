/**
 * Server statistics (`server.statistics`): counters a stats page can read.
 *
 * @module
 */

import type { BoundAddress } from "../platform/mod.ts";

/** A snapshot of an HTTP server's counters. */
export interface ServerStats {
  /** Whether counting is on. */
  readonly Enabled: boolean;
  /** The bound address (`127.0.0.1:8080`, a socket path). */
  readonly "Bind Address": string;
  /** Seconds since the server started (0 when stopped). */
  readonly "Run time": number;
  /** Requests answered. */
  readonly Requests: number;
  /** Requests being handled now. */
  readonly "In Flight": number;
  /** The most requests handled at once. */
  readonly "Max In Flight": number;
  /** Requests waiting for a slot now (with `thread_pool_max`). */
  readonly Queue: number;
  /** Requests refused with 503 (queue full or wait too long). */
  readonly Rejected: number;
  /** Gateway errors answered with 500. */
  readonly Errors: number;
  /** Seconds spent in the gateway, summed. */
  readonly "Work Time": number;
}

/** The events a {@link StatsCollector} counts. */
export type Counter = "rejected" | "errors";

/** Collects the counters; does nothing but the in-flight bookkeeping when disabled. */
export class StatsCollector {
  /** Whether counting is on. */
  readonly enabled: boolean;
  #start = 0;
  #requests = 0;
  #maxInFlight = 0;
  #inFlight = 0;
  #workMs = 0;
  readonly #counters: Record<Counter, number> = { rejected: 0, errors: 0 };

  /** Creates the collector. */
  constructor(enabled: boolean) {
    this.enabled = enabled;
  }

  /** The server started. */
  started(): void {
    this.#start = Date.now();
  }

  /** The server stopped. */
  stopped(): void {
    this.#start = 0;
  }

  /** A request entered the gateway; returns a start mark for {@link requestFinished}. */
  requestStarted(): number {
    if (!this.enabled) return 0;
    this.#inFlight++;
    if (this.#inFlight > this.#maxInFlight) this.#maxInFlight = this.#inFlight;
    return performance.now();
  }

  /** A request left the gateway. */
  requestFinished(mark: number): void {
    if (!this.enabled) return;
    this.#inFlight--;
    this.#requests++;
    this.#workMs += performance.now() - mark;
  }

  /** Counts one event. */
  count(counter: Counter): void {
    if (this.enabled) this.#counters[counter]++;
  }

  /** The counters now. */
  snapshot(addr: BoundAddress | undefined, inFlight: number, queue: number): ServerStats {
    const bind = addr === undefined
      ? ""
      : addr.transport === "unix"
      ? addr.hostname
      : `${addr.hostname}:${addr.port}`;
    return {
      Enabled: this.enabled,
      "Bind Address": bind,
      "Run time": this.#start ? (Date.now() - this.#start) / 1000 : 0,
      Requests: this.#requests,
      "In Flight": inFlight,
      "Max In Flight": this.#maxInFlight,
      Queue: queue,
      Rejected: this.#counters.rejected,
      Errors: this.#counters.errors,
      "Work Time": this.#workMs / 1000,
    };
  }
}
