/**
 * The framework: CherryPy's application model (object trees of exposed handlers, config,
 * dispatch, request and response) on top of the engine and the HTTP server.
 *
 * @example
 * ```ts
 * import { expose, quickstart } from "../mod.ts";
 * class HelloWorld {
 *   @expose
 *   index() { return "Hello world!"; }
 * }
 * await quickstart(new HelloWorld());
 * ```
 *
 * @module
 */
export * from "./http/mod.ts";
export * from "./core/mod.ts";
export * from "./config/mod.ts";
export * from "./dispatch/mod.ts";
export * from "./body/mod.ts";
export * from "./tools/mod.ts";
export * from "./app/mod.ts";
export * from "./site/mod.ts";
