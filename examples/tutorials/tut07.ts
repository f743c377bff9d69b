/**
 * Tutorial 7: give us a REST. One resource at `/`, answered by the method named after the
 * HTTP method of the request, thanks to the `MethodDispatcher`:
 *
 * | request                      | effect                                               |
 * | ---------------------------- | ---------------------------------------------------- |
 * | `POST /` (`?length=16`)      | generates a string of hexadecimal digits, returns it |
 * | `GET /`                      | returns it (500 when there is none)                  |
 * | `PUT /?another_string=hello` | replaces it                                          |
 * | `DELETE /`                   | forgets it                                           |
 * | any other method             | 405, with `Allow: DELETE, GET, HEAD, POST, PUT`      |
 *
 * The string lives in the client's session (`tools.sessions`), so each client has its own.
 * Every response is `text/plain` (`tools.response_headers`), and `GET` answers only clients
 * that accept `text/plain` (`@cherrypy.tools.accept`): `Accept: application/json` gets 406.
 *
 *     deno run -A examples/tutorials/tut07.ts
 *     curl -c jar -b jar -d '' http://127.0.0.1:8080/ ; curl -c jar -b jar http://127.0.0.1:8080/
 *
 * @twin §3.7 #1, §3.7 #4
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";
import { sample } from "./tut02.ts";

/** The web service: a resource whose methods are the HTTP methods. */
@cherrypy.expose
export class StringGeneratorWebService {
  /** Returns the session's string; without one it fails (500), as the docs' KeyError does. */
  @cherrypy.tools.accept({ media: "text/plain" })
  GET(): string {
    return cherrypy.session["mystring"];
  }

  /** Generates, keeps and returns a new string of `length` hexadecimal digits. */
  POST(length: string | number = 8): string {
    const someString = sample("0123456789abcdefABCDEF", Number(length));
    cherrypy.session["mystring"] = someString;
    return someString;
  }

  /** Replaces the string. */
  PUT(another_string: string): void {
    cherrypy.session["mystring"] = another_string;
  }

  /** Forgets the string. */
  DELETE(): void {
    cherrypy.session.pop("mystring", null);
  }
}

/** The application's config, as the docs write it. */
export const conf: cherrypy.AppConfig = {
  "/": {
    "request.dispatch": new cherrypy.dispatch.MethodDispatcher(),
    "tools.sessions.on": true,
    "tools.response_headers.on": true,
    "tools.response_headers.headers": [["Content-Type", "text/plain"]],
  },
};

if (cherrypy.isMain(import.meta)) {
  await cherrypy.quickstart(new StringGeneratorWebService(), "/", conf);
}
