/**
 * `ThreadManager`: CherryPy's per-thread channels, translated to JavaScript.
 *
 * @module
 */

import type { Bus } from "../bus/mod.ts";
import { SimplePlugin } from "./simple_plugin.ts";

/**
 * CherryPy publishes `acquire_thread` when a request starts on a worker thread, and a
 * `ThreadManager` turns the first sighting of each thread into `start_thread(i)` and the end
 * of a thread into `stop_thread(i)`, so plugins can open one resource per worker (a database
 * connection) and close it again.
 *
 * JavaScript serves every request of a process on one thread. The worker is the process: the
 * framework publishes `acquire_thread` for each request, the first one publishes
 * `start_thread(1)`, and `stop_thread(1)` follows when the engine stops or reloads
 * (`graceful`), after which the next request starts the worker again. Code written for
 * CherryPy's channels therefore opens its per-worker resource once per process.
 *
 * @example One connection per worker
 * ```ts
 * import { engine } from "../mod.ts";
 * engine.subscribe("start_thread", (i: number) => console.log(`open connection ${i}`));
 * engine.subscribe("stop_thread", (i: number) => console.log(`close connection ${i}`));
 * ```
 */
export class ThreadManager extends SimplePlugin {
  /** Known workers: worker key → index (1, 2, ...). */
  readonly threads: Map<unknown, number> = new Map();
  readonly #acquire = () => this.acquireThread();
  readonly #release = () => this.releaseThread();

  /** Creates the manager and the four channels; call `subscribe()` to use it. */
  constructor(bus: Bus) {
    super(bus);
    for (const channel of ["acquire_thread", "start_thread", "release_thread", "stop_thread"]) {
      if (!bus.listeners.has(channel)) bus.listeners.set(channel, new Set());
    }
  }

  /** Subscribes `acquire_thread`, `release_thread`, `stop` and `graceful`. */
  override subscribe(): void {
    super.subscribe();
    this.bus.subscribe("acquire_thread", this.#acquire);
    this.bus.subscribe("release_thread", this.#release);
  }

  /** Undoes {@link ThreadManager.subscribe}. */
  override unsubscribe(): void {
    super.unsubscribe();
    this.bus.unsubscribe("acquire_thread", this.#acquire);
    this.bus.unsubscribe("release_thread", this.#release);
  }

  /**
   * `true` when publishing `acquire_thread` to `listeners` would do nothing: they are this
   * manager's alone and this process's worker is already known (the framework then skips the
   * publish for each request).
   */
  isSettled(listeners: readonly unknown[]): boolean {
    return this.isOnlyListener(listeners) && this.threads.has(PROCESS);
  }

  /** `true` when `listeners` (of `acquire_thread`) are this manager's alone. */
  isOnlyListener(listeners: readonly unknown[]): boolean {
    return listeners.length === 1 && listeners[0] === this.#acquire;
  }

  /** Publishes `start_thread(i)` the first time worker `key` (default: this process) is seen. */
  acquireThread(key: unknown = PROCESS): Promise<unknown> | void {
    if (this.threads.has(key)) return;
    const index = this.threads.size + 1;
    this.threads.set(key, index);
    return this.bus.publish("start_thread", index);
  }

  /** Publishes `stop_thread(i)` for worker `key` and forgets it. */
  releaseThread(key: unknown = PROCESS): Promise<unknown> | void {
    const index = this.threads.get(key);
    if (index === undefined) return;
    this.threads.delete(key);
    return this.bus.publish("stop_thread", index);
  }

  /** Publishes `stop_thread` for every known worker. */
  async stop(): Promise<void> {
    for (const [key, index] of [...this.threads]) {
      this.threads.delete(key);
      await this.bus.publish("stop_thread", index);
    }
  }

  /** Same as {@link ThreadManager.stop}. */
  graceful(): Promise<void> {
    return this.stop();
  }
}

const PROCESS = Symbol("this process");
