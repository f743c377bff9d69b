/**
 * The framework: CherryPy's application model (object trees of exposed handlers, config,
 * dispatch, request and response) on top of the engine and the HTTP server.
 *
 * @example
 * ```ts
 * import { expose, quickstart } from "./mod.ts";
 * class HelloWorld {
 *   @expose
 *   index() { return "Hello world!"; }
 * }
 * await quickstart(new HelloWorld());
 * ```
 *
 * @module
 */
export * from "./application.ts";
export * from "./tree.ts";
export * from "./arguments.ts";
export * from "./builtin_tools.ts";
export * from "./checker.ts";
export {
  type BodyParams,
  type DefaultProcessor,
  Entity,
  Part,
  type Processor,
  RequestBody,
  type RequestBodyOptions,
} from "./body.ts";
export { BodyFile, ByteReader, concatBytes, decodeCharset, SizedReader } from "./body_reader.ts";
export * from "./config.ts";
export * from "./cp_config.ts";
export * from "./config_file.ts";
export * from "./cookies.ts";
export * from "./dispatch.ts";
export * from "./dispatchers.ts";
export * from "./routes_dispatcher.ts";
export * from "./engine.ts";
export * from "./errors.ts";
export * from "./expose.ts";
export * from "./fetch.ts";
export * from "./headers.ts";
export * from "./hooks.ts";
export * from "./httputil.ts";
export * from "./log.ts";
export { bareError, type PipelineApp, type PipelineBody } from "./pipeline.ts";
export {
  applyNamespaces,
  type NamespaceApp,
  type RequestNamespaceHandler,
  requestNamespaces,
} from "./namespaces.ts";
export * from "./redirect.ts";
export { classHooks, Host, Request, type RequestApp } from "./request.ts";
export * from "./popargs.ts";
export * from "./response.ts";
export * from "./route_pattern.ts";
export { MediaType } from "./media_type.ts";
export {
  PartReader,
  processMultipart,
  processMultipartAsParams,
  processMultipartFormData,
  readPartHeaders,
} from "./multipart.ts";
export { addParam, processUrlencoded } from "./urlencoded.ts";
export * from "./server.ts";
export { request, response } from "./serving.ts";
export * from "./signature.ts";
export * from "./testing.ts";
export * from "./timeout.ts";
export * from "./tools.ts";
export * from "./url.ts";
export * from "./version.ts";
