/**
 * A site served by worker processes that share its port (`server.workers`): the engine starts
 * them, replaces one that dies, replaces them one by one on SIGHUP without closing the port, and
 * stops them all on SIGTERM. `/` names the process that answered.
 *
 *     deno run -A examples/deploy/workers.ts        # or: node workers.js, bun workers.ts
 *     curl http://127.0.0.1:8080/                   # Hello from worker 1 (pid 4242)
 *     kill -HUP <main pid>                          # new workers, no refused connection
 *     kill <main pid>                               # every worker drains, then all exit
 *
 * `PORT` and `WORKERS` (default 2) set the port and the number of workers.
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** The application: `/` says which process served the request. */
export class Root {
  /** The page at `/`: the worker's slot and pid. */
  @cherrypy.expose
  index(): string {
    const slot = cherrypy.workerSlot();
    const who = slot === null ? "the only process" : `worker ${slot}`;
    return `Hello from ${who} (pid ${cherrypy.platform.pid()})`;
  }

  /** `/pid`: the answering process's pid alone. */
  @cherrypy.expose
  pid(): string {
    return String(cherrypy.platform.pid());
  }
}

if (cherrypy.isMain(import.meta)) {
  cherrypy.config.update({
    "server.socket_port": Number(cherrypy.platform.getEnv("PORT") ?? "8080"),
    "server.workers": Number(cherrypy.platform.getEnv("WORKERS") ?? "2"),
    "engine.autoreload.on": false,
  });
  await cherrypy.quickstart(new Root());
}
