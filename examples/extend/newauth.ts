/**
 * A toolbox of one's own (docs §7.2.2, "Toolboxes"): `newauth`, a config namespace of tools
 * registered with the application.
 *
 *     deno run -A examples/extend/newauth.ts
 *     curl -i http://127.0.0.1:8080/demo             # Hello (check_access.default is true)
 *     curl -i http://127.0.0.1:8080/members          # 401
 *     curl -H 'X-User: ada' http://127.0.0.1:8080/members   # Hello
 *
 * `new cherrypy.Toolbox("newauth")` answers config keys `newauth.<tool>.<option>` once it is
 * registered as the application's toolbox: `app.toolboxes["newauth"] = newauthtools`.
 * `check_access` refuses requests without `cherrypy.request.userid` (unless its `default`
 * option is true); `identify`, added here so that there is a user to find, sets `userid`
 * from an `X-User` header (a stand-in for real authentication).
 *
 * @twin §7.2.2 #6, §7.2.2 #7
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** The toolbox. */
export const newauthtools: cherrypy.Toolbox = new cherrypy.Toolbox("newauth");

newauthtools.register("before_request_body")(function check_access(options) {
  const fallback = options["default"] ?? false;
  if (!(cherrypy.request.userid ?? fallback)) throw new cherrypy.HTTPError(401);
});

newauthtools.register("on_start_resource")(function identify() {
  const user = cherrypy.request.headers.get("X-User");
  if (user !== null) cherrypy.request.userid = user;
});

/** The application: one `default` handler for every path. */
export class Root {
  /** Any path. */
  @cherrypy.expose
  default(..._path: string[]): string {
    return "Hello";
  }
}

/** The application's config. */
export const conf: cherrypy.AppConfig = {
  "/demo": {
    "newauth.check_access.on": true,
    "newauth.check_access.default": true,
  },
  "/members": {
    "newauth.identify.on": true,
    "newauth.check_access.on": true,
  },
};

/** Mounts the application on `tree` and registers the toolbox with it. */
export function mountApp(tree: cherrypy.Tree = cherrypy.tree): cherrypy.Application {
  const app = tree.mount(new Root(), "", conf);
  app.toolboxes["newauth"] = newauthtools;
  return app;
}

if (cherrypy.isMain(import.meta)) {
  mountApp();
  await cherrypy.quickstart();
}
