/**
 * Tools: the `Tool` classes, toolboxes, and the one registry of built-in tools.
 *
 * @module
 */
export * from "./builtin.ts";
export * from "./tool.ts";
