/**
 * Tools: the Tool classes, toolboxes, and the one registry of built-in tools.
 *
 * @module
 */

export * from "./auth_basic.ts";
export * from "./auth_digest.ts";
export * from "./builtin_tools.ts";
export * from "./conditional.ts";
export * from "./encode.ts";
export * from "./log_errors.ts";
export * from "./tools.ts";
export * from "./trailing_slash.ts";
