/**
 * The shapes the session stores share: the data, the stored record, the options, and
 * `KeyError`.
 *
 * @module
 */

/** A value, or a promise of it: what the store methods return. */
export type Awaitable<T> = T | Promise<T>;

/** The data of one session: names to values. */
// deno-lint-ignore no-explicit-any
export type SessionData = Record<string, any>;

/** What a store keeps for one session id: the data and when it expires. */
export interface SessionRecord {
  /** The session data. */
  data: SessionData;
  /** When the data expires (the save time plus `timeout` minutes). */
  expirationTime: Date;
}

/** The options a session is made with: the `tools.sessions.*` entries besides the tool's own. */
export interface SessionOptions {
  /** Minutes after which unused session data expires (60). */
  timeout?: number;
  /** Minutes between clean-ups of expired sessions (5; 0 turns the clean-up off). */
  clean_freq?: number;
  /** Seconds to wait for the lock before `LockTimeout` (`null`, the default: no limit). */
  lock_timeout?: number | null;
  /** Log what the session does (`TOOLS.SESSIONS` in the error log). */
  debug?: boolean;
  /** Options of the store (`storage_path`, ...). */
  [option: string]: unknown;
}

/**
 * A key missing from the session data (Python's `KeyError`): reading `cherrypy.session.x`
 * when there is no `x`, or `pop("x")` without a default. A handler that meets it answers 500.
 *
 * @example Using `KeyError`
 * ```ts
 * import { KeyError } from "../../lib/sessions.ts";
 * new KeyError("mystring").message; // "'mystring'"
 * ```
 */
export class KeyError extends Error {
  /** The missing key. */
  readonly key: string;

  /** Creates the error for `key`. */
  constructor(key: string) {
    super(`'${key.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`);
    this.name = "KeyError";
    this.key = key;
  }
}
