import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as cherrypy from "../../../mod.ts";

const { getRanges } = cherrypy.lib.httputil;
const { contentDisposition, FileBody, guessType, typesMap } = cherrypy.lib.static;

async function collect(body: AsyncIterable<Uint8Array>): Promise<string> {
  let out = "";
  for await (const chunk of body) out += new TextDecoder().decode(chunk);
  return out;
}

test("getRanges: CherryPy's cases (test_core testRanges)", () => {
  assert.deepEqual(getRanges("bytes=3-6", 8), [[3, 7]]);
  assert.deepEqual(getRanges("bytes=2-4,-1", 8), [[2, 5], [7, 8]]);
  assert.deepEqual(getRanges("bytes=-100", 8), [[0, 8]]);
});

test("getRanges: open ends, suffixes, past the end, unsatisfiable", () => {
  assert.deepEqual(getRanges("bytes=5-", 8), [[5, 8]]);
  assert.deepEqual(getRanges("bytes=-3", 8), [[5, 8]]);
  assert.deepEqual(getRanges("bytes=0-999", 8), [[0, 1000]], "stop is left to the caller to clip");
  assert.deepEqual(getRanges("bytes=8-", 8), []);
  assert.deepEqual(getRanges("bytes=8-9,10-", 8), []);
  assert.deepEqual(getRanges("bytes=9-,0-0", 8), [[0, 1]], "unsatisfiable ranges are dropped");
  assert.deepEqual(getRanges("bytes=-0", 8), [], "a suffix of no bytes");
  assert.deepEqual(getRanges("bytes=-5", 0), [], "an empty entity has no ranges");
  assert.deepEqual(getRanges("bytes=0-0", 0), []);
  assert.deepEqual(getRanges(" bytes = 1 - 2 , , 4-4 ", 8), [[1, 3], [4, 5]]);
  assert.deepEqual(getRanges("BYTES=1-2", 8), [[1, 3]]);
});

test("getRanges: what to ignore (null)", () => {
  for (
    const header of [
      null,
      undefined,
      "",
      "bytes",
      "bytes=",
      "bytes=,",
      "items=0-1",
      "bytes=5-2",
      "bytes=a-b",
      "bytes=1-2-3",
      "bytes=-",
      "bytes=1.5-2",
      "bytes=-1e3",
      "bytes=0x1-2",
      "bytes=+1-2",
      "bytes=0-1;2-3",
    ]
  ) assert.equal(getRanges(header, 8), null, String(header));
  assert.deepEqual(getRanges("bytes=99999999999999999999999-", 8), []);
});

test("contentDisposition: RFC 6266 with filename* when needed", () => {
  assert.equal(contentDisposition("attachment", "a.txt"), 'attachment; filename="a.txt"');
  assert.equal(
    contentDisposition("attachment", "has_utf-8_character_☃.html"),
    'attachment; filename="has_utf-8_character_.html"; ' +
      "filename*=UTF-8''has_utf-8_character_%E2%98%83.html",
  );
  // NFKC gives compatibility characters their plain form (ﬁ → fi); the rest of what is not
  // ASCII is dropped (é too), as in CherryPy.
  assert.equal(
    contentDisposition("inline", "café ﬁle.txt"),
    "inline; filename=\"caf file.txt\"; filename*=UTF-8''caf%C3%A9%20%EF%AC%81le.txt",
  );
  // Nothing can break out of the header.
  assert.equal(
    contentDisposition("attachment", 'a"b\\c\r\nSet-Cookie: x.txt'),
    'attachment; filename="a\\"b\\\\cSet-Cookie: x.txt"; ' +
      "filename*=UTF-8''a%22b%5Cc%0D%0ASet-Cookie%3A%20x.txt",
  );
});

test("media types: mime-db with CherryPy's additions", () => {
  assert.equal(guessType("/a/style.css"), "text/css");
  assert.equal(guessType("/a/INDEX.HTML"), "text/html");
  assert.equal(guessType("/a/app.js"), "text/javascript");
  assert.equal(guessType("/a/pic.jpg"), "image/jpeg");
  assert.equal(guessType("/a/data.json"), "application/json");
  assert.equal(guessType("/a/font.woff2"), "font/woff2");
  // CherryPy's own.
  assert.equal(guessType("/a/favicon.ico"), "image/x-icon");
  assert.equal(guessType("/a/x.gz"), "application/x-gzip");
  assert.equal(guessType("/a/x.bz2"), "application/x-bzip2");
  assert.equal(guessType("/a/x.dwg"), "image/x-dwg");
  // No extension (the dot of a directory does not count), unknown ones.
  assert.equal(guessType("/a.d/README"), null);
  assert.equal(guessType("/a/x.unknown-ext"), null);
  assert.equal(guessType("/a/x.__proto__"), null);
  assert.equal(guessType("/a/x.constructor"), null);
  assert.ok(Object.keys(typesMap).length > 1000);
  typesMap[".cherrytest"] = "text/x-cherry";
  try {
    assert.equal(guessType("/a/b.cherrytest"), "text/x-cherry");
  } finally {
    delete typesMap[".cherrytest"];
  }
});

test("FileBody: ranges and literal parts of bytes, blobs, files and open files", async () => {
  const bytes = new TextEncoder().encode("0123456789");
  const parts = [new TextEncoder().encode("<"), [2, 5], new TextEncoder().encode(">"), [
    8,
    10,
  ]] as cherrypy.lib.static.FilePart[];
  const dir = mkdtempSync(join(tmpdir(), "cp-filebody-"));
  try {
    const path = join(dir, "digits.txt");
    writeFileSync(path, bytes);
    for (const source of [bytes, new Blob([bytes]), path]) {
      const body = new FileBody(source, parts);
      assert.equal(body.length, 7);
      assert.equal(await collect(body), "<234>89");
    }
    const file = await cherrypy.lib.static.openFile(path);
    assert.equal(file.statSync().size, 10);
    assert.equal(await collect(new FileBody(file, parts)), "<234>89");
    // A file that is shorter than the ranges say ends the body early.
    assert.equal(await collect(new FileBody(path, [[5, 100]])), "56789");
    // Larger than a chunk: read in pieces of FILE_CHUNK_SIZE.
    const big = new Uint8Array(3 * cherrypy.lib.static.FILE_CHUNK_SIZE + 7).map((_, i) => i % 251);
    writeFileSync(path, big);
    const sizes: number[] = [];
    const got: number[] = [];
    for await (const chunk of new FileBody(path, [[1, big.length]])) {
      sizes.push(chunk.length);
      got.push(...chunk);
    }
    assert.deepEqual(sizes, [65536, 65536, 65536, 6]);
    assert.deepEqual(got, [...big.subarray(1)]);
    await assert.rejects(collect(new FileBody(join(dir, "missing"), [[0, 1]])), /No such file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
