/**
 * `cherrypy.lib.sessions`: the session stores and what a store is built from. A config file
 * names the stores as CherryPy's do (`tools.sessions.storage_class =
 * cherrypy.lib.sessions.FileSession`).
 *
 * @example The file store, from code
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * const conf = {
 *   "/": {
 *     "tools.sessions.on": true,
 *     "tools.sessions.storage_class": cherrypy.lib.sessions.RamSession,
 *   },
 * };
 * ```
 *
 * @module
 */

export * from "../tools/sessions/mod.ts";
