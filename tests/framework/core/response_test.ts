import { test } from "node:test";
import assert from "node:assert/strict";
import { Response } from "../../../framework/core/mod.ts";

test("response: a text body's Content-Length is its length in UTF-8, whatever its characters", () => {
  const bodies = [
    "",
    "Hello world!",
    '{"message": "Hello world!", "id": 42}',
    "caf\u00e9 \u00ff",
    "\u20ac100 \u4e2d\u6587",
    "rocket \u{1f680} and \u{10ffff}",
    "a lone \ud800 high and a lone \udc00 low surrogate, and one at the end \ud83d",
    "\x7f\x80" + "x".repeat(1000) + "\u0800",
  ];
  for (const body of bodies) {
    const response = new Response();
    response.body = body;
    response.finalize();
    assert.equal(
      response.headers.get("Content-Length"),
      String(new TextEncoder().encode(body).length),
      JSON.stringify(body),
    );
  }
});
