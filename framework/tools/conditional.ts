/**
 * Conditional requests on `Last-Modified`: CherryPy's `validate_since`, shared by the static
 * tools and the cache.
 *
 * @module
 */

import { HTTPError } from "../core/errors.ts";
import { HTTPRedirect } from "../core/redirect.ts";
import { currentServing } from "../core/serving.ts";
import { validStatus } from "../http/httputil.ts";

/**
 * Checks the request's `If-Unmodified-Since` and `If-Modified-Since` against the response's
 * `Last-Modified` (as CherryPy does, by string equality), raising what the client should get:
 *
 * - `If-Unmodified-Since` differs from `Last-Modified` → `412 Precondition Failed`;
 * - `If-Modified-Since` equals `Last-Modified` → `304 Not Modified` for GET and HEAD, `412`
 *   for other methods.
 *
 * Only a 2xx response (or one already 304/412) is turned into a 304 or 412. Does nothing when
 * the response has no `Last-Modified`.
 *
 * @example Answer 304 when the client's copy is current
 * ```ts
 * import { response } from "../../mod.ts";
 * import { validateSince } from "./conditional.ts";
 * class Root {
 *   page(): string {
 *     response.headers.set("Last-Modified", "Tue, 01 Dec 2026 10:00:00 GMT");
 *     validateSince(); // throws HTTPRedirect([], 304) when If-Modified-Since matches
 *     return "the page";
 *   }
 * }
 * ```
 */
export function validateSince(): void {
  const { request, response } = currentServing();
  const lastModified = response.headers.get("Last-Modified");
  if (!lastModified) return;
  const [status] = validStatus(response.status || 200);
  const success = status >= 200 && status <= 299;
  const unmodifiedSince = request.headers.get("If-Unmodified-Since");
  if (unmodifiedSince && unmodifiedSince !== lastModified && (success || status === 412)) {
    throw new HTTPError(412);
  }
  const modifiedSince = request.headers.get("If-Modified-Since");
  if (modifiedSince && modifiedSince === lastModified && (success || status === 304)) {
    if (request.method === "GET" || request.method === "HEAD") throw new HTTPRedirect([], 304);
    throw new HTTPError(412);
  }
}
