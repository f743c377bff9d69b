/**
 * Converting request parameters (docs §13.18, CherryPy 6.2.0: "Added tool to automatically
 * convert request params based on type annotations"). Python reads `limit: int` from the
 * handler's annotations; TypeScript's types are gone at run time, so the conversion is
 * declared with `annotate` (or the tool's `types` option).
 *
 *     deno run -A examples/extend/params.ts
 *     curl 'http://127.0.0.1:8080/resource?limit=10'   # limit is a number: 10
 *     curl 'http://127.0.0.1:8080/resource?limit=ten'  # 400, invalid literal for int() ...
 *
 * @twin §13.18 #1
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

const { annotate, int } = cherrypy.lib.cptools;

/** The application. */
export class Root {
  /** `limit` arrives as a number (`@cherrypy.tools.params()` with `limit: int`). */
  @cherrypy.expose
  @cherrypy.tools.params()
  @annotate({ limit: int })
  resource(limit: number): string {
    if (!Number.isInteger(limit)) throw new Error("limit should be an integer");
    return `limit is a ${typeof limit}: ${limit}`;
  }
}

if (cherrypy.isMain(import.meta)) await cherrypy.quickstart(new Root());
