/**
 * `expire()`: tells the client to drop the session cookie (CherryPy's
 * `cherrypy.lib.sessions.expire`).
 *
 * @module
 */

import { currentServing } from "../../core/serving.ts";

/**
 * Expires the current request's session cookie on the client (`expires` one year ago, no
 * `Max-Age`), as CherryPy's `cherrypy.lib.sessions.expire()`; the cookie name is
 * `tools.sessions.name` (`session_id`).
 *
 * @example Log out by forgetting the cookie
 * ```ts
 * import * as cherrypy from "../../../mod.ts";
 * class Root {
 *   @cherrypy.expose
 *   async logout() {
 *     await cherrypy.session.delete();
 *     cherrypy.lib.sessions.expire();
 *     return "bye";
 *   }
 * }
 * ```
 */
export function expire(): void {
  const { request, response } = currentServing();
  const name = String(request.config["tools.sessions.name"] ?? "session_id");
  const oneYear = 60 * 60 * 24 * 365;
  const morsel = response.cookie.get(name) ?? response.cookie.set(name, "");
  morsel.expires = new Date(Date.now() - oneYear * 1000).toUTCString();
  morsel.maxAge = "";
}
