/**
 * `cherrypy.lib.cptools`: the functions behind the built-in tools, to call from handlers or
 * other tools, and the conversions of the `params` tool (CherryPy's `lib/cptools.py`).
 *
 * @example Refusing a method from a handler
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * class Root {
 *   @cherrypy.expose
 *   upload() {
 *     cherrypy.lib.cptools.allow({ methods: ["POST", "PUT"] }); // 405 for GET
 *     return "stored";
 *   }
 * }
 * ```
 *
 * @module
 */

import { configRegistry } from "../config/config_registry.ts";
import { annotate, convertParams, float, int, str, ValueError } from "../tools/params.ts";

export { accept, type AcceptOptions } from "../tools/accept.ts";
export { allow, allowedMethods, type AllowOptions } from "../tools/allow.ts";
export { validateSince } from "../tools/conditional.ts";
export { flatten, type FlattenOptions, isIterator } from "../tools/flatten.ts";
export { ignoreHeaders, type IgnoreHeadersOptions } from "../tools/ignore_headers.ts";
export { logHeaders, logTracebacks } from "../tools/log_errors.ts";
export { describeHook, logHooks, type LogHooksOptions } from "../tools/log_hooks.ts";
export {
  annotate,
  type Annotated,
  type Converter,
  convertParams,
  type ErrorClass,
  float,
  int,
  type ParamsOptions,
  str,
  ValueError,
} from "../tools/params.ts";
export { proxy, type ProxyOptions } from "../tools/proxy.ts";
export { redirect, type RedirectOptions } from "../tools/redirect.ts";
export { referer, type RefererOptions } from "../tools/referer.ts";
export { responseHeaders, type ResponseHeadersOptions } from "../tools/response_headers.ts";
export { SessionAuth, sessionAuth, type SessionAuthOptions } from "../tools/session_auth.ts";
export { trailingSlash, type TrailingSlashOptions } from "../tools/trailing_slash.ts";

// Config files name the conversions as `cherrypy.lib.cptools.int` (Python's builtin `int`
// is a config value's own conversion, which does not raise ValueError).
configRegistry.register("cherrypy.lib.cptools", {
  annotate,
  convertParams,
  float,
  int,
  str,
  ValueError,
});
