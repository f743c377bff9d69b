/**
 * The application of the testing chapter (docs §5.13): `/echo?message=...` answers the
 * message as given. Its tests are in `tests/examples/echo_test.ts`, written with
 * `cherrypy.WebCase`, the twin of CherryPy's `helper.CPWebCase`.
 *
 *     deno run -A examples/advanced/echo_app.ts
 *     curl 'http://127.0.0.1:8080/echo?message=Hello%20world'
 *
 * @twin §5.13 #1
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** The application. */
export class Root {
  /** `/echo?message=...`: the message. */
  @cherrypy.expose
  echo(message: string): string {
    return message;
  }
}

if (cherrypy.isMain(import.meta)) {
  await cherrypy.quickstart(new Root());
}
