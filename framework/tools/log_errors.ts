/**
 * The `log_tracebacks` and `log_headers` tools: what the error log gets when a request fails
 * (both on by default).
 *
 * @module
 */

import { titleCaseHeader } from "../http/httputil.ts";
import { currentServing } from "../core/serving.ts";
import type { Tool } from "./tools.ts";

/** The `log_tracebacks` tool's callable (`before_error_response`). */
export function logTracebacks(this: Tool, options: { severity?: number }): void {
  const { request } = currentServing();
  const log = request.app?.log;
  if (log === undefined) return;
  const error = request.error;
  log.error("", "HTTP", options.severity ?? 40, error === undefined ? false : error);
}

/** The `log_headers` tool's callable (`before_error_response`). */
export function logHeaders(this: Tool): void {
  const { request } = currentServing();
  const entries = request.incoming === null ? [...request.headers.entries()] : [
    ...request.incoming.headerEntries(),
  ].map(([k, v]) => [titleCaseHeader(k), v] as const);
  const lines = entries.map(([k, v]) => `  ${k}: ${v}`);
  request.app?.log.error("\nRequest Headers:\n" + lines.join("\n"), "HTTP");
}
