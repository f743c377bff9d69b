/**
 * What the memcached and Redis session stores share: records kept as JSON
 * (`{"expirationTime": "<ISO date>", "data": {...}}`, as `FileSession` writes them) under
 * `<key_prefix><id>` with the store's own expiry, and a lock that holds across processes: a
 * `<key_prefix><id>:lock` key created only when absent, holding a random token, expiring after
 * `lock_expiry` seconds unless its holder renews it, and released only by its holder. The
 * requests of one process queue in memory first (one `SessionLocks` per store class), so only
 * one of them at a time waits on the server.
 *
 * A server that cannot be reached (or answers wrong) fails the request with 503 and logs why.
 *
 * @module
 */

import { ConnectionError, platform } from "../../../platform/mod.ts";
import { HTTPError } from "../../core/errors.ts";
import { levels } from "../../core/log.ts";
import { servingNow } from "../../core/serving.ts";
import { LockTimeout, type SessionLocks } from "../sessions/locks.ts";
import { Session, type SessionData, type SessionRecord } from "../sessions/session.ts";
import { MemcachedError } from "./memcached.ts";
import { RedisError } from "./resp.ts";

/** What a networked store does on its server (keys are full keys; times in milliseconds). */
export interface SessionBackend {
  /** The service's name (`"memcached"`, `"redis"`), for messages. */
  readonly service: string;
  /** The text stored under `key`, or `null`. */
  get(key: string): Promise<string | null>;
  /** Stores `value` under `key` for `ttlMs`. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Removes `key` (nothing when missing). */
  delete(key: string): Promise<void>;
  /** Creates `key` holding `token` for `ttlMs`, only when it does not exist: `true` if created. */
  lock(key: string, token: string, ttlMs: number): Promise<boolean>;
  /** Extends `key` to `ttlMs` from now when it still holds `token`. */
  renew(key: string, token: string, ttlMs: number): Promise<void>;
  /** Removes `key` when it still holds `token`. */
  unlock(key: string, token: string): Promise<void>;
  /** How many records are stored under `prefix` (lock keys left out). */
  count(prefix: string): Promise<number>;
  /** Closes the connections. */
  close(): void;
}

/** The class-wide state of a networked store class. */
export interface NetworkSessionClass {
  backend: SessionBackend | null;
  key_prefix: string;
  lock_expiry: number;
  locks: SessionLocks;
  makeBackend(): SessionBackend;
  readonly name: string;
}

/** Longest pause between two tries for a held lock, in ms. */
const MAX_LOCK_POLL_MS = 50;

function randomToken(): string {
  let hex = "";
  for (const b of crypto.getRandomValues(new Uint8Array(16))) {
    hex += b.toString(16).padStart(2, "0");
  }
  return hex;
}

/** Options shared by the networked stores' `setup()`, checked. */
export function sharedSetup(
  cls: NetworkSessionClass,
  options: Record<string, unknown>,
): void {
  if (options.key_prefix !== undefined) {
    // deno-lint-ignore no-control-regex
    if (typeof options.key_prefix !== "string" || /[\s\x00-\x1f\x7f]/.test(options.key_prefix)) {
      throw new TypeError(
        `tools.sessions.key_prefix must be text without spaces or control characters; got ${
          JSON.stringify(options.key_prefix)
        }.`,
      );
    }
    cls.key_prefix = options.key_prefix;
  }
  if (options.lock_expiry !== undefined) {
    const v = options.lock_expiry;
    if (typeof v !== "number" || !(v >= 1)) {
      throw new TypeError(`tools.sessions.lock_expiry must be seconds (>= 1); got ${v}.`);
    }
    cls.lock_expiry = v;
  }
}

/** Seconds (a config value) as milliseconds, checked. */
export function secondsOption(options: Record<string, unknown>, name: string): number | undefined {
  const v = options[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !(v >= 0)) {
    throw new TypeError(`tools.sessions.${name} must be seconds (>= 0); got ${JSON.stringify(v)}.`);
  }
  return v * 1000;
}

/**
 * The base of `MemcachedSession` and `RedisSession`: the store contract over a
 * {@link SessionBackend}. Not a store by itself: a subclass gives the class-wide state
 * (`backend`, `key_prefix`, `lock_expiry`, `locks`) and `makeBackend()`.
 *
 * @example A store over a backend of one's own
 * ```ts
 * import { NetworkSession, type SessionBackend } from "./mod.ts";
 * import { SessionLocks } from "../sessions/locks.ts";
 * declare function myBackend(): SessionBackend;
 * class MySession extends NetworkSession {
 *   static backend: SessionBackend | null = null;
 *   static key_prefix = "session:";
 *   static lock_expiry = 30;
 *   static locks = new SessionLocks();
 *   static makeBackend(): SessionBackend {
 *     return myBackend();
 *   }
 * }
 * const conf = { "/": { "tools.sessions.on": true, "tools.sessions.storage_class": MySession } };
 * ```
 */
export class NetworkSession extends Session {
  #token: string | null = null;
  #renewal: ReturnType<typeof setInterval> | undefined;

  /** The store class, with its class-wide state. */
  #cls(): NetworkSessionClass {
    return this.constructor as unknown as NetworkSessionClass;
  }

  /** The store class's name, or its nearest named ancestor's. */
  #name(): string {
    for (let c: { name: string } | null = this.#cls(); c !== null; c = Object.getPrototypeOf(c)) {
      if (c.name) return c.name;
    }
    return "NetworkSession";
  }

  #backend(): SessionBackend {
    const cls = this.#cls();
    cls.backend ??= cls.makeBackend();
    return cls.backend;
  }

  #key(): string {
    return this.#cls().key_prefix + this.id;
  }

  #lockKey(): string {
    return `${this.#cls().key_prefix}${this.id}:lock`;
  }

  /** Runs `fn` against the server; a failure there is logged and answered 503. */
  async #call<T>(what: string, fn: (backend: SessionBackend) => Promise<T>): Promise<T> {
    const backend = this.#backend();
    // The request's log, taken now: the continuation below may run outside the request.
    const requestLog = servingNow()?.request.app?.log;
    try {
      return await fn(backend);
    } catch (e) {
      const storeFailed = e instanceof ConnectionError || e instanceof MemcachedError ||
        e instanceof RedisError;
      if (!storeFailed) throw e;
      const message = `${this.#name()}: ${what} failed: ${(e as Error)?.message ?? e}`;
      const log = requestLog ?? servingNow()?.request.app?.log;
      if (log !== undefined) log.error(message, "TOOLS.SESSIONS", levels.ERROR, e);
      else Session.engine?.log(`TOOLS.SESSIONS ${message}`, levels.ERROR, e);
      throw new HTTPError(
        503,
        `The session store (${backend.service}) is unavailable; please try again later.`,
      );
    }
  }

  #decode(text: string | null): SessionRecord | null {
    if (text === null) return null;
    try {
      const parsed = JSON.parse(text) as { expirationTime?: unknown; data?: unknown };
      const { expirationTime, data } = parsed;
      const expires = typeof expirationTime === "string" ? Date.parse(expirationTime) : NaN;
      if (Number.isNaN(expires) || data === null || typeof data !== "object") return null;
      return { data: data as SessionData, expirationTime: new Date(expires) };
    } catch {
      this._debug(`Unreadable record under ${this.#key()}; treated as missing.`);
      return null;
    }
  }

  /** A stored record that has not expired exists. */
  override async _exists(): Promise<boolean> {
    const record = this.#decode(await this.#call("reading", (b) => b.get(this.#key())));
    return record !== null && record.expirationTime.getTime() >= this.now().getTime();
  }

  /** The stored record, or `null`. */
  override async _load(): Promise<SessionRecord | null> {
    return this.#decode(await this.#call("reading", (b) => b.get(this.#key())));
  }

  /**
   * Stores the data as JSON until `expirationTime` (the server expires it then; one extra
   * second covers memcached's whole-second clock, and the expiry time kept in the record is
   * what counts).
   */
  override async _save(data: SessionData, expirationTime: Date): Promise<void> {
    let text: string;
    try {
      text = JSON.stringify({ expirationTime: expirationTime.toISOString(), data });
    } catch (e) {
      throw new TypeError(
        `${this.#name()} keeps session data as JSON, and this data cannot be: ${
          (e as Error).message
        }`,
      );
    }
    const ttlMs = Math.max(expirationTime.getTime() - this.now().getTime(), 0) + 1000;
    await this.#call("saving", (b) => b.set(this.#key(), text, ttlMs));
  }

  /** Removes the record. */
  override async _delete(): Promise<void> {
    await this.#call("deleting", (b) => b.delete(this.#key()));
  }

  /**
   * Takes the lock: first this process's lock on the id, then the server's (tried again and
   * again, a little longer apart each time, until `lock_timeout`).
   */
  override async _acquire_lock(): Promise<void> {
    const cls = this.#cls();
    const started = Date.now();
    await cls.locks.acquire(this.id, this.lock_timeout);
    const deadline = this.lock_timeout === null ? Infinity : started + this.lock_timeout * 1000;
    const token = randomToken();
    const key = this.#lockKey();
    const ttlMs = cls.lock_expiry * 1000;
    try {
      for (let pause = 1;; pause = Math.min(pause * 2, MAX_LOCK_POLL_MS)) {
        if (await this.#call("locking", (b) => b.lock(key, token, ttlMs))) break;
        if (Date.now() + pause > deadline) throw new LockTimeout(this.id);
        await new Promise((r) => setTimeout(r, pause));
      }
    } catch (e) {
      cls.locks.release(this.id);
      throw e;
    }
    this.#token = token;
    // Renewed while held, so a long request keeps it and a crashed process loses it soon.
    const backend = this.#backend();
    this.#renewal = setInterval(() => {
      backend.renew(key, token, ttlMs).catch(() => {});
    }, ttlMs / 3);
    platform.unrefTimer(this.#renewal);
  }

  /** Releases the server's lock (if this session still holds it) and this process's. */
  override async _release_lock(): Promise<void> {
    clearInterval(this.#renewal);
    const token = this.#token;
    this.#token = null;
    try {
      if (token !== null) await this.#call("unlocking", (b) => b.unlock(this.#lockKey(), token));
    } finally {
      this.#cls().locks.release(this.id);
    }
  }

  /** How many sessions are stored (where the server can tell). */
  override async _length(): Promise<number> {
    return await this.#call("counting", (b) => b.count(this.#cls().key_prefix));
  }

  /** Closes the store class's connections (a later request opens new ones). */
  static close(): void {
    const cls = this as unknown as NetworkSessionClass;
    cls.backend?.close();
    cls.backend = null;
  }
}
