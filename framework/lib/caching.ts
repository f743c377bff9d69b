/**
 * `cherrypy.lib.caching`: the response cache (CherryPy's `caching` module): the
 * process-wide {@link MemoryCache}, the `caching` tool's functions, and the `expires` tool's.
 *
 * Caches made from here on run their sweep of expired entries on `cherrypy.engine`, and the
 * name `cherrypy.lib.caching.MemoryCache` is known to config files
 * (`tools.caching.cache_class`).
 *
 * @example Look at the cache
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * const cache = cherrypy.lib.caching.getCache();
 * if (cache instanceof cherrypy.lib.caching.MemoryCache) console.log(cache.cursize, "bytes");
 * ```
 *
 * @module
 */

import { configRegistry } from "../config/config_registry.ts";
import { engine } from "../site/site.ts";
import { MemoryCache } from "../tools/_memory_cache.ts";

export {
  AntiStampedeCache,
  type Cache,
  type CachedVariant,
  type ExpiringVariant,
  MemoryCache,
  PendingVariant,
  type VariantLookup,
} from "../tools/_memory_cache.ts";
export {
  type CachingOptions,
  CachingTool,
  get,
  getCache,
  setCache,
  teeOutput,
} from "../tools/caching.ts";
export { expires, type ExpiresOptions, type Timedelta } from "../tools/expires.ts";

MemoryCache.bus = engine;
configRegistry.register("cherrypy.lib.caching.MemoryCache", MemoryCache);
