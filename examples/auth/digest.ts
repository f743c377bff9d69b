/**
 * Digest authentication (docs §4.9.2): `/protected/area` asks for a user name and password,
 * which the client proves it knows without sending it; the rest of the site is public.
 *
 *     PORT=8080 deno run -A examples/auth/digest.ts
 *     curl -i http://127.0.0.1:8080/protected/area/                 # 401, WWW-Authenticate: Digest ...
 *     curl --digest -u jon:secret http://127.0.0.1:8080/protected/area/   # Hello jon
 *
 * `get_ha1` finds a user's HA1 (a hash of user name, realm and password); `getHa1DictPlain`
 * computes it from a table of plain passwords. `key` is a secret the server signs its nonces
 * with: keep it out of the source in a real site.
 *
 * @twin §4.9.2 #1
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";
import { MyApp } from "./myapp.ts";

const { auth_digest } = cherrypy.lib;

/** The users and their passwords (a real site keeps HA1s instead: see docs/auth.md). */
export const USERS: Record<string, string> = { jon: "secret" };

/** The config of the docs' example. */
export const conf: cherrypy.AppConfig = {
  "/protected/area": {
    "tools.auth_digest.on": true,
    "tools.auth_digest.realm": "localhost",
    "tools.auth_digest.get_ha1": auth_digest.getHa1DictPlain(USERS),
    "tools.auth_digest.key": "a565c27146791cfb",
  },
};

export { MyApp };

if (cherrypy.isMain(import.meta)) {
  const port = Number(cherrypy.platform.getEnv("PORT") ?? "8080");
  cherrypy.config.update({ "server.socket_port": port, "engine.autoreload.on": false });
  await cherrypy.quickstart(new MyApp(), "/", conf);
}
