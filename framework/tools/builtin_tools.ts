/**
 * `cherrypy.tools`, the default toolbox: the one registry of built-in tools (CherryPy keeps it at
 * the end of `_cptools.py`), binding each tool's callable to its hook point and priority. The
 * tools CherryPy turns on by default:
 * `encode` (text responses get a charset the client accepts), `trailing_slash` (redirects
 * `/dir` to `/dir/` for index handlers), `log_tracebacks` and `log_headers` (what the error
 * log gets when a request fails).
 *
 * @module
 */

import { AuthBasicTool } from "./auth_basic.ts";
import { AuthDigestTool } from "./auth_digest.ts";
import { encode } from "./encode.ts";
import { logHeaders, logTracebacks } from "./log_errors.ts";
import { trailingSlash } from "./trailing_slash.ts";
import { Tool, Toolbox } from "./tools.ts";

export { type HeaderElement, headerElements } from "../core/header_elements.ts";

/** The default toolbox's built-in tools (others can be added as properties). */
export interface DefaultTools extends Toolbox {
  /** Gives text responses a charset the client accepts (on by default). */
  encode: Tool;
  /** Redirects to add (or remove) the trailing slash of index URLs (on by default). */
  trailing_slash: Tool;
  /** Logs the traceback of unexpected errors (on by default). */
  log_tracebacks: Tool;
  /** Logs the request headers when a request fails (on by default). */
  log_headers: Tool;
  /** HTTP Basic authentication (`before_handler`, priority 1). */
  auth_basic: AuthBasicTool;
  /** HTTP Digest authentication (`before_handler`, priority 1). */
  auth_digest: AuthDigestTool;
}

/**
 * `cherrypy.tools`: the default toolbox (config namespace `tools`).
 *
 * @example Register a tool and switch it on for a path
 * ```ts
 * import { tools, request } from "../../mod.ts";
 * tools.register("before_finalize")(function logit() {
 *   console.log(request.remote.ip);
 * });
 * const conf = { "/": { "tools.logit.on": true } };
 * ```
 */
export const tools: DefaultTools = new Toolbox("tools") as DefaultTools;
tools.encode = new Tool("before_handler", encode, { priority: 70 });
tools.trailing_slash = new Tool("before_handler", trailingSlash, { priority: 60 });
tools.log_tracebacks = new Tool("before_error_response", logTracebacks);
tools.log_headers = new Tool("before_error_response", logHeaders);
tools.auth_basic = new AuthBasicTool();
tools.auth_digest = new AuthDigestTool();

/** The tools CherryPy's global config turns on by default. */
export const DEFAULT_TOOL_CONFIG: Readonly<Record<string, unknown>> = {
  "tools.log_tracebacks.on": true,
  "tools.log_headers.on": true,
  "tools.trailing_slash.on": true,
  "tools.encode.on": true,
};
