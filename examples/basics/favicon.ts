/**
 * Favicon (docs §4.10): serve your own `/favicon.ico` with the staticfile tool, configured in
 * code or in a config file.
 *
 *     deno run -A examples/basics/favicon.ts
 *     curl -i http://127.0.0.1:8080/favicon.ico      # image/x-icon, this folder's myfavicon.ico
 *
 * {@link conf} is the docs' first sample; `favicon.conf` beside this module is the second, as
 * the docs write it, with `/path/to/myfavicon.ico` standing for the icon's real path:
 * {@link fileConf} reads it with that replaced by this folder's `myfavicon.ico`.
 *
 * @twin §4.10 #1, §4.10 #2, §4.10 #3
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** The path of a file next to this module. */
function here(name: string): string {
  return decodeURIComponent(new URL(name, import.meta.url).pathname);
}

/** The icon (the docs' `/path/to/myfavicon.ico`). */
export const FAVICON: string = here("myfavicon.ico");

/** The docs' HelloWorld. */
export class HelloWorld {
  /** `/`. */
  @cherrypy.expose
  index(): string {
    return "Hello World!";
  }
}

/** The docs' config dict. */
export const conf: cherrypy.AppConfig = {
  "/favicon.ico": {
    "tools.staticfile.on": true,
    "tools.staticfile.filename": FAVICON,
  },
};

/** The docs' config file (`favicon.conf`), with the icon's real path. */
export function fileConf(): cherrypy.AppConfig {
  const text = cherrypy.platform.readTextFileSync(here("favicon.conf"));
  return cherrypy.lib.reprconf.parseConfig(
    text.replaceAll("/path/to/myfavicon.ico", FAVICON),
    "favicon.conf",
  );
}

if (cherrypy.isMain(import.meta)) {
  await cherrypy.quickstart(new HelloWorld(), "/", conf);
}
