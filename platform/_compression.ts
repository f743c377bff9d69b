/**
 * Compression for both implementations: Deno, Node and Bun all provide `node:zlib` (gzip and
 * deflate everywhere; Brotli and Zstandard where the runtime's zlib has them).
 *
 * @module
 */

import * as zlib from "node:zlib";
import {
  type CompressionFormat,
  type CompressOptions,
  type Compressor,
  type DecompressOptions,
  UnsupportedError,
} from "./types.ts";

type ZlibStream = import("node:stream").Transform & {
  flush(kind: number, callback: () => void): void;
};

/** The `node:zlib` of this runtime, with the members that only some versions have. */
interface ZlibExtras {
  createZstdCompress?: (options?: unknown) => ZlibStream;
  zstdCompressSync?: (data: Uint8Array, options?: unknown) => Uint8Array;
  zstdDecompressSync?: (data: Uint8Array, options?: unknown) => Uint8Array;
}
const z = zlib as typeof zlib & ZlibExtras;
const C = zlib.constants as typeof zlib.constants & Record<string, number>;

/** The level ranges, as `[lowest, highest]`. */
const LEVELS: Record<CompressionFormat, readonly [number, number]> = {
  "gzip": [-1, 9],
  "deflate": [-1, 9],
  "deflate-raw": [-1, 9],
  "br": [0, 11],
  "zstd": [-131072, 22],
};

function has(format: CompressionFormat): boolean {
  if (format === "br") return typeof z.createBrotliCompress === "function";
  if (format === "zstd") {
    return typeof z.createZstdCompress === "function" &&
      typeof z.zstdCompressSync === "function" && C["ZSTD_c_compressionLevel"] !== undefined;
  }
  return true;
}

const FORMATS: readonly CompressionFormat[] = Object.freeze(
  (["gzip", "deflate", "deflate-raw", "br", "zstd"] as const).filter(has),
);

/** `Platform.compressionFormats`. */
export function compressionFormats(): readonly CompressionFormat[] {
  return FORMATS;
}

function check(format: CompressionFormat, options: CompressOptions | undefined): number | null {
  if (!FORMATS.includes(format)) {
    throw new UnsupportedError(
      format === "br" || format === "zstd"
        ? `This runtime's zlib has no ${format === "br" ? "Brotli" : "Zstandard"} ` +
          `compression: use "gzip", or a runtime that has it (see docs/runtimes.md).`
        : `Unknown compression format ${JSON.stringify(format)}: use one of ${FORMATS.join(", ")}.`,
    );
  }
  const level = options?.level;
  if (level === undefined || level === null) return null;
  const [low, high] = LEVELS[format];
  if (!Number.isInteger(level) || level < low || level > high) {
    throw new RangeError(
      `The ${format} compression level must be an integer from ${low} to ${high}; got ${
        JSON.stringify(level)
      }.`,
    );
  }
  return level;
}

/** The `node:zlib` options for `format` at `level` (`null`: the format's default). */
function zlibOptions(format: CompressionFormat, level: number | null): Record<string, unknown> {
  if (level === null) return {};
  if (format === "br") return { params: { [C.BROTLI_PARAM_QUALITY]: level } };
  if (format === "zstd") return { params: { [C["ZSTD_c_compressionLevel"]!]: level } };
  return { level };
}

function bytes(buffer: Uint8Array): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** `Platform.compressSync`. */
export function compressSync(
  format: CompressionFormat,
  data: Uint8Array,
  options?: CompressOptions,
): Uint8Array {
  const opts = zlibOptions(format, check(format, options));
  switch (format) {
    case "gzip":
      return bytes(zlib.gzipSync(data, opts));
    case "deflate":
      return bytes(zlib.deflateSync(data, opts));
    case "deflate-raw":
      return bytes(zlib.deflateRawSync(data, opts));
    case "br":
      return bytes(zlib.brotliCompressSync(data, opts));
    case "zstd":
      return bytes(z.zstdCompressSync!(data, opts));
  }
}

/** `Platform.decompressSync`. */
export function decompressSync(
  format: CompressionFormat,
  data: Uint8Array,
  options?: DecompressOptions,
): Uint8Array {
  check(format, undefined);
  const opts = options?.maxLength === undefined ? {} : { maxOutputLength: options.maxLength };
  switch (format) {
    case "gzip":
      return bytes(zlib.gunzipSync(data, opts));
    case "deflate":
      return bytes(zlib.inflateSync(data, opts));
    case "deflate-raw":
      return bytes(zlib.inflateRawSync(data, opts));
    case "br":
      return bytes(zlib.brotliDecompressSync(data, opts));
    case "zstd":
      return bytes(z.zstdDecompressSync!(data, opts));
  }
}

function makeStream(format: CompressionFormat, level: number | null): ZlibStream {
  const opts = zlibOptions(format, level);
  switch (format) {
    case "gzip":
      return zlib.createGzip(opts);
    case "deflate":
      return zlib.createDeflate(opts);
    case "deflate-raw":
      return zlib.createDeflateRaw(opts);
    case "br":
      return zlib.createBrotliCompress(opts);
    case "zstd":
      return z.createZstdCompress!(opts);
  }
}

/** The flush that makes everything written so far decodable, without ending the stream. */
function syncFlush(format: CompressionFormat): number | undefined {
  if (format === "br") return C.BROTLI_OPERATION_FLUSH;
  if (format === "zstd") return C["ZSTD_e_flush"];
  return C.Z_SYNC_FLUSH;
}

function joined(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return bytes(chunks[0]!);
  let total = 0;
  for (const c of chunks) total += c.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * `Platform.createCompressor`: a `node:zlib` stream driven one call at a time. Its output is
 * collected as it is produced; a call resolves once the stream has taken its input (its
 * write callback), by which time the output of that input has been emitted. One call at a
 * time: the caller awaits each before the next, so at most one chunk is in flight.
 */
export function createCompressor(
  format: CompressionFormat,
  options?: CompressOptions,
): Compressor {
  const stream = makeStream(format, check(format, options));
  const out: Uint8Array[] = [];
  let failure: unknown = null;
  let ended = false;
  let busy = false;
  stream.on("data", (chunk: Uint8Array) => out.push(chunk));
  stream.on("error", (e: unknown) => failure ??= e);
  const take = (): Uint8Array => {
    if (failure !== null) throw failure;
    if (out.length === 0) return new Uint8Array(0);
    const all = joined(out);
    out.length = 0;
    return all;
  };
  const step = (run: (done: (e?: unknown) => void) => void): Promise<Uint8Array> => {
    if (ended) return Promise.reject(new Error("The compressor was ended or destroyed."));
    if (busy) {
      return Promise.reject(new Error("A compressor takes one call at a time: await the last."));
    }
    busy = true;
    return new Promise<Uint8Array>((resolve, reject) => {
      run((e) => {
        busy = false;
        if (e) reject(e);
        else {
          try {
            resolve(take());
          } catch (error) {
            reject(error);
          }
        }
      });
    });
  };
  return {
    format,
    write(chunk: Uint8Array, flush = false): Promise<Uint8Array> {
      return step((done) => {
        stream.write(chunk, (e) => {
          if (e || !flush) done(e ?? undefined);
          else stream.flush(syncFlush(format)!, () => done(failure ?? undefined));
        });
      });
    },
    end(): Promise<Uint8Array> {
      return step((done) => {
        ended = true;
        stream.once("error", (e) => done(e));
        stream.once("end", () => done());
        stream.end();
      });
    },
    destroy(): void {
      ended = true;
      out.length = 0;
      stream.destroy();
    },
  };
}
