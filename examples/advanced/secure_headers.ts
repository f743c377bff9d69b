/**
 * Securing your server (docs §5.7): a tool that adds security headers to every response of
 * the paths it is on for.
 *
 *     deno run -A examples/advanced/secure_headers.ts
 *     curl -i http://127.0.0.1:8080/
 *
 * `cherrypy.tools.register("before_finalize", { priority: 60 })` makes the function a tool
 * named `secureheaders`, hooked after the page handler; `tools.secureheaders.on` switches it
 * on (in a config file: `[/]` then `tools.secureheaders.on = True`). When the server speaks
 * HTTPS (`server.ssl_certificate` and `server.ssl_private_key` set), the tool adds
 * `Strict-Transport-Security` too: that header must not be sent over plain HTTP. (The docs'
 * `default-src='self'` is not valid Content-Security-Policy syntax; the twin sends
 * `default-src 'self'`.)
 *
 * @twin §5.7 #1, §5.7 #2, §5.7 #4
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** The tool (also reachable as `cherrypy.tools.secureheaders`). */
export const secureheaders: cherrypy.Tool = cherrypy.tools.register("before_finalize", {
  priority: 60,
})(function secureheaders() {
  const headers = cherrypy.response.headers;
  headers.set("X-Frame-Options", "DENY");
  headers.set("X-XSS-Protection", "1; mode=block");
  headers.set("Content-Security-Policy", "default-src 'self'");
  if (cherrypy.server.ssl_certificate !== null && cherrypy.server.ssl_private_key !== null) {
    headers.set("Strict-Transport-Security", "max-age=31536000"); // one year
  }
});

/** The application. */
export class Root {
  /** The page at `/`. */
  @cherrypy.expose
  index(): string {
    return "Hello, securely!";
  }
}

/** The application's config: the tool is on for the whole application. */
export const conf: cherrypy.AppConfig = { "/": { "tools.secureheaders.on": true } };

if (cherrypy.isMain(import.meta)) {
  await cherrypy.quickstart(new Root(), "/", conf);
}
