/**
 * Another server in front of the application (docs §8.7, "WSGI servers"): in JavaScript the
 * application is a Fetch handler (`Application.fetch`), and any Fetch server can serve it. Here
 * the runtime's own HTTP server (`Deno.serve`, `node:http`, Bun's) serves it, with the rules of
 * docs §8.7.1 and the shape of the Tornado sample (§8.7.2):
 *
 * - the framework's own HTTP server is unsubscribed (`cherrypy.server.unsubscribe()`);
 * - the autoreloader is off;
 * - the engine is started, but not blocked on; `main` is published every 100 ms as the
 *   engine's main loop would;
 * - the engine's signal handling is on (SIGTERM stops the engine, which stops the other
 *   server). With `environment: "embedded"` instead, the host handles signals itself.
 *
 *     deno run -A examples/deploy/embedded.ts
 *     curl http://127.0.0.1:8080/       # hello world (served by the other server)
 *
 * The Python servers of §8.7.2-§8.7.4 (Tornado, Twisted, uwsgi) take a WSGI callable; they
 * have no JavaScript twin. What they do is what this program does with a Fetch server:
 * Cloudflare Workers, Hono's or any `(Request) => Response` host take `app.fetch` the same way.
 * `PORT` serves elsewhere than 8080.
 *
 * @twin §8.7.1 #1, §8.7.1 #2, §8.7.1 #3, §8.7.1 #4, §8.7.1 #5
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
}

if (cherrypy.isMain(import.meta)) {
  // The application, mounted: a Fetch handler.
  const app = cherrypy.tree.mount(new Root());
  // The autoreloader would not play well with the other server.
  cherrypy.config.update({ "engine.autoreload.on": false });
  // Do not start the framework's HTTP server.
  cherrypy.server.unsubscribe();
  // Use the engine's signal handling.
  cherrypy.engine.signals.subscribe();
  // Run the engine, without blocking on it.
  await cherrypy.engine.start();
  // Publish to `main` as the engine's main loop would.
  const main = setInterval(() => cherrypy.engine.publish("main"), 100);
  // The other server.
  const port = Number(cherrypy.platform.getEnv("PORT") ?? "8080");
  const other = await cherrypy.platform.serve({
    hostname: "127.0.0.1",
    port,
    handler: (incoming) => app.fetch(incoming.toRequest()),
  });
  console.log(`The other server serves on http://127.0.0.1:${port}`);
  // Tied to the engine's life: stopping the engine stops the other server.
  cherrypy.engine.subscribe("stop", async () => {
    clearInterval(main);
    await other.shutdown();
  });
}
