/**
 * The `response_headers` tool: sets response headers from config (CherryPy's
 * `cptools.response_headers`).
 *
 * @module
 */

import type { HookOptions } from "../core/hooks.ts";
import { currentServing } from "../core/serving.ts";
import { checkToolOptions, type OptionCheck } from "./_options.ts";
import type { Tool } from "./tools.ts";

const pairs: OptionCheck = (v) =>
  v === null ||
    (Array.isArray(v) && v.every((p) =>
      Array.isArray(p) && p.length === 2 && typeof p[0] === "string" && typeof p[1] === "string"
    ))
    ? null
    : 'a list of [name, value] pairs of strings ([["Content-Type", "text/plain"]])';

/** Checks the `response_headers` tool's options (`headers`: `[name, value]` pairs). */
export function checkResponseHeadersOptions(options: HookOptions, complete: boolean): void {
  checkToolOptions("response_headers", options, { headers: pairs }, complete);
}

/** The `response_headers` tool's options (`tools.response_headers.*`). */
export interface ResponseHeadersOptions {
  /** The headers, as `[name, value]` pairs (a config file's tuples are such pairs). */
  headers?: ReadonlyArray<readonly [string, string]> | null;
  /** Log the headers set (`TOOLS.RESPONSE_HEADERS`). */
  debug?: boolean;
}

/**
 * Sets each `[name, value]` of `headers` on the response (the `response_headers` tool's
 * callable, at `on_start_resource`, failsafe). A pair that is not two strings is a config
 * mistake, reported as such.
 *
 * @example The docs' tutorial 7: every response is text/plain
 * ```ts
 * const conf = {
 *   "/": {
 *     "tools.response_headers.on": true,
 *     "tools.response_headers.headers": [["Content-Type", "text/plain"]],
 *   },
 * };
 * ```
 */
export function responseHeaders(this: Tool | void, options: ResponseHeadersOptions = {}): void {
  const { request, response } = currentServing();
  const headers = options.headers ?? [];
  if (options.debug) {
    request.app?.log.error(
      `Setting response headers: ${JSON.stringify(headers)}`,
      "TOOLS.RESPONSE_HEADERS",
    );
  }
  for (const pair of headers) {
    if (!Array.isArray(pair) || pair.length !== 2) {
      throw new TypeError(
        "tools.response_headers.headers must be a list of [name, value] pairs; got " +
          `${JSON.stringify(pair)}.`,
      );
    }
    response.headers.set(String(pair[0]), String(pair[1]));
  }
}
/** The headers are set even when an earlier `on_start_resource` hook failed. */
responseHeaders.failsafe = true;
