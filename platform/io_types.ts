/**
 * The platform's compression and positional-file types (re-exported by `types.ts`).
 *
 * @module
 */

import type { FileInfo } from "./types.ts";

/**
 * A compression format of {@link Platform.compressionFormats} (the HTTP content coding's name).
 *
 * @example Is Zstandard here?
 * ```ts
 * import { platform } from "./mod.ts";
 * platform.compressionFormats().includes("zstd"); // true where the runtime has Zstandard
 * ```
 */
export type CompressionFormat = "gzip" | "deflate" | "deflate-raw" | "br" | "zstd";

/**
 * Options of {@link Platform.compressSync} and {@link Platform.createCompressor}.
 *
 * @example The smallest gzip
 * ```ts
 * import { platform } from "./mod.ts";
 * platform.compressSync("gzip", new TextEncoder().encode("hi"), { level: 9 });
 * ```
 */
export interface CompressOptions {
  /**
   * The level: 0-9 for `gzip`, `deflate` and `deflate-raw` (-1 for zlib's default), 0-11 for
   * `br`, up to 22 for `zstd`; the format's default when omitted.
   */
  level?: number;
}

/**
 * Options of {@link Platform.decompressSync}.
 *
 * @example At most a megabyte
 * ```ts
 * import { platform } from "./mod.ts";
 * const zipped = platform.compressSync("gzip", new Uint8Array(10));
 * platform.decompressSync("gzip", zipped, { maxLength: 1_000_000 });
 * ```
 */
export interface DecompressOptions {
  /** The largest output accepted, in bytes (an error beyond). */
  maxLength?: number;
}

/**
 * A streaming compressor ({@link Platform.createCompressor}); one call at a time.
 *
 * @example Compress as a stream
 * ```ts
 * import { platform } from "./mod.ts";
 * const compressor = platform.createCompressor("br");
 * const first = await compressor.write(new TextEncoder().encode("hello "), true); // flushed
 * const rest = await compressor.end();
 * ```
 */
export interface Compressor {
  /** The format it writes. */
  readonly format: CompressionFormat;
  /**
   * Compresses `chunk`; resolves with the compressed bytes ready so far (often none). With
   * `flush`, everything written so far is made decodable by the client at once.
   */
  write(chunk: Uint8Array, flush?: boolean): Promise<Uint8Array>;
  /** Ends the stream; resolves with its last bytes. */
  end(): Promise<Uint8Array>;
  /** Frees the compressor without ending the stream (its reader went away). */
  destroy(): void;
}

/** A file open for reading, from {@link Platform.openFile}. */
export interface ReadableFile {
  /** The path it was opened with. */
  readonly path: string;
  /** Information about the open file (`fstat`). */
  statSync(): FileInfo;
  /**
   * Reads up to `buffer.length` bytes starting at byte `position` of the file into `buffer`;
   * resolves to the number of bytes read, 0 at the end of the file.
   */
  read(buffer: Uint8Array, position: number): Promise<number>;
  /** Closes the file; calling it again does nothing. */
  close(): void;
}
