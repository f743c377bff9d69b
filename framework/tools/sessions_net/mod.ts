/**
 * The networked session stores (`MemcachedSession`, `RedisSession`) and the small memcached
 * and Redis clients they are built on.
 *
 * @module
 */

export * from "./memcached.ts";
export * from "./memcached_session.ts";
export * from "./redis.ts";
export * from "./redis_session.ts";
export { NetworkSession, type SessionBackend } from "./_network_session.ts";
export type { LinkOptions } from "./_link.ts";
