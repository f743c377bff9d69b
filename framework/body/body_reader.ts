/**
 * The byte-level side of request bodies: buffered readers over a stream of chunks
 * ({@link ByteReader}, {@link SizedReader} with the size limits), the storage of uploaded
 * content ({@link BodyFile}: memory, or a temporary file) and charset decoding with Python's
 * charset names.
 *
 * @module
 */

import { decoderFor, decodeWindows1252, normalizeCharset } from "../http/charsets.ts";
import { type FileWriter, platform } from "../../platform/mod.ts";
import {
  BadRequestError,
  PayloadTooLargeError,
  RequestTimeoutError,
} from "../../platform/types.ts";
import { concatBytes } from "../http/_bytes.ts";
import { HTTPError } from "../core/errors.ts";

const LF = 0x0a;

export { concatBytes };

/**
 * A buffered reader over a stream of byte chunks: `read`, `readline`, chunk iteration, and
 * `unread` to push bytes back. Subclasses supply the chunks through `pull`.
 *
 * @example Read a body line by line
 * ```ts
 * import { SizedReader } from "./mod.ts";
 * async function* source() { yield new TextEncoder().encode("one\ntwo\n"); }
 * const reader = new SizedReader(source(), null, null);
 * await reader.readline(); // bytes of "one\n"
 * await reader.read(); // bytes of "two\n"
 * ```
 */
export abstract class ByteReader {
  #pending: Uint8Array[] = [];
  #exhausted = false;

  /** The next chunk from the underlying source, or `null` at its end. */
  protected abstract pull(): Promise<Uint8Array | null>;

  /** `true` once the source is exhausted and every buffered byte was read. */
  get done(): boolean {
    return this.#exhausted && this.#pending.length === 0;
  }

  /** The next non-empty chunk (buffered bytes first), or `null` at the end. */
  async readChunk(): Promise<Uint8Array | null> {
    const next = this.#pending.shift();
    if (next !== undefined) return next;
    while (!this.#exhausted) {
      const chunk = await this.pull();
      if (chunk === null) this.#exhausted = true;
      else if (chunk.length > 0) return chunk;
    }
    return null;
  }

  /** Pushes `chunk` back: the next read returns it first. */
  unread(chunk: Uint8Array): void {
    if (chunk.length > 0) this.#pending.unshift(chunk);
  }

  /** Reads `size` bytes (fewer at the end), or everything that is left when `size` is omitted. */
  async read(size?: number | null): Promise<Uint8Array> {
    const limit = size === undefined || size === null || size < 0 ? Infinity : size;
    const chunks: Uint8Array[] = [];
    let total = 0;
    while (total < limit) {
      const chunk = await this.readChunk();
      if (chunk === null) break;
      const room = limit - total;
      if (chunk.length > room) {
        chunks.push(chunk.subarray(0, room));
        this.unread(chunk.subarray(room));
        total += room;
        break;
      }
      chunks.push(chunk);
      total += chunk.length;
    }
    return concatBytes(chunks, total);
  }

  /** Reads one line, up to and including `\n`, of at most `size` bytes; empty at the end. */
  async readline(size?: number | null): Promise<Uint8Array> {
    const limit = size === undefined || size === null || size < 0 ? Infinity : size;
    const chunks: Uint8Array[] = [];
    let total = 0;
    while (total < limit) {
      const chunk = await this.readChunk();
      if (chunk === null) break;
      const room = Math.min(limit - total, chunk.length);
      const lf = chunk.subarray(0, room).indexOf(LF);
      const take = lf >= 0 ? lf + 1 : room;
      chunks.push(chunk.subarray(0, take));
      total += take;
      if (take < chunk.length) this.unread(chunk.subarray(take));
      if (lf >= 0) break;
    }
    return concatBytes(chunks, total);
  }

  /** Reads the rest as chunks, as they arrive. */
  async *chunks(): AsyncGenerator<Uint8Array> {
    for (;;) {
      const chunk = await this.readChunk();
      if (chunk === null) return;
      yield chunk;
    }
  }

  /** Reads and drops the rest; returns the number of bytes dropped. */
  async skip(): Promise<number> {
    let total = 0;
    for (;;) {
      const chunk = await this.readChunk();
      if (chunk === null) return total;
      total += chunk.length;
    }
  }
}

/**
 * The reader of a whole request body: stops at `Content-Length` (when known), answers 413
 * as soon as more than `maxbytes` arrive (nothing beyond is read), and turns the server's
 * body errors into HTTP errors (a body over the server's limit: 413; a stalled body: 408).
 *
 * @example Using `SizedReader`
 * ```ts
 * import { SizedReader } from "./mod.ts";
 * async function* source() { yield new Uint8Array(2000); }
 * const reader = new SizedReader(source(), 2000, 1000);
 * await reader.read().catch((e) => e.code); // 413
 * ```
 */
export class SizedReader extends ByteReader {
  /** The declared length, or `null` (chunked, or unknown). */
  readonly length: number | null;
  /** Bytes received so far. */
  bytesRead = 0;
  readonly #source: AsyncIterable<Uint8Array> | null;
  readonly #maxbytes: () => number | null;
  #iterator: AsyncIterator<Uint8Array> | null = null;
  #failure: unknown = null;

  /**
   * Creates the reader over `source` (`null`: an empty body). `maxbytes` (a number, or a
   * function read at every chunk) limits the body; 0 or `null` means no limit.
   */
  constructor(
    source: AsyncIterable<Uint8Array> | null,
    length: number | null,
    maxbytes: number | null | (() => number | null),
  ) {
    super();
    this.#source = source;
    this.length = length;
    this.#maxbytes = typeof maxbytes === "function" ? maxbytes : () => maxbytes;
  }

  /** The next chunk of the content, or `null` at its end. */
  protected override async pull(): Promise<Uint8Array | null> {
    if (this.#failure !== null) throw this.#failure;
    if (this.#source === null) return null;
    if (this.length !== null && this.bytesRead >= this.length) return null;
    const max = this.#maxbytes();
    if (max && this.length !== null && this.length > max) this.#fail(new HTTPError(413));
    this.#iterator ??= this.#source[Symbol.asyncIterator]();
    let next: IteratorResult<Uint8Array>;
    try {
      next = await this.#iterator.next();
    } catch (e) {
      this.#fail(sourceError(e));
    }
    if (next.done) return null;
    let chunk = next.value;
    if (this.length !== null && this.bytesRead + chunk.length > this.length) {
      chunk = chunk.subarray(0, this.length - this.bytesRead);
    }
    this.bytesRead += chunk.length;
    if (max && this.bytesRead > max) this.#fail(new HTTPError(413));
    return chunk;
  }

  #fail(error: unknown): never {
    this.#failure = error;
    throw error;
  }
}

function sourceError(e: unknown): unknown {
  if (e instanceof PayloadTooLargeError) {
    return new HTTPError(413, `Maximum request length: ${e.limit}`);
  }
  if (e instanceof RequestTimeoutError) return new HTTPError(408);
  if (e instanceof BadRequestError) return new HTTPError(400, e.message);
  return e;
}

/**
 * Content received with a request (an uploaded file, a large form field): kept in memory,
 * or in a temporary file whose {@link BodyFile.path} is set. Temporary files are removed when
 * the request ends; copy what must be kept.
 *
 * @example Save an upload
 * ```ts
 * import { BodyFile } from "./mod.ts";
 * const file = BodyFile.fromBytes(new TextEncoder().encode("data"));
 * file.size; // 4
 * await file.text(); // "data"
 * for await (const chunk of file.stream()) console.log(chunk.length);
 * ```
 */
export class BodyFile {
  /** The temporary file's path, or `null` when the content is in memory. */
  readonly path: string | null;
  #chunks: Uint8Array[] = [];
  #writer: FileWriter | null;
  #size = 0;
  #removed = false;

  private constructor(writer: FileWriter | null) {
    this.#writer = writer;
    this.path = writer === null ? null : writer.path;
  }

  /**
   * Content kept in memory.
   *
   * @example Using `fromBytes`
   * ```ts
   * import { BodyFile } from "./mod.ts";
   * const empty = BodyFile.fromBytes();
   * ```
   */
  static fromBytes(...chunks: Uint8Array[]): BodyFile {
    const file = new BodyFile(null);
    for (const c of chunks) {
      file.#chunks.push(c);
      file.#size += c.length;
    }
    return file;
  }

  /**
   * A new, empty temporary file, open for {@link BodyFile.write}.
   *
   * @example Using `temporary`
   * ```ts
   * import { BodyFile } from "./mod.ts";
   * const file = await BodyFile.temporary();
   * await file.write(new Uint8Array([1, 2, 3]));
   * await file.remove();
   * ```
   */
  static async temporary(prefix = "cherrypy-body-"): Promise<BodyFile> {
    return new BodyFile(await platform.createTempFile(prefix));
  }

  /** The number of bytes. */
  get size(): number {
    return this.#size;
  }

  /** Appends `chunk`. */
  async write(chunk: Uint8Array): Promise<void> {
    if (this.#removed) throw new Error(`The temporary file ${this.path} was removed.`);
    if (this.#writer === null) this.#chunks.push(chunk);
    else await this.#writer.write(chunk);
    this.#size += chunk.length;
  }

  /** Ends writing (closes the temporary file). Reading does this too. */
  async close(): Promise<void> {
    await this.#writer?.close();
  }

  /** The whole content. */
  async read(): Promise<Uint8Array> {
    if (this.path === null) return concatBytes(this.#chunks, this.#size);
    await this.close();
    return await platform.readFile(this.path);
  }

  /** The whole content decoded with `charset` (undecodable bytes become U+FFFD). */
  async text(charset = "utf-8"): Promise<string> {
    const bytes = await this.read();
    return decodeCharset(bytes, charset) ?? new TextDecoder().decode(bytes);
  }

  /** The content as a stream of chunks (read from disk as it goes for a temporary file). */
  async *stream(): AsyncGenerator<Uint8Array> {
    if (this.path === null) {
      yield* this.#chunks;
      return;
    }
    await this.close();
    yield* platform.readFileChunks(this.path);
  }

  /** Closes and deletes the temporary file (nothing for content in memory). */
  async remove(): Promise<void> {
    this.#removed = true;
    if (this.path === null) return;
    await this.#writer?.close().catch(() => {});
    await platform.remove(this.path);
  }
}

/**
 * Decodes `bytes` with the charset named `charset` (Python's names and the WHATWG labels),
 * strictly: `null` when the bytes are not valid in that charset or the charset is unknown.
 * `latin-1` maps every byte to the same code point and `us-ascii` refuses bytes over 0x7F,
 * as Python does (unlike the WHATWG labels, which mean windows-1252 for both).
 *
 * @example Using `decodeCharset`
 * ```ts
 * import { decodeCharset } from "./mod.ts";
 * decodeCharset(new Uint8Array([0xc3, 0xa9]), "utf-8"); // "é"
 * decodeCharset(new Uint8Array([0xe9]), "utf-8"); // null
 * decodeCharset(new Uint8Array([0xe9]), "ISO-8859-1"); // "é"
 * ```
 */
export function decodeCharset(bytes: Uint8Array, charset: string): string | null {
  const name = normalizeCharset(charset);
  if (name === "iso-8859-1") return latin1(bytes);
  if (name === "us-ascii") return bytes.every((b) => b < 0x80) ? latin1(bytes) : null;
  // Python's "utf-16" codec consumes a leading byte-order mark; the others keep it as text.
  const ignoreBOM = name !== "utf-16";
  const decoder = decoderFor(name === "utf-8" ? name : charset, { fatal: true, ignoreBOM });
  if (decoder === null) return null;
  if (decoder.encoding === "windows-1252") return decodeWindows1252(bytes);
  try {
    return decoder.decode(bytes);
  } catch {
    return null;
  }
}

/**
 * Bytes as ISO-8859-1 text (each byte one code point).
 *
 * @example Using `latin1`
 * ```ts
 * import { latin1 } from "./body_reader.ts";
 * latin1(new Uint8Array([0x63, 0xe9])); // "cé"
 * ```
 */
export function latin1(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return out;
}
