/**
 * Request bodies: entities and parts, the byte reader, and the urlencoded and multipart
 * processors.
 *
 * @module
 */
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
export {
  PartReader,
  processMultipart,
  processMultipartAsParams,
  processMultipartFormData,
  readPartHeaders,
} from "./multipart.ts";
export { addParam, processUrlencoded } from "./urlencoded.ts";
