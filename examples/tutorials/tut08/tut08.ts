/**
 * Tutorial 8 (docs §3.8): make it smoother with Ajax. The page (`index.html`) talks to the
 * REST service of tutorial 7, mounted at `/generator`, with jQuery: "Give it now!" POSTs and
 * shows the new string, "Replace" PUTs the edited one, "Delete it" DELETEs it and hides it.
 * The string lives in the client's session; the stylesheet (`public/css/style.css`) is served
 * by the staticdir tool under `/static`.
 *
 *     cd examples/tutorials/tut08 && deno run -A tut08.ts
 *     curl -c jar -b jar -X POST -d length=12 http://127.0.0.1:8080/generator
 *
 * As in the docs, `tools.staticdir.root` is the current directory, and `index.html` is read
 * from it: run it from this folder ({@link config} and {@link StringGenerator} take another).
 *
 * Two changes from the docs' page, both needed for it to work here:
 *
 * - jQuery comes from the npm registry (the `jquery` package, a development dependency) and the
 *   site serves it at `/static/js/jquery.min.js` (the staticfile tool), where the docs load it
 *   from a CDN: everything works offline.
 * - The docs' selector `#input[name='length']` (an element whose id is `input`) matches
 *   nothing, so their page POSTs an empty length; the twin's reads `input[name='length']`.
 *
 * The docs' `GET` reads the session key `myststring`, a typo that makes it fail (500) always;
 * the twin reads `mystring` (its page never GETs).
 *
 * @twin §3.8 #1, §3.8 #2, §3.8 #3
 *
 * @module
 */
import * as cherrypy from "../../../mod.ts";
import { sample } from "../tut02.ts";
import { jqueryPath } from "../vendor.ts";

/** The application: serves `index.html` from `root` (the current directory by default). */
export class StringGenerator {
  /** Where `index.html` is. */
  readonly root: string;
  /** `generator` (the REST service) is attached by the caller, as in the docs. */
  generator?: unknown;

  constructor(root: string = cherrypy.platform.cwd()) {
    this.root = root;
  }

  /** The page, read from `index.html` on each request (the docs return `open('index.html')`). */
  @cherrypy.expose
  index(): Promise<string> {
    return cherrypy.platform.readTextFile(`${this.root}/index.html`);
  }
}

/** The web service: a resource whose methods are the HTTP methods (tutorial 7's). */
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

/**
 * The docs' config for the static content under `root` (the current directory by default),
 * plus `/static/js/jquery.min.js`, the npm package's file.
 */
export function config(root: string = cherrypy.platform.cwd()): cherrypy.AppConfig {
  return {
    "/": {
      "tools.sessions.on": true,
      "tools.staticdir.root": root,
    },
    "/generator": {
      "request.dispatch": new cherrypy.dispatch.MethodDispatcher(),
      "tools.response_headers.on": true,
      "tools.response_headers.headers": [["Content-Type", "text/plain"]],
    },
    "/static": {
      "tools.staticdir.on": true,
      "tools.staticdir.dir": "./public",
    },
    "/static/js/jquery.min.js": {
      "tools.staticdir.on": false,
      "tools.staticfile.on": true,
      "tools.staticfile.filename": jqueryPath(),
    },
  };
}

/** The application with its web service at `/generator`, as the docs assemble it. */
export function webapp(root: string = cherrypy.platform.cwd()): StringGenerator {
  const app = new StringGenerator(root);
  app.generator = new StringGeneratorWebService();
  return app;
}

if (cherrypy.isMain(import.meta)) {
  await cherrypy.quickstart(webapp(), "/", config());
}
