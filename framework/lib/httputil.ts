/**
 * `cherrypy.lib.httputil`: HTTP helpers a page handler or tool calls (header maps, header
 * elements, media types, status codes, query strings, HTML escaping).
 *
 * @example Parse an Accept header
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * const [first] = cherrypy.lib.httputil.headerElements("text/html;q=0.9, text/plain;q=0.1");
 * first?.value; // "text/html"
 * ```
 *
 * @module
 */

export { HeaderMap } from "../http/headers.ts";
export { type HeaderElement, headerElements } from "../core/header_elements.ts";
export { MediaType } from "../http/media_type.ts";
export { type ByteRange, getRanges } from "../http/ranges.ts";
export {
  decodePath,
  escapeHtml,
  type Params,
  parseQueryString,
  responseCodes,
  titleCaseHeader,
  validStatus,
} from "../http/httputil.ts";
