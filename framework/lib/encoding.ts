/**
 * `cherrypy.lib.encoding`: the `gzip` and `decode` tools' functions (CherryPy's `encoding`
 * module), and its `compress` and `decompress`.
 *
 * @example Gzip a body and read it back
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * const { compress, decompress } = cherrypy.lib.encoding;
 * const bytes: number[] = [];
 * for await (const chunk of compress(["Hello, ", "world"], 9)) bytes.push(...chunk);
 * new TextDecoder().decode(decompress(Uint8Array.from(bytes))); // "Hello, world"
 * ```
 *
 * @module
 */

export { decode, type DecodeOptions } from "../tools/decode.ts";
export { gzip, type GzipOptions, mimeTypeMatches } from "../tools/gzip.ts";
export { compress, type ContentCoding, crc32, decompress } from "../tools/_compress.ts";
