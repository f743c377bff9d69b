/**
 * `RamSession`: sessions kept in this process's memory (the default store). They are lost when
 * the process ends or restarts, and each process has its own.
 *
 * @module
 */

import { SessionLocks } from "./locks.ts";
import type { SessionData, SessionRecord } from "./record.ts";
import { Session } from "./session.ts";

/**
 * The in-memory store: one class-wide map of records ({@link RamSession.cache}) and one of locks
 * ({@link RamSession.locks}). The data is kept as it is (no serialization): any value survives,
 * for as long as the process lives.
 *
 * @example Switch it on (it is the default `storage_class`)
 * ```ts
 * import * as cherrypy from "../../../mod.ts";
 * const conf = {
 *   "/": {
 *     "tools.sessions.on": true,
 *     "tools.sessions.storage_class": cherrypy.lib.sessions.RamSession,
 *   },
 * };
 * ```
 */
export class RamSession extends Session {
  /** Every session's record, by id. */
  static readonly cache: Map<string, SessionRecord> = new Map();
  /** The lock of each session id in use. */
  static readonly locks: SessionLocks = new SessionLocks();

  /** A record exists and has not expired. */
  override _exists(): boolean {
    const record = RamSession.cache.get(this.id);
    return record !== undefined && record.expirationTime.getTime() >= this.now().getTime();
  }

  /** The record, or `null`. */
  override _load(): SessionRecord | null {
    return RamSession.cache.get(this.id) ?? null;
  }

  /** Keeps `data` (the object itself) until `expirationTime`. */
  override _save(data: SessionData, expirationTime: Date): void {
    RamSession.cache.set(this.id, { data, expirationTime });
  }

  /** Forgets the record. */
  override _delete(): void {
    RamSession.cache.delete(this.id);
  }

  /** Takes the lock on the id at once when it is free; otherwise waits for it. */
  override _acquire_lock(): Promise<void> | void {
    if (RamSession.locks.tryAcquire(this.id)) return;
    return RamSession.locks.acquire(this.id, this.lock_timeout);
  }

  /** Releases the lock on the id. */
  override _release_lock(): void {
    RamSession.locks.release(this.id);
  }

  /** How many sessions are kept. */
  override _length(): number {
    return RamSession.cache.size;
  }

  /** Forgets the expired records (a record whose id is locked stays until it is released). */
  override clean_up(): void {
    const now = this.now().getTime();
    for (const [id, record] of RamSession.cache) {
      if (record.expirationTime.getTime() <= now && !RamSession.locks.isLocked(id)) {
        RamSession.cache.delete(id);
      }
    }
  }
}
