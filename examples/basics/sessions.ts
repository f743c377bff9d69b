/**
 * Using sessions (docs §4.6): switch them on in config, use `cherrypy.session` in handlers,
 * keep them in files instead of memory, or write a store of one's own.
 *
 *     deno run -A examples/basics/sessions.ts
 *     curl -c jar -b jar http://127.0.0.1:8080/ ; curl -c jar -b jar http://127.0.0.1:8080/count
 *
 * - `sessions.conf` is the docs' `[/] tools.sessions.on: True`, given to `quickstart` as the
 *   application's config: sessions in memory (`RamSession`), lost at a restart.
 * - `sessions_file.conf` is the docs' file backend (§4.6.1): `storage_class =
 *   cherrypy.lib.sessions.FileSession` and a `storage_path`. The docs' `/some/directory` is
 *   kept in the file; this program puts the sessions in a fresh temporary directory instead
 *   when it runs (`fileConfig(dir)`).
 * - `MapSession` is a store of one's own (§4.6.3): a subclass of
 *   `cherrypy.lib.sessions.Session`, named in `tools.sessions.storage_class`.
 *
 * The memcached store (§4.6.2) is `cherrypy.lib.sessions.MemcachedSession` once that store is
 * installed; its example lives beside it.
 *
 * @twin §4.6 #1, §4.6 #2, §4.6 #3, §4.6.1 #1
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** The path of a file next to this module. */
function here(name: string): string {
  return decodeURIComponent(new URL(name, import.meta.url).pathname);
}

/** The docs' config file: `[/] tools.sessions.on: True`. */
export const SESSIONS_CONF: string = here("sessions.conf");
/** The docs' file-backend config file (§4.6.1). */
export const FILE_SESSIONS_CONF: string = here("sessions_file.conf");

/** The application. */
export class Root {
  /** The docs' handler: counts the visits of the session (and returns nothing, as in the docs). */
  @cherrypy.expose
  index(): void {
    if (!("count" in cherrypy.session)) {
      cherrypy.session["count"] = 0;
    }
    cherrypy.session["count"] += 1;
  }

  /** Shows the count (0 before the first visit of `/`). */
  @cherrypy.expose
  count(): string {
    return String(cherrypy.session.get("count", 0));
  }
}

/** The file backend's config (§4.6.1), with the sessions kept in `dir`. */
export function fileConfig(dir: string): cherrypy.AppConfig {
  const conf = cherrypy.lib.reprconf.readConfigFile(FILE_SESSIONS_CONF);
  conf["/"] = { ...conf["/"], "tools.sessions.storage_path": dir };
  return conf;
}

/** A store of one's own (§4.6.3): records in a `Map`, locks from `SessionLocks`. */
export class MapSession extends cherrypy.lib.sessions.Session {
  /** The records, by session id. */
  static records: Map<string, cherrypy.lib.sessions.SessionRecord> = new Map();
  /** The locks, by session id. */
  static locks: cherrypy.lib.sessions.SessionLocks = new cherrypy.lib.sessions.SessionLocks();

  /** A record exists. */
  override _exists(): boolean {
    return MapSession.records.has(this.id);
  }
  /** The record, or `null`. */
  override _load(): cherrypy.lib.sessions.SessionRecord | null {
    return MapSession.records.get(this.id) ?? null;
  }
  /** Keeps a copy of the data. */
  override _save(data: Record<string, unknown>, expirationTime: Date): void {
    MapSession.records.set(this.id, { data: { ...data }, expirationTime });
  }
  /** Forgets the record. */
  override _delete(): void {
    MapSession.records.delete(this.id);
  }
  /** Waits for the lock. */
  override _acquire_lock(): Promise<void> {
    return MapSession.locks.acquire(this.id, this.lock_timeout);
  }
  /** Releases the lock. */
  override _release_lock(): void {
    MapSession.locks.release(this.id);
  }
  /** How many records there are. */
  override _length(): number {
    return MapSession.records.size;
  }
}

/** The config that uses {@link MapSession}. */
export const mapConfig: cherrypy.AppConfig = {
  "/": { "tools.sessions.on": true, "tools.sessions.storage_class": MapSession },
};

if (cherrypy.isMain(import.meta)) {
  const store = cherrypy.platform.getEnv("SESSION_STORE");
  const conf = store === "file"
    ? fileConfig(await cherrypy.platform.makeTempDir("sessions-"))
    : store === "map"
    ? mapConfig
    : SESSIONS_CONF;
  await cherrypy.quickstart(new Root(), "/", conf);
}
