/**
 * `_cp_config`: attaching config to handlers (docs §6.2.2).
 *
 *     deno run -A examples/configure/cp_config.ts
 *     curl -X PROPPATCH -d '<x/>' http://127.0.0.1:8080/page        # the body is read
 *     curl -X PROPPATCH -d '<x/>' http://127.0.0.1:8080/other       # the body is not read
 *
 * Config keyed by URL is brittle when a handler needs it to work at all: `page` expects a
 * body on `PROPPATCH` requests, which are not among `request.methods_with_bodies` by
 * default. The entry is attached to the handler itself, as `_cp_config`, to a class (all the
 * handlers below it), or with the `@cherrypy.config({...})` decorator. The dispatcher merges
 * each `_cp_config` it meets on its way down the tree into `cherrypy.request.config`; entries
 * of the application's config for the same path come later, so they still override
 * (`{"/page": {"request.methods_with_bodies": ["POST"]}}`).
 *
 * @twin §6.2.2 #2, §6.2.2 #3
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** What the page tells about the request's body. */
function describe(text: string): string {
  const request = cherrypy.request;
  return `${text} (bodies for ${request.methods_with_bodies.join(", ")}; this ${request.method} ` +
    `request's body ${request.process_request_body ? "is" : "is not"} read)`;
}

/** Handlers under a class whose `_cp_config` applies to all of them. */
export class SetOPages {
  /** Config for every handler of this object. */
  _cp_config: cherrypy.ConfigDict = {
    "request.methods_with_bodies": ["POST", "PUT", "PROPPATCH"],
  };

  /** `/sets/page`. */
  @cherrypy.expose
  page(): string {
    return describe("Hullo, World!");
  }
}

/** The application. */
export class Root {
  /** Pages configured by their class. */
  sets: SetOPages = new SetOPages();

  /** `/page`: configured by its `_cp_config` (see below). */
  @cherrypy.expose
  page(): string {
    return describe("Hello, world!");
  }

  /** `/decorated`: configured with the decorator. */
  @cherrypy.expose
  @cherrypy.config({ "request.methods_with_bodies": ["POST", "PUT", "PROPPATCH"] })
  decorated(): string {
    return describe("Hello, decorator!");
  }

  /** `/other`: the defaults. */
  @cherrypy.expose
  other(): string {
    return describe("Hello, defaults!");
  }
}

Object.assign(Root.prototype.page, {
  _cp_config: { "request.methods_with_bodies": ["POST", "PUT", "PROPPATCH"] },
});

if (cherrypy.isMain(import.meta)) {
  await cherrypy.quickstart(new Root());
}
