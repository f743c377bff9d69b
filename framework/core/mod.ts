/**
 * The request being served: serving and its context, `Request` and `Response`, hooks, errors and
 * redirects, URLs, the logs, `_cp_config` helpers and the shapes the layers share.
 *
 * @module
 */
export * from "./cp_config.ts";
export * from "./types.ts";
export * from "./cookies.ts";
export * from "./errors.ts";
export * from "./header_elements.ts";
export * from "./hooks.ts";
export * from "./log.ts";
export { appendLogLine, flushLogFiles, reopenLogFiles } from "./log_files.ts";
export * from "./redirect.ts";
export { classHooks, Host, Request, type RequestApp } from "./request.ts";
export * from "./response.ts";
export { request, response } from "./serving.ts";
export * from "./url.ts";
export * from "./version.ts";
