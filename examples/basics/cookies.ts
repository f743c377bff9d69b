/**
 * Cookies (docs §4.5): `/cookie/set` sends a cookie, `/cookie/read` lists the cookies the
 * client sent, and `/cookie/expire` tells the client to delete it.
 *
 *     deno run -A examples/basics/cookies.ts
 *     curl -i http://127.0.0.1:8080/cookie/set
 *     curl -b cookieName=cookieValue http://127.0.0.1:8080/cookie/read
 *
 * `cherrypy.response.cookie` holds the cookies to send (each becomes a `Set-Cookie` header);
 * `cherrypy.request.cookie` those the client sent. Request cookies are not copied to the
 * response: to delete a cookie, send it again with `expires` set to 0. See docs/cookies.md.
 *
 * @twin §4.5 #1, §4.5 #2
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** The application. */
export class MyCookieApp {
  /** Sends `cookieName=cookieValue` for the whole site, for an hour. */
  @cherrypy.expose
  set(): string {
    const cookie = cherrypy.response.cookie;
    const morsel = cookie.set("cookieName", "cookieValue");
    morsel.path = "/";
    morsel.set("max-age", 3600);
    morsel.version = 1;
    return "<html><body>Hello, I just sent you a cookie</body></html>";
  }

  /** Lists the cookies the client sent. */
  @cherrypy.expose
  read(): string {
    const cookie = cherrypy.request.cookie;
    let res = `<html><body>Hi, you sent me ${cookie.size} cookies.<br />` +
      "Here is a list of cookie names/values:<br />";
    for (const name of cookie.keys()) {
      res += `name: ${name}, value: ${cookie.get(name)?.value}<br>`;
    }
    return res + "</body></html>";
  }

  /** Deletes the cookie on the client: the cookie again, expiring now. */
  @cherrypy.expose
  expire(): string {
    const morsel = cherrypy.response.cookie.set("cookieName", "");
    morsel.path = "/";
    morsel.expires = 0;
    return "<html><body>Your cookie is gone</body></html>";
  }
}

if (cherrypy.isMain(import.meta)) {
  await cherrypy.quickstart(new MyCookieApp(), "/cookie");
}
