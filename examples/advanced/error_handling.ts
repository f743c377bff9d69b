/**
 * Error handling (docs §5.3): raising `HTTPError` for an immediate error response,
 * `HTTPError.handle` to turn an application's exceptions into HTTP errors, and custom error
 * pages (`error_page.<status>` in config, a function or a template file).
 *
 *     deno run -A examples/advanced/error_handling.ts
 *     curl -i http://127.0.0.1:8080/thing?path=hello.txt                       # 401
 *     curl -i -H 'X-Token: let-me-in' 'http://127.0.0.1:8080/thing?path=nope'  # 404
 *
 * `thing` checks authorization (401 when the `X-Token` header is wrong) and answers 404 when
 * the file does not exist, catching the error by hand; `thing_handled` does the same with
 * `HTTPError.handle`, CherryPy's context manager, here a function wrapping the work (sync or
 * async). Files are read from {@link Root.dir} only, and only by plain names.
 *
 * @twin §5.3 #1, §5.3 #2
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** A stand-in for a real authorization check: the request carries `X-Token: let-me-in`. */
export function authorized(): boolean {
  return cherrypy.request.headers.get("X-Token") === "let-me-in";
}

/** The file `name` of `dir`; names other than plain file names are never found. */
function fileOf(dir: string, name: string): string {
  if (!/^[\w-][\w.-]*$/.test(name)) throw new cherrypy.NotFoundError(name);
  return `${dir}/${name}`;
}

/** The application: serves the text files of one directory. */
export class Root {
  /** The folder served. */
  readonly dir: string;

  /** Creates the application serving `dir`. */
  constructor(dir: string) {
    this.dir = dir;
  }

  /** `/thing?path=name`: 401 unless authorized, 404 when there is no such file. */
  @cherrypy.expose
  async thing(path: string): Promise<string> {
    if (!authorized()) throw new cherrypy.HTTPError(401, "Unauthorized");
    try {
      return await cherrypy.platform.readTextFile(fileOf(this.dir, path));
    } catch (error) {
      if (error instanceof cherrypy.NotFoundError) throw new cherrypy.HTTPError(404);
      throw error;
    }
  }

  /** `/thing_handled?path=name`: the same, with `HTTPError.handle`. */
  @cherrypy.expose
  async thing_handled(path: string): Promise<string> {
    if (!authorized()) throw new cherrypy.HTTPError(401, "Unauthorized");
    return await cherrypy.HTTPError.handle(
      cherrypy.NotFoundError,
      404,
      () => cherrypy.platform.readTextFile(fileOf(this.dir, path)),
    );
  }

  /** `/crash`: an unexpected error, answered with the custom 500 page. */
  @cherrypy.expose
  crash(): string {
    throw new TypeError("this page is broken");
  }
}

/** The custom 404 page: a function given the (HTML-escaped) status, message, ... */
export function notFoundPage(values: cherrypy.ErrorPageValues): string {
  return `<html><body><h1>${values.status}</h1><p>${values.message}</p>` +
    `<p>Try <a href="/">the home page</a>.</p></body></html>`;
}

/** The application's config: a function for 404s, a template file for 500s. */
export const conf: cherrypy.AppConfig = {
  "/": {
    "error_page.404": notFoundPage,
    "error_page.500": decodeURIComponent(new URL("error_500.html", import.meta.url).pathname),
    "request.show_tracebacks": false,
  },
};

if (cherrypy.isMain(import.meta)) {
  await cherrypy.quickstart(new Root(cherrypy.platform.cwd()), "/", conf);
}
