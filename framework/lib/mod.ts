/**
 * `cherrypy.lib`: the helper modules users call, grouped as CherryPy groups them.
 *
 * @example A status code through cherrypy.lib.httputil
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
export * as sessions from "./sessions.ts";
