import { test } from "node:test";
import assert from "node:assert/strict";
import * as cherrypy from "../../../mod.ts";
import {
  decodeWindows1252,
  encodesInChunks,
  encodeText,
  normalizeCharset,
} from "../../../framework/http/charsets.ts";
import { decodeCharset } from "../../../framework/body/body_reader.ts";
import { privateSite as site } from "../../_helpers.ts";

const { expose } = cherrypy;

test("charsets: UTF-8, Latin-1 and ASCII, with Python's spellings", () => {
  assert.equal(normalizeCharset("UTF8"), "utf-8");
  assert.equal(normalizeCharset("Latin_1"), "iso-8859-1");
  assert.equal(normalizeCharset("ASCII"), "us-ascii");
  assert.equal(normalizeCharset("ISO_8859_7"), "iso-8859-7");
  assert.deepEqual([...encodeText("caf\u00e9", "utf-8")!], [0x63, 0x61, 0x66, 0xc3, 0xa9]);
  assert.deepEqual([...encodeText("caf\u00e9", "latin1")!], [0x63, 0x61, 0x66, 0xe9]);
  assert.equal(encodeText("caf\u00e9", "us-ascii"), null);
  // Latin-1 is Latin-1 here, not windows-1252 as the WHATWG labels would have it.
  assert.equal(encodeText("\u20ac", "iso-8859-1"), null);
});

test("charsets: single-byte charsets through their decoder's table", () => {
  // Καλημέρα in ISO-8859-7.
  assert.deepEqual(
    [...encodeText("\u039a\u03b1\u03bb\u03b7\u03bc\u03ad\u03c1\u03b1", "iso-8859-7")!],
    [0xca, 0xe1, 0xeb, 0xe7, 0xec, 0xdd, 0xf1, 0xe1],
  );
  assert.deepEqual([...encodeText("\u20ac1", "windows-1252")!], [0x80, 0x31]);
  assert.deepEqual([...encodeText("\u20ac1", "cp1252")!], [0x80, 0x31]);
  assert.deepEqual([...encodeText("\u201cx\u201d \u0178", "windows-1252")!], [
    0x93,
    0x78,
    0x94,
    0x20,
    0x9f,
  ]);
  assert.deepEqual([...encodeText("\u041f\u0440", "koi8_r")!], [0xf0, 0xd2]);
  assert.deepEqual([...encodeText("\u041f\u0440", "windows-1251")!], [0xcf, 0xf0]);
  assert.equal(encodeText("\u03b1", "windows-1251"), null, "Greek is not in Cyrillic");
  assert.equal(encodeText("\u{1f600}", "windows-1252"), null, "no astral characters");
});

test("charsets: UTF-16 with and without a byte-order mark", () => {
  assert.deepEqual([...encodeText("A\u00e9", "utf-16")!], [0xff, 0xfe, 0x41, 0x00, 0xe9, 0x00]);
  assert.deepEqual([...encodeText("A\u00e9", "UTF-16LE")!], [0x41, 0x00, 0xe9, 0x00]);
  assert.deepEqual([...encodeText("A\u00e9", "utf_16_be")!], [0x00, 0x41, 0x00, 0xe9]);
  assert.deepEqual([...encodeText("\u{1f600}", "utf-16le")!], [0x3d, 0xd8, 0x00, 0xde]);
  assert.equal(encodesInChunks("utf-16"), false, "the mark belongs at the start only");
  assert.equal(encodesInChunks("utf-16le"), true);
  assert.equal(encodesInChunks("windows-1252"), true);
});

test("charsets: unknown and multi-byte charsets encode nothing", () => {
  assert.equal(encodeText("abc", "x-no-such-charset"), null);
  assert.equal(encodeText("abc", "shift_jis"), null);
  assert.equal(encodeText("abc", "gbk"), null);
  assert.equal(encodesInChunks("x-no-such-charset"), false);
});

test("encode: Accept-Charset picks any single-byte charset, falls through unknown ones", async () => {
  const { web } = site();
  web.mount({
    index: expose(() => "\u20ac \u00e9"),
    greek: expose(() => "\u03b1\u03b2"),
    streamed: cherrypy.config({ "response.stream": true })(
      expose(function* () {
        yield "\u041f";
        yield "\u0440";
      }),
    ),
  });
  await web.getPage("/", { headers: { "Accept-Charset": "x-klingon, windows-1252;q=0.8" } });
  web.assertStatus(200);
  web.assertHeader("Content-Type", "text/html;charset=windows-1252");
  assert.deepEqual([...web.bytes], [0x80, 0x20, 0xe9]);
  await web.getPage("/greek", { headers: { "Accept-Charset": "iso-8859-7" } });
  web.assertHeader("Content-Type", "text/html;charset=iso-8859-7");
  assert.deepEqual([...web.bytes], [0xe1, 0xe2]);
  await web.getPage("/greek", { headers: { "Accept-Charset": "utf-16" } });
  web.assertHeader("Content-Type", "text/html;charset=utf-16");
  assert.deepEqual([...web.bytes], [0xff, 0xfe, 0xb1, 0x03, 0xb2, 0x03]);
  await web.getPage("/greek", { headers: { "Accept-Charset": "windows-1251" } });
  web.assertStatus(406);
  web.assertInBody("We tried these charsets: iso-8859-1, windows-1251.");
  await web.getPage("/streamed", { headers: { "Accept-Charset": "koi8-r" } });
  web.assertHeader("Content-Type", "text/html;charset=koi8-r");
  assert.deepEqual([...web.bytes], [0xf0, 0xd2]);
});

test("charsets: windows-1252 bodies decode by the WHATWG index on both runtimes", () => {
  const bytes = Uint8Array.of(0x93, 0x80, 0x94, 0xe9, 0x41);
  assert.equal(decodeWindows1252(bytes), "\u201c\u20ac\u201d\u00e9A");
  assert.equal(decodeCharset(bytes, "windows-1252"), "\u201c\u20ac\u201d\u00e9A");
  assert.equal(decodeCharset(bytes, "cp1252"), "\u201c\u20ac\u201d\u00e9A");
  assert.equal(decodeCharset(bytes, "iso-8859-1"), "\u0093\u0080\u0094\u00e9A");
});
