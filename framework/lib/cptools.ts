/**
 * `cherrypy.lib.cptools`: the functions of CherryPy's built-in tools, for use in handlers and
 * tools of one's own.
 *
 * @example Validate Last-Modified and ETag by hand
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * class Root {
 *   @cherrypy.expose
 *   page() {
 *     cherrypy.response.headers.set("Last-Modified", "Tue, 01 Dec 2026 10:00:00 GMT");
 *     cherrypy.lib.cptools.validateSince(); // 304 when If-Modified-Since matches
 *     return "the page";
 *   }
 * }
 * ```
 *
 * @module
 */

export { autovary, type AutovaryOptions, MonitoredHeaderMap } from "../tools/autovary.ts";
export { validateSince } from "../tools/conditional.ts";
export { type EtagsOptions, responseETag, validateEtags } from "../tools/etags.ts";
