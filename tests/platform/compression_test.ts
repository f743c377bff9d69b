/**
 * The platform's compression: the formats each runtime has, whole and streamed, flushing,
 * levels, and the errors for what cannot be done.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { type CompressionFormat, platform, UnsupportedError } from "../../platform/mod.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const TEXT = Array.from({ length: 300 }, (_, i) => `line ${i} of the text\n`).join("");

test("compression: gzip and deflate everywhere; br and zstd where the runtime has them", () => {
  const formats = platform.compressionFormats();
  for (const f of ["gzip", "deflate", "deflate-raw"] as const) assert.ok(formats.includes(f));
  for (const format of formats) {
    const data = encoder.encode(TEXT);
    const packed = platform.compressSync(format, data, {});
    assert.ok(packed.length < data.length / 4, format);
    assert.equal(decoder.decode(platform.decompressSync(format, packed)), TEXT, format);
  }
  assert.throws(
    () => platform.compressSync("lzma" as CompressionFormat, new Uint8Array(1)),
    UnsupportedError,
  );
});

test("compression: levels are checked against each format's range", () => {
  const data = encoder.encode(TEXT);
  assert.throws(() => platform.compressSync("gzip", data, { level: 10 }), /from -1 to 9; got 10/);
  assert.throws(() => platform.compressSync("gzip", data, { level: 1.5 }), RangeError);
  assert.throws(() => platform.createCompressor("deflate-raw", { level: -2 }), RangeError);
  if (platform.compressionFormats().includes("br")) {
    assert.throws(() => platform.compressSync("br", data, { level: 12 }), /from 0 to 11/);
    const best = platform.compressSync("br", data, { level: 11 });
    assert.equal(decoder.decode(platform.decompressSync("br", best)), TEXT);
  }
  const stored = platform.compressSync("gzip", data, { level: 0 });
  const small = platform.compressSync("gzip", data, { level: 9 });
  assert.ok(stored.length > data.length, "level 0 stores the data as it is");
  assert.ok(small.length < data.length / 4);
  assert.equal(decoder.decode(platform.decompressSync("gzip", stored)), TEXT);
});

test("compression: a stream, flushed chunk by chunk, ended, or abandoned", async () => {
  for (const format of platform.compressionFormats()) {
    const c = platform.createCompressor(format, {});
    assert.equal(c.format, format);
    const parts: Uint8Array[] = [];
    let sent = "";
    for (let i = 0; i < 20; i++) {
      const piece = `piece ${i} `.repeat(i + 1);
      sent += piece;
      parts.push(await c.write(encoder.encode(piece), i === 9));
      if (i === 9) {
        // Flushed: what came out so far holds everything written so far.
        assert.ok(parts.some((p) => p.length > 0), format);
      }
    }
    parts.push(await c.end());
    const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    assert.equal(decoder.decode(platform.decompressSync(format, all)), sent, format);
    await assert.rejects(c.write(encoder.encode("late")), /ended or destroyed/);
  }
  const c = platform.createCompressor("gzip");
  const first = c.write(encoder.encode(TEXT));
  await assert.rejects(c.write(encoder.encode(TEXT)), /one call at a time/);
  await first;
  c.destroy();
  await assert.rejects(c.end(), /ended or destroyed/);
});

test("compression: corrupt data and a size limit are errors", () => {
  assert.throws(() => platform.decompressSync("gzip", encoder.encode("not gzip at all")));
  const bomb = platform.compressSync("gzip", new Uint8Array(1_000_000));
  assert.ok(bomb.length < 2000);
  assert.throws(() => platform.decompressSync("gzip", bomb, { maxLength: 1000 }));
  assert.equal(platform.decompressSync("gzip", bomb).length, 1_000_000);
});
