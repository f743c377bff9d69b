/**
 * `FileBody`: a response body read from a file (or a blob, or bytes) as it is sent, a chunk at
 * a time, never whole. It knows its length, so the response keeps its `Content-Length` and is
 * streamed with the server's backpressure instead of being collected first.
 *
 * @module
 */

import { BORROWED_CHUNKS, platform, type ReadableFile } from "../../platform/mod.ts";
import type { ByteRange } from "./ranges.ts";

/** How many bytes a file body reads at a time (CherryPy's `file_generator` reads 64 KiB). */
export const FILE_CHUNK_SIZE = 65536;

/** Where a {@link FileBody}'s bytes come from. */
export type FileSource =
  /** A file path, opened when the body is first read and closed when it is done. */
  | string
  /** A file already open; closed when the body is done. */
  | ReadableFile
  /** A blob (a `File`, `Bun.file()`...), sliced for each range. */
  | Blob
  /** Bytes in memory. */
  | Uint8Array;

/** A part of a {@link FileBody}: literal bytes, or the bytes `[start, stop)` of the source. */
export type FilePart = Uint8Array | ByteRange;

function isReadableFile(source: FileSource): source is ReadableFile {
  return typeof source === "object" && source !== null && !(source instanceof Uint8Array) &&
    !(source instanceof Blob);
}

/**
 * A response body made of parts of a file: byte ranges of it, with literal bytes between them
 * (the part headers of a `multipart/byteranges` body). Reading it reads only the bytes of its
 * ranges, {@link FILE_CHUNK_SIZE} at a time; it may be read once when its source is an open
 * file, which it closes when done (or when the reader stops early).
 *
 * A file that shrinks while it is sent ends the body early: the server, which announced the
 * full length, then closes the connection.
 *
 * @example Serve bytes 10 to 19 of a file
 * ```ts
 * import { FileBody } from "./file_body.ts";
 * import { response } from "../../mod.ts";
 * function page() {
 *   const body = new FileBody("/srv/data.bin", [[10, 20]]);
 *   response.headers.set("Content-Length", String(body.length));
 *   return body;
 * }
 * ```
 */
export class FileBody implements AsyncIterable<Uint8Array> {
  /** Where the bytes come from. */
  readonly source: FileSource;
  /** The parts, in order. */
  readonly parts: readonly FilePart[];
  /** The number of bytes the body yields. */
  readonly length: number;

  /** A body of `parts` of `source`. */
  constructor(source: FileSource, parts: readonly FilePart[]) {
    this.source = source;
    this.parts = parts;
    let length = 0;
    for (const part of parts) {
      length += part instanceof Uint8Array ? part.length : Math.max(0, part[1] - part[0]);
    }
    this.length = length;
  }

  /**
   * The whole body as one piece of bytes when its source is in memory (`null` otherwise): what
   * the server sends at once, with the head, instead of reading the body part by part.
   */
  bytesNow(): Uint8Array | null {
    const source = this.source;
    if (!(source instanceof Uint8Array)) return null;
    const parts = this.parts;
    if (parts.length === 1 && !(parts[0] instanceof Uint8Array)) {
      const [start, stop] = parts[0]!;
      return source.subarray(start, Math.max(start, stop));
    }
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const part of parts) {
      const bytes = part instanceof Uint8Array ? part : source.subarray(part[0], part[1]);
      out.set(bytes, at);
      at += bytes.length;
    }
    return out;
  }

  /** Closes the source when it is an open file (for a body that will not be read). */
  close(): void {
    if (isReadableFile(this.source)) this.source.close();
  }

  /** Reads the parts in order. */
  [Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    return this.#chunks(false);
  }

  /**
   * Reads the parts in order, a file's into one buffer again and again: each chunk is valid
   * until the next is asked for (see `BORROWED_CHUNKS`). A server that sends each chunk
   * before asking for the next reads a large file without a fresh buffer per chunk.
   */
  [BORROWED_CHUNKS](): AsyncIterable<Uint8Array> {
    // A subclass that reads its chunks its own way is read its own way.
    if (this[Symbol.asyncIterator] !== FileBody.prototype[Symbol.asyncIterator]) return this;
    return this.#chunks(true);
  }

  async *#chunks(lend: boolean): AsyncGenerator<Uint8Array> {
    const source = this.source;
    if (source instanceof Uint8Array) {
      for (const part of this.parts) {
        yield part instanceof Uint8Array ? part : source.subarray(part[0], part[1]);
      }
      return;
    }
    if (source instanceof Blob) {
      for (const part of this.parts) {
        if (part instanceof Uint8Array) yield part;
        else {
          const stream = source.slice(part[0], part[1]).stream();
          for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) yield chunk;
        }
      }
      return;
    }
    const file = typeof source === "string" ? await platform.openFile(source) : source;
    /** The buffer lent again and again. */
    let lent: Uint8Array | null = null;
    try {
      for (const part of this.parts) {
        if (part instanceof Uint8Array) {
          yield part;
          continue;
        }
        let position = part[0];
        const stop = part[1];
        while (position < stop) {
          const size = Math.min(FILE_CHUNK_SIZE, stop - position);
          const buffer = lend
            ? (lent ??= new Uint8Array(FILE_CHUNK_SIZE)).subarray(0, size)
            : new Uint8Array(size);
          const n = await file.read(buffer, position);
          if (n === 0) return; // The file shrank.
          position += n;
          yield n === buffer.length ? buffer : buffer.subarray(0, n);
        }
      }
    } finally {
      file.close();
    }
  }
}
