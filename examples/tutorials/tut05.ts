/**
 * Tutorial 5: track my end-user's activity.
 *
 * `/generate` makes a random string, as in tutorial 4, and keeps it in the visitor's session;
 * `/display` shows the string of that visitor's session. The session is switched on by config
 * (`tools.sessions.on`) and kept in the process's memory; the visitor is known by the
 * `session_id` cookie. A visitor without a string (a new client) gets 500 from `/display`, as
 * the docs' `KeyError` gives.
 *
 *     deno run -A examples/tutorials/tut05.ts
 *     curl -c jar -b jar 'http://127.0.0.1:8080/generate?length=8'
 *     curl -c jar -b jar http://127.0.0.1:8080/display
 *
 * @twin §3.5 #1
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";
import { sample } from "./tut02.ts";
import { FORM } from "./tut04.ts";

/** The application. */
export class StringGenerator {
  /** The page at `/`: the form of tutorial 4. */
  @cherrypy.expose
  index(): string {
    return FORM;
  }

  /** Makes a string of `length` hexadecimal digits, keeps it in the session and returns it. */
  @cherrypy.expose
  generate(length: string | number = 8): string {
    const someString = sample("0123456789abcdefABCDEF", Number(length));
    cherrypy.session["mystring"] = someString;
    return someString;
  }

  /** The string kept in this visitor's session (a KeyError, 500, when there is none). */
  @cherrypy.expose
  display(): string {
    return cherrypy.session["mystring"];
  }
}

/** The docs' config: sessions on for the whole application. */
export const conf: cherrypy.AppConfig = {
  "/": {
    "tools.sessions.on": true,
  },
};

if (cherrypy.isMain(import.meta)) {
  await cherrypy.quickstart(new StringGenerator(), "/", conf);
}
