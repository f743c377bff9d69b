/**
 * Environments (docs §6.3.3): the `environment` key of the global config brings in a set of
 * entries at once; the sets live in `cherrypy.environments`, where they can be changed, and
 * new ones added.
 *
 *     deno run -A examples/configure/environments.ts
 *     ENVIRONMENT=Greek deno run -A examples/configure/environments.ts
 *
 * `cherrypy.config.update({ environment: "production" })` sets the `production` entries
 * (`log.screen: false`, `request.show_tracebacks: false`, ...) that the same update does not
 * set itself. The built-in environments are `staging`, `production`, `embedded` and
 * `test_suite`. {@link extendEnvironments} quiets `staging`'s screen log and adds `Greek`,
 * as the docs do: under `Greek`, pages are sent in ISO-8859-7 (and a client that accepts
 * only other charsets gets 406).
 *
 * @twin §6.3.3 #1
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** The docs' additional environment. */
export const GREEK: cherrypy.ConfigDict = {
  "tools.encode.encoding": "ISO-8859-7",
  "tools.decode.encoding": "ISO-8859-7",
};

/** Changes `staging` (no screen log) and adds `Greek` to `cherrypy.environments`. */
export function extendEnvironments(): void {
  cherrypy.environments["staging"] = { ...cherrypy.environments["staging"], "log.screen": false };
  cherrypy.environments["Greek"] = GREEK;
}

/** The application. */
export class Root {
  /** `/`: which environment the site runs in. */
  @cherrypy.expose
  index(): string {
    return `Running in the ${cherrypy.config.get("environment") ?? "default"} environment`;
  }
}

if (cherrypy.isMain(import.meta)) {
  extendEnvironments();
  cherrypy.config.update({ environment: cherrypy.platform.getEnv("ENVIRONMENT") ?? "staging" });
  await cherrypy.quickstart(new Root());
}
