/**
 * The three scopes of config (docs §6.1) and one config file holding every kind of section
 * (docs §6.2.1): `configure/site.conf`.
 *
 *     deno run -A examples/configure/site.ts
 *     curl http://127.0.0.1:8080/            # Databases: postgres on localhost:5432
 *     curl http://127.0.0.1:8080/path        # response.timeout: 6000
 *     curl -X PROPPATCH -d x http://127.0.0.1:8080/path
 *
 * - Global config (`[global]`: the server's address, the engine's timeout monitor) goes to
 *   `cherrypy.config`, site-wide.
 * - Application config (`[/]`, `[/path]`) goes to `app.config`, keyed by path relative to the
 *   mount point. `[/]` switches the `MethodDispatcher` on (the handlers are the HTTP methods)
 *   and hooks {@link count_request} at `before_handler`: config files name functions that the
 *   application registered (`configRegistry.register("myapp.count_request", fn)`), never
 *   arbitrary code.
 * - `[Databases]` does not start with `/`: the framework ignores it, handlers read it.
 * - Request config (`cherrypy.request.config`) is what applies to one request: global, then
 *   application, then `_cp_config` of the handler's path, merged.
 *
 * `quickstart(root, "", "site.conf")` hands the file to both `cherrypy.config.update` (which
 * keeps only `[global]`) and `tree.mount`. With more than one application, give each its own
 * file and keep the global one apart.
 *
 * @twin §6.1.2 #1, §6.1.2 #3, §6.2.2 #1, §6.3.1 #1
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** The config file. */
export const SITE_CONF: string = decodeURIComponent(
  new URL("site.conf", import.meta.url).pathname,
);

let count = 0;

/** A hook (`hooks.before_handler` in the config file): numbers the requests it sees. */
export function count_request(): void {
  count += 1;
  cherrypy.response.headers.set("X-Request-Number", String(count));
}
cherrypy.configRegistry.register("myapp.count_request", count_request);

/** `/path`: a resource with its own config section. */
@cherrypy.expose
export class Path {
  /** Shows the config that applies to the request. */
  GET(): string {
    return `response.timeout: ${cherrypy.response.timeout} ` +
      `(request.config says ${cherrypy.request.config["response.timeout"]})`;
  }

  /** `PROPPATCH` has a body at this path (`request.methods_with_bodies`). */
  PROPPATCH(): string {
    return `${cherrypy.request.method}: the body ${
      cherrypy.request.process_request_body ? "is" : "is not"
    } read`;
  }
}

/** `/`: reads the application's own `[Databases]` section. */
@cherrypy.expose
export class Root {
  /** The resource at `/path`. */
  path: Path = new Path();

  /** The database settings. */
  GET(): string {
    const db = cherrypy.request.app?.config["Databases"] ?? {};
    return `Databases: ${db["driver"]} on ${db["host"]}:${db["port"]}`;
  }
}

if (cherrypy.isMain(import.meta)) {
  await cherrypy.quickstart(new Root(), "", SITE_CONF);
}
