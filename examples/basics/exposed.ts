/**
 * Exposed (the docs' glossary, §12): a page handler is a function marked exposed, by the
 * `@cherrypy.expose` decorator or by setting its `exposed` property to `true` by hand; both
 * make the same page. A method marked neither way is never reachable from a URL.
 *
 *     deno run -A examples/basics/exposed.ts
 *     curl http://127.0.0.1:8080/method          # exposed by the decorator
 *     curl http://127.0.0.1:8080/by_hand         # exposed by hand
 *     curl -i http://127.0.0.1:8080/helper       # 404: not exposed
 *
 * `PORT` serves elsewhere than 8080.
 *
 * @twin §12 #1, §12 #2
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** The application. */
export class Root {
  /** `/method`: exposed by the decorator. */
  @cherrypy.expose
  method(name = "world"): string {
    return `Hello ${name}, from a decorated method`;
  }

  /** `/by_hand`: exposed by setting `exposed` below. */
  by_hand(name = "world"): string {
    return `Hello ${name}, from a method exposed by hand`;
  }

  /** Not a page: neither decorated nor marked. */
  helper(): string {
    return "internal";
  }
}

// The equivalent of the decorator: `method.exposed = True` in the docs.
(Root.prototype.by_hand as cherrypy.Exposable).exposed = true;

if (cherrypy.isMain(import.meta)) {
  const port = cherrypy.platform.getEnv("PORT");
  if (port !== undefined) cherrypy.config.update({ "server.socket_port": Number(port) });
  await cherrypy.quickstart(new Root());
}
