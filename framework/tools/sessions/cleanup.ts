/**
 * The clean-up of expired sessions: one task per store class, started at its first load (as
 * CherryPy starts its `Session cleanup` monitor), subscribed to the engine so that it stops
 * and starts with it.
 *
 * @module
 */

import type { Bus } from "../../../bus/mod.ts";
import { BackgroundTask, Monitor } from "../../../plugins/mod.ts";

/** What a clean-up task runs: the store's `clean_up` of its first session. */
interface Cleanable {
  /** Minutes between runs (0: none). */
  readonly clean_freq: number;
  /** Removes expired records. */
  clean_up(): unknown;
  /** Logs when debugging. */
  _debug(message: string): void;
}

/** The bus the clean-up monitors subscribe to (`Session.engine`). */
export const cleanup: { engine: Bus | null } = { engine: null };

/** The clean-up task of each store class. */
const threads = new Map<object, Monitor | BackgroundTask>();

/** The clean-up task of `cls`, once started. */
export function cleanThreadOf(cls: object): Monitor | BackgroundTask | null {
  return threads.get(cls) ?? null;
}

/** Stops and forgets the clean-up task of `cls`. */
export async function stopCleanThread(cls: object): Promise<void> {
  const thread = threads.get(cls);
  if (thread === undefined) return;
  threads.delete(cls);
  if (thread instanceof Monitor) {
    thread.unsubscribe();
    if (thread.thread !== null) await thread.stop();
  } else {
    thread.cancel();
    await thread.join();
  }
}

/**
 * Starts the clean-up task of `session`'s class unless it runs (or `clean_freq` is 0): a
 * `Monitor` named `Session cleanup` on the engine, else an unreferenced timer. An error in a
 * run is logged, and the task goes on.
 */
export function startCleanup(session: Cleanable): void {
  const cls = session.constructor;
  if (!session.clean_freq || threads.has(cls)) return;
  const run = async () => {
    try {
      await session.clean_up();
    } catch (e) {
      cleanup.engine?.log("Error in session clean-up.", 40, e);
    }
  };
  const seconds = session.clean_freq * 60;
  const bus = cleanup.engine;
  if (bus !== null) {
    const monitor = new Monitor(bus, run, seconds, "Session cleanup");
    monitor.subscribe();
    threads.set(cls, monitor);
    monitor.start();
  } else {
    const task = new BackgroundTask(seconds, run);
    task.name = "Session cleanup";
    threads.set(cls, task);
    task.start();
  }
  session._debug("Started cleanup thread.");
}
