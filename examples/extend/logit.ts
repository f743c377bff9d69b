/**
 * A tool (docs §7.2.2): a function attached to a hook point, switched on per handler or path.
 *
 *     deno run -A examples/extend/logit.ts
 *     curl http://127.0.0.1:8080/      # the server prints the client's address
 *
 * `cherrypy.tools.register("before_finalize")` makes `logit` a tool named after the function,
 * run after the page handler. The same tool made by hand:
 * `cherrypy.tools.logit = new cherrypy.Tool("before_finalize", logit)`. The tool's config
 * name is the toolbox property it is stored under, not necessarily the function's name.
 * `@cherrypy.tools.logit()` switches it on for a handler; config (`tools.logit.on`) works too.
 *
 * @twin §7.2.2 #1, §7.2.2 #2, §7.2.2 #3
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** The tool: prints the client's IP address. */
export const logit: cherrypy.Tool = cherrypy.tools.register("before_finalize")(
  function logit() {
    console.log(cherrypy.request.remote.ip);
  },
);

/** The application. */
export class Root {
  /** `/`: the tool is on. */
  @cherrypy.expose
  @cherrypy.tools.logit()
  index(): string {
    return "hello world";
  }

  /** `/quiet`: the tool is off. */
  @cherrypy.expose
  quiet(): string {
    return "hello quietly";
  }
}

if (cherrypy.isMain(import.meta)) {
  await cherrypy.quickstart(new Root());
}
