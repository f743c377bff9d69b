/**
 * Tutorial 4: submit this form.
 *
 * `/` is an HTML form whose text field `length` is sent to `/generate`, which answers that many
 * random hexadecimal digits, as in tutorial 3. The form uses GET, so the browser appends
 * `?length=8` to the URL; a POSTed form (`application/x-www-form-urlencoded` body) reaches the
 * same handler parameter, because the framework treats query-string and body parameters alike.
 *
 *     deno run -A examples/tutorials/tut04.ts
 *     curl 'http://127.0.0.1:8080/generate?length=16'
 *     curl -d length=16 http://127.0.0.1:8080/generate
 *
 * @twin §3.4 #1
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";
import { sample } from "./tut02.ts";

/** The form page of the tutorial. */
export const FORM: string = `<html>
          <head></head>
          <body>
            <form method="get" action="generate">
              <input type="text" value="8" name="length" />
              <button type="submit">Give it now!</button>
            </form>
          </body>
        </html>`;

/** The application. */
export class StringGenerator {
  /** The page at `/`: the form. */
  @cherrypy.expose
  index(): string {
    return FORM;
  }

  /** The page at `/generate`: `length` random hexadecimal digits (a string, as sent). */
  @cherrypy.expose
  generate(length: string | number = 8): string {
    return sample("0123456789abcdefABCDEF", Number(length));
  }
}

if (cherrypy.isMain(import.meta)) {
  await cherrypy.quickstart(new StringGenerator());
}
