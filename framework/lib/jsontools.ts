/**
 * `cherrypy.lib.jsontools`: the JSON tools' functions (CherryPy's `jsontools` module), for
 * custom processors and handlers.
 *
 * @example A JSON handler that wraps the result
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * const { jsonHandler } = cherrypy.lib.jsontools;
 * async function envelope() {
 *   const inner = cherrypy.request._json_inner_handler as () => unknown;
 *   cherrypy.request._json_inner_handler = async () => ({ data: await inner() });
 *   return await jsonHandler();
 * }
 * const conf = { "/api": { "tools.json_out.on": true, "tools.json_out.handler": envelope } };
 * ```
 *
 * @module
 */

export { jsonIn, type JsonInOptions, jsonProcessor } from "../tools/json_in.ts";
export { jsonHandler, jsonOut, type JsonOutOptions } from "../tools/json_out.ts";
export { encodeJson } from "../tools/_json.ts";
