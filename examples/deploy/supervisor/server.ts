/**
 * Control via supervisord (docs §8.5): the site supervisord runs (`server.py` in the docs),
 * and `supervisor.conf` beside it, the docs' supervisord configuration running it.
 *
 *     cd examples/deploy/supervisor
 *     supervisord -c supervisor.conf        # starts the program [program:myapp] names
 *     curl http://localhost:8090/           # Hello World!
 *     supervisorctl -c supervisor.conf restart myapp
 *     supervisorctl -c supervisor.conf shutdown   # stops the site, then supervisord
 *
 * supervisord stops a program with SIGTERM: the engine drains its requests and exits 0. The
 * access and error logs go to `access.log` and `error.log` in the program's directory, as in
 * the docs. `PORT` serves elsewhere than 8090.
 *
 * @twin §8.5 #1, §8.5 #2
 *
 * @module
 */
import * as cherrypy from "../../../mod.ts";

/** The docs' supervisord configuration, next to this module. */
export const SUPERVISOR_CONF: string = decodeURIComponent(
  new URL("supervisor.conf", import.meta.url).pathname,
);

/** The application. */
export class Root {
  /** The home page. */
  @cherrypy.expose
  index(): string {
    return "Hello World!";
  }
}

if (cherrypy.isMain(import.meta)) {
  cherrypy.config.update({
    "server.socket_port": Number(cherrypy.platform.getEnv("PORT") ?? "8090"),
    "engine.autoreload.on": false,
    "log.access_file": "./access.log",
    "log.error_file": "./error.log",
  });
  await cherrypy.quickstart(new Root());
}
