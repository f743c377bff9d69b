/**
 * Response timeouts: `engine.timeout_monitor` checks every response in progress each
 * `frequency` seconds; one past its `response.timeout` is marked `timed_out`, its
 * `request.signal` is aborted (so awaited work that listens to it stops), and the pipeline
 * answers 500 at its next stage.
 *
 * @module
 */

import type { Bus } from "../../bus/mod.ts";
import { Monitor } from "../../plugins/mod.ts";
import type { Response } from "../core/response.ts";

/**
 * The timeout monitor plugin (`engine.timeout_monitor`; `engine.timeout_monitor.on`,
 * `engine.timeout_monitor.frequency` in config).
 *
 * @example Using `TimeoutMonitor`
 * ```ts
 * import { config } from "../../mod.ts";
 * config.update({ "engine.timeout_monitor.frequency": 5 });
 * ```
 */
export class TimeoutMonitor extends Monitor {
  /** The responses in progress. */
  readonly active: Set<Response> = new Set();

  /** Creates the monitor (checks once a minute by default). */
  constructor(bus: Bus, frequency = 60) {
    super(bus, () => {}, frequency, "_TimeoutMonitor");
    this.callback = () => this.run();
  }

  /** `true` while the monitor runs (requests are tracked only then). */
  get running(): boolean {
    return this.thread !== null;
  }

  /** Checks every response in progress. */
  run(): void {
    const now = Date.now() / 1000;
    for (const response of this.active) response.checkTimeout(now);
  }

  /** Tracks `response` until the returned function is called (only while running). */
  track(response: Response): (() => void) | undefined {
    if (this.thread === null) return undefined;
    this.active.add(response);
    return () => this.active.delete(response);
  }
}
