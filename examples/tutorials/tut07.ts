/**
 * Tutorial 7: give us a REST. One resource at `/`, answered by the method named after the
 * HTTP method of the request, thanks to the `MethodDispatcher`:
 *
 * | request                      | effect                                              |
 * | ---------------------------- | --------------------------------------------------- |
 * | `POST /` (`?length=16`)      | generates a string of hexadecimal digits, returns it |
 * | `GET /`                      | returns it (500 when there is none)                 |
 * | `PUT /?another_string=hello` | replaces it                                         |
 * | `DELETE /`                   | forgets it                                          |
 * | any other method             | 405, with `Allow: DELETE, GET, HEAD, POST, PUT`     |
 *
 *     deno run -A examples/tutorials/tut07.ts
 *     curl -X POST http://127.0.0.1:8080/ ; curl http://127.0.0.1:8080/
 *
 * The docs keep the string in the session (`cherrypy.session['mystring']`). Sessions do not
 * exist yet, so it lives in a module-level variable, shared by all clients. The docs also
 * restrict `GET` to clients accepting `text/plain` with `@cherrypy.tools.accept`, which comes
 * with the tools; the `Content-Type` set by the docs' `tools.response_headers` is set here
 * with the `response.headers.Content-Type` config key.
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";
import { sample } from "./tut02.ts";

// Stands in for cherrypy.session["mystring"] until sessions exist.
let mystring: string | undefined;

/** The web service: a resource whose methods are the HTTP methods. */
@cherrypy.expose
export class StringGeneratorWebService {
  /** Returns the current string; without one it fails (500), as the docs' KeyError does. */
  GET(): string {
    if (mystring === undefined) throw new Error("KeyError: 'mystring'");
    return mystring;
  }

  /** Generates, keeps and returns a new string of `length` hexadecimal digits. */
  POST(length: string | number = 8): string {
    const someString = sample("0123456789abcdefABCDEF", Number(length));
    mystring = someString;
    return someString;
  }

  /** Replaces the string. */
  PUT(another_string: string): void {
    mystring = another_string;
  }

  /** Forgets the string. */
  DELETE(): void {
    mystring = undefined;
  }
}

/** The application's config. */
export const conf: cherrypy.AppConfig = {
  "/": {
    "request.dispatch": new cherrypy.dispatch.MethodDispatcher(),
    "response.headers.Content-Type": "text/plain",
  },
};

if (cherrypy.isMain(import.meta)) {
  await cherrypy.quickstart(new StringGeneratorWebService(), "/", conf);
}
