/**
 * Tutorial 1: a basic web application.
 *
 * The most basic application: one exposed `index` method, served at http://127.0.0.1:8080/.
 *
 *     deno run -A examples/tutorials/tut01.ts        # Deno
 *     node npm/examples/tutorials/tut01.js           # Node, after `npm run build`
 *
 * @twin §2.3.1 #2, §3.1 #1, §3.1 #3
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** The application: `/` answers "Hello world!". */
export class HelloWorld {
  /** The page at `/`. */
  @cherrypy.expose
  index(): string {
    return "Hello world!";
  }
}

if (cherrypy.isMain(import.meta)) {
  await cherrypy.quickstart(new HelloWorld());
}
