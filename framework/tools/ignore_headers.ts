/**
 * The `ignore_headers` tool: removes request headers before the request is processed (behind
 * a server that already honoured them, such as Apache with `Range`).
 *
 * @module
 */

import { pyRepr } from "../http/_pyrepr.ts";
import { currentServing } from "../core/serving.ts";
import { debugLog } from "./_debug.ts";

/** The `ignore_headers` tool's options (`tools.ignore_headers.*`). */
export interface IgnoreHeadersOptions {
  /** The names of the headers to remove (default `["Range"]`); one name may be a string. */
  headers?: string | readonly string[];
  /** Log each header removed (context `TOOLS.IGNORE_HEADERS`). */
  debug?: boolean;
}

/**
 * The `ignore_headers` tool's callable (`before_request_body`, priority 50).
 *
 * @example Behind Apache, which answers Range requests itself
 * ```ts
 * const conf = { "/": { "tools.ignore_headers.on": true } };
 * ```
 */
export function ignoreHeaders(options: IgnoreHeadersOptions = {}): void {
  const { request } = currentServing();
  const given = options.headers ?? ["Range"];
  const names = typeof given === "string" ? [given] : given;
  const headers = request.headers;
  for (const name of names) {
    if (headers.has(name)) {
      debugLog(
        options.debug,
        () => `Ignoring request header ${pyRepr(name)}`,
        "TOOLS.IGNORE_HEADERS",
      );
      headers.delete(name);
    }
  }
}
