/**
 * The `gzip` tool beyond CherryPy's own tests: what it negotiates, which media types it
 * compresses, bodies unzipped by the real `gunzip`, streamed bodies compressed as they are
 * produced (each chunk readable at once, and never read ahead of a slow client), and Brotli and
 * Zstandard when offered.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as zlib from "node:zlib";
import * as cherrypy from "../../../mod.ts";
import { mimeTypeMatches, negotiate } from "../../../framework/tools/mod.ts";
import { type Served, serveRoot } from "../../_helpers.ts";
import { pipeThrough, rawGet, rawOpen } from "../../_raw_http.ts";

const { expose } = cherrypy;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const TEXT = Array.from({ length: 400 }, (_, i) => `line ${i}: the quick brown fox\n`).join("");
const BIG = "x".repeat(300 * 1024) + TEXT;

let release: (() => void) | null = null;
let pulled = 0;
let closed = false;

class Root {
  @expose
  index() {
    return TEXT;
  }

  @expose
  big() {
    return BIG;
  }

  @expose
  empty() {
    return "";
  }

  @expose
  @cherrypy.config({ "response.stream": true })
  *streamed() {
    for (let i = 0; i < 100; i++) yield `chunk ${i} ${"-".repeat(i)}\n`;
  }

  @expose
  @cherrypy.config({ "response.stream": true })
  async *progressive() {
    yield "first part\n";
    await new Promise<void>((resolve) => release = resolve);
    yield "second part\n";
  }

  @expose
  @cherrypy.config({ "response.stream": true, "tools.gzip.mime_types": ["application/*"] })
  endless() {
    cherrypy.response.headers.set("Content-Type", "application/octet-stream");
    return (async function* () {
      try {
        for (;;) {
          const chunk = new Uint8Array(65536);
          crypto.getRandomValues(chunk);
          pulled += 1;
          yield chunk;
        }
      } finally {
        closed = true;
      }
    })();
  }

  @expose
  readable() {
    return new Response(TEXT).body;
  }

  @expose
  async *asyncgen() {
    yield TEXT.slice(0, 100);
    await sleep(1);
    yield TEXT.slice(100);
  }

  @expose
  encoded() {
    cherrypy.response.headers.set("Content-Encoding", "gzip");
    return zlib.gzipSync(encoder.encode(TEXT));
  }

  @expose
  @cherrypy.config({ "tools.gzip.compress_level": 9 })
  best() {
    return TEXT;
  }

  @expose
  @cherrypy.config({ "tools.gzip.compress_level": 1 })
  fast() {
    return TEXT;
  }

  @expose
  @cherrypy.config({ "tools.gzip.compress_level": 12 })
  badlevel() {
    return TEXT;
  }

  @expose
  @cherrypy.config({ "tools.gzip.encodings": ["br", "zstd", "gzip"] })
  modern() {
    return TEXT;
  }

  @expose
  @cherrypy.config({
    "tools.gzip.encodings": ["zstd", "br", "gzip"],
    "response.stream": true,
  })
  *modern_stream() {
    for (let i = 0; i < 50; i++) yield `chunk ${i}\n`;
  }

  @expose
  @cherrypy.config({ "tools.gzip.encodings": ["deflate"] })
  badcoding() {
    return TEXT;
  }

  @expose
  json() {
    cherrypy.response.headers.set("Content-Type", "application/atom+xml");
    return TEXT;
  }
}

let served: Served;
before(async () => {
  served = await serveRoot(new Root(), {
    "/": { "tools.gzip.on": true },
    "/json": { "tools.gzip.mime_types": ["application/*+xml"] },
  });
});
after(() => served.stop());

const gz = { "Accept-Encoding": "gzip" };

test("gzip: negotiation follows CherryPy, and the RFC where CherryPy answers 406", () => {
  const g = ["gzip"] as const;
  const cases: Array<[string | null, ReturnType<typeof negotiate>]> = [
    [null, null],
    ["", null],
    ["gzip", "gzip"],
    ["x-gzip", "gzip"],
    ["identity", null],
    ["gzip, identity", null], // equal q: CherryPy's order puts identity first
    ["identity, gzip", null],
    ["gzip;q=0.5, identity;q=0.4", "gzip"],
    ["br, gzip", "gzip"],
    ["gzip;q=0", null],
    ["gzip;q=0, identity;q=0", null],
    ["gzip,deflate,", "gzip"],
    ["*;q=0", 406],
    ["identity;q=0", 406],
    ["identity;q=0, br", 406],
    // CherryPy answers these 406; identity is acceptable unless excluded (RFC 9110 12.5.3).
    ["br", null],
    ["deflate", null],
    ["*", "gzip"],
    ["GZIP", "gzip"],
  ];
  for (const [header, expected] of cases) {
    assert.equal(negotiate(header, g), expected, `Accept-Encoding: ${header}`);
  }
  // More codings offered: the client's q first, then the server's order.
  const all = ["br", "zstd", "gzip"] as const;
  assert.equal(negotiate("gzip, deflate, br, zstd", all), "br");
  assert.equal(negotiate("gzip, zstd", all), "zstd");
  assert.equal(negotiate("gzip;q=1, br;q=0.5", all), "gzip");
  assert.equal(negotiate("br;q=0, gzip", all), "gzip");
  assert.equal(negotiate("*;q=0.5, gzip;q=0.1", all), "br");
  assert.equal(negotiate("identity;q=0", all), 406);
  assert.throws(
    () => negotiate("gzip;q=x", g),
    (e) => e instanceof cherrypy.HTTPError && e.code === 400,
  );
});

test("gzip: mime_types, with type/* and type/*+suffix patterns", () => {
  const defaults = ["text/html", "text/plain"];
  assert.ok(mimeTypeMatches("text/html", defaults));
  assert.ok(!mimeTypeMatches("text/css", defaults));
  assert.ok(mimeTypeMatches("text/css", ["text/*"]));
  assert.ok(mimeTypeMatches("Text/CSS", ["text/*"]));
  assert.ok(mimeTypeMatches("application/atom+xml", ["application/*+xml"]));
  assert.ok(!mimeTypeMatches("application/xml", ["application/*+xml"]));
  assert.ok(!mimeTypeMatches("image/svg+xml", ["application/*+xml"]));
  assert.ok(mimeTypeMatches("image/jpeg", ["text/*", "image/*"]));
  assert.ok(!mimeTypeMatches("", ["text/*"]));
});

test("gzip: a page unzips to itself with the real gunzip", async () => {
  const res = await rawGet(served.port, "/", gz);
  assert.equal(res.status, 200);
  assert.equal(res.headers["content-encoding"], "gzip");
  assert.equal(res.headers["vary"], "Accept-Encoding");
  assert.equal(Number(res.headers["content-length"]), res.body.length);
  assert.ok(res.body.length < TEXT.length / 4, "compressed");
  // CherryPy's header: no flags, the time, XFL 0 at level 5, OS 255.
  assert.deepEqual([...res.body.subarray(0, 4)], [0x1f, 0x8b, 0x08, 0x00]);
  const mtime = new DataView(res.body.buffer, res.body.byteOffset).getUint32(4, true);
  assert.ok(Math.abs(mtime - Date.now() / 1000) < 60);
  assert.deepEqual([res.body[8], res.body[9]], [0, 255]);
  const out = await pipeThrough("gunzip", ["-c"], res.body);
  assert.equal(out.code, 0, out.stderr);
  assert.equal(decoder.decode(out.stdout), TEXT);
});

test("gzip: a large page is compressed off the main thread, still one gzip stream", async () => {
  const res = await rawGet(served.port, "/big", gz);
  assert.equal(res.headers["content-encoding"], "gzip");
  assert.equal(Number(res.headers["content-length"]), res.body.length);
  const out = await pipeThrough("gunzip", ["-c"], res.body);
  assert.equal(out.code, 0, out.stderr);
  assert.equal(decoder.decode(out.stdout), BIG);
});

test("gzip: levels 9 and 1 mark the header's XFL as CherryPy does", async () => {
  const best = await rawGet(served.port, "/best", gz);
  const fast = await rawGet(served.port, "/fast", gz);
  assert.equal(best.body[8], 2);
  assert.equal(fast.body[8], 4);
  for (const res of [best, fast]) {
    assert.equal(decoder.decode(zlib.gunzipSync(res.body)), TEXT);
  }
  const bad = await rawGet(served.port, "/badlevel", gz);
  assert.equal(bad.status, 500);
  assert.match(decoder.decode(bad.body), /tools\.gzip\.compress_level must be an integer/);
});

test("gzip: bodies that must be awaited (ReadableStream, async generator) when buffered", async () => {
  for (const path of ["/readable", "/asyncgen"]) {
    const res = await rawGet(served.port, path, gz);
    assert.equal(res.headers["content-encoding"], "gzip", path);
    assert.equal(Number(res.headers["content-length"]), res.body.length, path);
    const out = await pipeThrough("gunzip", ["-c"], res.body);
    assert.equal(out.code, 0, out.stderr);
    assert.equal(decoder.decode(out.stdout), TEXT, path);
  }
});

test("gzip: a streamed body is compressed as it streams, chunked, and gunzips", async () => {
  const res = await rawGet(served.port, "/streamed", gz);
  assert.equal(res.status, 200);
  assert.equal(res.headers["content-encoding"], "gzip");
  assert.equal(res.headers["transfer-encoding"], "chunked");
  assert.equal(res.headers["content-length"], undefined);
  const expected = Array.from({ length: 100 }, (_, i) => `chunk ${i} ${"-".repeat(i)}\n`).join("");
  const out = await pipeThrough("gunzip", ["-c"], res.body);
  assert.equal(out.code, 0, out.stderr);
  assert.equal(decoder.decode(out.stdout), expected);
});

test("gzip: each streamed chunk reaches the client compressed before the next is made", async () => {
  const res = await rawOpen(served.port, "/progressive", gz);
  assert.equal(res.headers["content-encoding"], "gzip");
  const received: Uint8Array[] = [];
  const partial = () => {
    const all = Buffer.concat(received);
    try {
      return zlib.gunzipSync(all, { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString();
    } catch {
      return "";
    }
  };
  const ended = new Promise<void>((resolve) => res.on("end", resolve));
  res.on("data", (c: Uint8Array) => {
    received.push(c);
    // The handler waits for this: the first part must be readable without the rest.
    if (release !== null && partial() === "first part\n") {
      release();
      release = null;
    }
  });
  await ended;
  const out = await pipeThrough("gunzip", ["-c"], Buffer.concat(received));
  assert.equal(out.code, 0, out.stderr);
  assert.equal(decoder.decode(out.stdout), "first part\nsecond part\n");
});

test("gzip: a streamed body is not read ahead of a client that stops reading", async () => {
  pulled = 0;
  closed = false;
  const res = await rawOpen(served.port, "/endless", gz);
  assert.equal(res.headers["content-encoding"], "gzip");
  res.pause();
  // The producer runs until the socket's buffers are full, then waits for the client.
  let last = -1;
  let steady = 0;
  for (let i = 0; i < 100 && steady < 4; i++) {
    await sleep(100);
    steady = pulled === last ? steady + 1 : 0;
    last = pulled;
  }
  assert.equal(steady, 4, `the producer kept going: ${pulled} chunks of 64 KiB`);
  assert.ok(pulled > 0 && pulled < 512, `${pulled} chunks of 64 KiB read ahead`);
  // The client goes away: the producer is stopped.
  res.destroy();
  for (let i = 0; i < 50 && !closed; i++) await sleep(100);
  assert.ok(closed, "the generator was closed");
});

test("gzip: Vary always; empty, already encoded and other media types left alone", async () => {
  let res = await rawGet(served.port, "/empty", gz);
  assert.equal(res.headers["vary"], "Accept-Encoding");
  assert.equal(res.headers["content-encoding"], undefined);
  res = await rawGet(served.port, "/encoded", gz);
  assert.equal(res.headers["content-encoding"], "gzip");
  assert.equal(decoder.decode(zlib.gunzipSync(res.body)), TEXT, "not zipped twice");
  res = await rawGet(served.port, "/json", gz);
  assert.equal(res.headers["content-encoding"], "gzip", "application/*+xml");
  res = await rawGet(served.port, "/", {});
  assert.equal(res.headers["vary"], "Accept-Encoding");
  assert.equal(decoder.decode(res.body), TEXT);
  // HEAD: the headers of the compressed page, no body.
  res = await rawGet(served.port, "/", gz, "HEAD");
  assert.equal(res.headers["content-encoding"], "gzip");
  assert.ok(Number(res.headers["content-length"]) < TEXT.length / 4);
  assert.equal(res.body.length, 0);
  // Error pages are compressed too (before_finalize runs for HTTP errors).
  res = await rawGet(served.port, "/missing", gz);
  assert.equal(res.status, 404);
  assert.equal(res.headers["content-encoding"], "gzip");
  assert.match(decoder.decode(zlib.gunzipSync(res.body)), /404 Not Found/);
});

test("gzip: 406 names identity and the codings offered", async () => {
  let res = await rawGet(served.port, "/", { "Accept-Encoding": "identity;q=0" });
  assert.equal(res.status, 406);
  assert.match(decoder.decode(res.body), /<p>identity, gzip<\/p>/);
  assert.equal(res.headers["content-encoding"], undefined);
  res = await rawGet(served.port, "/modern", { "Accept-Encoding": "identity;q=0, deflate" });
  assert.equal(res.status, 406);
  const offered = ["br", "zstd"].filter((c) =>
    cherrypy.platform.compressionFormats().includes(c as "br")
  );
  assert.match(
    decoder.decode(res.body),
    new RegExp(`<p>identity, ${[...offered, "gzip"].join(", ")}</p>`),
  );
  res = await rawGet(served.port, "/badcoding", gz);
  assert.equal(res.status, 500);
  assert.match(
    decoder.decode(res.body),
    /tools\.gzip\.encodings must be a list of "gzip", "br" and "zstd"; got \["deflate"\]/,
  );
});

test("gzip: Brotli and Zstandard when offered, chosen by Accept-Encoding", async () => {
  const formats = cherrypy.platform.compressionFormats();
  const browser = { "Accept-Encoding": "gzip, deflate, br, zstd" };
  let res = await rawGet(served.port, "/", browser);
  assert.equal(res.headers["content-encoding"], "gzip", "gzip alone unless offered");
  if (formats.includes("br")) {
    res = await rawGet(served.port, "/modern", browser);
    assert.equal(res.headers["content-encoding"], "br");
    assert.equal(decoder.decode(zlib.brotliDecompressSync(res.body)), TEXT);
  }
  if (formats.includes("zstd")) {
    res = await rawGet(served.port, "/modern", { "Accept-Encoding": "zstd, gzip;q=0.5" });
    assert.equal(res.headers["content-encoding"], "zstd");
    assert.equal(decoder.decode(cherrypy.platform.decompressSync("zstd", res.body)), TEXT);
    const out = await pipeThrough("zstd", ["-d", "-c"], res.body).catch(() => null);
    if (out !== null) assert.equal(decoder.decode(out.stdout), TEXT); // the real zstd, if any
    res = await rawGet(served.port, "/modern_stream", browser);
    assert.equal(res.headers["content-encoding"], "zstd");
    const expected = Array.from({ length: 50 }, (_, i) => `chunk ${i}\n`).join("");
    assert.equal(decoder.decode(cherrypy.platform.decompressSync("zstd", res.body)), expected);
  }
  res = await rawGet(served.port, "/modern", { "Accept-Encoding": "gzip" });
  assert.equal(res.headers["content-encoding"], "gzip");
  assert.equal(decoder.decode(zlib.gunzipSync(res.body)), TEXT);
});

test("gzip: cherrypy.lib.encoding.compress and decompress", async () => {
  const parts: Uint8Array[] = [];
  for await (
    const chunk of cherrypy.lib.encoding.compress(["Hello, ", encoder.encode("world")], 9)
  ) {
    parts.push(chunk);
  }
  const zipped = Buffer.concat(parts);
  assert.equal(zipped[8], 2);
  assert.equal(decoder.decode(cherrypy.lib.encoding.decompress(zipped)), "Hello, world");
  const out = await pipeThrough("gunzip", ["-c"], zipped);
  assert.equal(decoder.decode(out.stdout), "Hello, world");
  assert.equal(cherrypy.lib.encoding.crc32(encoder.encode("hello")), 0x3610a686);
});
