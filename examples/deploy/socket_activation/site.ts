/**
 * Systemd socket activation (docs §8.4): systemd listens on the site's port (`myapp.socket`)
 * and starts the site (`myapp.service`) on the first connection, handing it the listening
 * socket as fd 3 with `LISTEN_PID` and `LISTEN_FDS` set. The site needs nothing for it: the
 * server sees `LISTEN_PID` naming its own process and serves on fd 3 instead of binding.
 *
 *     sudo cp myapp.socket myapp.service /etc/systemd/system/   # after editing the paths
 *     sudo systemctl enable --now myapp.socket
 *     curl http://127.0.0.1:8080/                                # starts the site: Hello world!
 *
 * Without systemd, `systemd-socket-activate` does the same for one program:
 *
 *     systemd-socket-activate -l 127.0.0.1:8080 node npm/examples/deploy/socket_activation/site.js
 *
 * Node and Bun adopt the socket. Deno cannot adopt an inherited listening socket: the site
 * fails to start with an error saying so (bind the port directly, or run the site on Node;
 * docs/runtimes.md).
 *
 * @module
 */
import * as cherrypy from "../../../mod.ts";

/** The path of a file next to this module. */
function here(name: string): string {
  return decodeURIComponent(new URL(name, import.meta.url).pathname);
}

/** The systemd socket unit. */
export const SOCKET_UNIT: string = here("myapp.socket");
/** The systemd service unit it activates. */
export const SERVICE_UNIT: string = here("myapp.service");

/** The application. */
export class HelloWorld {
  /** The home page. */
  @cherrypy.expose
  index(): string {
    return "Hello world!";
  }
}

if (cherrypy.isMain(import.meta)) {
  // systemd restarts the service itself; nothing to reload.
  cherrypy.config.update({ "engine.autoreload.on": false });
  await cherrypy.quickstart(new HelloWorld());
}
