/**
 * The `redirect` and `err_redirect` tools: send the request elsewhere, inside the application
 * (`InternalRedirect`, the default) or through the client (`HTTPRedirect`). `redirect` acts on
 * every request it is on for; `err_redirect` only when the request fails with an unexpected
 * error (it replaces the 500 page).
 *
 * @module
 */

import { HTTPRedirect, InternalRedirect } from "../core/redirect.ts";
import { debugLog } from "./_debug.ts";

/** The `redirect` and `err_redirect` tools' options (`tools.redirect.*`, `tools.err_redirect.*`). */
export interface RedirectOptions {
  /** Where to (relative to the current page, or absolute); `""` is the current page. */
  url?: string;
  /** `true` (the default) for an `InternalRedirect`, `false` for an `HTTPRedirect` (303/302). */
  internal?: boolean;
  /** Log the redirect (context `TOOLS.REDIRECT`). */
  debug?: boolean;
}

/**
 * The `redirect` tool's callable (`on_start_resource`), also `err_redirect`'s error response:
 * raises {@link InternalRedirect} or {@link HTTPRedirect} to `url`.
 *
 * @example A moved page, and an error page served in place of the 500
 * ```ts
 * const conf = {
 *   "/old": { "tools.redirect.on": true, "tools.redirect.url": "/new", "tools.redirect.internal": false },
 *   "/": { "tools.err_redirect.on": true, "tools.err_redirect.url": "/oops" },
 * };
 * ```
 */
export function redirect(options: RedirectOptions = {}): never {
  const url = options.url ?? "";
  const internal = options.internal ?? true;
  debugLog(
    options.debug,
    () => `Redirecting ${internal ? "internal " : ""}to: ${url}`,
    "TOOLS.REDIRECT",
  );
  if (internal) throw new InternalRedirect(url);
  throw new HTTPRedirect(url);
}
