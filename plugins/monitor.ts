/**
 * Periodic work: `BackgroundTask`, `PerpetualTimer` and the `Monitor` plugin.
 *
 * JavaScript has no threads; these run their function on timers of the event loop. The
 * timers are unreferenced, like CherryPy's daemonic threads: they never keep a process alive
 * on their own. A function that returns a promise is awaited before the next run is scheduled,
 * so runs never overlap.
 *
 * @module
 */

import type { Bus } from "../bus/mod.ts";
import { platform } from "../platform/mod.ts";
import { priority, SimplePlugin } from "./simple_plugin.ts";

/** A function run periodically; it may be async. */
// deno-lint-ignore no-explicit-any
export type TaskFunction = (...args: any[]) => unknown;

/**
 * Runs `fn(...args)` every `interval` seconds until cancelled. The first error stops it (and
 * is logged on `bus` when given).
 *
 * @example Using `BackgroundTask`
 * ```ts
 * import { BackgroundTask } from "../mod.ts";
 * const task = new BackgroundTask(60, () => console.log("a minute passed"));
 * task.start();
 * task.cancel();
 * ```
 */
export class BackgroundTask {
  /** Seconds between runs. */
  interval: number;
  /** The function run. */
  readonly fn: TaskFunction;
  /** Its arguments. */
  readonly args: unknown[];
  /** Where errors are logged. */
  readonly bus: Bus | undefined;
  /** A name for log lines. */
  name: string;
  /** `true` while scheduled. */
  running = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #idle: Promise<void> = Promise.resolve();

  /** Creates the task; it runs once {@link BackgroundTask.start} is called. */
  constructor(interval: number, fn: TaskFunction, args: unknown[] = [], bus?: Bus) {
    this.interval = interval;
    this.fn = fn;
    this.args = args;
    this.bus = bus;
    this.name = fn.name || "BackgroundTask";
  }

  /** Starts running every `interval` seconds. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.#schedule();
  }

  #schedule(): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#idle = this.#run();
    }, this.interval * 1000);
    platform.unrefTimer(this.#timer);
  }

  async #run(): Promise<void> {
    if (!this.running) return;
    try {
      await this.fn(...this.args);
    } catch (e) {
      this.running = false;
      this.onError(e);
      return;
    }
    if (this.running) this.#schedule();
  }

  /** Called with the error that stopped the task; logs it. */
  onError(error: unknown): void {
    this.bus?.log(`Error in background task thread function ${this.name}.`, 40, error);
  }

  /** Stops the task (a run in progress finishes). */
  cancel(): void {
    this.running = false;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Resolves when no run is in progress. */
  join(): Promise<void> {
    return this.#idle;
  }
}

/**
 * CherryPy's `PerpetualTimer`: a {@link BackgroundTask} (a repeating timer). The first error
 * is logged and stops it.
 *
 * @example Using `PerpetualTimer`
 * ```ts
 * import { PerpetualTimer } from "../mod.ts";
 * const timer = new PerpetualTimer(0.5, () => console.log("tick"));
 * timer.start();
 * timer.cancel();
 * ```
 */
export class PerpetualTimer extends BackgroundTask {
  /** Logs the error (on the bus, else standard error) and stops. */
  override onError(error: unknown): void {
    if (this.bus) super.onError(error);
    else platform.writeStderr(`Error in perpetual timer thread function ${this.name}: ${error}\n`);
  }
}

/**
 * Runs `callback` every `frequency` seconds while the engine runs: started at engine start
 * (priority 70), stopped at stop, restarted on graceful. A frequency of 0 or less disables it.
 *
 * @example Clean up expired entries every 5 minutes
 * ```ts
 * import { engine, Monitor } from "../mod.ts";
 * new Monitor(engine, () => console.log("cleaning"), 300, "Cleaner").subscribe();
 * ```
 */
export class Monitor extends SimplePlugin {
  /** The function run. */
  callback: TaskFunction;
  /** Seconds between runs. */
  frequency: number;
  /** The name used in log lines. */
  name: string;
  /** The running task, if any. */
  thread: BackgroundTask | null = null;

  /** Creates the monitor; call `subscribe()` to use it. */
  constructor(bus: Bus, callback: TaskFunction, frequency = 60, name?: string) {
    super(bus);
    this.callback = callback;
    this.frequency = frequency;
    this.name = name ?? this.constructor.name;
  }

  /** Starts the periodic task. */
  start(): void {
    if (this.frequency <= 0) return;
    if (this.thread === null) {
      this.thread = new BackgroundTask(this.frequency, this.callback, [], this.bus);
      this.thread.name = this.name;
      this.thread.start();
      this.bus.log(`Started monitor thread '${this.name}'.`);
    } else {
      this.bus.log(`Monitor thread '${this.name}' already started.`);
    }
  }

  /** Stops the periodic task. */
  async stop(): Promise<void> {
    const thread = this.thread;
    if (thread === null) {
      this.bus.log(`No thread running for ${this.name}.`);
      return;
    }
    this.thread = null;
    thread.cancel();
    await thread.join();
    this.bus.log(`Stopped thread '${this.name}'.`);
  }

  /** Stops and starts the task again. */
  async graceful(): Promise<void> {
    await this.stop();
    this.start();
  }
}
priority(70)(Monitor.prototype.start); // CherryPy's start.priority = 70
