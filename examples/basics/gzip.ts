/**
 * Compressed responses (docs §4.2.1 and §4.4.2, whose config samples switch `tools.gzip` on):
 * per-application config as an object or a file, and config attached to a handler by the
 * tool's decorator or by `_cp_config`.
 *
 *     deno run -A examples/basics/gzip.ts
 *     curl -s -H 'Accept-Encoding: gzip' http://127.0.0.1:8080/ | gunzip   # hello world!
 *     curl -si -H 'Accept-Encoding: br' http://127.0.0.1:8080/assets/app.js
 *
 * - `appConfig` is the docs' `{'/': {'tools.gzip.on': True}}`, `APP_CONF` the same in a
 *   file (`gzip.conf`); both go to `quickstart` (or `tree.mount`) with the application.
 * - {@link Root.index} switches the tool on with its decorator, {@link Root.variant} with
 *   `_cp_config`: "both methods have the same effect".
 * - {@link Assets} goes beyond the docs: it compresses scripts and styles too
 *   (`mime_types`), and offers Brotli and Zstandard before gzip where the runtime has them
 *   (`encodings`); the client's `Accept-Encoding` chooses.
 *
 * @twin §4.2.1 #1, §4.4.2 #1, §4.4.2 #2, §4.4.2 #3, §4.4.2 #4, §4.4.2 #5
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** The path of a file next to this module. */
function here(name: string): string {
  return decodeURIComponent(new URL(name, import.meta.url).pathname);
}

/** Per-application config, as an object (`quickstart(myapp, '/', {...})`). */
export const appConfig: cherrypy.AppConfig = { "/": { "tools.gzip.on": true } };

/** The same config as a file (`[/] tools.gzip.on: True`). */
export const APP_CONF: string = here("gzip.conf");

/** The docs' application. */
export class Root {
  /** `/`: the tool switched on by its decorator. */
  @cherrypy.expose
  @cherrypy.tools.gzip()
  index(): string {
    return "hello world!";
  }

  /** `/variant`: the same, by `_cp_config` (see below). */
  @cherrypy.expose
  variant(): string {
    return "hello world!";
  }
}

// A variant notation to the above: the handler's `_cp_config`.
Object.assign(Root.prototype.variant, { _cp_config: { "tools.gzip.on": true } });

/** Scripts and styles, compressed with the best coding the client accepts. */
export class Assets {
  /** `/assets/app.js` (a dot in a URL segment stands for `_` in the handler's name). */
  @cherrypy.expose
  app_js(): string {
    cherrypy.response.headers.set("Content-Type", "application/javascript");
    return "console.log('hello world!');\n".repeat(50);
  }
}

/** The config of {@link Assets}, mounted at `/assets`. */
export const assetsConfig: cherrypy.AppConfig = {
  "/": {
    "tools.gzip.on": true,
    "tools.gzip.mime_types": ["text/*", "application/javascript", "application/*+json"],
    "tools.gzip.encodings": ["br", "zstd", "gzip"],
  },
};

if (cherrypy.isMain(import.meta)) {
  cherrypy.tree.mount(new Assets(), "/assets", assetsConfig);
  await cherrypy.quickstart(new Root(), "/", APP_CONF);
}
