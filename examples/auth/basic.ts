/**
 * Basic authentication (docs §4.9.1): `/protected/area` asks for a user name and password,
 * checked by `validatePassword` against `USERS`; the rest of the site is public.
 *
 *     PORT=8080 deno run -A examples/auth/basic.ts
 *     curl -i http://127.0.0.1:8080/protected/area/          # 401, WWW-Authenticate: Basic ...
 *     curl -u jon:secret http://127.0.0.1:8080/protected/area/   # Hello jon
 *
 * Basic authentication sends the password with every request (only base64-encoded): serve it
 * over HTTPS, or within a closed network.
 *
 * @twin §4.9.1 #1
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";
import { MyApp } from "./myapp.ts";

/** The users and their passwords (a real site keeps password hashes: see docs/auth.md). */
export const USERS: Record<string, string> = { jon: "secret" };

/**
 * Called by the tool with the realm and the user name and password decoded from the request
 * (the docs' `validate_password`); it may read any store: a file, a database, memory.
 */
export function validatePassword(_realm: string, username: string, password: string): boolean {
  return Object.hasOwn(USERS, username) && USERS[username] === password;
}

/** The config of the docs' example. */
export const conf: cherrypy.AppConfig = {
  "/protected/area": {
    "tools.auth_basic.on": true,
    "tools.auth_basic.realm": "localhost",
    "tools.auth_basic.checkpassword": validatePassword,
  },
};

export { MyApp };

if (cherrypy.isMain(import.meta)) {
  const port = Number(cherrypy.platform.getEnv("PORT") ?? "8080");
  cherrypy.config.update({ "server.socket_port": port, "engine.autoreload.on": false });
  await cherrypy.quickstart(new MyApp(), "/", conf);
}
