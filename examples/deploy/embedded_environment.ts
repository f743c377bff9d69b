/**
 * The `embedded` environment (docs §8.7.1): the application served by another server, as in
 * examples/deploy/embedded.ts, but with `config.update({ environment: "embedded" })`, which
 * leaves the process to its host. It turns off, in one key: logging to the screen, the
 * autoreloader, the checker, request headers in error logs, tracebacks in error pages, the
 * detail of mismatched parameters (a 404 that names no parameter), and the engine's handling of
 * SIGHUP and SIGTERM. The host program handles those signals itself here: SIGTERM stops its
 * server and then the engine; SIGHUP is only logged (the engine does not restart).
 *
 *     deno run -A examples/deploy/embedded_environment.ts
 *     curl http://127.0.0.1:8080/        # hello world
 *     curl http://127.0.0.1:8080/fail    # 500, no traceback
 *     kill -TERM <pid>                   # "host: SIGTERM", then the engine stops
 *
 * `PORT` serves elsewhere than 8080.
 *
 * @twin §8.7.1 #6
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** The application. */
export class Root {
  /** The home page. */
  @cherrypy.expose
  index(): string {
    return "hello world";
  }

  /** A page that fails: its 500 shows no traceback in this environment. */
  @cherrypy.expose
  fail(): string {
    throw new Error("the database is down");
  }

  /** A page with a parameter: a request without it gets a 404 that does not name it. */
  @cherrypy.expose
  greet(name: string): string {
    return `hello ${name}`;
  }
}

if (cherrypy.isMain(import.meta)) {
  const app = cherrypy.tree.mount(new Root());
  cherrypy.server.unsubscribe();
  // The host runs the process: no screen log, autoreloader, checker, tracebacks or SIGHUP/SIGTERM.
  cherrypy.config.update({ environment: "embedded" });
  // SIGUSR1 (graceful) stays the engine's; SIGHUP and SIGTERM are the host's.
  cherrypy.engine.signals.subscribe();
  await cherrypy.engine.start();
  const main = setInterval(() => cherrypy.engine.publish("main"), 100);
  const port = Number(cherrypy.platform.getEnv("PORT") ?? "8080");
  const other = await cherrypy.platform.serve({
    hostname: "127.0.0.1",
    port,
    handler: (incoming) => app.fetch(incoming.toRequest()),
  });
  console.log(`host: serving on http://127.0.0.1:${port} (engine ${cherrypy.engine.state})`);
  cherrypy.platform.addSignalListener("SIGHUP", () => {
    console.log("host: SIGHUP (the engine keeps running)");
  });
  cherrypy.platform.addSignalListener("SIGTERM", async () => {
    console.log("host: SIGTERM, stopping");
    clearInterval(main);
    await other.shutdown();
    await cherrypy.engine.exit();
    console.log(`host: engine ${cherrypy.engine.state}`);
  });
}
