/**
 * A small Redis client: commands over RESP (replies in RESP2, or RESP3 after `HELLO 3`), the
 * connection described by a URL (`redis://[[user]:password@]host[:port][/db]`, or
 * `unix:///path/redis.sock?db=N&password=...`), authentication and database selection on each
 * new connection, a few pipelined connections (commands are written as they come and replies
 * matched in order), connect and reply timeouts, and helpers for what session stores need:
 * `GET`, `SET` with `EX`/`PX`/`NX`/`XX`, `DEL`, `EXPIRE`, `PEXPIRE`, `EVAL`, and a
 * compare-and-delete that releases a lock only for the holder of its token.
 *
 * @module
 */

import { encodeCommand, type RedisArg, RedisError, type RedisReply, replyParser } from "./resp.ts";
import { type Link, type LinkOptions, parseServer, ServerPool } from "./_link.ts";

export { type RedisArg, RedisError, type RedisReply } from "./resp.ts";

/** The port Redis listens on unless told otherwise. */
export const REDIS_PORT = 6379;

/** Deletes `KEYS[1]` when it holds `ARGV[1]`: 1 when deleted, else 0. */
const COMPARE_AND_DELETE = 'if redis.call("get", KEYS[1]) == ARGV[1] then ' +
  'return redis.call("del", KEYS[1]) else return 0 end';

/** A Redis URL, taken apart. */
export interface RedisTarget {
  /** `host:port` or the socket path. */
  readonly server: string;
  /** The database number (`SELECT`). */
  readonly db: number;
  /** The user name (`AUTH user password`), when given. */
  readonly username: string | undefined;
  /** The password, when given. */
  readonly password: string | undefined;
}

/** Options of a {@link RedisClient}. */
export interface RedisOptions extends LinkOptions {
  /**
   * The protocol to speak: 2 (RESP2, the default) or 3 (RESP3, by `HELLO 3` on each
   * connection; Redis 6 and later).
   */
  protocol?: 2 | 3;
}

/** Options of {@link RedisClient.set}. */
export interface RedisSetOptions {
  /** Expire after this many seconds (`EX`). */
  ex?: number;
  /** Expire after this many milliseconds (`PX`). */
  px?: number;
  /** Only set when the key does not exist (`NX`). */
  nx?: boolean;
  /** Only set when the key exists (`XX`). */
  xx?: boolean;
}

function badUrl(url: string, why: string): TypeError {
  return new TypeError(
    `redis: ${why} in ${JSON.stringify(redact(url))}; expected ` +
      "redis://[[user]:password@]host[:port][/db] or unix:///path/to/redis.sock[?db=N&password=...]",
  );
}

/** `url` without its password, for messages. */
function redact(url: string): string {
  return url.replace(/^(\w[\w+.-]*:\/\/[^:@/]*:)[^@/]*@/, "$1***@");
}

function dbOf(text: string | null, url: string): number {
  if (text === null || text === "") return 0;
  if (!/^\d{1,5}$/.test(text)) {
    throw badUrl(url, `the database ${JSON.stringify(text)} is not a number`);
  }
  return Number(text);
}

/**
 * Takes a Redis URL apart (see the module doc for the forms), checking it; a bad URL is a
 * `TypeError` that shows the expected forms (and never the password).
 *
 * @example The parts of a URL
 * ```ts
 * import { parseRedisUrl } from "./redis.ts";
 * parseRedisUrl("redis://:secret@127.0.0.1:6380/2");
 * // { server: "127.0.0.1:6380", db: 2, username: undefined, password: "secret" }
 * ```
 */
export function parseRedisUrl(url: string): RedisTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badUrl(url, "not a URL");
  }
  const username = parsed.username === "" ? undefined : decodeURIComponent(parsed.username);
  const password = parsed.password === "" ? undefined : decodeURIComponent(parsed.password);
  if (parsed.protocol === "rediss:") {
    throw new TypeError(
      "redis: TLS connections (rediss://) are not supported; reach Redis over a trusted " +
        "network, a Unix socket (unix:///path/redis.sock) or a TLS tunnel (stunnel, spiped).",
    );
  }
  if (parsed.protocol === "unix:" || parsed.protocol === "redis+unix:") {
    const path = decodeURIComponent(parsed.pathname);
    if (!path.startsWith("/") || path === "/") throw badUrl(url, "no socket path");
    return {
      server: parseServer(path, REDIS_PORT, "redis").label,
      db: dbOf(parsed.searchParams.get("db"), url),
      username: parsed.searchParams.get("user") ?? username,
      password: parsed.searchParams.get("password") ?? password,
    };
  }
  if (parsed.protocol !== "redis:") throw badUrl(url, `the scheme ${parsed.protocol} is unknown`);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  if (host === "") throw badUrl(url, "no host");
  const path = parsed.pathname.replace(/^\//, "");
  const db = dbOf(path !== "" ? path : parsed.searchParams.get("db"), url);
  const port = parsed.port === "" ? REDIS_PORT : Number(parsed.port);
  const server = parseServer(
    host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`,
    REDIS_PORT,
    "redis",
  );
  return {
    server: server.label,
    db,
    username,
    password: password ?? parsed.searchParams.get("password") ?? undefined,
  };
}

/**
 * A Redis client for one server, from a URL. Network failures reject with a
 * `ConnectionError` (from the platform); error replies reject with a {@link RedisError}.
 * Close the client when done.
 *
 * @example Set with an expiry, read, release a lock only if it is still ours
 * ```ts
 * import { RedisClient } from "./redis.ts";
 * async function demo(): Promise<void> {
 *   const redis = new RedisClient("redis://127.0.0.1:6379/0");
 *   try {
 *     await redis.set("greeting", "hello", { ex: 60 });
 *     console.log(await redis.get("greeting")); // "hello"
 *     const token = crypto.randomUUID();
 *     if (await redis.set("lock:a", token, { nx: true, px: 30_000 })) {
 *       await redis.deleteIfEquals("lock:a", token); // true
 *     }
 *   } finally {
 *     redis.close();
 *   }
 * }
 * ```
 */
export class RedisClient {
  /** The server, as `host:port` or a socket path. */
  readonly server: string;
  /** The database the client uses. */
  readonly db: number;
  readonly #pool: ServerPool;

  /**
   * A client for the server `url` names (default `redis://127.0.0.1:6379/0`). Nothing connects
   * until the first command; each new connection authenticates and selects the database first.
   */
  constructor(url = "redis://127.0.0.1:6379/0", options: RedisOptions = {}) {
    const target = parseRedisUrl(url);
    const protocol = options.protocol ?? 2;
    if (protocol !== 2 && protocol !== 3) {
      throw new TypeError(`redis: protocol must be 2 or 3, not ${protocol}.`);
    }
    this.server = target.server;
    this.db = target.db;
    const address = parseServer(target.server, REDIS_PORT, "redis");
    const prepare = async (link: Link) => {
      const steps: RedisArg[][] = [];
      if (protocol === 3) {
        const auth = target.password === undefined
          ? []
          : ["AUTH", target.username ?? "default", target.password];
        steps.push(["HELLO", 3, ...auth]);
      } else if (target.password !== undefined) {
        steps.push(
          target.username === undefined
            ? ["AUTH", target.password]
            : ["AUTH", target.username, target.password],
        );
      }
      if (target.db !== 0) steps.push(["SELECT", target.db]);
      const replies = steps.map((args) => link.send(encodeCommand(args), replyParser()));
      const settled = await Promise.allSettled(replies);
      settled.forEach((result, i) => {
        if (result.status === "rejected") {
          const e = result.reason;
          if (!(e instanceof RedisError)) throw e;
          throw new RedisError(
            `${e.message} (redis ${steps[i]![0]} on connecting to ${target.server})`,
          );
        }
      });
    };
    this.#pool = new ServerPool(address, "redis", options, prepare);
  }

  /** Runs any command (`"INCRBY", "k", 2`) and gives its reply, bulk strings as text. */
  command(...args: RedisArg[]): Promise<RedisReply> {
    return this.#send(args, false);
  }

  /** Runs any command, giving bulk strings as bytes. */
  commandBytes(...args: RedisArg[]): Promise<RedisReply> {
    return this.#send(args, true);
  }

  async #send(args: RedisArg[], asBytes: boolean): Promise<RedisReply> {
    const payload = encodeCommand(args);
    return await this.#pool.request(payload, replyParser(asBytes));
  }

  /** The text stored under `key`, or `null`. */
  async get(key: string): Promise<string | null> {
    return await this.command("GET", key) as string | null;
  }

  /** The bytes stored under `key`, or `null`. */
  async getBytes(key: string): Promise<Uint8Array | null> {
    return await this.commandBytes("GET", key) as Uint8Array | null;
  }

  /**
   * Stores `value` under `key` (`SET`, with `EX`, `PX`, `NX`, `XX` as asked): `true` when it
   * was stored, `false` when `NX` or `XX` prevented it.
   */
  async set(key: string, value: RedisArg, options: RedisSetOptions = {}): Promise<boolean> {
    const args: RedisArg[] = ["SET", key, value];
    if (options.ex !== undefined) args.push("EX", positiveInteger(options.ex, "ex"));
    if (options.px !== undefined) args.push("PX", positiveInteger(options.px, "px"));
    if (options.nx) args.push("NX");
    if (options.xx) args.push("XX");
    return (await this.command(...args)) === "OK";
  }

  /** Deletes `keys`; the number that existed. */
  async del(...keys: string[]): Promise<number> {
    return Number(await this.command("DEL", ...keys));
  }

  /** Makes `key` expire in `seconds`; `true` when the key exists. */
  async expire(key: string, seconds: number): Promise<boolean> {
    return (await this.command("EXPIRE", key, Math.trunc(seconds))) === 1;
  }

  /** Makes `key` expire in `ms` milliseconds; `true` when the key exists. */
  async pexpire(key: string, ms: number): Promise<boolean> {
    return (await this.command("PEXPIRE", key, Math.trunc(ms))) === 1;
  }

  /** Milliseconds `key` has left: -1 without expiry, -2 when missing. */
  async pttl(key: string): Promise<number> {
    return Number(await this.command("PTTL", key));
  }

  /** Whether `key` exists. */
  async exists(key: string): Promise<boolean> {
    return (await this.command("EXISTS", key)) === 1;
  }

  /** Runs a Lua script (`EVAL`) with `keys` and `args`. */
  eval(
    script: string,
    keys: readonly string[] = [],
    args: readonly RedisArg[] = [],
  ): Promise<RedisReply> {
    return this.command("EVAL", script, keys.length, ...keys, ...args);
  }

  /**
   * Deletes `key` only when it holds `expected` (atomically, by a script): `true` when it did.
   * This releases a lock taken with `set(key, token, { nx: true, px })` only for its holder.
   */
  async deleteIfEquals(key: string, expected: string): Promise<boolean> {
    return (await this.eval(COMPARE_AND_DELETE, [key], [expected])) === 1;
  }

  /** `PONG`, or the message given. */
  async ping(message?: string): Promise<string> {
    return String(await this.command(...(message === undefined ? ["PING"] : ["PING", message])));
  }

  /** Empties the client's database (`FLUSHDB`). */
  async flushDb(): Promise<void> {
    await this.command("FLUSHDB");
  }

  /** Closes every connection; later commands fail with a `ConnectionError`. */
  close(): void {
    this.#pool.close();
  }
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError(`redis: SET ${name} must be a whole number > 0, not ${value}.`);
  }
  return value;
}
