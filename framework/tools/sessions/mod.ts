/**
 * Sessions: the `Session` base class and its store contract, the stores (`RamSession`,
 * `FileSession`, `MemcachedSession`, `RedisSession`), the per-id locks, the `tools.sessions` tool and `cherrypy.session`.
 *
 * @module
 */

export * from "./current.ts";
export * from "./expire.ts";
export { FileSession } from "./file.ts";
export * from "./locks.ts";
export * from "./ram.ts";
export * from "./record.ts";
export * from "./session.ts";
export * from "./tool.ts";
export { MemcachedSession, NotImplementedError } from "../sessions_net/memcached_session.ts";
export { RedisSession } from "../sessions_net/redis_session.ts";
