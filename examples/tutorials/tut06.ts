/**
 * Tutorial 6: what about my javascripts, CSS and images? The page links a stylesheet,
 * `public/css/style.css` (a blue background), served by the staticdir tool at
 * `/static/css/style.css`. `/generate` keeps the string it makes in the session, which
 * `/display` shows.
 *
 *     cd examples/tutorials && deno run -A tut06.ts
 *     curl -i http://127.0.0.1:8080/static/css/style.css
 *
 * As in the docs, `tools.staticdir.root` is the current directory (it must be absolute), and
 * `/static` maps to its `public` folder: run it from this folder. {@link config} builds the
 * docs' config for another root.
 *
 * @twin §3.6 #1, §3.6 #2
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";
import { sample } from "./tut02.ts";

/** The page of the docs, linking the stylesheet. */
export const PAGE = `<html>
            <head>
                <link href="/static/css/style.css" rel="stylesheet">
            </head>
            <body>
                <form method="get" action="generate">
                    <input type="text" value="8" name="length" />
                    <button type="submit">Give it now!</button>
                </form>
            </body>
        </html>`;

/** The application. */
export class StringGenerator {
  /** The form, styled by the stylesheet. */
  @cherrypy.expose
  index(): string {
    return PAGE;
  }

  /** Generates a string of `length` hexadecimal digits and keeps it in the session. */
  @cherrypy.expose
  generate(length: string | number = 8): string {
    const someString = sample("0123456789abcdefABCDEF", Number(length));
    cherrypy.session["mystring"] = someString;
    return someString;
  }

  /** The string kept in the session. */
  @cherrypy.expose
  display(): string {
    return cherrypy.session["mystring"];
  }
}

/** The docs' config, for the static content under `root` (the current directory by default). */
export function config(root: string = cherrypy.platform.cwd()): cherrypy.AppConfig {
  return {
    "/": {
      "tools.sessions.on": true,
      "tools.staticdir.root": root,
    },
    "/static": {
      "tools.staticdir.on": true,
      "tools.staticdir.dir": "./public",
    },
  };
}

if (cherrypy.isMain(import.meta)) {
  await cherrypy.quickstart(new StringGenerator(), "/", config());
}
