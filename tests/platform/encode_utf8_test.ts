/**
 * `platform.encodeUtf8` gives the same bytes as `TextEncoder` for every kind of string: empty,
 * ASCII, non-ASCII at any position, lone surrogates, and strings beyond the pooled length; and
 * results do not share bytes with one another.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { platform } from "../../platform/mod.ts";

test("encodeUtf8: the TextEncoder's bytes, for short and long, ASCII and not", () => {
  const encoder = new TextEncoder();
  const samples = [
    "",
    "Hello world!",
    '{"n": 1, "name": "caf\u00e9"}',
    "\u00e9" + "a".repeat(100),
    "a".repeat(100) + "\u20ac",
    "\ud83d\ude00 emoji",
    "lone \ud800 surrogate",
    "x".repeat(2048),
    "x".repeat(2049),
    "y".repeat(70_000) + "\u00ff",
  ];
  for (const text of samples) {
    assert.deepEqual([...platform.encodeUtf8(text)], [...encoder.encode(text)], text.slice(0, 20));
  }
  const a = platform.encodeUtf8("first");
  const b = platform.encodeUtf8("other");
  assert.equal(new TextDecoder().decode(a), "first");
  assert.equal(new TextDecoder().decode(b), "other");
  assert.ok(a instanceof Uint8Array);
});
