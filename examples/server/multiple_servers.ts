/**
 * Multiple HTTP servers (docs §5.8): the site's server on 8080 and a second one on 8090, both
 * following the engine's life cycle and serving the same tree.
 *
 *     deno run -A examples/server/multiple_servers.ts
 *     curl http://127.0.0.1:8080/ ; curl http://127.0.0.1:8090/
 *
 * `PORT` and `SECOND_PORT` change the ports. The same can be done in config:
 * `{"server.second.socket_port": 8090}` creates and subscribes a server named "second".
 *
 * @twin §5.8 #1
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** The site. */
export class Root {
  /** The page at `/`: which port answered. */
  @cherrypy.expose
  index(): string {
    return `Hello from port ${cherrypy.request.local.port}!`;
  }
}

if (cherrypy.isMain(import.meta)) {
  const env = (name: string, fallback: string) => cherrypy.platform.getEnv(name) ?? fallback;
  cherrypy.config.update({ "server.socket_port": Number(env("PORT", "8080")) });
  const server = new cherrypy.Server();
  server.socket_port = Number(env("SECOND_PORT", "8090"));
  server.subscribe();
  await cherrypy.quickstart(new Root());
}
