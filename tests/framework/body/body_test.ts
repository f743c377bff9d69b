import { test } from "node:test";
import assert from "node:assert/strict";
import {
  type Entity,
  HTTPError,
  Part,
  PayloadTooLargeError,
  platform,
  RequestBody,
  RequestTimeoutError,
} from "../../../mod.ts";
import {
  BodyFile,
  PartReader,
  processMultipart,
  SizedReader,
} from "../../../framework/body/mod.ts";
import { concatBytes } from "../../../framework/http/_bytes.ts";
import { HeaderMap } from "../../../framework/http/mod.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const bytes = (s: string | Uint8Array) => typeof s === "string" ? enc.encode(s) : s;

/** A body source yielding `chunks`; `pulls` counts the chunks taken. */
function source(chunks: Array<string | Uint8Array>) {
  const state = { pulls: 0 };
  async function* gen() {
    for (const c of chunks) {
      state.pulls++;
      yield bytes(c);
    }
  }
  return { iterable: gen(), state };
}

/** Splits `data` into chunks of `size` bytes. */
function split(data: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < data.length; i += size) out.push(data.subarray(i, i + size));
  return out;
}

interface BodyOptions {
  contentType?: string | null;
  chunks?: Array<string | Uint8Array>;
  chunked?: boolean;
  query?: Record<string, unknown>;
  maxbytes?: number;
  headers?: Array<[string, string]>;
}

function makeBody(data: string | Uint8Array, o: BodyOptions = {}) {
  const raw = bytes(data);
  const headers = new HeaderMap(o.headers ?? []);
  if (o.contentType !== null) {
    headers.set("Content-Type", o.contentType ?? "application/x-www-form-urlencoded");
  }
  if (o.chunked) headers.set("Transfer-Encoding", "chunked");
  else headers.set("Content-Length", String(raw.length));
  const src = source(o.chunks ?? [raw]);
  const requestParams: Record<string, unknown> = o.query ?? Object.create(null);
  const body = new RequestBody(src.iterable, headers, { requestParams, method: "POST" });
  if (o.maxbytes !== undefined) body.maxbytes = o.maxbytes;
  return { body, requestParams, state: src.state };
}

async function rejectsWith(p: Promise<unknown>, code: number, message?: string | RegExp) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof HTTPError, `expected an HTTPError, got ${e}`);
    assert.equal(e.code, code);
    if (typeof message === "string") assert.equal(e.errorMessage, message);
    else if (message) assert.match(e.errorMessage, message);
    return true;
  });
}

const plain = (o: object) => JSON.parse(JSON.stringify(o));

// ---- urlencoded ------------------------------------------------------------------------------

test("body: urlencoded pairs split on & and ;, + is a space, repeats become arrays", async () => {
  const { body, requestParams } = makeBody("a=1&b=2;a=3&c&=x&e=%C3%A9+x&&;;");
  await body.process();
  assert.deepEqual(plain(requestParams), { a: ["1", "3"], b: "2", c: "", "": "x", e: "é x" });
  assert.deepEqual([...body.paramNames].sort(), ["", "a", "b", "c", "e"]);
  assert.equal(body.charset, "utf-8");
});

test("body: body params merge into the query's, flattened", async () => {
  const { body, requestParams } = makeBody("a=1&a=3&b=2", { query: { a: "0", q: "x" } });
  await body.process();
  // CherryPy 18.8 nests the list: {"a": ["0", ["1", "3"]]}; flattened here.
  assert.deepEqual(plain(requestParams), { a: ["0", "1", "3"], q: "x", b: "2" });
  assert.deepEqual([...body.paramNames].sort(), ["a", "b"]);
  assert.deepEqual(plain(body.params), { a: ["1", "3"], b: "2" });
});

test("body: urlencoded percent-escapes are decoded as CherryPy does", async () => {
  // Real CherryPy 18.8: '%zz' -> 'zz', '%2+' -> '\x02', '%+4' -> '\x04', '%4%41' -> '\x04A'.
  const { body, requestParams } = makeBody("f=%zz&a=%2+&b=%+4&c=%4%41&d=%");
  await body.process();
  assert.deepEqual(plain(requestParams), { f: "zz", a: "\x02", b: "\x04", c: "\x04A", d: "" });
});

test("body: urlencoded keys that name Object.prototype members stay plain params", async () => {
  const { body, requestParams } = makeBody("__proto__=x&constructor=y&toString=z");
  await body.process();
  assert.equal(Object.getPrototypeOf(requestParams), null);
  assert.equal(requestParams["__proto__"], "x");
  assert.equal(requestParams["constructor"], "y");
});

test("body: undecodable urlencoded body is a 400 naming the charsets", async () => {
  await rejectsWith(
    makeBody("a=%FF").body.process(),
    400,
    "The request entity could not be decoded. The following charsets were attempted: ['utf-8']",
  );
  const latin = makeBody("a=%FF", {
    contentType: "application/x-www-form-urlencoded; charset=latin-1",
  });
  await latin.body.process();
  assert.deepEqual(plain(latin.requestParams), { a: "ÿ" });
  assert.equal(latin.body.charset, "latin-1");
  assert.deepEqual(latin.body.attempt_charsets, ["latin-1", "utf-8"]);
  // An unknown charset cannot decode anything (CherryPy answers 500 here).
  await rejectsWith(
    makeBody("a=%FF", { contentType: 'application/x-www-form-urlencoded; charset="bogus"' }).body
      .process(),
    400,
    /\['bogus', 'utf-8'\]$/,
  );
  const fallback = makeBody("a=%E9t%E9");
  fallback.body.attempt_charsets = ["utf-8", "iso-8859-1"];
  await fallback.body.process();
  assert.deepEqual(plain(fallback.requestParams), { a: "été" });
  assert.equal(fallback.body.charset, "iso-8859-1");
});

test("body: us-ascii and latin-1 are Python's, not windows-1252", async () => {
  const { body } = makeBody(new Uint8Array([0x80]), { contentType: "text/plain" });
  body.attempt_charsets = ["us-ascii", "latin-1"];
  assert.equal(await body.text(), "\u0080");
  assert.equal(body.charset, "latin-1");
});

// ---- other types, raw bodies -----------------------------------------------------------------

test("body: without a Content-Type the body is not parsed and stays readable", async () => {
  const { body, requestParams } = makeBody("a=1", { contentType: null });
  await body.process();
  assert.deepEqual(plain(requestParams), {});
  assert.equal(dec.decode(await body.read()), "a=1");
});

test("body: unknown types are left for the handler: read(size), readline, text", async () => {
  const { body } = makeBody("line one\nline two", {
    contentType: "application/octet-stream",
    chunks: ["li", "ne one\nli", "ne two"],
  });
  await body.process();
  assert.equal(dec.decode(await body.read(4)), "line");
  assert.equal(dec.decode(await body.readline()), " one\n");
  assert.equal(await body.text(), "line two");
  assert.equal(await body.text(), "line two"); // kept in value
});

test("body: text/* bodies may also decode as ISO-8859-1", async () => {
  const { body } = makeBody(new Uint8Array([0x63, 0x61, 0x66, 0xe9]), {
    contentType: "text/plain",
  });
  assert.deepEqual(body.attempt_charsets, ["utf-8", "ISO-8859-1"]);
  assert.equal(await body.text(), "café");
  assert.equal(body.charset, "ISO-8859-1");
});

test("body: readIntoFile streams the raw body to a temporary file; cleanup removes it", async () => {
  const data = new Uint8Array(5000).map((_, i) => i % 251);
  const { body } = makeBody(data, { contentType: "image/png", chunks: split(data, 700) });
  const file = await body.readIntoFile();
  assert.ok(file.path);
  assert.equal(file.size, 5000);
  assert.deepEqual(await platform.readFile(file.path), data);
  await body.cleanup();
  assert.equal(await platform.stat(file.path), null);
});

// ---- processors ------------------------------------------------------------------------------

test("body: custom processors by full type, then major type, else default_proc", async () => {
  const seen: string[] = [];
  const json = makeBody('{"x": [1, 2]}', { contentType: "application/json" });
  json.body.processors["application/json"] = async (entity: Entity) => {
    entity.params["doc"] = JSON.parse(await entity.text());
  };
  await json.body.process();
  assert.deepEqual(plain(json.requestParams), { doc: { x: [1, 2] } });

  const image = makeBody("GIF89a", { contentType: "image/gif" });
  image.body.processors["image"] = async (entity) => {
    seen.push(`${entity.content_type.value}:${(await entity.read()).length}`);
  };
  await image.body.process();
  assert.deepEqual(seen, ["image/gif:6"]);

  const other = makeBody("x", { contentType: "text/csv" });
  other.body.default_proc = (entity) => {
    seen.push(`default ${entity.content_type}`);
  };
  await other.body.process();
  assert.deepEqual(seen, ["image/gif:6", "default text/csv"]);
});

test("body: default_proc may be an error to raise; processors may be replaced wholesale", async () => {
  const { body } = makeBody("a=1");
  body.processors = {};
  body.default_proc = new HTTPError(415, "Expected an application/json content type");
  await rejectsWith(body.process(), 415, "Expected an application/json content type");
});

test("body: processor lookup ignores the case of the media type", async () => {
  const { body, requestParams } = makeBody("a=1", {
    contentType: "Application/X-WWW-Form-Urlencoded",
  });
  await body.process();
  assert.deepEqual(plain(requestParams), { a: "1" });
});

test("body: a type named like an Object member finds no processor", async () => {
  const { body } = makeBody("x", { contentType: "constructor/toString" });
  await body.process();
  assert.equal(dec.decode(await body.read()), "x");
});

// ---- limits ----------------------------------------------------------------------------------

test("body: 411 without Content-Length or Transfer-Encoding", async () => {
  const headers = new HeaderMap([["Content-Type", "application/x-www-form-urlencoded"]]);
  const body = new RequestBody(null, headers, { requestParams: {}, method: "POST" });
  await rejectsWith(body.process(), 411);
  const chunked = makeBody("a=1", { chunked: true });
  await chunked.body.process();
  assert.deepEqual(plain(chunked.requestParams), { a: "1" });
});

test("body: a Content-Length over maxbytes is a 413 before anything is read", async () => {
  const { body, state } = makeBody("a=" + "x".repeat(200), { maxbytes: 100 });
  await rejectsWith(body.process(), 413);
  assert.equal(state.pulls, 0);
});

test("body: a chunked body over maxbytes is a 413 once the limit is passed", async () => {
  const { body, state } = makeBody("a=" + "x".repeat(148), {
    chunked: true,
    maxbytes: 100,
    chunks: ["a=" + "x".repeat(48), "x".repeat(40), "x".repeat(40), "x".repeat(20)],
  });
  await rejectsWith(body.process(), 413);
  assert.equal(state.pulls, 3, "nothing read after the chunk that crossed the limit");
  await rejectsWith(body.read(), 413); // and it stays failed
});

test("body: maxbytes only limits what is read (unparsed bodies pass)", async () => {
  const { body } = makeBody("x".repeat(200), { contentType: "text/plain", maxbytes: 100 });
  await body.process();
  const ok = makeBody("a=" + "x".repeat(20), { maxbytes: 100 });
  await ok.body.process();
});

test("body: the server's size limit and stall timeout become 413 and 408", async () => {
  async function* tooLarge() {
    yield enc.encode("a=1");
    throw new PayloadTooLargeError(1000);
  }
  const headers = new HeaderMap([
    ["Content-Type", "application/x-www-form-urlencoded"],
    ["Transfer-Encoding", "chunked"],
  ]);
  await rejectsWith(
    new RequestBody(tooLarge(), headers).process(),
    413,
    "Maximum request length: 1000",
  );
  async function* stalled(): AsyncGenerator<Uint8Array> {
    yield enc.encode("a=1");
    throw new RequestTimeoutError(10);
  }
  await rejectsWith(new RequestBody(stalled(), headers).process(), 408);
});

test("body: reading stops at Content-Length; a short body ends early", async () => {
  const headers = new HeaderMap([["Content-Type", "text/plain"], ["Content-Length", "3"]]);
  const body = new RequestBody(source(["abcdef"]).iterable, headers);
  assert.equal(dec.decode(await body.read()), "abc");
  const short = new HeaderMap([["Content-Type", "application/x-www-form-urlencoded"], [
    "Content-Length",
    "10",
  ]]);
  const params: Record<string, unknown> = {};
  await new RequestBody(source(["a=1"]).iterable, short, { requestParams: params }).process();
  assert.deepEqual(plain(params), { a: "1" });
});

test("body: SizedReader.readline and read(size) across chunk edges", async () => {
  const reader = new SizedReader(source(["ab", "c\nde", "f\n", "g"]).iterable, null, null);
  assert.equal(dec.decode(await reader.readline()), "abc\n");
  assert.equal(dec.decode(await reader.readline(2)), "de");
  assert.equal(dec.decode(await reader.read(3)), "f\ng");
  assert.equal((await reader.read()).length, 0);
  assert.equal(reader.done, true);
});

test("body: BodyFile in memory and on disk", async () => {
  const mem = BodyFile.fromBytes(enc.encode("ab"), enc.encode("c"));
  assert.equal(mem.path, null);
  assert.equal(mem.size, 3);
  assert.equal(await mem.text(), "abc");
  const disk = await BodyFile.temporary();
  await disk.write(enc.encode("hello "));
  await disk.write(enc.encode("world"));
  assert.equal(disk.size, 11);
  assert.equal(await disk.text(), "hello world");
  const chunks: Uint8Array[] = [];
  for await (const c of disk.stream()) chunks.push(c);
  assert.equal(dec.decode(concatBytes(chunks)), "hello world");
  await disk.remove();
  assert.equal(await platform.stat(disk.path!), null);
  await disk.remove(); // twice is fine
});

// ---- PartReader ------------------------------------------------------------------------------

test("body: PartReader stops at the boundary and leaves the rest", async () => {
  const parent = new SizedReader(source(["one\r\ntwo\r\n--b\r\nrest"]).iterable, null, null);
  const part = new PartReader(parent, enc.encode("--b"));
  assert.equal(dec.decode(await part.read()), "one\r\ntwo");
  assert.equal(part.final, false);
  assert.equal(dec.decode(await parent.read()), "rest");
  const empty = new PartReader(
    new SizedReader(source(["--b--"]).iterable, null, null),
    enc.encode("--b"),
  );
  assert.equal((await empty.read()).length, 0);
  assert.equal(empty.final, true);
  const truncated = new PartReader(
    new SizedReader(source(["abc\r\n--"]).iterable, null, null),
    enc.encode("--b"),
  );
  await rejectsWith(truncated.read(), 400, "Illegal end of multipart body.");
});

test("body: processMultipart keeps every part when installed for a type", async () => {
  const { body, requestParams } = makeBody(
    "--b\r\nContent-Type: text/plain\r\n\r\nA\r\n--b\r\n\r\nB\r\n--b--\r\n",
    { contentType: "multipart/related; boundary=b" },
  );
  body.processors["multipart"] = processMultipart;
  await body.process();
  assert.deepEqual(plain(requestParams), {});
  assert.deepEqual(body.parts.map((p) => dec.decode(p.value!)), ["A", "B"]);
  assert.ok(body.parts.every((p) => p instanceof Part));
});
