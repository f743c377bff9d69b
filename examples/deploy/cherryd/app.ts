/**
 * A site for `cherryd`: importing this module mounts its application, and `site.conf` beside it
 * configures the server and the app.
 *
 *     deno run -A cli/cherryd.ts -P examples/deploy/cherryd -c examples/deploy/cherryd/site.conf -i app
 *     node npm/cli/cherryd.js -P npm/examples/deploy/cherryd -c npm/examples/deploy/cherryd/site.conf -i app
 *
 * Add `-d -p site.pid` to run it as a daemon with a PID file.
 *
 * @module
 */
import * as cherrypy from "../../../mod.ts";

/** The application: `/` greets, `/setting` shows a value from the app's config file section. */
export class Root {
  /** The page at `/`. */
  @cherrypy.expose
  index(): string {
    return "Hello from cherryd!";
  }

  /** The `greeting` key of the `[/]` section of the config file. */
  @cherrypy.expose
  setting(): string {
    return String(cherrypy.request.config["greeting"] ?? "none");
  }
}

cherrypy.tree.mount(new Root(), "/");
