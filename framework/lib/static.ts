/**
 * `cherrypy.lib.static`: serving files from page handlers (`serveFile`, `serveFileobj`,
 * `serveDownload`), the callables of the `staticdir` and `staticfile` tools, and the table of
 * media types by extension they use (`typesMap`, Python's `mimetypes.types_map`).
 *
 * @example Serve a file as a download from a handler
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * class Root {
 *   @cherrypy.expose
 *   download() {
 *     return cherrypy.lib.static.serveDownload("/srv/files/report.pdf");
 *   }
 * }
 * ```
 *
 * @module
 */

import { platform, type ReadableFile } from "../../platform/mod.ts";

export {
  type FileObject,
  MAX_RANGES,
  serveDownload,
  serveFile,
  serveFileobj,
} from "../tools/static.ts";
export {
  staticdir,
  type StaticDirOptions,
  staticfile,
  type StaticFileOptions,
} from "../tools/staticdir.ts";
export { FILE_CHUNK_SIZE, FileBody, type FilePart, type FileSource } from "../http/file_body.ts";
export { contentDisposition } from "../http/content_disposition.ts";
export { guessType, typesMap } from "../http/mime_types.ts";

/**
 * Opens a file for {@link serveFileobj} (Python's `open(path, 'rb')`); `serveFileobj` closes
 * it when the request ends. Throws `NotFoundError` when there is no such file.
 *
 * @example Serve an open file
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * class Root {
 *   @cherrypy.expose
 *   async fileobj() {
 *     const f = await cherrypy.lib.static.openFile("/srv/site/style.css");
 *     return cherrypy.lib.static.serveFileobj(f, "text/css");
 *   }
 * }
 * ```
 */
export function openFile(path: string): Promise<ReadableFile> {
  return platform.openFile(path);
}
