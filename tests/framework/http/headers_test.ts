import { test } from "node:test";
import assert from "node:assert/strict";
import { HeaderMap } from "../../../framework/http/mod.ts";

test("HeaderMap.append: one line per value; get joins them; set and delete remove them all", () => {
  const h = new HeaderMap([["Content-Type", "text/plain"]]);
  h.append("www-authenticate", "Digest a");
  h.append("WWW-Authenticate", "Digest b");
  h.append("X-Other", "1");
  assert.deepEqual(h.toArray(), [
    ["Content-Type", "text/plain"],
    ["Www-Authenticate", "Digest a"],
    ["Www-Authenticate", "Digest b"],
    ["X-Other", "1"],
  ]);
  assert.equal(h.get("WWW-AUTHENTICATE"), "Digest a, Digest b");
  assert.equal(h.size, 3);
  assert.deepEqual([...h.keys()], ["Content-Type", "Www-Authenticate", "X-Other"]);
  assert.deepEqual(h.toObject(), {
    "Content-Type": "text/plain",
    "Www-Authenticate": "Digest a, Digest b",
    "X-Other": "1",
  });
  const copy = h.clone();
  h.set("Www-Authenticate", "Basic c");
  assert.deepEqual([...h.entries()].filter(([k]) => k === "Www-Authenticate"), [
    ["Www-Authenticate", "Basic c"],
  ]);
  assert.equal(copy.get("www-authenticate"), "Digest a, Digest b");
  assert.equal(copy.delete("www-authenticate"), true);
  assert.equal(copy.has("www-authenticate"), false);
  assert.deepEqual(copy.toArray(), [["Content-Type", "text/plain"], ["X-Other", "1"]]);
  assert.equal(copy.size, 2);
  copy.append("X-Other", "2");
  copy.clear();
  assert.equal(copy.size, 0);
  copy.append("A", "1");
  assert.deepEqual(copy.toArray(), [["A", "1"]]);
});

test("HeaderMap.clone: a copy gains and loses names on its own, the original unchanged", () => {
  const template = new HeaderMap([["Content-Type", "text/html"], ["Server", "x"]]);
  for (let round = 0; round < 3; round++) {
    const copy = template.clone();
    assert.deepEqual(copy.toArray(), [["Content-Type", "text/html"], ["Server", "x"]]);
    for (let i = 0; i < 7; i++) copy.set(`X-${i}`, String(i));
    copy.append("X-0", "again");
    copy.delete("server");
    assert.equal(copy.size, 8);
    assert.equal(copy.get("x-0"), "0, again");
    assert.deepEqual([...copy.keys()].slice(0, 2), ["Content-Type", "X-0"]);
    assert.equal(copy.toArray().length, 9);
    assert.ok(copy.toArray().every(([k, v]) => typeof k === "string" && typeof v === "string"));
    const empty = new HeaderMap().clone();
    assert.equal(empty.size, 0);
    assert.deepEqual(empty.toArray(), []);
  }
  assert.deepEqual(template.toArray(), [["Content-Type", "text/html"], ["Server", "x"]]);
  assert.equal(template.size, 2);
});
