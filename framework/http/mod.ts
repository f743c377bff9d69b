/**
 * HTTP vocabulary with no request state: header maps and elements, media types, charsets, cookies'
 * text form, byte helpers.
 *
 * @module
 */
export * from "./headers.ts";
export * from "./httputil.ts";
export { MediaType } from "./media_type.ts";
