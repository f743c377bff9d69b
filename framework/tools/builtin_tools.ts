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

import { AuthBasicTool } from "./auth_basic.ts";
import { AuthDigestTool } from "./auth_digest.ts";
import { allow } from "./allow.ts";
import { StatsTool } from "./cpstats.ts";
import { encode } from "./encode.ts";
import { flatten } from "./flatten.ts";
import { ignoreHeaders } from "./ignore_headers.ts";
import { logHeaders, logTracebacks } from "./log_errors.ts";
import { logHooks } from "./log_hooks.ts";
import { convertParams } from "./params.ts";
import { proxy } from "./proxy.ts";
import { redirect } from "./redirect.ts";
import { referer } from "./referer.ts";
import { trailingSlash } from "./trailing_slash.ts";
import { toolChecks } from "./_tool_checks.ts";
import { ErrorTool, Tool, Toolbox } from "./tools.ts";
import { onError as xmlrpcOnError } from "./xmlrpc.ts";
import { accept, checkAcceptOptions } from "./accept.ts";
import { checkResponseHeadersOptions, responseHeaders } from "./response_headers.ts";
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
  /** HTTP Basic authentication (`before_handler`, priority 1). */
  auth_basic: AuthBasicTool;
  /** HTTP Digest authentication (`before_handler`, priority 1). */
  auth_digest: AuthDigestTool;
  /** 405 unless the method is one of `methods`; always sets `Allow`. */
  allow: Tool;
  /** Refuses requests whose `Referer` does (or does not) match `pattern`. */
  referer: Tool;
  /** Removes request headers (`Range` by default) before the request is processed. */
  ignore_headers: Tool;
  /** Behind a reverse proxy: `request.base` and `request.remote` from `X-Forwarded-*`. */
  proxy: Tool;
  /** Serves another URL instead: an internal redirect, or an HTTP redirect. */
  redirect: Tool;
  /** On an unexpected error, redirects (internally by default) to `url`. */
  err_redirect: ErrorTool;
  /** Lets the body be nested generators. */
  flatten: Tool;
  /** Logs the request's hooks when it ends. */
  log_hooks: Tool;
  /** Converts request parameters by declared converters (400 on a bad value). */
  params: Tool;
  /** Answers errors of XML-RPC controllers with a fault. */
  xmlrpc: ErrorTool;
  /** Records request statistics for `cherrypy.lib.cpstats.StatsPage`. */
  cpstats: StatsTool;
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
tools.auth_basic = new AuthBasicTool();
tools.auth_digest = new AuthDigestTool();
const check = toolChecks;
tools.allow = new Tool("on_start_resource", allow, { check: check.allow });
tools.proxy = new Tool("before_request_body", proxy, { priority: 30, check: check.proxy });
tools.log_hooks = new Tool("on_end_request", logHooks, { priority: 100, check: check.log_hooks });
tools.err_redirect = new ErrorTool(redirect, { check: check.err_redirect });
tools.xmlrpc = new ErrorTool(xmlrpcOnError, { check: check.xmlrpc });
tools.ignore_headers = new Tool("before_request_body", ignoreHeaders, {
  check: check.ignore_headers,
});
tools.referer = new Tool("before_request_body", referer, { check: check.referer });
tools.flatten = new Tool("before_finalize", flatten, { check: check.flatten });
tools.redirect = new Tool("on_start_resource", redirect, { check: check.redirect });
tools.params = new Tool("before_handler", convertParams, { priority: 15, check: check.params });
tools.cpstats = new StatsTool({ check: check.cpstats });
tools.sessions = new SessionTool();
tools.session_auth = new SessionAuthTool();
tools.accept = new Tool("on_start_resource", accept, { check: checkAcceptOptions });
tools.response_headers = new Tool("on_start_resource", responseHeaders, {
  check: checkResponseHeadersOptions,
});

/** The tools CherryPy's global config turns on by default. */
export const DEFAULT_TOOL_CONFIG: Readonly<Record<string, unknown>> = {
  "tools.log_tracebacks.on": true,
  "tools.log_headers.on": true,
  "tools.trailing_slash.on": true,
  "tools.encode.on": true,
};
