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

export * as auth_basic from "./auth_basic.ts";
export * as auth_digest from "./auth_digest.ts";
export * as cookies from "./cookies.ts";
export * as cpstats from "./cpstats.ts";
export * as cptools from "./cptools.ts";
export * as httputil from "./httputil.ts";
export * as reprconf from "./reprconf.ts";
export * as xmlrpcutil from "./xmlrpcutil.ts";
export * as sessions from "./sessions.ts";
