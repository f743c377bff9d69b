/**
 * Sessions in memcached (docs §4.6.2) or Redis: kept outside the process, so every process of
 * the site sees them, they survive a restart, and the lock on a session holds across
 * processes.
 *
 *     deno run -A examples/basics/session_stores.ts                # memcached, localhost:11211
 *     SESSION_STORE=redis deno run -A examples/basics/session_stores.ts   # Redis, localhost:6379
 *     curl -c jar -b jar http://127.0.0.1:8080/       # 1, 2, 3, ... for this cookie jar
 *
 * `SESSION_SERVERS` (memcached, comma-separated `host:port`) or `SESSION_URL` (Redis) point
 * the program at other servers; `PORT` serves elsewhere than 8080. Two copies on two ports
 * over one store count the same visits.
 *
 * - `sessions_memcached.conf` is the docs' config: `storage_class =
 *   cherrypy.lib.sessions.MemcachedSession` (servers: `localhost:11211` unless
 *   `tools.sessions.servers` lists others).
 * - `sessions_redis.conf` names `cherrypy.lib.sessions.RedisSession` and its `url`.
 *
 * @twin §4.6.2 #1
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** The path of a file next to this module. */
function here(name: string): string {
  return decodeURIComponent(new URL(name, import.meta.url).pathname);
}

/** The docs' memcached config file (§4.6.2). */
export const MEMCACHED_CONF: string = here("sessions_memcached.conf");
/** The Redis config file. */
export const REDIS_CONF: string = here("sessions_redis.conf");

/** Counts the visits of each session, and says which process answered. */
export class Visits {
  /** The session's visit count, after this visit. */
  @cherrypy.expose
  index(): string {
    const visits = cherrypy.session.get("visits", 0) + 1;
    cherrypy.session["visits"] = visits;
    return `${visits} (process ${cherrypy.platform.pid()})`;
  }
}

/** The docs' memcached config, with the sessions on `servers`. */
export function memcachedConfig(servers: string[]): cherrypy.AppConfig {
  const conf = cherrypy.lib.reprconf.readConfigFile(MEMCACHED_CONF);
  conf["/"] = { ...conf["/"], "tools.sessions.servers": servers };
  return conf;
}

/** The Redis config, with the sessions at `url`. */
export function redisConfig(url: string): cherrypy.AppConfig {
  const conf = cherrypy.lib.reprconf.readConfigFile(REDIS_CONF);
  conf["/"] = { ...conf["/"], "tools.sessions.url": url };
  return conf;
}

if (cherrypy.isMain(import.meta)) {
  const env = (name: string) => cherrypy.platform.getEnv(name);
  const conf = env("SESSION_STORE") === "redis"
    ? redisConfig(env("SESSION_URL") ?? "redis://localhost:6379/0")
    : memcachedConfig((env("SESSION_SERVERS") ?? "localhost:11211").split(","));
  cherrypy.config.update({ "server.socket_port": Number(env("PORT") ?? 8080) });
  await cherrypy.quickstart(new Visits(), "/", conf);
}
