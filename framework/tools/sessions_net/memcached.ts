/**
 * A small memcached client over the text protocol (`get`, `gets`, `set`, `add`, `replace`,
 * `cas`, `delete`, `touch`, `incr`, `decr`, `flush_all`), with keys spread over several
 * servers by a consistent hash (ketama: 160 points per server on an MD5 ring, so adding or
 * removing a server moves only that server's share of the keys), a few pipelined connections
 * per server, connect and reply timeouts, and errors that say which server failed and how.
 *
 * @module
 */

import { platform } from "../../../platform/mod.ts";
import {
  INCOMPLETE,
  lineEnd,
  type LinkOptions,
  type Parser,
  parseServer,
  type ServerAddress,
  ServerPool,
  textOf,
} from "./_link.ts";

/** The port memcached listens on unless told otherwise. */
export const MEMCACHED_PORT = 11211;
/** Relative expiry times above this many seconds (30 days) are sent as Unix times. */
const RELATIVE_LIMIT = 60 * 60 * 24 * 30;
/** Points each server gets on the hash ring. */
const POINTS_PER_SERVER = 160;

const encoder = new TextEncoder();
const CRLF = encoder.encode("\r\n");

/**
 * An error memcached reported (`ERROR`, `CLIENT_ERROR ...`, `SERVER_ERROR ...`).
 *
 * @example Telling a refusal from a network failure
 * ```ts
 * import { MemcachedClient, MemcachedError } from "./memcached.ts";
 * async function store(mc: MemcachedClient, key: string, value: Uint8Array): Promise<boolean> {
 *   try {
 *     await mc.set(key, value);
 *     return true;
 *   } catch (e) {
 *     if (e instanceof MemcachedError) return false; // e.g. "object too large for cache"
 *     throw e; // a ConnectionError: the server is down or silent
 *   }
 * }
 * ```
 */
export class MemcachedError extends Error {
  /** The server that answered, as `host:port` or a socket path. */
  readonly server: string;
  /** Creates the error for `server`'s answer. */
  constructor(message: string, server: string) {
    super(message);
    this.name = "MemcachedError";
    this.server = server;
  }
}

/** One value read from memcached. */
export interface MemcachedItem {
  /** The stored bytes. */
  readonly value: Uint8Array;
  /** The 32-bit flags stored with it. */
  readonly flags: number;
  /** The compare-and-swap token (from {@link MemcachedClient.gets}), for {@link MemcachedClient.cas}. */
  readonly cas?: string;
}

/** Options of a store command. */
export interface StoreOptions {
  /**
   * Seconds until the item expires (0, the default: never). Up to 30 days it is sent as is;
   * longer times are sent as the Unix time they end at, as memcached requires.
   */
  ttl?: number;
  /** 32-bit flags kept with the value (default 0). */
  flags?: number;
}

/** What {@link MemcachedClient.cas} did. */
export type CasResult = "stored" | "exists" | "not_found";

/** Options of a {@link MemcachedClient}. */
export interface MemcachedOptions extends LinkOptions {
  /**
   * The part of a key that decides which server holds it (default: the whole key). Keys that
   * must live on one server (a record and its lock) map to the same text.
   */
  hashKey?: (key: string) => string;
}

/** The ketama ring: which server holds which key. */
class HashRing {
  readonly #points: Uint32Array;
  readonly #owners: number[];

  constructor(labels: readonly string[]) {
    const entries: Array<[number, number]> = [];
    labels.forEach((label, owner) => {
      for (let i = 0; i < POINTS_PER_SERVER / 4; i++) {
        const digest = md5Bytes(`${label}-${i}`);
        for (let k = 0; k < 4; k++) entries.push([littleEndian(digest, k * 4), owner]);
      }
    });
    entries.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    this.#points = Uint32Array.from(entries, (e) => e[0]);
    this.#owners = entries.map((e) => e[1]);
  }

  /** The index of the server that owns `key`. */
  ownerOf(key: string): number {
    if (this.#owners.length === POINTS_PER_SERVER) return this.#owners[0]!;
    const h = littleEndian(md5Bytes(key), 0);
    const points = this.#points;
    let lo = 0;
    let hi = points.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (points[mid]! < h) lo = mid + 1;
      else hi = mid;
    }
    return this.#owners[lo === points.length ? 0 : lo]!;
  }
}

function md5Bytes(text: string): Uint8Array {
  const hex = platform.hash("md5", text);
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function littleEndian(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

/** Checks a key: 1 to 250 bytes, no spaces or control characters. */
function checkKey(key: string): Uint8Array {
  const bytes = encoder.encode(key);
  if (typeof key !== "string" || bytes.length === 0 || bytes.length > 250) {
    throw new TypeError(
      `memcached: a key must be 1 to 250 bytes long, not ${bytes.length}: ${JSON.stringify(key)}`,
    );
  }
  for (const b of bytes) {
    if (b <= 0x20 || b === 0x7f) {
      throw new TypeError(
        `memcached: a key cannot contain spaces or control characters: ${JSON.stringify(key)}`,
      );
    }
  }
  return bytes;
}

function expiryOf(ttl: number | undefined): number {
  if (ttl === undefined || ttl === 0) return 0;
  if (typeof ttl !== "number" || Number.isNaN(ttl)) {
    throw new TypeError(`memcached: ttl must be a number of seconds, not ${ttl}.`);
  }
  if (ttl < 0) return -1;
  const seconds = Math.ceil(ttl);
  return seconds <= RELATIVE_LIMIT ? seconds : Math.floor(Date.now() / 1000) + seconds;
}

function flagsOf(flags: number | undefined): number {
  const f = flags ?? 0;
  if (!Number.isInteger(f) || f < 0 || f > 0xffffffff) {
    throw new TypeError(`memcached: flags must be an integer from 0 to 4294967295, not ${flags}.`);
  }
  return f;
}

function concat(parts: Uint8Array[]): Uint8Array {
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** An error line (`ERROR`, `CLIENT_ERROR x`, `SERVER_ERROR x`) as an error, or `null`. */
function errorLine(line: string, server: string, fatalClientError: boolean): Error | null {
  if (line === "ERROR") {
    return new MemcachedError("memcached: the server did not recognise the command.", server);
  }
  const m = line.match(/^(CLIENT_ERROR|SERVER_ERROR)(?: (.*))?$/);
  if (!m) return null;
  const error = new MemcachedError(
    `memcached server ${server}: ${m[1] === "SERVER_ERROR" ? "server error" : "client error"}: ${
      m[2] ?? ""
    }`.trimEnd(),
    server,
  );
  // After a client error in a storage command, the stream may be out of step: retire the link.
  if (m[1] === "CLIENT_ERROR" && fatalClientError) {
    (error as MemcachedError & { fatal: boolean }).fatal = true;
  }
  return error;
}

/** A parser for one status line mapped through `answers`. */
function lineParser<T>(
  server: string,
  answers: (line: string) => T | undefined,
  fatalClientError = false,
): Parser<T> {
  return (bytes) => {
    const end = lineEnd(bytes);
    if (end === -1) return INCOMPLETE;
    const line = textOf(bytes, 0, end);
    const error = errorLine(line, server, fatalClientError);
    if (error) return [error, end + 2];
    const value = answers(line);
    if (value === undefined) throw new Error(`an unexpected reply ${JSON.stringify(line)}`);
    return [value, end + 2];
  };
}

/** A parser for a `get`/`gets` reply: `VALUE` blocks then `END`. */
function valuesParser(server: string): Parser<Map<string, MemcachedItem>> {
  return (bytes) => {
    const items = new Map<string, MemcachedItem>();
    let at = 0;
    for (;;) {
      const end = lineEnd(bytes, at);
      if (end === -1) return INCOMPLETE;
      const line = textOf(bytes, at, end);
      if (line === "END") return [items, end + 2];
      const error = errorLine(line, server, false);
      if (error) return [error, end + 2];
      const m = line.match(/^VALUE (\S+) (\d+) (\d+)(?: (\d+))?$/);
      if (!m) throw new Error(`an unexpected reply ${JSON.stringify(line)}`);
      const size = Number(m[3]);
      const start = end + 2;
      if (bytes.length < start + size + 2) return INCOMPLETE;
      if (bytes[start + size] !== 13 || bytes[start + size + 1] !== 10) {
        throw new Error("a value block not ended by CRLF");
      }
      items.set(m[1]!, {
        value: bytes.slice(start, start + size),
        flags: Number(m[2]),
        ...(m[4] === undefined ? {} : { cas: m[4] }),
      });
      at = start + size + 2;
    }
  };
}

/**
 * A memcached client for one or several servers. Keys are spread over the servers by a
 * consistent hash; each server gets a few connections, opened on first use and reused.
 * Network failures reject with a `ConnectionError` (from the platform); what memcached itself
 * refuses rejects with a {@link MemcachedError}. Close the client when done.
 *
 * @example Store, read back, count
 * ```ts
 * import { MemcachedClient } from "./memcached.ts";
 * async function demo(): Promise<void> {
 *   const mc = new MemcachedClient(["127.0.0.1:11211"], { requestTimeoutMs: 2000 });
 *   try {
 *     await mc.set("greeting", "hello", { ttl: 60 });
 *     const item = await mc.get("greeting");
 *     console.log(item && new TextDecoder().decode(item.value)); // "hello"
 *     await mc.set("hits", "0");
 *     console.log(await mc.incr("hits", 5)); // 5
 *   } finally {
 *     mc.close();
 *   }
 * }
 * ```
 */
export class MemcachedClient {
  /** The servers, as given (`host:port` or socket paths). */
  readonly servers: readonly string[];
  readonly #pools: ServerPool[];
  readonly #ring: HashRing;
  readonly #hashKey: (key: string) => string;

  /**
   * A client for `servers`: `"host:port"`, `"host"` (port 11211), `"[ipv6]:port"` or the
   * absolute path of a Unix socket. Nothing connects until the first command.
   */
  constructor(servers: string | readonly string[], options: MemcachedOptions = {}) {
    const list = typeof servers === "string" ? [servers] : [...servers];
    if (list.length === 0) throw new TypeError("memcached: give at least one server.");
    const addresses: ServerAddress[] = list.map((s) => parseServer(s, MEMCACHED_PORT, "memcached"));
    const labels = addresses.map((a) => a.label);
    if (new Set(labels).size !== labels.length) {
      throw new TypeError(`memcached: a server is listed twice: ${labels.join(", ")}`);
    }
    this.servers = labels;
    this.#pools = addresses.map((a) => new ServerPool(a, "memcached", options));
    this.#ring = new HashRing(labels);
    this.#hashKey = options.hashKey ?? ((key) => key);
  }

  /** The server (`host:port` or socket path) that holds `key`. */
  serverFor(key: string): string {
    checkKey(key);
    return this.servers[this.#ring.ownerOf(this.#hashKey(key))]!;
  }

  #pool(key: string): ServerPool {
    return this.#pools[this.#ring.ownerOf(this.#hashKey(key))]!;
  }

  /** The item stored under `key`, or `null`. */
  async get(key: string): Promise<MemcachedItem | null> {
    return (await this.#retrieve("get", [key])).get(key) ?? null;
  }

  /** The item stored under `key` with its compare-and-swap token, or `null`. */
  async gets(key: string): Promise<MemcachedItem | null> {
    return (await this.#retrieve("gets", [key])).get(key) ?? null;
  }

  /** The items stored under `keys` (each server asked once); missing keys are left out. */
  getMulti(keys: readonly string[]): Promise<Map<string, MemcachedItem>> {
    return this.#retrieve("get", keys);
  }

  async #retrieve(command: string, keys: readonly string[]): Promise<Map<string, MemcachedItem>> {
    const byServer = new Map<number, string[]>();
    for (const key of keys) {
      checkKey(key);
      const owner = this.#ring.ownerOf(this.#hashKey(key));
      const list = byServer.get(owner) ?? [];
      list.push(key);
      byServer.set(owner, list);
    }
    const found = new Map<string, MemcachedItem>();
    await Promise.all(
      [...byServer].map(async ([owner, list]) => {
        const pool = this.#pools[owner]!;
        const payload = encoder.encode(`${command} ${list.join(" ")}\r\n`);
        const items = await pool.request(payload, valuesParser(pool.address.label));
        for (const [k, v] of items) found.set(k, v);
      }),
    );
    return found;
  }

  async #store(
    command: string,
    key: string,
    value: Uint8Array | string,
    options: StoreOptions,
    cas?: string,
  ): Promise<string> {
    const keyBytes = checkKey(key);
    const data = typeof value === "string" ? encoder.encode(value) : value;
    if (cas !== undefined && !/^\d+$/.test(cas)) {
      throw new TypeError(`memcached: a cas token is a number, not ${JSON.stringify(cas)}.`);
    }
    const head = encoder.encode(
      ` ${flagsOf(options.flags)} ${expiryOf(options.ttl)} ${data.length}${
        cas === undefined ? "" : ` ${cas}`
      }\r\n`,
    );
    const pool = this.#pool(key);
    const payload = concat([encoder.encode(command + " "), keyBytes, head, data, CRLF]);
    return await pool.request(
      payload,
      lineParser(pool.address.label, (line) => STORE_ANSWERS[line], true),
    );
  }

  /** Stores `value` under `key`, whatever was there. */
  async set(key: string, value: Uint8Array | string, options: StoreOptions = {}): Promise<void> {
    const answer = await this.#store("set", key, value, options);
    if (answer !== "stored") {
      throw new MemcachedError(
        `memcached server ${this.serverFor(key)} did not store ${key} (${answer}).`,
        this.serverFor(key),
      );
    }
  }

  /** Stores `value` under `key` only if nothing is there; `true` when it was stored. */
  async add(key: string, value: Uint8Array | string, options: StoreOptions = {}): Promise<boolean> {
    return (await this.#store("add", key, value, options)) === "stored";
  }

  /** Stores `value` under `key` only if something is there; `true` when it was stored. */
  async replace(
    key: string,
    value: Uint8Array | string,
    options: StoreOptions = {},
  ): Promise<boolean> {
    return (await this.#store("replace", key, value, options)) === "stored";
  }

  /**
   * Stores `value` under `key` only if it is unchanged since {@link MemcachedClient.gets} gave
   * `cas`: `"stored"`, `"exists"` (someone changed it) or `"not_found"` (it is gone).
   */
  async cas(
    key: string,
    value: Uint8Array | string,
    cas: string,
    options: StoreOptions = {},
  ): Promise<CasResult> {
    const answer = await this.#store("cas", key, value, options, cas);
    if (answer === "not_stored") return "exists";
    return answer as CasResult;
  }

  /** Deletes `key`; `true` when it existed. */
  async delete(key: string): Promise<boolean> {
    checkKey(key);
    const pool = this.#pool(key);
    return await pool.request(
      encoder.encode(`delete ${key}\r\n`),
      lineParser(
        pool.address.label,
        (line) => line === "DELETED" ? true : line === "NOT_FOUND" ? false : undefined,
      ),
    );
  }

  /** Gives `key` a new expiry (seconds, as {@link StoreOptions.ttl}); `true` when it exists. */
  async touch(key: string, ttl: number): Promise<boolean> {
    checkKey(key);
    const pool = this.#pool(key);
    return await pool.request(
      encoder.encode(`touch ${key} ${expiryOf(ttl)}\r\n`),
      lineParser(
        pool.address.label,
        (line) => line === "TOUCHED" ? true : line === "NOT_FOUND" ? false : undefined,
      ),
    );
  }

  /**
   * Adds `by` to the decimal number stored under `key` and returns the new value (memcached
   * counts in 64 bits, wrapping; values past 2^53 lose precision here), or `null` when the key
   * is missing.
   */
  incr(key: string, by = 1): Promise<number | null> {
    return this.#count("incr", key, by);
  }

  /** Subtracts `by` (stopping at 0) from the number under `key`, as {@link MemcachedClient.incr}. */
  decr(key: string, by = 1): Promise<number | null> {
    return this.#count("decr", key, by);
  }

  async #count(command: string, key: string, by: number): Promise<number | null> {
    checkKey(key);
    if (!Number.isSafeInteger(by) || by < 0) {
      throw new TypeError(`memcached: ${command} takes an integer >= 0, not ${by}.`);
    }
    const pool = this.#pool(key);
    return await pool.request(
      encoder.encode(`${command} ${key} ${by}\r\n`),
      lineParser(
        pool.address.label,
        (line) => /^\d+$/.test(line) ? Number(line) : line === "NOT_FOUND" ? null : undefined,
      ),
    );
  }

  /** Empties every server (`flush_all`). */
  async flushAll(): Promise<void> {
    await Promise.all(this.#pools.map((pool) =>
      pool.request(
        encoder.encode("flush_all\r\n"),
        lineParser(pool.address.label, (line) => line === "OK" ? true : undefined),
      )
    ));
  }

  /** Each server's version, in the order of {@link MemcachedClient.servers}. */
  version(): Promise<string[]> {
    return Promise.all(this.#pools.map((pool) =>
      pool.request(
        encoder.encode("version\r\n"),
        lineParser(pool.address.label, (line) => line.match(/^VERSION (.*)$/)?.[1]),
      )
    ));
  }

  /** Closes every connection; later commands fail with a `ConnectionError`. */
  close(): void {
    for (const pool of this.#pools) pool.close();
  }
}

const STORE_ANSWERS: Record<string, string> = {
  STORED: "stored",
  NOT_STORED: "not_stored",
  EXISTS: "exists",
  NOT_FOUND: "not_found",
};
