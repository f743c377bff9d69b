/**
 * Caching and conditional requests: an expensive page served from memory, a static-like page
 * that clients may keep (`Expires`) and revalidate (`ETag` → 304), and a page whose `Vary`
 * names the request headers it read.
 *
 *     deno run -A examples/advanced/caching.ts
 *     curl -i http://127.0.0.1:8080/report          # computed; again: the cached copy, with Age
 *     curl -i -X POST http://127.0.0.1:8080/report -H 'Content-Length: 0'   # drops the copy
 *     curl -i http://127.0.0.1:8080/logo            # ETag, Last-Modified, Expires in an hour
 *     curl -i http://127.0.0.1:8080/logo -H 'If-None-Match: "<the ETag>"'  # 304
 *     curl -i http://127.0.0.1:8080/greeting -H 'Accept-Language: fr'     # Vary: Accept-Language
 *     curl http://127.0.0.1:8080/stats              # what the cache holds
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

const LOGO = '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16"><circle r="8"/></svg>';
/** When the logo last changed. */
export const LOGO_MODIFIED = "Tue, 01 Dec 2026 10:00:00 GMT";

/** The site. */
export class Root {
  /** How many times the report was computed. */
  computed = 0;

  /** An expensive page: cached for five minutes (see `config`). */
  @cherrypy.expose
  report(): string {
    this.computed += 1;
    return `Report computed ${this.computed} time(s).`;
  }

  /** A page clients keep for an hour, and revalidate with its ETag. */
  @cherrypy.expose
  @cherrypy.tools.etags({ autotags: true })
  @cherrypy.tools.expires({ secs: 3600 })
  logo(): string {
    cherrypy.response.headers.set("Content-Type", "image/svg+xml");
    // Last-Modified marks the page as cacheable for the expires tool (and allows 304s on
    // If-Modified-Since through cherrypy.lib.cptools.validateSince()).
    cherrypy.response.headers.set("Last-Modified", LOGO_MODIFIED);
    cherrypy.lib.cptools.validateSince();
    return LOGO;
  }

  /** A page that depends on a request header: `Vary` says so. */
  @cherrypy.expose
  @cherrypy.tools.autovary()
  greeting(): string {
    return cherrypy.request.headers.get("Accept-Language")?.startsWith("fr")
      ? "Bonjour !"
      : "Hello!";
  }

  /** What the cache holds. */
  @cherrypy.expose
  @cherrypy.tools.json_out()
  stats(): Record<string, number> {
    const cache = cherrypy.lib.caching.getCache();
    if (!(cache instanceof cherrypy.lib.caching.MemoryCache)) return {};
    const { curobjects, cursize, tot_gets, tot_hist, tot_puts, tot_expires } = cache;
    return { curobjects, cursize, tot_gets, tot_hist, tot_puts, tot_expires };
  }
}

/**
 * The report is cached for five minutes; the greeting too, one copy per language. (The cache
 * is made by the first request that uses it, with that request's `tools.caching.*` settings:
 * give every section the same.)
 */
export const config: cherrypy.AppConfig = {
  "/report": { "tools.caching.on": true, "tools.caching.delay": 300 },
  "/greeting": { "tools.caching.on": true, "tools.caching.delay": 300 },
};

if (cherrypy.isMain(import.meta)) {
  await cherrypy.quickstart(new Root(), "", config);
}
