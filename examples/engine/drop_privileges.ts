/**
 * Run as a different user (docs §8.2): bind as root, then run as an unprivileged user;
 * `DropPrivileges` runs at priority 77, just after the HTTP server (75) has bound its port.
 *
 *     sudo PORT=80 deno run -A examples/engine/drop_privileges.ts
 *
 * `RUN_AS_USER` / `RUN_AS_GROUP` (default `nobody` / `nogroup`) name the account.
 *
 * @twin §8.2 #1
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** The site: `/` says who serves it. */
export class WhoAmI {
  /** The page at `/`. */
  @cherrypy.expose
  index(): string {
    const p = cherrypy.platform;
    return `uid=${p.getuid()} gid=${p.getgid()} groups=[${p.getgroups().join(",")}]`;
  }
}

if (cherrypy.isMain(import.meta)) {
  const env = (name: string, fallback: string) => cherrypy.platform.getEnv(name) ?? fallback;
  cherrypy.config.update({
    "server.socket_port": Number(env("PORT", "8080")),
    "engine.autoreload.on": false,
  });
  new cherrypy.DropPrivileges(cherrypy.engine, {
    uid: env("RUN_AS_USER", "nobody"),
    gid: env("RUN_AS_GROUP", "nogroup"),
    umask: 0o022,
  }).subscribe();
  await cherrypy.quickstart(new WhoAmI());
}
