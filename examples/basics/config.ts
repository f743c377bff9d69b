/**
 * Configuring (docs §4.4): global server config, per-application config, config attached to
 * handlers, and application settings of one's own.
 *
 *     deno run -A examples/basics/config.ts
 *     curl http://127.0.0.1:9090/           # hello world! (Google app id: cherry-demo)
 *     curl -i http://127.0.0.1:9090/latin   # Content-Type: text/html;charset=iso-8859-1
 *
 * - `server.conf` holds the global config (`[global] server.socket_port: 9090`), given to
 *   `cherrypy.config.update`: it configures the server and the engine, not applications.
 * - `app.conf` holds the application's config, given to `quickstart` (or `tree.mount`). Its
 *   `[googleapi]` section does not start with `/`, so the framework ignores it: the handler
 *   reads it as `cherrypy.request.app.config["googleapi"]["appid"]`.
 * - Config can also sit on the handler itself, with a tool's decorator or with `_cp_config`;
 *   both have the same effect. The docs show it with `tools.gzip` (`gzip.ts` has those
 *   samples); here the `encode` tool (choose the response's charset) shows it as well.
 *
 * @twin §4.4.1 #1, §4.4.1 #2, §4.4.1 #3, §4.4.3 #1, §4.4.3 #2
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** The path of a file next to this module. */
function here(name: string): string {
  return decodeURIComponent(new URL(name, import.meta.url).pathname);
}

/** The global config file (`[global] server.socket_port: 9090`). */
export const SERVER_CONF: string = here("server.conf");
/** The application's config file (`[/]` and `[googleapi]`). */
export const APP_CONF: string = here("app.conf");

/** The application. */
export class Root {
  /** `/`: reads a setting of the application's own `[googleapi]` section. */
  @cherrypy.expose
  index(): string {
    const googleapi = cherrypy.request.app?.config["googleapi"] ?? {};
    return `hello world! (Google app id: ${googleapi["appid"]})`;
  }

  /** `/latin`: config attached by a tool's decorator. */
  @cherrypy.expose
  @cherrypy.tools.encode({ encoding: "iso-8859-1" })
  latin(): string {
    return "hello world!";
  }

  /** `/latin_too`: the same config, attached as `_cp_config` (see below). */
  @cherrypy.expose
  latin_too(): string {
    return "hello world!";
  }
}

// The variant notation: the handler's `_cp_config`.
Object.assign(Root.prototype.latin_too, {
  _cp_config: { "tools.encode.on": true, "tools.encode.encoding": "iso-8859-1" },
});

if (cherrypy.isMain(import.meta)) {
  cherrypy.config.update(SERVER_CONF);
  await cherrypy.quickstart(new Root(), "/", APP_CONF);
}
