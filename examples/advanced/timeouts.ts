/**
 * Response timeouts (docs §5.5): `response.time`, `response.timeout` and
 * `response.timed_out`, checked by the pipeline between its stages, by handlers with
 * `response.checkTimeout()`, and by the engine's timeout monitor.
 *
 *     deno run -A examples/advanced/timeouts.ts
 *     curl http://127.0.0.1:8080/report?steps=3      # ready after 1.5 s
 *     curl http://127.0.0.1:8080/report?steps=10     # 500: past the 2 s timeout
 *     curl http://127.0.0.1:8080/wait?seconds=5      # 500 after about 2 s (the monitor)
 *
 * A response may take `response.timeout` seconds (300 by default; 2 here, set with
 * `@cherrypy.config`). Once it has run longer, `response.checkTimeout()` sets
 * `response.timed_out`, and the pipeline answers 500 (`TimeoutError`) at its next stage.
 * `report` works in steps and checks between them. `wait` awaits a timer and does not
 * check: the engine's timeout monitor (every `engine.timeout_monitor.frequency` seconds, here
 * 1) marks the response, which aborts `cherrypy.request.signal`, and the timer, listening to
 * the signal, stops. Pass the signal to `fetch`, database drivers and timers so that work
 * whose answer nobody will see stops.
 *
 * CherryPy 18 removed the monitor and `response.timeout` (the docs still describe them); this
 * framework keeps them, with `request.signal` as the way to stop awaited work.
 *
 * @twin §5.5.1 #3
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** Resolves after `ms`, or rejects with the signal's reason once `signal` is aborted. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** The application. */
export class Root {
  /** `/report?steps=N`: N steps of `step_ms` each, checking the timeout after each one. */
  @cherrypy.expose
  @cherrypy.config({ "response.timeout": 2 })
  async report(steps = "3", step_ms = "500"): Promise<string> {
    const response = cherrypy.response;
    for (let i = 0; i < Number(steps); i++) {
      await sleep(Number(step_ms));
      response.checkTimeout();
      if (response.timed_out) throw new cherrypy.TimeoutError();
    }
    const took = Date.now() / 1000 - response.time;
    return `Report of ${steps} steps, ready after ${took.toFixed(1)} s ` +
      `(timeout: ${response.timeout} s)`;
  }

  /** `/wait?seconds=N`: waits without checking; stopped through `request.signal`. */
  @cherrypy.expose
  @cherrypy.config({ "response.timeout": 2 })
  async wait(seconds = "5"): Promise<string> {
    await sleep(Number(seconds) * 1000, cherrypy.request.signal);
    return `Waited ${seconds} s`;
  }
}

/** The global config: the timeout monitor checks every second (default: every minute). */
export const globalConf: Record<string, unknown> = {
  "engine.timeout_monitor.frequency": 1,
};

if (cherrypy.isMain(import.meta)) {
  cherrypy.config.update(globalConf);
  await cherrypy.quickstart(new Root());
}
