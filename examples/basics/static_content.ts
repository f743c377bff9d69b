/**
 * Static content serving (docs §4.7): one file, a whole directory, a common root, an index
 * file, more media types, and a download handler.
 *
 *     deno run -A examples/basics/static_content.ts
 *     curl -i http://127.0.0.1:8080/style.css               # §4.7.1, text/css
 *     curl -i http://127.0.0.1:8080/static/js/my.js         # §4.7.2, text/javascript
 *     curl -i http://127.0.0.1:8080/static/                 # §4.7.3, index.html
 *     curl -i http://127.0.0.1:8080/static/cherries.csv     # the note: text/csv
 *     curl -i "http://127.0.0.1:8080/download?filepath=$PWD/README.md"   # §4.7.4
 *
 * The docs' config samples are the `.conf` files beside this module, as the docs write them:
 * `static_file.conf` (§4.7.1), `static_dir.conf` (§4.7.2), `static_root.conf` (the note on
 * `tools.staticdir.root`) and `static_index.conf` (§4.7.3). Their `/home/site` stands for
 * wherever the site's files are: {@link docsConf} reads a file with it replaced by this
 * folder's `site/`, which holds `style.css` and `static/` (`js/my.js`, `index.html`,
 * `cherries.csv`). Run as a program, the site serves §4.7.1 and §4.7.3 together.
 *
 * @twin §4.7 #1, §4.7.1 #1, §4.7.2 #1, §4.7.2 #2, §4.7.3 #1, §4.7.4 #1
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** The path of a file next to this module. */
function here(name: string): string {
  return decodeURIComponent(new URL(name, import.meta.url).pathname);
}

/** The folder the docs call `/home/site`. */
export const SITE: string = here("site");

// The docs' note: more media types, as `mimetypes.types_map['.csv'] = 'text/csv'`.
cherrypy.lib.static.typesMap[".csv"] = "text/csv";

/**
 * One of the docs' config files beside this module (`"static_file.conf"`...), read with its
 * `/home/site` replaced by {@link SITE}.
 */
export function docsConf(name: string): cherrypy.AppConfig {
  const text = cherrypy.platform.readTextFileSync(here(name));
  return cherrypy.lib.reprconf.parseConfig(text.replaceAll("/home/site", SITE), name);
}

/** The application: a page, and the docs' download handler (§4.7.4). */
export class Root {
  /** `/`: links to the static content. */
  @cherrypy.expose
  index(): string {
    return '<link href="/style.css" rel="stylesheet"><a href="/static/">static</a>';
  }

  /**
   * `/download?filepath=...`: any file of the server, as a download. As the docs warn, this is
   * a security risk on its own: any file the server may read can be asked for.
   */
  @cherrypy.expose
  download(filepath: string): cherrypy.lib.static.FileBody {
    return cherrypy.lib.static.serveFile(filepath, "application/x-download", "attachment");
  }
}

if (cherrypy.isMain(import.meta)) {
  await cherrypy.quickstart(new Root(), "/", {
    ...docsConf("static_file.conf"),
    ...docsConf("static_index.conf"),
  });
}
