/**
 * The `etags` tool (CherryPy's `cptools.validate_etags`): conditional requests on the
 * response's `ETag`, optionally made from an MD5 of the body.
 *
 * @module
 */

import { platform } from "../../platform/mod.ts";
import { HTTPError } from "../core/errors.ts";
import { HTTPRedirect } from "../core/redirect.ts";
import type { Request } from "../core/request.ts";
import { collapseBody, type Response } from "../core/response.ts";
import { currentServing } from "../core/serving.ts";
import { pyRepr } from "../http/_pyrepr.ts";
import { validStatus } from "../http/httputil.ts";
import { checkBoolean } from "./_check.ts";
import { debugLog, elementStrings } from "./_content.ts";
import type { Tool } from "./tools.ts";

/** The ETag each response was validated with (CherryPy's `response.ETag`). */
const validated = new WeakMap<Response, string | null>();

/**
 * The ETag the `etags` tool validated `response` with (`null`: none), or `undefined` when it
 * did not run for it (CherryPy's `response.ETag` attribute).
 *
 * @example Using `responseETag`
 * ```ts
 * import { response } from "../../mod.ts";
 * import { responseETag } from "./etags.ts";
 * responseETag(response); // '"5d41402abc4b2a76b9719d911017c592"' once the tool ran
 * ```
 */
export function responseETag(response: Response): string | null | undefined {
  return validated.get(response);
}

/**
 * The `etags` tool's options (`tools.etags.*`).
 *
 * @example Tags made from bodies
 * ```ts
 * import type { EtagsOptions } from "./etags.ts";
 * const options: EtagsOptions = { autotags: true };
 * ```
 */
export interface EtagsOptions {
  /**
   * Make an ETag (`"<md5 hex of the body>"`) for 200 responses that have none (`false`, the
   * default). Meant for GET-only URLs: the body has to be read whole first.
   */
  autotags?: boolean;
  /** Log what the tool does (context `TOOLS.ETAGS`). */
  debug?: boolean;
}

/**
 * Checks the `etags` tool's options that are present; the error names the option.
 *
 * @example Using `checkEtagsOptions`
 * ```ts
 * import { checkEtagsOptions } from "./etags.ts";
 * checkEtagsOptions({ autotags: true }); // fine
 * ```
 */
export function checkEtagsOptions(options: Record<string, unknown>): void {
  checkBoolean("etags", options, "autotags");
  checkBoolean("etags", options, "debug");
}

function check(request: Request, etag: string | null, debug: boolean | undefined): void {
  const ifMatch = elementStrings(request.headers.get("If-Match"));
  if (debug) debugLog(request, "TOOLS.ETAGS", `If-Match conditions: ${pyRepr(ifMatch)}`);
  const matches = (conditions: string[]) =>
    (conditions.length === 1 && conditions[0] === "*") ||
    (etag !== null && conditions.includes(etag));
  if (ifMatch.length > 0 && !matches(ifMatch)) {
    throw new HTTPError(
      412,
      `If-Match failed: ETag ${pyRepr(etag)} did not match ${pyRepr(ifMatch)}`,
    );
  }
  const ifNoneMatch = elementStrings(request.headers.get("If-None-Match"));
  if (debug) debugLog(request, "TOOLS.ETAGS", `If-None-Match conditions: ${pyRepr(ifNoneMatch)}`);
  if (matches(ifNoneMatch)) {
    if (debug) debugLog(request, "TOOLS.ETAGS", `request.method: ${request.method}`);
    if (request.method === "GET" || request.method === "HEAD") throw new HTTPRedirect([], 304);
    throw new HTTPError(
      412,
      `If-None-Match failed: ETag ${pyRepr(etag)} matched ${pyRepr(ifNoneMatch)}`,
    );
  }
}

/**
 * The `etags` tool's callable (`before_finalize`, priority 75), CherryPy's `validate_etags`.
 * For a 2xx response: `If-Match` naming neither `*` nor the ETag → `412`; `If-None-Match`
 * naming `*` or the ETag → `304 Not Modified` for GET and HEAD, `412` for other methods.
 * Tags are compared as strings, as CherryPy does. Runs once per response (the error path runs
 * `before_finalize` again).
 *
 * @example ETags made from the body
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * class Root {
 *   @cherrypy.expose
 *   @cherrypy.tools.etags({ autotags: true })
 *   resource() {
 *     return "Oh wah ta goo Siam."; // ETag: "<md5>"; If-None-Match with it → 304
 *   }
 * }
 * ```
 */
export function validateEtags(
  this: Tool | void,
  options: EtagsOptions = {},
): void | Promise<void> {
  const { request, response } = currentServing();
  if (validated.has(response)) return;
  const [status] = validStatus(response.status);
  const etag = response.headers.get("ETag");
  const { autotags = false, debug } = options;
  const finish = (tag: string | null) => {
    validated.set(response, tag);
    // "If the request would, without the If-Match header field, result in anything other
    // than a 2xx or 412 status, then the If-Match header MUST be ignored."
    if (debug) debugLog(request, "TOOLS.ETAGS", `Status: ${status}`);
    if (status >= 200 && status <= 299) check(request, tag, debug);
  };
  if (etag) {
    if (debug) debugLog(request, "TOOLS.ETAGS", `ETag already set: ${etag}`);
  } else if (!autotags) {
    if (debug) debugLog(request, "TOOLS.ETAGS", "Autotags off");
  } else if (status !== 200) {
    if (debug) debugLog(request, "TOOLS.ETAGS", "Status not 200");
  } else {
    const tagged = (bytes: Uint8Array) => {
      response.body = bytes;
      const tag = `"${platform.hash("md5", bytes)}"`;
      if (debug) debugLog(request, "TOOLS.ETAGS", `Setting ETag: ${tag}`);
      response.headers.set("ETag", tag);
      finish(tag);
    };
    const body = response.body;
    if (body instanceof Uint8Array) return tagged(body);
    return collapseBody(body).then(tagged);
  }
  finish(etag || null);
}
