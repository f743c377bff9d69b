/**
 * The `caching` tool (CherryPy's `caching.get` and `tee_output`, bound by its `CachingTool`):
 * GET responses are kept in a process-wide cache and served from it, without calling the
 * page handler, until they expire.
 *
 * @module
 */

import { HTTPError } from "../core/errors.ts";
import type { HookCallback, HookOptions } from "../core/hooks.ts";
import { HTTPRedirect } from "../core/redirect.ts";
import { callApplicationWith, currentServing, runServing } from "../core/serving.ts";
import { validStatus } from "../http/httputil.ts";
import { checkBoolean, refuse } from "./_check.ts";
import { bodyChunks, debugLog, elementValues } from "./_content.ts";
import { type Cache, type CachedVariant, MemoryCache } from "./_memory_cache.ts";
import { validateSince } from "./conditional.ts";
import { Tool } from "./tools.ts";

/** The process-wide cache (CherryPy's `cherrypy._cache`), made by the first request. */
let processCache: Cache | null = null;

/**
 * The process-wide cache the `caching` tool uses (CherryPy's `cherrypy._cache`), or `null`
 * before the first request made it.
 *
 * @example Clear the cache
 * ```ts
 * import { getCache } from "./caching.ts";
 * getCache()?.clear();
 * ```
 */
export function getCache(): Cache | null {
  return processCache;
}

/**
 * Replaces the process-wide cache (`null`: the next request makes a new one from its
 * config). The sweep of the cache replaced stops.
 *
 * @example Start over with a fresh cache
 * ```ts
 * import { setCache } from "./caching.ts";
 * await setCache(null);
 * ```
 */
export async function setCache(cache: Cache | null): Promise<void> {
  const old = processCache;
  processCache = cache;
  if (old !== null && old !== cache) await (old as Partial<MemoryCache>).stopExpiry?.();
}

/**
 * The `caching` tool's options (`tools.caching.*`).
 *
 * @example An hour, bodies up to 1 MB
 * ```ts
 * import type { CachingOptions } from "./caching.ts";
 * const options: CachingOptions = { delay: 3600, maxobj_size: 1_000_000 };
 * ```
 */
export interface CachingOptions {
  /** Methods that invalidate the cached variants of their URI (`POST`, `PUT`, `DELETE`). */
  invalid_methods?: readonly string[];
  /** The class of the process-wide cache (default {@link MemoryCache}). */
  cache_class?: new () => Cache;
  /** Log what the tool does (context `TOOLS.CACHING`). */
  debug?: boolean;
  /**
   * Any other key sets the attribute of that name on the cache when the first request makes
   * it: `delay`, `maxobjects`, `maxobj_size`, `maxsize`, `antistampede_timeout`, `expire_freq`.
   */
  [attribute: string]: unknown;
}

const DEFAULT_INVALID_METHODS: readonly string[] = ["POST", "PUT", "DELETE"];
const NUMERIC = new Set(["maxobjects", "maxobj_size", "maxsize", "delay", "expire_freq"]);

/**
 * Checks the `caching` tool's options that are present; the error names the option.
 *
 * @example Using `checkCachingOptions`
 * ```ts
 * import { checkCachingOptions } from "./caching.ts";
 * checkCachingOptions({ delay: 3600, invalid_methods: ["POST", "PUT", "DELETE", "PATCH"] });
 * ```
 */
export function checkCachingOptions(options: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(options)) {
    if (key === "cache_class") {
      if (typeof value !== "function") {
        refuse("caching", key, "a class (such as cherrypy.lib.caching.MemoryCache)", value);
      }
    } else if (key === "invalid_methods") {
      if (!(Array.isArray(value) && value.every((m) => typeof m === "string"))) {
        refuse("caching", key, "a list of methods", value);
      }
    } else if (key === "debug") {
      checkBoolean("caching", options, key);
    } else if (key === "antistampede_timeout") {
      if (value !== null && !(typeof value === "number" && value >= 0)) {
        refuse("caching", key, "a number of seconds (0 or more), or null", value);
      }
    } else if (NUMERIC.has(key) && !(typeof value === "number" && value >= 0)) {
      const unit = key === "maxobjects" ? "objects" : key.startsWith("max") ? "bytes" : "seconds";
      refuse("caching", key, `a number of ${unit} (0 or more)`, value);
    }
  }
}

function makeCache(options: CachingOptions): Cache {
  checkCachingOptions(options);
  const {
    invalid_methods: _m,
    cache_class: cacheClass = MemoryCache,
    debug = false,
    priority: _p,
    on: _on,
    ...attributes
  } = options;
  const cache = new cacheClass();
  Object.assign(cache, attributes);
  cache.debug = Boolean(debug);
  (cache as Partial<MemoryCache>).startExpiry?.();
  return cache;
}

/** `true` when one of the comma-separated elements of `header` is `value`. */
function names(header: string | null, value: string): boolean {
  return elementValues(header).includes(value);
}

/**
 * Serves the current request from the cache when it can (CherryPy's `caching.get`): the
 * `caching` tool's callable. Returns `true` when the response now holds the cached variant.
 *
 * - A method in `invalid_methods` deletes the URI's variants; it is never cached itself.
 * - `Pragma: no-cache` or `Cache-Control: no-cache` in the request skip the cache (the
 *   response replaces the cached one); `Cache-Control: max-age=N` refuses variants older
 *   than N seconds (400 `Invalid Cache-Control header` when N is not a number).
 * - A hit restores the status, headers and body, adds `Age`, and may answer
 *   `304 Not Modified` (`If-Modified-Since` against the cached `Last-Modified`).
 *
 * Sets `request.cached` and `request.cacheable`.
 *
 * @example Cache a page for an hour
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * class Root {
 *   @cherrypy.expose
 *   @cherrypy.tools.caching({ delay: 3600 })
 *   report() {
 *     return "expensive";
 *   }
 * }
 * ```
 */
export function get(options: CachingOptions = {}): boolean | Promise<boolean> {
  const { request, response } = currentServing();
  const cache = processCache ??= makeCache(options);
  const invalid = options.invalid_methods ?? DEFAULT_INVALID_METHODS;
  const debug = options.debug;
  if (invalid.includes(request.method)) {
    if (debug) {
      debugLog(
        request,
        "TOOLS.CACHING",
        `request.method '${request.method}' in invalid_methods ${JSON.stringify(invalid)}`,
      );
    }
    cache.delete();
    request.cached = false;
    request.cacheable = false;
    return false;
  }
  if (names(request.headers.get("Pragma"), "no-cache")) {
    request.cached = false;
    request.cacheable = true;
    return false;
  }
  const serve = (data: CachedVariant | null): boolean => {
    request.cached = data !== null;
    request.cacheable = data === null;
    if (data === null) {
      if (debug) debugLog(request, "TOOLS.CACHING", "request is not cached");
      return false;
    }
    let maxAge = cache.delay;
    for (const value of elementValues(request.headers.get("Cache-Control"))) {
      const eq = value.indexOf("=");
      const directive = eq < 0 ? value : value.slice(0, eq);
      if (directive === "max-age") {
        const arg = eq < 0 ? "" : value.slice(eq + 1);
        if (!/^[0-9]+$/.test(arg)) throw new HTTPError(400, "Invalid Cache-Control header");
        maxAge = Number(arg);
        break;
      }
      if (directive === "no-cache") {
        if (debug) {
          debugLog(request, "TOOLS.CACHING", "Ignoring cache due to Cache-Control: no-cache");
        }
        request.cached = false;
        request.cacheable = true;
        return false;
      }
    }
    if (debug) debugLog(request, "TOOLS.CACHING", "Reading response from cache");
    const [status, headers, body, created] = data;
    const age = Math.trunc(response.time - created);
    if (age > maxAge) {
      if (debug) debugLog(request, "TOOLS.CACHING", `Ignoring cache due to age > ${maxAge}`);
      request.cached = false;
      request.cacheable = true;
      return false;
    }
    response.headers.clear();
    for (const [name, value] of headers) response.headers.set(name, value);
    response.headers.set("Age", String(age));
    try {
      validateSince();
    } catch (e) {
      if (e instanceof HTTPRedirect && e.status === 304 && cache instanceof MemoryCache) {
        cache.tot_non_modified += 1;
      }
      throw e;
    }
    response.status = status;
    response.body = body;
    return true;
  };
  const data = cache.get();
  return data instanceof Promise ? data.then(serve) : serve(data);
}

/** `true` for statuses whose response has no body (it is never read, so never teed). */
function bodyless(status: number | string): boolean {
  const [code] = validStatus(status);
  return code < 200 || code === 204 || code === 205 || code === 304;
}

/**
 * Keeps a copy of the response body for the cache as it is sent (CherryPy's `tee_output`,
 * attached at `before_finalize`, priority 100, by the `caching` tool on a miss). Streamed bodies
 * are copied as they stream; the copy is stored once the body ends whole. Nothing is stored
 * when the request says `Cache-Control: no-store`, or the response says `Pragma: no-cache`,
 * `Cache-Control: no-store` or `private`, or `Vary: *`; a body larger than the cache's
 * `maxobj_size` stops being copied. An empty body deletes the URI's cached variants.
 *
 * @example Using `teeOutput`
 * ```ts
 * import { request } from "../../mod.ts";
 * import { teeOutput } from "./caching.ts";
 * request.hooks.attach("before_finalize", teeOutput, { priority: 100 });
 * ```
 */
export function teeOutput(): void {
  const serving = currentServing();
  const { request, response } = serving;
  if (names(request.headers.get("Cache-Control"), "no-store")) return;
  const cache = processCache;
  if (cache === null) return;
  if (bodyless(response.status)) {
    cache.delete();
    return;
  }
  const limit = cache instanceof MemoryCache ? cache.maxobj_size : Infinity;
  const source = response.body;
  response.body = (async function* tee(): AsyncGenerator<Uint8Array, void, undefined> {
    const h = response.headers;
    if (
      names(h.get("Pragma"), "no-cache") || names(h.get("Cache-Control"), "no-store") ||
      names(h.get("Cache-Control"), "private") || names(h.get("Vary"), "*")
    ) {
      yield* bodyChunks(source);
      return;
    }
    const output: Uint8Array[] = [];
    let size = 0;
    let keep = true;
    for await (const chunk of bodyChunks(source)) {
      if (keep) {
        output.push(chunk);
        size += chunk.length;
        if (size >= limit) {
          keep = false;
          output.length = 0;
        }
      }
      yield chunk;
    }
    if (!keep) return;
    const body = new Uint8Array(size);
    let at = 0;
    for (const chunk of output) {
      body.set(chunk, at);
      at += chunk.length;
    }
    runServing(serving, () => {
      if (size === 0) cache.delete();
      else cache.put([response.status, response.headers.toArray(), body, response.time], size);
    });
  })();
}

/**
 * The `caching` tool's class (CherryPy's `CachingTool`): at `before_handler`, priority 90,
 * it answers from the cache (the page handler is not called) or, on a miss of a cacheable
 * request, attaches {@link teeOutput} at `before_finalize`, priority 100.
 *
 * @example Using `CachingTool`
 * ```ts
 * import { CachingTool, get } from "./caching.ts";
 * const caching = new CachingTool("before_handler", get, { name: "caching", priority: 90 });
 * ```
 */
export class CachingTool extends Tool {
  /** Checks the options that are present (see {@link checkCachingOptions}). */
  override checkOptions(options: HookOptions): void {
    const { on: _on, priority: _priority, ...rest } = options;
    checkCachingOptions(rest);
  }

  /** The hook: the cache lookup, then skipping the handler or teeing the output. */
  override _hookCallback(): HookCallback {
    const lookup = this.callable;
    return (options: HookOptions) => {
      const { request } = currentServing();
      const after = (hit: unknown) => {
        if (hit) request.handler = null;
        else if (request.cacheable) {
          request.hooks.attach("before_finalize", teeOutput, { priority: 100 });
        }
      };
      const hit = callApplicationWith(lookup, this, options);
      return hit instanceof Promise ? hit.then(after) : after(hit);
    };
  }
}
