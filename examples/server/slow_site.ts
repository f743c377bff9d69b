/**
 * A site for watching the server drain: `/` answers "Hello world!" and `/sleep?ms=N` answers
 * after N milliseconds (any method, any body).
 *
 *     PORT=8080 SHUTDOWN_TIMEOUT=5 deno run -A examples/server/slow_site.ts
 *
 * Start a few slow requests (`curl 'localhost:8080/sleep?ms=3000' &`), then stop the site
 * (`kill -TERM <pid>`): the slow requests finish, new connections are refused, and requests
 * still running after `SHUTDOWN_TIMEOUT` seconds are cut (and counted in the log).
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** The site. */
export class SlowSite {
  /** The page at `/`. */
  @cherrypy.expose
  index(): string {
    return "Hello world!";
  }

  /** Answers after `ms` milliseconds; other parameters are ignored. */
  @cherrypy.expose
  async sleep({ ms = "0" }: { ms?: string; [other: string]: unknown } = {}): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, Number(ms) || 0));
    return `Slept ${Number(ms) || 0} ms.`;
  }
}

if (cherrypy.isMain(import.meta)) {
  const env = (name: string, fallback: string) => cherrypy.platform.getEnv(name) ?? fallback;
  cherrypy.config.update({
    "server.socket_port": Number(env("PORT", "8080")),
    "server.shutdown_timeout": Number(env("SHUTDOWN_TIMEOUT", "5")),
    "engine.autoreload.on": false,
  });
  await cherrypy.quickstart(new SlowSite());
}
