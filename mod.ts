/**
 * cherrypy-ts: CherryPy, the Python web framework, for TypeScript on Deno and Node.
 *
 * An application is a tree of objects whose exposed methods are pages; behaviour is switched
 * on by config; and a process bus (the engine) runs the site: start, stop, graceful reload,
 * signals and the HTTP servers.
 *
 * @example A complete site
 * ```ts
 * import * as cherrypy from "./mod.ts";
 *
 * class HelloWorld {
 *   @cherrypy.expose
 *   index() {
 *     return "Hello world!";
 *   }
 * }
 *
 * if (cherrypy.isMain(import.meta)) await cherrypy.quickstart(new HelloWorld());
 * ```
 *
 * @module
 */
export * from "./framework/mod.ts";
export * from "./bus/mod.ts";
export * from "./plugins/mod.ts";
export * from "./server/mod.ts";
export { isDeno, platform } from "./platform/mod.ts";
export * from "./platform/types.ts";
