/**
 * Autoreload during development: edit this file while the site runs and, within a second or
 * so, the engine logs `Restarting because .../autoreload_site.ts changed.` and the new code
 * serves. `engine.autoreload` is on by default; `engine.autoreload.on: false` (or the
 * `production` environment) switches it off.
 *
 *     PORT=8080 deno run -A examples/engine/autoreload_site.ts
 *
 * On Node the program runs from the npm build (`npm/examples/engine/autoreload_site.js`), so
 * rebuild (`npm run build`) to see a source change.
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** The message served; change it while the site runs. */
export const MESSAGE = "version 1";

/** The site. */
export class Site {
  /** The page at `/`. */
  @cherrypy.expose
  index(): string {
    return MESSAGE;
  }
}

if (cherrypy.isMain(import.meta)) {
  cherrypy.config.update({
    "server.socket_port": Number(cherrypy.platform.getEnv("PORT") ?? "8080"),
    "engine.autoreload.frequency": 0.5,
  });
  await cherrypy.quickstart(new Site());
}
