/**
 * `cherrypy.lib.cookies`: Python's `http.cookies` as CherryPy uses it (`request.cookie` and
 * `response.cookie` are {@link SimpleCookie}s).
 *
 * @example Read a request cookie into a jar
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * const jar = cherrypy.lib.cookies.parseRequestCookies(["a=1; b=2"]);
 * jar.get("b")?.value; // "2"
 * ```
 *
 * @module
 */

export { type CookieJar, parseRequestCookies, SimpleCookie } from "../core/cookies.ts";
export { CookieError, Morsel, type MorselAttribute, type MorselValue } from "../http/morsel.ts";
