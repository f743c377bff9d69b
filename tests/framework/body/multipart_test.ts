import { test } from "node:test";
import assert from "node:assert/strict";
import { HTTPError, Part, platform, RequestBody } from "../../../mod.ts";
import { HeaderMap } from "../../../framework/http/mod.ts";

const enc = new TextEncoder();
const bytes = (s: string | Uint8Array) => typeof s === "string" ? enc.encode(s) : s;
const latin1 = (b: Uint8Array) => String.fromCharCode(...b);

function makeBody(
  data: string | Uint8Array,
  contentType: string,
  chunks?: Uint8Array[],
  options: { chunked?: boolean; maxbytes?: number } = {},
) {
  const raw = bytes(data);
  const headers = new HeaderMap([["Content-Type", contentType]]);
  if (options.chunked) headers.set("Transfer-Encoding", "chunked");
  else headers.set("Content-Length", String(raw.length));
  async function* gen() {
    yield* chunks ?? [raw];
  }
  const requestParams: Record<string, unknown> = Object.create(null);
  const body = new RequestBody(gen(), headers, { requestParams, method: "POST" });
  if (options.maxbytes !== undefined) body.maxbytes = options.maxbytes;
  return { body, requestParams };
}

/** Parts described as the CherryPy comparison script prints them. */
async function desc(v: unknown): Promise<unknown> {
  if (Array.isArray(v)) return await Promise.all(v.map(desc));
  if (!(v instanceof Part)) return v;
  return {
    name: v.name,
    filename: v.filename,
    ct: String(v.content_type),
    value: v.value === null ? null : latin1(v.value),
    file: v.file === null ? null : latin1(await v.file.read()),
    parts: await desc(v.parts),
    headers: v.headers.toObject(),
  };
}

async function run(data: string | Uint8Array, contentType = FORM, chunks?: Uint8Array[]) {
  const { body, requestParams } = makeBody(data, contentType, chunks);
  try {
    await body.process();
    const params: Record<string, unknown> = {};
    for (const k of Object.keys(requestParams)) params[k] = await desc(requestParams[k]);
    return { params, parts: await desc(body.parts), body };
  } finally {
    await body.cleanup();
  }
}

async function rejects(data: string | Uint8Array, code: number, message: string | RegExp) {
  const { body } = makeBody(data, FORM);
  await assert.rejects(body.process(), (e: unknown) => {
    assert.ok(e instanceof HTTPError, String(e));
    assert.equal(e.code, code);
    if (typeof message === "string") assert.equal(e.errorMessage, message);
    else assert.match(e.errorMessage, message);
    return true;
  });
  await body.cleanup();
}

const FORM = "multipart/form-data; boundary=XyZ";
const mp = (...parts: string[]) => parts.map((p) => `--XyZ\r\n${p}\r\n`).join("") + "--XyZ--\r\n";
const field = (name: string, value: string) =>
  `Content-Disposition: form-data; name="${name}"\r\n\r\n${value}`;

// Expected values below are what CherryPy 18.8 gives for the same bytes.

test("multipart: fields become strings, uploads Parts, repeats arrays", async () => {
  const { params, parts } = await run(mp(
    field("a", "hello"),
    'Content-Disposition: form-data; name="f"; filename="x.txt"\r\nContent-Type: text/plain\r\n\r\nfile data',
    field("a", "second"),
  ));
  assert.deepEqual(params, {
    a: ["hello", "second"],
    f: {
      name: "f",
      filename: "x.txt",
      ct: "text/plain",
      value: null,
      file: "file data",
      parts: [],
      headers: {
        "Content-Disposition": 'form-data; name="f"; filename="x.txt"',
        "Content-Type": "text/plain",
      },
    },
  });
  assert.deepEqual(parts, []);
});

test("multipart: unnamed form-data parts stay in body.parts; empty fields are ''", async () => {
  const { params, parts } = await run(mp("Content-Type: text/plain\r\n\r\nnoname", field("e", "")));
  assert.deepEqual(params, { e: "" });
  assert.deepEqual(parts, [{
    name: null,
    filename: null,
    ct: "text/plain",
    value: "noname",
    file: null,
    parts: [],
    headers: { "Content-Type": "text/plain" },
  }]);
});

test("multipart: other multipart types give every part as a param, unnamed ones as 'parts'", async () => {
  const { params } = await run(
    mp("Content-Type: text/plain\r\n\r\nnoname", field("e", "val")),
    "multipart/mixed; boundary=XyZ",
  );
  assert.deepEqual(params, { parts: "noname", e: "val" });
});

test("multipart: CherryPy's leniencies (LF lines, preamble, padding, quotes, look-alikes)", async () => {
  const lf = await run(
    '--XyZ\nContent-Disposition: form-data; name="e"\r\n\r\nval\nline2\n--XyZ--\n',
  );
  assert.deepEqual(lf.params, { e: "val\nline2" });
  const padded = await run(
    "preamble\r\n--XyZ  \r\n" + field("e", "val") + "\r\n--XyZ--  \r\nepilogue",
  );
  assert.deepEqual(padded.params, { e: "val" });
  const quoted = await run(mp(field("e", "v")), 'multipart/form-data; boundary="XyZ"');
  assert.deepEqual(quoted.params, { e: "v" });
  const alike = await run(mp(field("e", "v\r\n--XyZa\r\n--XyZ--x\r\nend")));
  assert.deepEqual(alike.params, { e: "v\r\n--XyZa\r\n--XyZ--x\r\nend" });
  assert.deepEqual((await run("", FORM)).params, {});
  assert.deepEqual((await run("--XyZ--\r\n", FORM)).params, {});
  const folded = await run(
    mp('Content-Disposition: form-data;\r\n name="e"\r\nX-A: 1\r\nX-A: 2\r\n\r\nv'),
  );
  assert.deepEqual(folded.params, {});
  assert.deepEqual((folded.parts as Array<{ headers: unknown }>)[0]!.headers, {
    "Content-Disposition": 'form-data;, name="e"',
    "X-A": "1, 2",
  });
  // Ending right after a boundary line: accepted (CherryPy accepts "--XyZ" without CRLF).
  assert.deepEqual((await run(`--XyZ\r\n${field("a", "v")}\r\n--XyZ`)).params, { a: "v" });
  assert.deepEqual((await run(`--XyZ\r\n${field("a", "v")}\r\n--XyZ\r\n`)).params, { a: "v" });
});

test("multipart: filenames (quoted, filename*, UTF-8, empty)", async () => {
  const star = await run(mp(
    "Content-Disposition: form-data; name=\"f\"; filename*=UTF-8''caf%C3%A9.txt\r\n\r\nx",
  ));
  assert.equal((star.params.f as { filename: string }).filename, "café.txt");
  const utf8 = await run(
    mp('Content-Disposition: form-data; name="é"; filename="café.txt"\r\n\r\nx'),
  );
  // CherryPy decodes part headers as ISO-8859-1 ("cafÃ©.txt"); UTF-8 is tried first here.
  assert.equal((utf8.params["é"] as { filename: string }).filename, "café.txt");
  const escaped = await run(
    mp('Content-Disposition: form-data; name=a; filename=x\\"y.txt\r\n\r\nq'),
  );
  assert.equal((escaped.params.a as { filename: string }).filename, 'x\\"y.txt');
  const empty = await run(mp('Content-Disposition: form-data; name="a"; filename=""\r\n\r\n'));
  // An empty file input: a Part with an empty file (CherryPy: value b"" and no file).
  assert.deepEqual(
    [(empty.params.a as { filename: string }).filename, (empty.params.a as { file: string }).file],
    ["", ""],
  );
  const bad = await run(mp('Content-Disposition: form-data; name="a"; filename*=bad\r\n\r\nq'));
  assert.equal(bad.params.a, "q"); // a malformed filename* is ignored (CherryPy: 500)
});

test("multipart: field charsets (us-ascii, utf-8, or the part's own)", async () => {
  const raw = new Uint8Array([
    ...bytes(`--XyZ\r\n${field("e", "")}`),
    0xff,
    ...bytes("\r\n--XyZ--"),
  ]);
  await rejects(
    raw,
    400,
    "The request entity could not be decoded. The following charsets were attempted: " +
      "['us-ascii', 'utf-8']",
  );
  const own = new Uint8Array([
    ...bytes(
      '--XyZ\r\nContent-Disposition: form-data; name="e"\r\nContent-Type: text/plain; charset=latin-1\r\n\r\n',
    ),
    0xff,
    ...bytes("\r\n--XyZ--"),
  ]);
  assert.deepEqual((await run(own)).params, { e: "ÿ" });
  assert.deepEqual((await run(mp(field("e", "café")))).params, { e: "café" });
});

test("multipart: a nested multipart/mixed part keeps its parts (CherryPy answers 500)", async () => {
  const inner = '--IN\r\nContent-Disposition: file; filename="a.txt"\r\n\r\nAAA\r\n' +
    '--IN\r\nContent-Disposition: file; filename="b.txt"\r\n\r\nBBB\r\n--IN--';
  const { params } = await run(mp(
    field("x", "xx"),
    'Content-Disposition: form-data; name="files"\r\nContent-Type: multipart/mixed; boundary=IN\r\n\r\n' +
      inner,
    field("y", "yy"),
  ));
  assert.equal(params.x, "xx");
  assert.equal(params.y, "yy");
  const files = params.files as { parts: Array<{ filename: string; file: string }> };
  assert.deepEqual(files.parts.map((p) => [p.filename, p.file]), [["a.txt", "AAA"], [
    "b.txt",
    "BBB",
  ]]);
});

test("multipart: malformed bodies are 400s with a clear message", async () => {
  const part = field("e", "val");
  await rejects(`--XyZ\r\n${part}`, 400, "Illegal end of multipart body.");
  await rejects(`--XyZ\r\n${part}\r\n--XyZ\r\nContent-Dispo`, 400, "Illegal end of headers.");
  await rejects(`--XyZ\r\nContent-Disposition: x\n\r\nv\r\n--XyZ--`, 400, /CRLF/);
  await rejects(`--XyZ\r\nGarbage\r\n\r\nv\r\n--XyZ--`, 400, /Illegal multipart header line/);
  await rejects(`--XyZ\r\n x: y\r\n\r\nv\r\n--XyZ--`, 400, /continuation/);
  const { body } = makeBody(mp(part), "multipart/form-data");
  await assert.rejects(body.process(), /Invalid boundary in multipart form: ''/);
  const long = makeBody(mp(part), `multipart/form-data; boundary=${"x".repeat(202)}`);
  await assert.rejects(long.body.process(), /Invalid boundary/);
});

test("multipart: the boundary may be split anywhere across chunks", async () => {
  const data = bytes(
    "pre\r\n--XyZ\r\n" + field("a", "x\r\n--XyZa\r\n-") + "\r\n--XyZ \r\n" +
      'Content-Disposition: form-data; name="f"; filename="f.bin"\r\n\r\n\r\n\r\r\n--Xy\n' +
      "\r\n--XyZ\r\n" + field("b", "") + "\r\n--XyZ\n" + field("a", "\n") + "\n--XyZ--\r\nepi",
  );
  const expected = await run(data);
  assert.deepEqual(expected.params, {
    a: ["x\r\n--XyZa\r\n-", "\n"],
    b: "",
    f: {
      name: "f",
      filename: "f.bin",
      ct: "text/plain",
      value: null,
      file: "\r\n\r\r\n--Xy\n",
      parts: [],
      headers: { "Content-Disposition": 'form-data; name="f"; filename="f.bin"' },
    },
  });
  for (let k = 0; k <= data.length; k++) {
    const got = await run(data, FORM, [data.subarray(0, k), data.subarray(k)]);
    assert.deepEqual(got.params, expected.params, `split at ${k}`);
  }
  for (let size = 1; size <= 17; size++) {
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < data.length; i += size) chunks.push(data.subarray(i, i + size));
    assert.deepEqual((await run(data, FORM, chunks)).params, expected.params, `size ${size}`);
  }
});

test("multipart: content over maxrambytes goes to a temporary file, removed by cleanup", async () => {
  const big = "b".repeat(5000);
  const data = mp(
    field("small", "s"),
    field("long", "l".repeat(1500)),
    'Content-Disposition: form-data; name="tiny"; filename="t.txt"\r\n\r\ntiny',
    'Content-Disposition: form-data; name="up"; filename="u.bin"\r\n' +
      "Content-Type: application/octet-stream\r\n\r\n" + big,
  );
  const raw = bytes(data);
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < raw.length; i += 512) chunks.push(raw.subarray(i, i + 512));
  const { body, requestParams } = makeBody(raw, FORM, chunks);
  await body.process();
  assert.equal(requestParams.small, "s");
  assert.equal(requestParams.long, "l".repeat(1500));
  const tiny = requestParams.tiny as Part;
  assert.equal(tiny.file!.path, null);
  assert.equal(await tiny.file!.text(), "tiny");
  const up = requestParams.up as Part;
  assert.equal(String(up.content_type), "application/octet-stream");
  assert.equal(up.file!.size, 5000);
  const path = up.file!.path!;
  assert.equal((await platform.stat(path))?.size, 5000);
  let streamed = 0;
  for await (const c of up.file!.stream()) streamed += c.length;
  assert.equal(streamed, 5000);
  assert.equal(await up.file!.text(), big);
  assert.equal(body.tempFiles.size, 2); // "long" and "up"
  const paths = [...body.tempFiles].map((f) => f.path!);
  await body.cleanup();
  for (const p of paths) assert.equal(await platform.stat(p), null);
});

test("multipart: a custom part_class changes where parts go", async () => {
  class DiskPart extends Part {
    static override maxrambytes = 0;
  }
  const { body, requestParams } = makeBody(
    mp('Content-Disposition: form-data; name="f"; filename="a"\r\n\r\nabc'),
    FORM,
  );
  body.part_class = DiskPart;
  await body.process();
  const f = requestParams.f as Part;
  assert.ok(f instanceof DiskPart);
  assert.ok(f.file!.path !== null);
  await body.cleanup();
});

test("multipart: 413 while an upload is being written; its temporary file is removed", async () => {
  const raw = bytes(
    mp('Content-Disposition: form-data; name="f"; filename="a"\r\n\r\n' + "z".repeat(5000)),
  );
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < raw.length; i += 500) chunks.push(raw.subarray(i, i + 500));
  const { body } = makeBody(raw, FORM, chunks, { chunked: true, maxbytes: 3000 });
  await assert.rejects(body.process(), (e: unknown) => e instanceof HTTPError && e.code === 413);
  const paths = [...body.tempFiles].map((f) => f.path!);
  assert.equal(paths.length, 1);
  await body.cleanup();
  assert.equal(await platform.stat(paths[0]!), null);
});

test("multipart: a large upload streams through in many chunks", async () => {
  const size = 3 * 1024 * 1024;
  const head = bytes('--XyZ\r\nContent-Disposition: form-data; name="f"; filename="big"\r\n\r\n');
  const tail = bytes("\r\n--XyZ--\r\n");
  const block = new Uint8Array(65536).map((_, i) => (i * 7) % 256);
  async function* gen() {
    yield head;
    for (let sent = 0; sent < size; sent += block.length) yield block;
    yield tail;
  }
  const headers = new HeaderMap([["Content-Type", FORM], ["Transfer-Encoding", "chunked"]]);
  const params: Record<string, unknown> = {};
  const body = new RequestBody(gen(), headers, { requestParams: params });
  await body.process();
  const f = params.f as Part;
  assert.equal(f.file!.size, size);
  const data = await f.file!.read();
  assert.equal(data[65536 + 1], 7);
  await body.cleanup();
});

test("multipart: a processor for a part type reads just that part", async () => {
  class JsonPart extends Part {
    static override processors = {
      ...Part.processors,
      "application/json": async (entity: import("../../../mod.ts").Entity) => {
        entity.params["doc"] = JSON.parse(await entity.text());
      },
    };
  }
  const { body, requestParams } = makeBody(
    mp(
      'Content-Disposition: form-data; name="meta"\r\nContent-Type: application/json\r\n\r\n{"k": 1}',
      field("after", "ok"),
    ),
    FORM,
  );
  body.part_class = JsonPart;
  await body.process();
  assert.equal(requestParams.after, "ok");
  assert.deepEqual(
    (requestParams.meta as Part).params,
    Object.assign(Object.create(null), {
      doc: { k: 1 },
    }),
  );
});
