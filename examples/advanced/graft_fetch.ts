/**
 * WSGI support (docs §5.9), for Fetch: Fetch (`(Request) => Response`) plays the part WSGI
 * plays in Python.
 *
 * - An application is a Fetch handler: `new cherrypy.Application(root, "/", config)` builds
 *   one without mounting it, and `app.fetch(request)` answers a request without the
 *   framework's server, so any Fetch-aware server can serve it (`Deno.serve`, `Bun.serve`, a
 *   Cloudflare Worker's `fetch`, a Node adapter, or the runtime's own server as below).
 * - A foreign Fetch application (a bare function, a Hono or itty app) is hosted by the
 *   framework with `cherrypy.tree.graft(app, "/")`. Tools do not apply to it, but the bus
 *   does: it is served while the engine runs.
 *
 *     deno run -A examples/advanced/graft_fetch.ts
 *     curl http://127.0.0.1:8080/               # Hello world! (the grafted app)
 *     curl http://127.0.0.1:8081/generate       # 8 hex digits (the app, another server)
 *
 * @twin §5.9.1 #1, §5.9.2 #1
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";
import { StringGenerator } from "../tutorials/tut03.ts";

/** The application's config. */
export const myconf: cherrypy.AppConfig = {
  "/": { "response.headers.X-Served-By": "cherrypy-ts" },
};

/** Tutorial 3's application as a Fetch handler, mounted nowhere. */
export const app: cherrypy.Application = new cherrypy.Application(
  new StringGenerator(),
  "/",
  myconf,
);

/** `app.fetch` as a plain function, for servers that take one. */
export const fetchApp = (request: Request): Promise<Response> => app.fetch(request);

/** The docs' `raw_wsgi_app`: a foreign application answering "Hello world!". */
export function rawFetchApp(_request: Request): Response {
  return new Response("Hello world!", {
    status: 200,
    headers: { "Content-type": "text/plain" },
  });
}

if (cherrypy.isMain(import.meta)) {
  // The application served by another server: the runtime's own HTTP server.
  const other = await cherrypy.platform.serve({
    hostname: "127.0.0.1",
    port: 8081,
    handler: (incoming) => fetchApp(incoming.toRequest()),
  });
  cherrypy.engine.subscribe("stop", () => other.shutdown());
  // A foreign application served by the framework's server.
  cherrypy.tree.graft(rawFetchApp, "/");
  await cherrypy.quickstart();
}
