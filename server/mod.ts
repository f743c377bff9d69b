/**
 * The HTTP server layer: serves any gateway (a Fetch handler or a native gateway) over the
 * runtime's own HTTP engine, with CherryPy's server knobs and a graceful stop.
 *
 * @example Serve a Fetch handler on a free port
 * ```ts
 * import { HTTPServer } from "../mod.ts";
 * const server = new HTTPServer({ host: "127.0.0.1", port: 0 }, () => new Response("hi"));
 * await server.start();
 * await server.stop();
 * ```
 *
 * @module
 */
export * from "./http_server.ts";
export * from "./drain.ts";
export * from "./stats.ts";
export * from "./path_info.ts";
export * from "./incoming_view.ts";
