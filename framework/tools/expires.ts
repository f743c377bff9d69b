/**
 * The `expires` tool (CherryPy's `caching.expires`): the `Expires` header, and the
 * cache-prevention headers for `secs: 0`.
 *
 * @module
 */

import { currentServing } from "../core/serving.ts";
import { checkBoolean } from "./_check.ts";
import { debugLog } from "./_content.ts";
import type { Tool } from "./tools.ts";

/** The `Expires` date CherryPy sends for `secs: 0`: a fixed day in the past. */
const PAST = new Date(1169942400 * 1000).toUTCString(); // Sun, 28 Jan 2007 00:00:00 GMT

/**
 * A duration as Python's `timedelta` gives it: whole days and seconds.
 *
 * @example A week
 * ```ts
 * import type { Timedelta } from "./expires.ts";
 * const week: Timedelta = { days: 7 };
 * ```
 */
export interface Timedelta {
  /** Days. */
  days?: number;
  /** Seconds. */
  seconds?: number;
}

/**
 * The `expires` tool's options (`tools.expires.*`).
 *
 * @example An hour, whatever the response says
 * ```ts
 * import type { ExpiresOptions } from "./expires.ts";
 * const options: ExpiresOptions = { secs: 3600, force: true };
 * ```
 */
export interface ExpiresOptions {
  /**
   * Seconds from the response's time to its expiry (`0`, the default: already expired, with
   * `Pragma: no-cache` and `Cache-Control: no-cache, must-revalidate`), or a `{days, seconds}`
   * duration.
   */
  secs?: number | Timedelta;
  /**
   * Set the headers (and replace those already set) even when the response carries none of
   * `ETag`, `Last-Modified`, `Age` or `Expires` (`false`, the default).
   */
  force?: boolean;
  /** Log what the tool does (context `TOOLS.EXPIRES`). */
  debug?: boolean;
}

function seconds(secs: unknown): number {
  if (typeof secs === "number" && Number.isFinite(secs)) return secs;
  const proto = secs !== null && typeof secs === "object" ? Object.getPrototypeOf(secs) : undefined;
  if (proto === Object.prototype || proto === null) {
    const keys = Object.keys(secs as object);
    const { days = 0, seconds = 0 } = secs as Timedelta;
    if (
      keys.length > 0 && keys.every((k) => k === "days" || k === "seconds") &&
      Number.isFinite(days) && Number.isFinite(seconds)
    ) return 86400 * days + seconds;
  }
  const kind = typeof secs === "object" && secs !== null
    ? `a ${secs.constructor?.name ?? "object"}`
    : JSON.stringify(secs) ?? String(secs);
  throw new TypeError(
    `tools.expires.secs must be a number of seconds or a {days, seconds} duration; got ${kind}.`,
  );
}

/**
 * Checks the `expires` tool's options that are present; the error names the option.
 *
 * @example Using `checkExpiresOptions`
 * ```ts
 * import { checkExpiresOptions } from "./expires.ts";
 * checkExpiresOptions({ secs: { days: 1 }, force: true }); // fine
 * ```
 */
export function checkExpiresOptions(options: Record<string, unknown>): void {
  if ("secs" in options) seconds(options["secs"]);
  checkBoolean("expires", options, "force");
  checkBoolean("expires", options, "debug");
}

/**
 * The `expires` tool's callable (`before_finalize`). As CherryPy's code does (its docstring
 * says otherwise), the headers are set **only** when `force` is on or the response already has
 * `ETag`, `Last-Modified`, `Age` or `Expires`:
 *
 * - `secs: 0`: `Pragma: no-cache` and, on HTTP/1.1, `Cache-Control: no-cache, must-revalidate`
 *   (each only where not set, unless `force`), and `Expires: Sun, 28 Jan 2007 00:00:00 GMT`;
 * - otherwise `Expires` is the response's time plus `secs` (kept when set, unless `force`).
 *
 * @example Cacheable for a day
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * class Root {
 *   @cherrypy.expose
 *   @cherrypy.tools.expires({ secs: 86400 })
 *   logo() {
 *     cherrypy.response.headers.set("ETag", '"v1"');
 *     return "<svg/>";
 *   }
 * }
 * ```
 */
export function expires(this: Tool | void, options: ExpiresOptions = {}): void {
  const { request, response } = currentServing();
  const headers = response.headers;
  const { force = false, debug } = options;
  const cacheable = !force &&
    ["Etag", "Last-Modified", "Age", "Expires"].some((name) => headers.has(name));
  if (!cacheable && !force) {
    if (debug) debugLog(request, "TOOLS.EXPIRES", "request is not cacheable");
    return;
  }
  if (debug) debugLog(request, "TOOLS.EXPIRES", "request is cacheable");
  const secs = seconds(options.secs ?? 0);
  let expiry: string;
  if (secs === 0) {
    if (force || !headers.has("Pragma")) headers.set("Pragma", "no-cache");
    const [major, minor] = request.protocol;
    if (major > 1 || (major === 1 && minor >= 1)) {
      if (force || !headers.has("Cache-Control")) {
        headers.set("Cache-Control", "no-cache, must-revalidate");
      }
    }
    expiry = PAST;
  } else {
    expiry = new Date(Math.floor((response.time + secs) * 1000)).toUTCString();
  }
  if (force || !headers.has("Expires")) headers.set("Expires", expiry);
}
