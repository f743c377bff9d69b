/**
 * Applications: `Application`, the request pipeline, the `Tree` of mounted applications, config
 * namespaces, and the Fetch adapter.
 *
 * @module
 */
export * from "./application.ts";
export * from "./tree.ts";
export * from "./fetch.ts";
export { bareError, type PipelineApp, type PipelineBody } from "./pipeline.ts";
export {
  applyNamespaces,
  type NamespaceApp,
  type RequestNamespaceHandler,
  requestNamespaces,
} from "./namespaces.ts";
