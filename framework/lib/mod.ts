/**
 * `cherrypy.lib`: the helper modules users call, grouped as CherryPy groups them.
 *
 * @example
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * cherrypy.lib.httputil.validStatus(404); // [404, "Not Found", "Nothing matches the given URI"]
 * ```
 *
 * @module
 */

export * as cookies from "./cookies.ts";
export * as httputil from "./httputil.ts";
export * as reprconf from "./reprconf.ts";
