/**
 * Tools: the Tool classes, toolboxes, and the one registry of built-in tools.
 *
 * @module
 */

export * from "./builtin_tools.ts";
export * from "./conditional.ts";
export * from "./encode.ts";
export * from "./log_errors.ts";
export * from "./tools.ts";
export * from "./trailing_slash.ts";
export * from "./accept.ts";
export * from "./response_headers.ts";
export * from "./session_auth.ts";
export * from "./sessions/mod.ts";
export * from "./sessions_net/mod.ts";
