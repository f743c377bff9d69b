/**
 * Compressed bodies for the `gzip` tool: CherryPy's gzip stream (its own 10-byte header, raw
 * deflate from the runtime's zlib, CRC-32 and size), and Brotli and Zstandard streams, made
 * whole or as the body is read.
 *
 * @module
 */

import { platform } from "../../platform/mod.ts";
import type { CompressionFormat, CompressOptions } from "../../platform/mod.ts";
import { bodyChunks } from "./_content.ts";

/**
 * The content codings the `gzip` tool can send.
 *
 * @example Codings in order of preference
 * ```ts
 * import type { ContentCoding } from "./_compress.ts";
 * const preferred: ContentCoding[] = ["br", "zstd", "gzip"];
 * ```
 */
export type ContentCoding = "gzip" | "br" | "zstd";

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * The CRC-32 of `data` (continuing from `crc`), as zlib's `crc32`.
 *
 * @example Using `crc32`
 * ```ts
 * import { crc32 } from "./_compress.ts";
 * crc32(new TextEncoder().encode("hello")).toString(16); // "3610a686"
 * ```
 */
export function crc32(data: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/**
 * CherryPy's gzip header (RFC 1952): no flags, the current time, `XFL` 2 for level 9 and 4
 * for level 1, `OS` 255 (unknown).
 */
export function gzipHeader(level: number, now: number = Date.now() / 1000): Uint8Array {
  const out = new Uint8Array(10);
  out.set([0x1f, 0x8b, 0x08, 0x00]);
  new DataView(out.buffer).setUint32(4, Math.floor(now) >>> 0, true);
  out[8] = level === 9 ? 2 : level === 1 ? 4 : 0;
  out[9] = 0xff;
  return out;
}

/** The gzip trailer: the CRC-32 and the size (mod 2^32) of the uncompressed data. */
export function gzipTrailer(crc: number, size: number): Uint8Array {
  const out = new Uint8Array(8);
  const view = new DataView(out.buffer);
  view.setUint32(0, crc >>> 0, true);
  view.setUint32(4, size % 0x100000000, true);
  return out;
}

/** Checks a gzip level (zlib's -1 to 9); the error names the config key. */
export function checkLevel(level: unknown): number {
  if (typeof level !== "number" || !Number.isInteger(level) || level < -1 || level > 9) {
    throw new RangeError(
      `tools.gzip.compress_level must be an integer from -1 to 9 (zlib's levels); got ${
        JSON.stringify(level)
      }.`,
    );
  }
  return level;
}

/** The platform options for `coding` given a gzip level (-1: the coding's default). */
function optionsFor(coding: ContentCoding, level: number): CompressOptions {
  return coding === "gzip" || level >= 0 ? { level } : {};
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** `data` compressed as `coding` at once (blocking: for small bodies). */
export function compressWhole(coding: ContentCoding, data: Uint8Array, level: number): Uint8Array {
  if (coding !== "gzip") {
    return platform.compressSync(coding, data, optionsFor(coding, level));
  }
  return concat([
    gzipHeader(level),
    platform.compressSync("deflate-raw", data, { level }),
    gzipTrailer(crc32(data), data.length),
  ]);
}

/**
 * `body` compressed as `coding` while it is read: a chunk of the body is read only when the
 * consumer asks for more output, so a slow client slows the producer (backpressure). With
 * `flush`, each chunk's output is sent at once (streamed responses), instead of when zlib's
 * buffer fills. Stopping early stops the body and frees the compressor.
 */
export async function* compressStream(
  coding: ContentCoding,
  body: unknown,
  level: number,
  flush = false,
): AsyncGenerator<Uint8Array, void, undefined> {
  const gzip = coding === "gzip";
  const format: CompressionFormat = gzip ? "deflate-raw" : coding;
  if (gzip) yield gzipHeader(level);
  const compressor = platform.createCompressor(format, optionsFor(coding, level));
  let crc = 0;
  let size = 0;
  let ended = false;
  try {
    for await (const chunk of bodyChunks(body)) {
      if (chunk.length === 0) continue;
      if (gzip) {
        crc = crc32(chunk, crc);
        size += chunk.length;
      }
      const out = await compressor.write(chunk, flush);
      if (out.length > 0) yield out;
    }
    const last = await compressor.end();
    ended = true;
    if (last.length > 0) yield last;
  } finally {
    if (!ended) compressor.destroy();
  }
  if (gzip) yield gzipTrailer(crc, size);
}

/**
 * CherryPy's `compress(body, compress_level)`: the body as a gzip stream, chunk by chunk.
 *
 * @example Using `compress`
 * ```ts
 * import { compress } from "./_compress.ts";
 * const chunks: Uint8Array[] = [];
 * for await (const chunk of compress(["Hello, ", "world"], 9)) chunks.push(chunk);
 * ```
 */
export function compress(
  body: unknown,
  compressLevel = 5,
): AsyncGenerator<Uint8Array, void, undefined> {
  return compressStream("gzip", body, checkLevel(compressLevel));
}

/**
 * CherryPy's `decompress(body)`: the data of a gzip stream.
 *
 * @example Using `decompress`
 * ```ts
 * import { compressWhole, decompress } from "./_compress.ts";
 * const zipped = compressWhole("gzip", new TextEncoder().encode("visit #5"), 5);
 * new TextDecoder().decode(decompress(zipped)); // "visit #5"
 * ```
 */
export function decompress(body: Uint8Array): Uint8Array {
  return platform.decompressSync("gzip", body);
}
