/**
 * `MemcachedSession`: sessions kept in memcached, shared by every process that uses the same
 * servers, with keys spread over several servers and a lock that holds across processes.
 *
 * @module
 */

import { SessionLocks } from "../sessions/locks.ts";
import { registerStorageType } from "../sessions/tool.ts";
import { MemcachedClient } from "./memcached.ts";
import {
  NetworkSession,
  secondsOption,
  type SessionBackend,
  sharedSetup,
} from "./_network_session.ts";

/**
 * Raised where a store cannot do what was asked (Python's `NotImplementedError`):
 * `MemcachedSession` cannot count its sessions.
 *
 * @example Counting sessions where the store can
 * ```ts
 * import * as cherrypy from "../../../mod.ts";
 * async function sessionCount(): Promise<number | null> {
 *   try {
 *     return await cherrypy.session.length();
 *   } catch (e) {
 *     if (e instanceof cherrypy.lib.sessions.NotImplementedError) return null;
 *     throw e;
 *   }
 * }
 * ```
 */
export class NotImplementedError extends Error {
  /** Creates the error, saying what cannot be done and why. */
  constructor(message: string) {
    super(message);
    this.name = "NotImplementedError";
  }
}

/**
 * A lock's memcached expiry: memcached counts whole seconds and an item given `n` seconds may
 * go at the next tick after `n - 1`, so one second is added.
 */
function lockSeconds(ttlMs: number): number {
  return Math.ceil(ttlMs / 1000) + 1;
}

/** The store's operations on a {@link MemcachedClient}. */
class MemcachedBackend implements SessionBackend {
  readonly service = "memcached";
  readonly client: MemcachedClient;

  constructor(client: MemcachedClient) {
    this.client = client;
  }

  async get(key: string): Promise<string | null> {
    const item = await this.client.get(key);
    return item === null ? null : new TextDecoder().decode(item.value);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.client.set(key, value, { ttl: Math.ceil(ttlMs / 1000) });
  }

  async delete(key: string): Promise<void> {
    await this.client.delete(key);
  }

  lock(key: string, token: string, ttlMs: number): Promise<boolean> {
    return this.client.add(key, token, { ttl: lockSeconds(ttlMs) });
  }

  async renew(key: string, token: string, ttlMs: number): Promise<void> {
    const item = await this.client.get(key);
    if (item !== null && new TextDecoder().decode(item.value) === token) {
      await this.client.touch(key, lockSeconds(ttlMs));
    }
  }

  /** Deletes the lock only if it is unchanged since read: a `cas` that stores it expired. */
  async unlock(key: string, token: string): Promise<void> {
    const item = await this.client.gets(key);
    if (item === null || new TextDecoder().decode(item.value) !== token) return;
    await this.client.cas(key, "", item.cas!, { ttl: -1 });
  }

  count(): Promise<number> {
    return Promise.reject(
      new NotImplementedError(
        "MemcachedSession cannot count the sessions: memcached does not list its keys.",
      ),
    );
  }

  close(): void {
    this.client.close();
  }
}

/**
 * The memcached store (`tools.sessions.storage_class = cherrypy.lib.sessions.MemcachedSession`,
 * or `storage_type = "memcached"`). Its options (`tools.sessions.*`), read once per process
 * by `setup()`:
 *
 * - `servers`: `["host:port", ...]` (default `["localhost:11211"]`); keys are spread over
 *   them by a consistent hash, so every process must list the same servers.
 * - `key_prefix`: put before each session id to make its key (default `"session:"`).
 * - `lock_expiry`: seconds a lock lives unless its holder renews it (default 30; renewed every
 *   third of that while held, so only a crashed process's lock ever expires).
 * - `connect_timeout`, `request_timeout`: seconds to wait for a connection (3) and for each
 *   reply (5). A server that is down or silent fails the request with 503, and the error log
 *   says which server and why.
 *
 * Unlike CherryPy's, whose locks hold within one process only, the lock on a session is a
 * memcached key created with `add` (which only one client can win), so requests of one session
 * wait for each other across every process and machine that shares the servers. The data is
 * stored as JSON, so it must be JSON-serialisable. `length()` is not available (memcached
 * cannot list keys): it fails with {@link NotImplementedError}, as in CherryPy.
 *
 * @example Sessions in memcached, shared by every process of the site
 * ```ts
 * import * as cherrypy from "../../../mod.ts";
 * const conf = {
 *   "/": {
 *     "tools.sessions.on": true,
 *     "tools.sessions.storage_class": cherrypy.lib.sessions.MemcachedSession,
 *     "tools.sessions.servers": ["10.0.0.5:11211", "10.0.0.6:11211"],
 *     "tools.sessions.timeout": 60,
 *   },
 * };
 * ```
 */
export class MemcachedSession extends NetworkSession {
  /** The servers (`host:port` or socket paths). */
  static servers: string[] = ["localhost:11211"];
  /** Put before each session id to make its key. */
  static key_prefix = "session:";
  /** Seconds a lock lives unless renewed. */
  static lock_expiry = 30;
  /** This process's locks, in front of memcached's. */
  static locks: SessionLocks = new SessionLocks();
  /** The connections to the servers, once made. */
  static backend: SessionBackend | null = null;
  /** Client options from `setup()`. */
  static connectTimeoutMs: number | undefined;
  /** Client options from `setup()`. */
  static requestTimeoutMs: number | undefined;

  /** Reads the store's options (once per process, before the first session). */
  static override setup(options: Record<string, unknown>): void {
    sharedSetup(this, options);
    if (options.servers !== undefined) {
      const servers = typeof options.servers === "string" ? [options.servers] : options.servers;
      if (
        !Array.isArray(servers) || servers.length === 0 ||
        !servers.every((s) => typeof s === "string")
      ) {
        throw new TypeError(
          `tools.sessions.servers must be a list of "host:port" strings; got ${
            JSON.stringify(options.servers)
          }.`,
        );
      }
      // Checked now, so a bad address fails at start-up.
      new MemcachedClient(servers).close();
      this.servers = [...servers];
    }
    this.connectTimeoutMs = secondsOption(options, "connect_timeout") ?? this.connectTimeoutMs;
    this.requestTimeoutMs = secondsOption(options, "request_timeout") ?? this.requestTimeoutMs;
    this.close();
  }

  /** The connections for the current options. */
  static makeBackend(): SessionBackend {
    return new MemcachedBackend(
      new MemcachedClient(this.servers, {
        // A session's lock lives on the server of its record.
        hashKey: (key) => key.endsWith(":lock") ? key.slice(0, -":lock".length) : key,
        ...(this.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: this.connectTimeoutMs }),
        ...(this.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: this.requestTimeoutMs }),
      }),
    );
  }
}

// `tools.sessions.storage_type = "memcached"`, and `cherrypy.lib.sessions.MemcachedSession` in config files.
registerStorageType("memcached", MemcachedSession);
