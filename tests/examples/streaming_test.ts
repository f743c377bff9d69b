import { test } from "node:test";
import assert from "node:assert/strict";
import { Root } from "../../examples/advanced/streaming.ts";
import { getPage, serveRoot } from "../_helpers.ts";
import { rawConnect, rawExchange } from "../_raw.ts";

/** The body of a complete chunked response (the server may merge chunks). */
function dechunk(text: string): string {
  let rest = text.slice(text.indexOf("\r\n\r\n") + 4);
  let body = "";
  for (;;) {
    const eol = rest.indexOf("\r\n");
    const size = parseInt(rest.slice(0, eol), 16);
    if (size === 0) return body;
    body += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 2 + size + 2);
  }
}

const get = (path: string, headers = "") =>
  `GET ${path} HTTP/1.1\r\nHost: x\r\n${headers}Connection: close\r\n\r\n`;

test("streaming (§5.4): headers first, the body chunked as the generator yields it", async () => {
  const s = await serveRoot(new Root());
  try {
    const ok = await rawExchange(s.port, get("/thing", "X-Token: let-me-in\r\n"));
    assert.match(ok.text, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(ok.text, /\r\ntransfer-encoding: chunked\r\n/i);
    assert.doesNotMatch(ok.text, /\r\ncontent-length:/i);
    assert.match(ok.text, /\r\ncontent-type: text\/plain;charset=utf-8\r\n/i);
    assert.match(ok.text, /\r\n0\r\n\r\n$/, "the chunked body ends cleanly");
    assert.equal(dechunk(ok.text), "Hello, world");
    // Raised before the generator is returned: a normal error response.
    const denied = await getPage(s.base + "/thing");
    assert.equal(denied.status, 404);
    assert.match(denied.body, /<p>The path '\/thing' was not found\.<\/p>/);
    // Without response.stream, the same generator is collected first.
    const buffered = await getPage(s.base + "/buffered");
    assert.equal(buffered.body, "Hello, world");
    assert.equal(buffered.headers.get("content-length"), "12");
  } finally {
    await s.stop();
  }
});

test("streaming (§5.4): each part goes out when yielded; an error mid-stream cuts the response", async () => {
  const s = await serveRoot(new Root());
  try {
    const conn = await rawConnect(s.port);
    try {
      conn.write(get("/countdown?interval=0.3"));
      await conn.waitFor(/3\.\.\.\n/);
      assert.match(conn.text(), /^HTTP\/1\.1 200 OK\r\n/);
      assert.doesNotMatch(conn.text(), /liftoff/, "the rest is not produced yet");
      await conn.closed;
      assert.equal(dechunk(conn.text()), "3...\n2...\n1...\nliftoff!\n");
    } finally {
      conn.destroy();
    }
    const broken = await rawExchange(s.port, get("/broken"));
    assert.match(broken.text, /^HTTP\/1\.1 200 OK[\s\S]*partial /);
    assert.ok(broken.closed, "the server closes the connection");
    assert.doesNotMatch(broken.text, /\r\n0\r\n\r\n$/, "the chunked body never ends");
  } finally {
    await s.stop();
  }
});
