/**
 * Disabling a plugin (docs §7.1.2): `cherrypy.server.unsubscribe()` keeps the site's HTTP
 * server from starting with the engine, for instance when another server serves the
 * application (through `app.fetch`).
 *
 *     deno run -A examples/extend/no_server.ts
 *
 * The engine starts as usual (signal handlers, monitors, `Bus STARTED`), but no
 * `Serving on http://127.0.0.1:8080` line appears: nothing listens. Ctrl-C stops it.
 *
 * @twin §7.1.2 #4, §7.1.2 #7, §7.1.2 #8, §7.1.2 #9
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** The application (served by nothing here). */
export class Root {
  /** The page at `/`. */
  @cherrypy.expose
  index(): string {
    return "hello world";
  }
}

if (cherrypy.isMain(import.meta)) {
  cherrypy.server.unsubscribe();
  await cherrypy.quickstart(new Root());
}
