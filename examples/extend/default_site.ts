/**
 * The default application of the docs' "Disable a plugin" (§7.1.2), run as it is: the engine
 * starts its plugins, the HTTP server among them, and the last lines say where it serves.
 *
 *     deno run -A examples/extend/default_site.ts
 *     # ... ENGINE Bus STARTING
 *     # ... ENGINE Started monitor thread 'Autoreloader'.
 *     # ... ENGINE Started monitor thread '_TimeoutMonitor'.
 *     # ... ENGINE Serving on http://127.0.0.1:8080
 *     # ... ENGINE Bus STARTED
 *
 * `no_server.ts` is the same application with `cherrypy.server.unsubscribe()` first: the same
 * lines but the `Serving on` one. `PORT` serves elsewhere than 8080.
 *
 * @twin §7.1.2 #5, §7.1.2 #6
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";
import { Root } from "./no_server.ts";

export { Root };

if (cherrypy.isMain(import.meta)) {
  const port = cherrypy.platform.getEnv("PORT");
  if (port !== undefined) cherrypy.config.update({ "server.socket_port": Number(port) });
  await cherrypy.quickstart(new Root());
}
