/**
 * The `referer` tool: refuses requests whose `Referer` does (or does not) match a pattern.
 *
 * @module
 */

import { HTTPError } from "../core/errors.ts";
import { pyRepr } from "../http/_pyrepr.ts";
import { currentServing } from "../core/serving.ts";
import { debugLog } from "./_debug.ts";
import { pythonMatch } from "./_pyregex.ts";

/** The `referer` tool's options (`tools.referer.*`). */
export interface RefererOptions {
  /**
   * The pattern the `Referer` is tested against, from its start (Python's `re.match`): a
   * Python-style pattern string, or a `RegExp`. Required.
   */
  pattern?: string | RegExp;
  /** `true` (the default): the Referer must match; `false`: it must not. */
  accept?: boolean;
  /** Let requests without a Referer through (`false` by default). */
  accept_missing?: boolean;
  /** The status of the refusal (403). */
  error?: number | string;
  /** The message of the refusal (`"Forbidden Referer header."`). */
  message?: string;
  /** Log the decision (context `TOOLS.REFERER`). */
  debug?: boolean;
}

/**
 * The `referer` tool's callable (`before_request_body`, priority 50).
 *
 * @example Only links from example.com
 * ```ts
 * const conf = {
 *   "/": {
 *     "tools.referer.on": true,
 *     "tools.referer.pattern": "http://[^/]*example\\.com",
 *   },
 * };
 * ```
 */
export function referer(options: RefererOptions = {}): void {
  const { request } = currentServing();
  const { pattern, accept = true, accept_missing = false } = options;
  if (pattern === undefined || pattern === null) {
    throw new TypeError(
      "The referer tool needs a pattern: set tools.referer.pattern to a regular expression.",
    );
  }
  const ref = request.headers.get("Referer");
  if (ref === null) {
    debugLog(options.debug, "No Referer header", "TOOLS.REFERER");
    if (accept_missing) return;
  } else {
    let match: boolean;
    try {
      match = pythonMatch(pattern, ref);
    } catch (e) {
      throw new TypeError(
        `tools.referer.pattern ${pyRepr(String(pattern))} is not a valid regular expression: ` +
          (e as Error).message,
      );
    }
    debugLog(
      options.debug,
      () =>
        `Referer ${pyRepr(ref)} ${match ? "matches" : "does not match"} ${pyRepr(String(pattern))}`,
      "TOOLS.REFERER",
    );
    if (Boolean(accept) === match) return;
  }
  throw new HTTPError(options.error ?? 403, options.message ?? "Forbidden Referer header.");
}
