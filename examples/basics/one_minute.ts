/**
 * The one-minute application (docs §4.1): one class, one exposed method, served at `/`.
 *
 *     deno run -A examples/basics/one_minute.ts
 *     curl http://127.0.0.1:8080/          # Hello World!
 *
 * `@cherrypy.expose` is what makes `index` a page: methods without it are never reachable
 * from a URL.
 *
 * @twin §4.1 #1, §13.39 #1
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** The application. */
export class Root {
  /** The page at `/`. */
  @cherrypy.expose
  index(): string {
    return "Hello World!";
  }
}

if (cherrypy.isMain(import.meta)) {
  await cherrypy.quickstart(new Root(), "/");
}
