/**
 * Per-session-id locks for one process: an asynchronous mutex per id, first come first served,
 * with an optional timeout ({@link LockTimeout}). `RamSession` locks with it, `FileSession` uses
 * it in front of its lock files (so the requests of one process queue here instead of polling
 * the disk), and other stores may use it the same way.
 *
 * @module
 */

/**
 * A lock on a session id could not be acquired in time (the session's `lock_timeout`).
 * Raised from `acquire_lock()`; a request that meets it answers 500.
 *
 * @example Using `LockTimeout`
 * ```ts
 * import { LockTimeout } from "../../lib/sessions.ts";
 * const error = new LockTimeout("0123");
 * error.message; // "Timeout acquiring lock for 0123"
 * ```
 */
export class LockTimeout extends Error {
  /** The session id whose lock was wanted. */
  readonly session_id: string;

  /** Creates the error for `sessionId`. */
  constructor(sessionId: string) {
    super(`Timeout acquiring lock for ${sessionId}`);
    this.name = "LockTimeout";
    this.session_id = sessionId;
  }
}

interface Waiter {
  grant(): void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

interface LockState {
  held: boolean;
  queue: Waiter[];
}

/**
 * Exclusive locks by session id, for one process. `acquire(id, timeout)` resolves once the
 * caller holds the lock (waiters are served in order); `release(id)` hands it to the next
 * waiter. A lock is not reentrant: the session object remembers whether it holds its lock.
 * Entries disappear when a lock is free and nobody waits, so the map only holds live locks.
 *
 * @example Two holders, one after the other
 * ```ts
 * import { SessionLocks } from "../../lib/sessions.ts";
 * const locks = new SessionLocks();
 * await locks.acquire("a", null);
 * const second = locks.acquire("a", 5); // waits (at most 5 s)
 * locks.release("a");
 * await second; // now held by the second caller
 * locks.release("a");
 * locks.size; // 0
 * ```
 */
export class SessionLocks {
  readonly #locks = new Map<string, LockState>();

  /** How many ids are locked or waited for. */
  get size(): number {
    return this.#locks.size;
  }

  /** The ids that are locked or waited for. */
  ids(): string[] {
    return [...this.#locks.keys()];
  }

  /** Whether `id` is locked now. */
  isLocked(id: string): boolean {
    return this.#locks.get(id)?.held === true;
  }

  /** Takes the lock on `id` if it is free (never waits); `true` when taken. */
  tryAcquire(id: string): boolean {
    const state = this.#locks.get(id);
    if (state === undefined) {
      this.#locks.set(id, { held: true, queue: [] });
      return true;
    }
    if (state.held) return false;
    state.held = true;
    return true;
  }

  /**
   * Resolves once the lock on `id` is held by the caller. With `timeout` (seconds; `null` or
   * 0 waits as long as it takes), rejects with {@link LockTimeout} when it is not held by then.
   */
  acquire(id: string, timeout: number | null): Promise<void> {
    if (this.tryAcquire(id)) return Promise.resolve();
    const state = this.#locks.get(id)!;
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          if (waiter.timer !== undefined) clearTimeout(waiter.timer);
          resolve();
        },
        timer: undefined,
      };
      if (timeout !== null && timeout > 0) {
        waiter.timer = setTimeout(() => {
          const at = state.queue.indexOf(waiter);
          if (at >= 0) state.queue.splice(at, 1);
          this.#forget(id, state);
          reject(new LockTimeout(id));
        }, timeout * 1000);
      }
      state.queue.push(waiter);
    });
  }

  /** Releases the lock on `id`: the next waiter (if any) holds it now. */
  release(id: string): void {
    const state = this.#locks.get(id);
    if (state === undefined || !state.held) return;
    const next = state.queue.shift();
    if (next !== undefined) {
      next.grant();
      return;
    }
    state.held = false;
    this.#forget(id, state);
  }

  /** Drops the entry of `id` when it is free and nobody waits (called after each change). */
  #forget(id: string, state: LockState): void {
    if (!state.held && state.queue.length === 0 && this.#locks.get(id) === state) {
      this.#locks.delete(id);
    }
  }
}
