/**
 * Securing the session cookie (docs §5.7): with `tools.sessions.secure` the browser sends the
 * `session_id` cookie back over HTTPS only, and with `tools.sessions.httponly` the page's
 * scripts cannot read it (`document.cookie` does not show it).
 *
 *     deno run -A examples/advanced/secure_sessions.ts
 *     curl -i http://127.0.0.1:8080/
 *     # Set-Cookie: session_id=...; expires=...; HttpOnly; Max-Age=3600; Path=/; SameSite=Lax; Secure
 *
 * `secure_sessions.conf` is the docs' application config, given to `quickstart`. A browser
 * keeps a `Secure` cookie only from an HTTPS site (see `examples/deploy/ssl.ts` for serving
 * one); curl shows the header either way. `PORT` serves elsewhere than 8080.
 *
 * @twin §5.7 #3
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** The application config file (`[/]` with the three session entries). */
export const SECURE_SESSIONS_CONF: string = decodeURIComponent(
  new URL("secure_sessions.conf", import.meta.url).pathname,
);

/** The application: counts the visits of each session. */
export class Root {
  /** `/`: "Visit N of this session." */
  @cherrypy.expose
  index(): string {
    cherrypy.session["count"] = Number(cherrypy.session.get("count", 0)) + 1;
    return `Visit ${cherrypy.session["count"]} of this session.`;
  }
}

if (cherrypy.isMain(import.meta)) {
  cherrypy.config.update({
    "server.socket_port": Number(cherrypy.platform.getEnv("PORT") ?? "8080"),
  });
  await cherrypy.quickstart(new Root(), "/", SECURE_SESSIONS_CONF);
}
