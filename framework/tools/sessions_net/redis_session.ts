/**
 * `RedisSession`: sessions kept in Redis, shared by every process that uses the same server,
 * expired by Redis itself, with a lock that holds across processes.
 *
 * @module
 */

import { SessionLocks } from "../sessions/locks.ts";
import { registerStorageType } from "../sessions/tool.ts";
import { parseRedisUrl, RedisClient } from "./redis.ts";
import {
  NetworkSession,
  secondsOption,
  type SessionBackend,
  sharedSetup,
} from "./_network_session.ts";

/** Extends `KEYS[1]` to `ARGV[2]` ms when it holds `ARGV[1]`. */
const RENEW = 'if redis.call("get", KEYS[1]) == ARGV[1] then ' +
  'return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end';

/** A glob pattern matching `text` literally. */
function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/** The store's operations on a {@link RedisClient}. */
class RedisBackend implements SessionBackend {
  readonly service = "redis";
  readonly client: RedisClient;

  constructor(client: RedisClient) {
    this.client = client;
  }

  get(key: string): Promise<string | null> {
    return this.client.get(key);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.client.set(key, value, { px: Math.max(Math.ceil(ttlMs), 1) });
  }

  async delete(key: string): Promise<void> {
    await this.client.del(key);
  }

  lock(key: string, token: string, ttlMs: number): Promise<boolean> {
    return this.client.set(key, token, { nx: true, px: Math.max(Math.ceil(ttlMs), 1) });
  }

  async renew(key: string, token: string, ttlMs: number): Promise<void> {
    await this.client.eval(RENEW, [key], [token, Math.ceil(ttlMs)]);
  }

  async unlock(key: string, token: string): Promise<void> {
    await this.client.deleteIfEquals(key, token);
  }

  /** Counts the keys under `prefix` with `SCAN` (lock keys left out). */
  async count(prefix: string): Promise<number> {
    let cursor = "0";
    let n = 0;
    const pattern = `${globEscape(prefix)}*`;
    do {
      const reply = await this.client.command("SCAN", cursor, "MATCH", pattern, "COUNT", 1000);
      const [next, keys] = reply as [string, string[]];
      for (const key of keys) if (!key.endsWith(":lock")) n++;
      cursor = next;
    } while (cursor !== "0");
    return n;
  }

  close(): void {
    this.client.close();
  }
}

/**
 * The Redis store (`tools.sessions.storage_class = cherrypy.lib.sessions.RedisSession`, or
 * `storage_type = "redis"`); CherryPy has none. Its options (`tools.sessions.*`), read once
 * per process by `setup()`:
 *
 * - `url`: `redis://[[user]:password@]host[:port][/db]` or
 *   `unix:///path/redis.sock?db=N&password=...` (default `redis://localhost:6379/0`).
 * - `key_prefix`: put before each session id to make its key (default `"session:"`).
 * - `lock_expiry`: seconds a lock lives unless its holder renews it (default 30; renewed every
 *   third of that while held).
 * - `connect_timeout`, `request_timeout`: seconds to wait for a connection (3) and for each
 *   reply (5). A server that is down or silent fails the request with 503, and the error log
 *   says why.
 *
 * Records are JSON strings set with `PX` (Redis expires them); the lock on a session is a key
 * set with `NX PX` holding a random token, released by a script that deletes it only if it
 * still holds that token, so requests of one session wait for each other across processes.
 * `length()` counts the session keys with `SCAN`.
 *
 * @example Sessions in Redis
 * ```ts
 * import * as cherrypy from "../../../mod.ts";
 * const conf = {
 *   "/": {
 *     "tools.sessions.on": true,
 *     "tools.sessions.storage_class": cherrypy.lib.sessions.RedisSession,
 *     "tools.sessions.url": "redis://:secret@127.0.0.1:6379/2",
 *   },
 * };
 * ```
 */
export class RedisSession extends NetworkSession {
  /** Where the server is. */
  static url = "redis://localhost:6379/0";
  /** Put before each session id to make its key. */
  static key_prefix = "session:";
  /** Seconds a lock lives unless renewed. */
  static lock_expiry = 30;
  /** This process's locks, in front of Redis's. */
  static locks: SessionLocks = new SessionLocks();
  /** The connections to the server, once made. */
  static backend: SessionBackend | null = null;
  /** Client options from `setup()`. */
  static connectTimeoutMs: number | undefined;
  /** Client options from `setup()`. */
  static requestTimeoutMs: number | undefined;

  /** Reads the store's options (once per process, before the first session). */
  static override setup(options: Record<string, unknown>): void {
    sharedSetup(this, options);
    if (options.url !== undefined) {
      if (typeof options.url !== "string") {
        throw new TypeError(
          `tools.sessions.url must be a redis:// URL; got ${JSON.stringify(options.url)}.`,
        );
      }
      parseRedisUrl(options.url); // checked now, so a bad URL fails at start-up
      this.url = options.url;
    }
    this.connectTimeoutMs = secondsOption(options, "connect_timeout") ?? this.connectTimeoutMs;
    this.requestTimeoutMs = secondsOption(options, "request_timeout") ?? this.requestTimeoutMs;
    this.close();
  }

  /** The connections for the current options. */
  static makeBackend(): SessionBackend {
    return new RedisBackend(
      new RedisClient(this.url, {
        ...(this.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: this.connectTimeoutMs }),
        ...(this.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: this.requestTimeoutMs }),
      }),
    );
  }
}

// `tools.sessions.storage_type = "redis"`, and `cherrypy.lib.sessions.RedisSession` in config files.
registerStorageType("redis", RedisSession);
