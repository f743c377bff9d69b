/**
 * `cherrypy.tools`, the default toolbox: the one registry of built-in tools (CherryPy keeps it at
 * the end of `_cptools.py`), binding each tool's callable to its hook point and priority. The
 * tools CherryPy turns on by default:
 * `encode` (text responses get a charset the client accepts), `trailing_slash` (redirects
 * `/dir` to `/dir/` for index handlers), `log_tracebacks` and `log_headers` (what the error
 * log gets when a request fails). Also here: `sessions`, `session_auth`, `accept` and
 * `response_headers`.
 *
 * @module
 */

import { encode } from "./encode.ts";
import { logHeaders, logTracebacks } from "./log_errors.ts";
import { trailingSlash } from "./trailing_slash.ts";
import { Tool, Toolbox } from "./tools.ts";
import { accept } from "./accept.ts";
import { responseHeaders } from "./response_headers.ts";
import { SessionAuthTool } from "./session_auth.ts";
import { SessionTool } from "./sessions/tool.ts";

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
  /** Sessions: `cherrypy.session`, kept in a store (`tools.sessions.*`; docs/sessions.md). */
  sessions: SessionTool;
  /** A login form backed by the session (`tools.session_auth.*`). */
  session_auth: SessionAuthTool;
  /** 406 unless the client accepts one of `media` (`tools.accept.media`). */
  accept: Tool;
  /** Sets response headers from config (`tools.response_headers.headers`). */
  response_headers: Tool;
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
tools.sessions = new SessionTool();
tools.session_auth = new SessionAuthTool();
tools.accept = new Tool("on_start_resource", accept);
tools.response_headers = new Tool("on_start_resource", responseHeaders);

/** The tools CherryPy's global config turns on by default. */
export const DEFAULT_TOOL_CONFIG: Readonly<Record<string, unknown>> = {
  "tools.log_tracebacks.on": true,
  "tools.log_headers.on": true,
  "tools.trailing_slash.on": true,
  "tools.encode.on": true,
};
