/**
 * Tools: the Tool classes, toolboxes, and the one registry of built-in tools.
 *
 * @module
 */

export * from "./auth_basic.ts";
export * from "./auth_digest.ts";
export * from "./allow.ts";
export * from "./builtin_tools.ts";
export * from "./conditional.ts";
export * from "./cpstats.ts";
export * from "./encode.ts";
export * from "./flatten.ts";
export * from "./ignore_headers.ts";
export * from "./log_errors.ts";
export * from "./log_hooks.ts";
export * from "./params.ts";
export * from "./proxy.ts";
export * from "./redirect.ts";
export * from "./referer.ts";
export * from "./stats_page.ts";
export * from "./tools.ts";
export * from "./trailing_slash.ts";
export * from "./xmlrpc.ts";
export { DateTime, dumps, type DumpsOptions, Fault, XMLRPCParseError } from "./_xmlrpc_codec.ts";
export { loads } from "./_xmlrpc_loads.ts";
export * from "./accept.ts";
export * from "./response_headers.ts";
export * from "./session_auth.ts";
export * from "./sessions/mod.ts";
export * from "./sessions_net/mod.ts";
