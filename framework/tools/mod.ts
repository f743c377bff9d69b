/**
 * Tools: the Tool classes, toolboxes, and the one registry of built-in tools.
 *
 * @module
 */

export * from "./auth_basic.ts";
export * from "./auth_digest.ts";
export * from "./allow.ts";
export * from "./autovary.ts";
export * from "./builtin_tools.ts";
export { type CachingOptions, CachingTool, getCache, setCache, teeOutput } from "./caching.ts";
export {
  AntiStampedeCache,
  type Cache,
  type CachedVariant,
  type ExpiringVariant,
  MemoryCache,
  PendingVariant,
  type VariantLookup,
} from "./_memory_cache.ts";
export { compress, type ContentCoding, crc32, decompress } from "./_compress.ts";
export * from "./conditional.ts";
export * from "./cpstats.ts";
export * from "./encode.ts";
export * from "./flatten.ts";
export * from "./ignore_headers.ts";
export * from "./decode.ts";
export * from "./encode.ts";
export * from "./etags.ts";
export * from "./expires.ts";
export * from "./gzip.ts";
export * from "./json_in.ts";
export * from "./json_out.ts";
export * from "./log_errors.ts";
export * from "./log_hooks.ts";
export * from "./params.ts";
export * from "./proxy.ts";
export * from "./redirect.ts";
export * from "./referer.ts";
export * from "./stats_page.ts";
export * from "./static.ts";
export * from "./staticdir.ts";
export * from "./tools.ts";
export * from "./trailing_slash.ts";
export * from "./websocket.ts";
export * from "./websocket_handler.ts";
export * from "./xmlrpc.ts";
export { DateTime, dumps, type DumpsOptions, Fault, XMLRPCParseError } from "./_xmlrpc_codec.ts";
export { loads } from "./_xmlrpc_loads.ts";
export * from "./accept.ts";
export * from "./response_headers.ts";
export * from "./session_auth.ts";
export * from "./sessions/mod.ts";
export * from "./sessions_net/mod.ts";
