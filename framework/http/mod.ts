/**
 * HTTP vocabulary with no request state: header maps and elements, media types (and the table of
 * them by file extension), charsets, cookies' text form, byte ranges, file bodies, byte helpers.
 *
 * @module
 */
export * from "./headers.ts";
export * from "./httputil.ts";
export { MediaType } from "./media_type.ts";
export * from "./content_disposition.ts";
export * from "./file_body.ts";
export * from "./mime_types.ts";
export * from "./ranges.ts";
