/**
 * Serving files: CherryPy's `serve_file`, `serve_fileobj` and `serve_download`
 * (`cherrypy.lib.static`), used by the `staticdir` and `staticfile` tools and by page handlers.
 * They set the status and headers (`Last-Modified`, `Content-Type`, `Content-Disposition`,
 * `Accept-Ranges`, `Content-Length`, `Content-Range`), answer conditional requests (304, 412)
 * and byte ranges (206, 416), and return a body that reads the file as it is sent.
 *
 * @module
 */

import { type FileInfo, platform, type ReadableFile } from "../../platform/mod.ts";
import { HTTPError, NotFound } from "../core/errors.ts";
import { currentServing } from "../core/serving.ts";
import type { Request } from "../core/request.ts";
import type { Response } from "../core/response.ts";
import { contentDisposition } from "../http/content_disposition.ts";
import { FILE_CHUNK_SIZE, FileBody, type FilePart, type FileSource } from "../http/file_body.ts";
import { guessType } from "../http/mime_types.ts";
import { validStatus } from "../http/httputil.ts";
import { type ByteRange, getRanges } from "../http/ranges.ts";
import { validateSince } from "./conditional.ts";

/**
 * What {@link serveFileobj} serves: a file opened with `cherrypy.lib.static.openFile` (closed
 * when the request ends), a `Blob` or `File`, bytes, or a stream of bytes of unknown length.
 */
export type FileObject =
  | ReadableFile
  | Blob
  | Uint8Array
  | AsyncIterable<Uint8Array>
  | ReadableStream<Uint8Array>;

/**
 * The most ranges one request may ask for; with more, the `Range` header is ignored and the
 * whole file sent. Several ranges that add up to more than the file are ignored the same way
 * (overlapping ranges could otherwise multiply a large file).
 */
export const MAX_RANGES = 100;

/**
 * `true` for an absolute path (POSIX, or a Windows drive or UNC path).
 *
 * @example Using `isAbsolutePath`
 * ```ts
 * import { isAbsolutePath } from "./static.ts";
 * isAbsolutePath("/srv/site"); // true
 * isAbsolutePath("static"); // false
 * ```
 */
export function isAbsolutePath(path: string): boolean {
  return path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith("\\\\");
}

/** The last component of a path (Python's `os.path.basename`). */
function basename(path: string): string {
  return path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1);
}

/** `Last-Modified`'s form of a time (Python's `formatdate(usegmt=True)`). */
function httpDate(date: Date): string {
  return new Date(Math.floor(date.getTime() / 1000) * 1000).toUTCString();
}

/** Information about a file, or `null` when it cannot be stat'ed (missing, bad name...). */
function statOrNull(path: string): FileInfo | null {
  if (path.includes("\0")) return null;
  try {
    return platform.statSync(path);
  } catch {
    return null;
  }
}

function debugLog(debug: boolean | undefined, request: Request, msg: string): void {
  if (debug) request.app?.log.error(msg, "TOOLS.STATIC");
}

/**
 * Sets the status, headers and body to serve the file at `path` (an absolute path), and
 * returns the body (CherryPy's `serve_file`):
 *
 * - a missing file, a directory or anything but a regular file is a 404 (`NotFound`);
 * - `Last-Modified` is the file's modification time; a matching `If-Modified-Since` gives 304
 *   and a differing `If-Unmodified-Since` 412;
 * - `Content-Type` is `contentType`, or guessed from the extension
 *   (`cherrypy.lib.static.typesMap`); with neither, the response keeps its default;
 * - with a `disposition` (`"attachment"`, `"inline"`), `Content-Disposition` names the file
 *   (`name`, or the file's own name), RFC 6266 style;
 * - `Range` requests get 206 (one range; several as `multipart/byteranges`) or 416.
 *
 * The file is read as it is sent, 64 KiB at a time, only the bytes asked for. The checks run
 * synchronously (one `stat`), so `serveFile` may also be called from an `error_page` function.
 *
 * @example The docs' download handler (§4.7.4)
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * class Root {
 *   @cherrypy.expose
 *   download(filepath: string) {
 *     // A security risk as it stands: any file of the server could be asked for.
 *     return cherrypy.lib.static.serveFile(filepath, "application/x-download", "attachment");
 *   }
 * }
 * ```
 */
export function serveFile(
  path: string,
  contentType: string | null = null,
  disposition: string | null = null,
  name: string | null = null,
  debug = false,
): FileBody {
  return serveFileAt(path, path, contentType, disposition, name, debug);
}

/**
 * {@link serveFile}, reading the bytes from `openPath` (the resolved path the static tools
 * checked) while `path` names the file (its type, its name).
 *
 * @example Serve a link's target under the link's name
 * ```ts
 * import { serveFileAt } from "./static.ts";
 * function page() {
 *   return serveFileAt("/srv/site/latest.css", "/srv/site/v2/style.css", null, null, null);
 * }
 * ```
 */
export function serveFileAt(
  path: string,
  openPath: string,
  contentType: string | null,
  disposition: string | null,
  name: string | null,
  debug = false,
): FileBody {
  const { request, response } = currentServing();
  if (!isAbsolutePath(path)) {
    const msg = `'${path}' is not an absolute path.`;
    debugLog(debug, request, msg);
    throw new Error(msg);
  }
  const st = statOrNull(openPath);
  if (st === null || !st.isFile) {
    debugLog(debug, request, `${JSON.stringify(path)} is not a file that can be served`);
    throw new NotFound();
  }
  if (st.mtime !== null) response.headers.set("Last-Modified", httpDate(st.mtime));
  validateSince();
  contentType ??= guessType(path);
  if (contentType !== null) response.headers.set("Content-Type", contentType);
  debugLog(debug, request, `Content-Type: ${contentType}`);
  if (disposition !== null) {
    response.headers.set(
      "Content-Disposition",
      contentDisposition(disposition, name ?? basename(path)),
    );
  }
  return serveSource(request, response, smallFile(openPath, st.size), st.size, debug) as FileBody;
}

/** The largest file read at once, with one blocking read. */
const SMALL_FILE_SIZE = FILE_CHUNK_SIZE;

/**
 * A small file's bytes, read at once (one blocking read of at most {@link SMALL_FILE_SIZE}
 * bytes costs less than opening, reading and closing it asynchronously); otherwise, or when the
 * file changed size since its `stat` or cannot be read now, its path (read as it is sent).
 */
function smallFile(path: string, size: number): FileSource {
  if (size > SMALL_FILE_SIZE) return path;
  try {
    const bytes = platform.readFileSync(path, size);
    return bytes.length === size ? bytes : path;
  } catch {
    return path;
  }
}

/**
 * Sets the status, headers and body to serve `fileobj`, and returns the body (CherryPy's
 * `serve_fileobj`). For an open file (`await cherrypy.lib.static.openFile(path)`), the
 * modification time gives `Last-Modified` (so 304 and 412 work) and the size
 * `Content-Length`; the file is closed when the request ends. A `File` gives its `lastModified`,
 * a `Blob` or bytes their size. All of these answer `Range` requests. A stream's length is not
 * known: it is sent as it is (collected first unless `response.stream` is on), without ranges.
 *
 * `Content-Type` is set only when `contentType` is given. With a `disposition`,
 * `Content-Disposition` is the bare disposition, or names `name` when one is given.
 *
 * @example Serve bytes made in memory as a download
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * class Root {
 *   @cherrypy.expose
 *   report() {
 *     const csv = new TextEncoder().encode("a,b\n1,2\n");
 *     return cherrypy.lib.static.serveFileobj(csv, "text/csv", "attachment", "report.csv");
 *   }
 * }
 * ```
 */
export function serveFileobj(
  fileobj: FileObject,
  contentType: string | null = null,
  disposition: string | null = null,
  name: string | null = null,
  debug = false,
): FileBody | AsyncIterable<Uint8Array> | ReadableStream<Uint8Array> {
  const { request, response } = currentServing();
  let length: number | null = null;
  let source: FileSource | null = null;
  if (fileobj instanceof Uint8Array) {
    [source, length] = [fileobj, fileobj.length];
  } else if (fileobj instanceof Blob) {
    [source, length] = [fileobj, fileobj.size];
    if (fileobj instanceof File) {
      response.headers.set("Last-Modified", httpDate(new Date(fileobj.lastModified)));
      validateSince();
    }
  } else if (isReadableFile(fileobj)) {
    request.hooks.attach("on_end_request", () => fileobj.close(), { failsafe: true });
    const st = fileobj.statSync();
    [source, length] = [fileobj, st.size];
    if (st.mtime !== null) {
      response.headers.set("Last-Modified", httpDate(st.mtime));
      validateSince();
    }
  }
  if (contentType !== null) response.headers.set("Content-Type", contentType);
  if (disposition !== null) {
    response.headers.set(
      "Content-Disposition",
      name === null ? disposition : contentDisposition(disposition, name),
    );
  }
  if (source === null || length === null) {
    response.body = fileobj;
    return fileobj as AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>;
  }
  return serveSource(request, response, source, length, debug);
}

function isReadableFile(value: unknown): value is ReadableFile {
  const f = value as Partial<ReadableFile> | null;
  return typeof f === "object" && f !== null && typeof f.read === "function" &&
    typeof f.statSync === "function" && typeof f.close === "function";
}

/**
 * Serves the file at `path` as a download: `application/x-download`, `attachment`, named
 * `name` or the file's own name (CherryPy's `serve_download`).
 *
 * @example Using `serveDownload`
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * class Root {
 *   @cherrypy.expose
 *   manual() {
 *     return cherrypy.lib.static.serveDownload("/srv/docs/manual.pdf", "Manual.pdf");
 *   }
 * }
 * ```
 */
export function serveDownload(path: string, name: string | null = null): FileBody {
  return serveFile(path, "application/x-download", "attachment", name);
}

/** `true` when the request speaks HTTP/1.1 or later (HTTP/1.0 has no ranges). */
function http11(request: Request): boolean {
  const [major, minor] = request.protocol;
  return major > 1 || (major === 1 && minor >= 1);
}

/** The ranges to send, `[]` for a 416, or `null` for the whole entity. */
function rangesFor(request: Request, response: Response, length: number): ByteRange[] | null {
  const header = request.headers.get("Range");
  if (!header) return null;
  // Only a success is sent in parts (not an error page served from a file).
  if (response.status !== "" && validStatus(response.status)[0] !== 200) return null;
  // If-Range: the ranges hold only for the version the client has (compared by date).
  const ifRange = request.headers.get("If-Range");
  if (ifRange !== null && ifRange !== response.headers.get("Last-Modified")) return null;
  const ranges = getRanges(header, length);
  if (ranges === null || ranges.length <= 1) return ranges;
  if (ranges.length > MAX_RANGES) return null;
  let total = 0;
  for (const [start, stop] of ranges) total += Math.min(stop, length) - start;
  return total > length ? null : ranges;
}

/** Python's `email.generator._make_boundary`: 15 `=`, 19 random digits, `==`. */
function makeBoundary(): string {
  const digits = Array.from(crypto.getRandomValues(new Uint8Array(19)), (b) => b % 10).join("");
  return "=".repeat(15) + digits + "==";
}

function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
}

/** Sets the length, ranges and body for `source` of `length` bytes (CherryPy's `_serve_fileobj`). */
function serveSource(
  request: Request,
  response: Response,
  source: FileSource,
  length: number,
  debug: boolean,
): FileBody {
  const headers = response.headers;
  if (http11(request)) {
    headers.set("Accept-Ranges", "bytes");
    const ranges = rangesFor(request, response, length);
    if (ranges !== null && ranges.length === 0) {
      headers.set("Content-Range", `bytes */${length}`);
      const message = "Invalid Range (first-byte-pos greater than Content-Length)";
      debugLog(debug, request, message);
      throw new HTTPError(416, message);
    }
    if (ranges !== null && ranges.length === 1) {
      const start = ranges[0]![0];
      const stop = Math.min(ranges[0]![1], length);
      debugLog(debug, request, `Single part; start: ${start}, stop: ${stop}`);
      response.status = "206 Partial Content";
      headers.set("Content-Range", `bytes ${start}-${stop - 1}/${length}`);
      headers.set("Content-Length", String(stop - start));
      return response.body = new FileBody(source, [[start, stop]]);
    }
    if (ranges !== null) {
      response.status = "206 Partial Content";
      const boundary = makeBoundary();
      const partType = headers.get("Content-Type");
      headers.set("Content-Type", `multipart/byteranges; boundary=${boundary}`);
      // Apache's framing, as CherryPy sends it: a CRLF first, a CRLF after each part's data.
      const parts: FilePart[] = [ascii("\r\n")];
      for (const [start, end] of ranges) {
        const stop = Math.min(end, length);
        debugLog(debug, request, `Multipart; start: ${start}, stop: ${stop}`);
        parts.push(ascii(
          `--${boundary}\r\nContent-type: ${partType}\r\n` +
            `Content-range: bytes ${start}-${stop - 1}/${length}\r\n\r\n`,
        ));
        parts.push([start, stop], ascii("\r\n"));
      }
      parts.push(ascii(`--${boundary}--\r\n`));
      const body = new FileBody(source, parts);
      headers.set("Content-Length", String(body.length));
      return response.body = body;
    }
  }
  headers.set("Content-Length", String(length));
  return response.body = new FileBody(source, [[0, length]]);
}
