/**
 * CherryPy's in-memory response cache (`caching.MemoryCache`): variants of each URI by the
 * request headers its `Vary` names, requests for a variant being computed waiting for it
 * (anti-stampede), and the sweep of expired entries as an engine plugin.
 *
 * @module
 */

import { type Bus, states } from "../../bus/mod.ts";
import { Monitor } from "../../plugins/mod.ts";
import type { Request } from "../core/request.ts";
import { currentServing } from "../core/serving.ts";
import { url } from "../core/url.ts";
import { debugLog, elementValues } from "./_content.ts";

/**
 * A cached response, as CherryPy's caches hold it: `[status, headers, body, created]`, the
 * creation time in seconds since the epoch.
 *
 * @example A cached page
 * ```ts
 * import type { CachedVariant } from "./_memory_cache.ts";
 * const variant: CachedVariant = [200, [["Content-Type", "text/plain"]], new Uint8Array(2), Date.now() / 1000];
 * ```
 */
export type CachedVariant = readonly [
  status: number | string,
  headers: ReadonlyArray<readonly [string, string]>,
  body: Uint8Array,
  created: number,
];

/**
 * What the `caching` tool needs from a cache (`tools.caching.cache_class`); CherryPy's
 * `Cache` base class. The methods work on the current request's URI.
 *
 * @example A cache of one's own
 * ```ts
 * import type { Cache, CachedVariant } from "./_memory_cache.ts";
 * class NoCache implements Cache {
 *   delay = 600;
 *   get(): CachedVariant | null { return null; }
 *   put(_variant: CachedVariant, _size: number): void {}
 *   delete(): void {}
 *   clear(): void {}
 * }
 * const conf = { "/": { "tools.caching.on": true, "tools.caching.cache_class": NoCache } };
 * ```
 */
export interface Cache {
  /** Seconds a variant stays fresh (the default `max-age`). */
  delay: number;
  /** The current variant if it is cached, else `null` (may wait for one being made). */
  get(): CachedVariant | null | Promise<CachedVariant | null>;
  /** Stores the current variant. */
  put(variant: CachedVariant, size: number): void;
  /** Removes every cached variant of the current resource. */
  delete(): void;
  /** Empties the cache. */
  clear(): void;
  /** Log what the cache does. */
  debug?: boolean;
}

/**
 * The mark of a variant being computed: other requests for it wait on it, and get the variant
 * (or `null`) when it is settled.
 *
 * @example Using `PendingVariant`
 * ```ts
 * import { PendingVariant } from "./_memory_cache.ts";
 * const pending = new PendingVariant();
 * setTimeout(() => pending.settle(null), 10);
 * await pending.wait(5); // null: settled without a variant
 * ```
 */
export class PendingVariant {
  /** The variant, once settled with one. */
  result: CachedVariant | null = null;
  /** Resolves when settled. */
  readonly done: Promise<void>;
  #resolve!: () => void;

  constructor() {
    this.done = new Promise<void>((resolve) => this.#resolve = resolve);
  }

  /** Hands `result` to every waiter. */
  settle(result: CachedVariant | null): void {
    this.result = result;
    this.#resolve();
  }

  /** Resolves with the result, or `null` after `timeout` seconds. */
  wait(timeout: number): Promise<CachedVariant | null> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<void>((resolve) => timer = setTimeout(resolve, timeout * 1000));
    return Promise.race([this.done, timedOut]).then(() => {
      clearTimeout(timer);
      return this.result;
    });
  }
}

/**
 * What {@link AntiStampedeCache.lookup} found, and the mark it left (if any).
 *
 * @example Using `VariantLookup`
 * ```ts
 * import { AntiStampedeCache } from "./_memory_cache.ts";
 * const found = await new AntiStampedeCache().lookup("key", 5);
 * found.placed !== null; // true: this caller computes the variant
 * ```
 */
export interface VariantLookup {
  /** The variant, or `null` when the caller is to compute it. */
  value: CachedVariant | null;
  /** The mark this caller left while it computes the variant. */
  placed: PendingVariant | null;
}

/**
 * The variants of one URI, by the values of its selecting headers (CherryPy's
 * `AntiStampedeCache`). A variant being computed holds a sentinel that other requests wait on,
 * up to a timeout, instead of computing it too.
 *
 * @example Using `AntiStampedeCache`
 * ```ts
 * import { AntiStampedeCache } from "./_memory_cache.ts";
 * const variants = new AntiStampedeCache();
 * await variants.wait("key", 5); // null: this caller computes it (others now wait)
 * variants.set("key", [200, [], new TextEncoder().encode("hi"), Date.now() / 1000]);
 * ```
 */
export class AntiStampedeCache extends Map<string, CachedVariant | PendingVariant> {
  /** The request headers the variants depend on (the first response's `Vary`). */
  selecting_headers: string[] = [];

  /**
   * The variant for `key`, or `null` when the caller is to compute it. When another request
   * is computing it, waits up to `timeout` seconds for it (`null`: never waits).
   */
  wait(key: string, timeout: number | null = 5): Promise<CachedVariant | null> {
    const found = this.lookup(key, timeout);
    return found instanceof Promise ? found.then((f) => f.value) : Promise.resolve(found.value);
  }

  /** {@link AntiStampedeCache.wait}, also telling which sentinel this caller left. */
  lookup(key: string, timeout: number | null): VariantLookup | Promise<VariantLookup> {
    const value = this.get(key);
    if (value instanceof PendingVariant) {
      if (timeout === null) return { value: null, placed: null };
      return value.wait(timeout).then((result) => {
        if (result !== null) return { value: result, placed: null };
        // Timed out: this caller computes it, and the others wait for this one.
        const placed = new PendingVariant();
        super.set(key, placed);
        return { value: null, placed };
      });
    }
    if (value === undefined) {
      const placed = new PendingVariant();
      super.set(key, placed);
      return { value: null, placed };
    }
    return { value, placed: null };
  }

  /** Stores `value`; requests waiting for `key` get it at once. */
  override set(key: string, value: CachedVariant | PendingVariant): this {
    const existing = this.get(key);
    super.set(key, value);
    if (existing instanceof PendingVariant && existing !== value) {
      existing.settle(value instanceof PendingVariant ? null : value);
    }
    return this;
  }

  /** Removes the sentinel `placed` if it is still there; its waiters go on without it. */
  release(key: string, placed: PendingVariant): void {
    if (this.get(key) !== placed) return;
    this.delete(key);
    placed.settle(null);
  }

  /** Wakes every waiter (with nothing), for a URI being dropped. */
  settleAll(): void {
    for (const value of this.values()) if (value instanceof PendingVariant) value.settle(null);
  }
}

/**
 * One entry of the expiry schedule of a {@link MemoryCache}.
 *
 * @example What expires when
 * ```ts
 * import { MemoryCache } from "./_memory_cache.ts";
 * for (const [time, entries] of new MemoryCache().expirations) {
 *   console.log(time, entries.map((e) => `${e.uri} (${e.size} bytes)`));
 * }
 * ```
 */
export interface ExpiringVariant {
  /** The body's size in bytes. */
  size: number;
  /** The URI. */
  uri: string;
  /** The variant's key among the URI's. */
  key: string;
  /** The variant. */
  variant: CachedVariant;
}

/** The key of the current request's variant: its selecting headers' values, in order. */
function variantKey(request: Request, selecting: readonly string[]): string {
  return JSON.stringify(selecting.map((h) => request.headers.get(h) ?? ""));
}

/** The current request's cache key (CherryPy's `cherrypy.url(qs=request.query_string)`). */
function currentUri(request: Request): string {
  return url("", request.query_string);
}

/**
 * An in-memory cache of responses (CherryPy's `MemoryCache`), one per process: `store` maps
 * each URI to its variants (an {@link AntiStampedeCache}). Attributes may be set by the
 * `caching` tool's config (`tools.caching.delay`, ...). The sweep of expired entries runs every
 * `expire_freq` seconds as an engine plugin ({@link MemoryCache.startExpiry}).
 *
 * @example Using `MemoryCache`
 * ```ts
 * import { MemoryCache } from "./_memory_cache.ts";
 * const cache = new MemoryCache();
 * cache.delay = 3600; // an hour
 * cache.clear();
 * ```
 */
export class MemoryCache implements Cache {
  /** The bus new caches run their sweep on (the framework sets `cherrypy.engine`). */
  static bus: Bus | null = null;

  /** The maximum number of cached variants (1000). */
  maxobjects = 1000;
  /** The maximum size of one cached body, in bytes (100 KB). */
  maxobj_size = 100000;
  /** The maximum size of all cached bodies, in bytes (10 MB). */
  maxsize = 10000000;
  /** Seconds a cached variant stays (600). */
  delay = 600;
  /** Seconds a request waits for a variant another request is computing (5; `null`: no wait). */
  antistampede_timeout: number | null = 5;
  /** Seconds between sweeps of expired variants (0.1). */
  expire_freq = 0.1;
  /** Log what the cache does (context `TOOLS.CACHING`). */
  debug = false;

  /** The variants of each URI. */
  store: Map<string, AntiStampedeCache> = new Map();
  /** What expires when, by expiry time (seconds since the epoch). */
  expirations: Map<number, ExpiringVariant[]> = new Map();
  /** Variants stored. */
  tot_puts = 0;
  /** Lookups. */
  tot_gets = 0;
  /** Lookups that found a variant. */
  tot_hist = 0;
  /** Variants expired. */
  tot_expires = 0;
  /** Cached responses answered 304 Not Modified. */
  tot_non_modified = 0;
  /** The size of all cached bodies, in bytes. */
  cursize = 0;
  /** The number of cached variants. */
  curobjects = 0;
  /** The sweep plugin, while there is one. */
  expiration: Monitor | null = null;
  readonly #sizes = new WeakMap<CachedVariant, number>();

  /** Resets the cache to its initial, empty state. */
  clear(): void {
    for (const variants of this.store.values()) variants.settleAll();
    this.store = new Map();
    this.expirations = new Map();
    this.tot_puts = 0;
    this.tot_gets = 0;
    this.tot_hist = 0;
    this.tot_expires = 0;
    this.tot_non_modified = 0;
    this.cursize = 0;
    this.curobjects = 0;
  }

  /** Forgets `variant` (stored under `key` of `uri`) in the totals. */
  #forget(variant: CachedVariant): void {
    const size = this.#sizes.get(variant);
    if (size === undefined) return;
    this.#sizes.delete(variant);
    this.cursize -= size;
    this.curobjects -= 1;
  }

  /** Removes expired variants (one sweep; the plugin runs it every `expire_freq` seconds). */
  expireCache(now: number = Date.now() / 1000): void {
    for (const [time, entries] of [...this.expirations]) {
      if (time > now) continue;
      for (const { uri, key, variant } of entries) {
        const variants = this.store.get(uri);
        if (variants === undefined || variants.get(key) !== variant) continue;
        variants.delete(key);
        this.#forget(variant);
        this.tot_expires += 1;
        if (variants.size === 0) this.store.delete(uri);
      }
      this.expirations.delete(time);
    }
  }

  /** The current request's variant if cached (waiting for one being computed), else `null`. */
  get(): CachedVariant | null | Promise<CachedVariant | null> {
    const { request } = currentServing();
    this.tot_gets += 1;
    const uri = currentUri(request);
    const variants = this.store.get(uri);
    if (variants === undefined) return null;
    const key = variantKey(request, variants.selecting_headers);
    const found = variants.lookup(key, this.antistampede_timeout);
    const done = ({ value, placed }: VariantLookup) => {
      if (placed !== null) {
        // Should this request end without storing the variant, its waiters go on at once.
        request.hooks.attach("on_end_request", () => variants.release(key, placed), {
          failsafe: true,
        });
      }
      if (value !== null) this.tot_hist += 1;
      if (this.debug && found instanceof Promise) {
        debugLog(request, "TOOLS.CACHING", value === null ? "Timed out" : "Result!");
      }
      return value;
    };
    if (found instanceof Promise) {
      if (this.debug) {
        debugLog(request, "TOOLS.CACHING", `Waiting up to ${this.antistampede_timeout} seconds`);
      }
      return found.then(done);
    }
    return done(found);
  }

  /** Stores the current request's variant, when it fits the limits. */
  put(variant: CachedVariant, size: number): void {
    const { request, response } = currentServing();
    const uri = currentUri(request);
    let variants = this.store.get(uri);
    if (variants === undefined) {
      variants = new AntiStampedeCache();
      variants.selecting_headers = elementValues(response.headers.get("Vary"));
      this.store.set(uri, variants);
    }
    const key = variantKey(request, variants.selecting_headers);
    const existing = variants.get(key);
    const replaced = existing !== undefined && !(existing instanceof PendingVariant)
      ? existing
      : null;
    const objects = this.curobjects - (replaced === null ? 0 : 1);
    const total = this.cursize - (replaced === null ? 0 : this.#sizes.get(replaced) ?? 0) + size;
    if (objects < this.maxobjects && size < this.maxobj_size && total < this.maxsize) {
      const expires = response.time + this.delay;
      const bucket = this.expirations.get(expires);
      const entry = { size, uri, key, variant };
      if (bucket === undefined) this.expirations.set(expires, [entry]);
      else bucket.push(entry);
      if (replaced !== null) this.#forget(replaced);
      variants.set(key, variant);
      this.#sizes.set(variant, size);
      this.cursize += size;
      this.curobjects += 1;
      this.tot_puts += 1;
    } else if (this.debug) {
      debugLog(request, "TOOLS.CACHING", `Not caching ${uri}: ${size} bytes do not fit`);
    }
  }

  /** Removes every cached variant of the current resource. */
  delete(): void {
    const uri = currentUri(currentServing().request);
    const variants = this.store.get(uri);
    if (variants === undefined) return;
    this.store.delete(uri);
    for (const value of variants.values()) {
      if (!(value instanceof PendingVariant)) this.#forget(value);
    }
    variants.settleAll();
  }

  /**
   * Runs the sweep of expired variants on `bus` (default {@link MemoryCache.bus}) as a
   * `Monitor` plugin named `expire_cache`: it starts with the engine (now, when the engine
   * is already started) and stops with it. Without a bus, expired variants are still never
   * served (their age is checked on each hit), they only stay in memory until replaced.
   */
  startExpiry(bus: Bus | null = MemoryCache.bus): void {
    if (this.expiration !== null || bus === null) return;
    const monitor = new Monitor(bus, () => this.expireCache(), this.expire_freq, "expire_cache");
    monitor.subscribe();
    this.expiration = monitor;
    if (bus.state === states.STARTED) monitor.start();
  }

  /** Stops the sweep and unsubscribes it from its bus. */
  async stopExpiry(): Promise<void> {
    const monitor = this.expiration;
    if (monitor === null) return;
    this.expiration = null;
    monitor.unsubscribe();
    if (monitor.thread !== null) await monitor.stop();
  }
}
