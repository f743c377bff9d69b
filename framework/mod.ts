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
export * from "./arguments.ts";
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
export * from "./dispatch.ts";
export * from "./engine.ts";
export * from "./errors.ts";
export * from "./expose.ts";
export * from "./headers.ts";
export * from "./httputil.ts";
export * from "./log.ts";
export { MediaType } from "./media_type.ts";
export {
  PartReader,
  processMultipart,
  processMultipartAsParams,
  processMultipartFormData,
  readPartHeaders,
} from "./multipart.ts";
export { Host, Request, type RequestApp } from "./request.ts";
export * from "./response.ts";
export { addParam, processUrlencoded } from "./urlencoded.ts";
export * from "./server.ts";
export { request, response } from "./serving.ts";
export * from "./signature.ts";
export * from "./version.ts";
