import { test } from "node:test";
import assert from "node:assert/strict";
import { HTTPError, type NativeServer, Part, platform, RequestBody } from "../../../mod.ts";
import { HeaderMap } from "../../../framework/http/mod.ts";

/** Serves `RequestBody` over the runtime's native server and answers what it found. */
async function serveBodies(maxBodySize = 0): Promise<NativeServer> {
  return await platform.serve({
    hostname: "127.0.0.1",
    port: 0,
    maxBodySize,
    async handler(req) {
      const headers = new HeaderMap(req.headerEntries());
      const params: Record<string, unknown> = {};
      const body = new RequestBody(req.body(), headers, { requestParams: params, method: "POST" });
      const max = headers.get("X-Maxbytes");
      if (max !== null) body.maxbytes = Number(max);
      try {
        await body.process();
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(params)) {
          out[k] = v instanceof Part
            ? {
              filename: v.filename,
              type: v.content_type.value,
              size: v.file!.size,
              path: v.file!.path,
              head: new TextDecoder().decode((await v.file!.read()).subarray(0, 5)),
            }
            : v;
        }
        return { status: 200, headers: [], body: JSON.stringify(out) };
      } catch (e) {
        if (!(e instanceof HTTPError)) throw e;
        return { status: e.code, headers: [], body: e.errorMessage };
      } finally {
        await body.cleanup();
      }
    },
  });
}

test("body over HTTP: a browser-style form with a large file", async () => {
  const server = await serveBodies();
  try {
    const form = new FormData();
    form.append("title", "holiday ünïcode");
    const big = new Uint8Array(200_000).fill(0x41);
    form.append("photo", new Blob([big], { type: "image/jpeg" }), "beach.jpg");
    form.append("note", new Blob(["tiny"], { type: "text/plain" }), "n.txt");
    const res = await fetch(`http://127.0.0.1:${server.addr.port}/`, {
      method: "POST",
      body: form,
    });
    assert.equal(res.status, 200);
    const out = await res.json();
    assert.equal(out.title, "holiday ünïcode");
    assert.deepEqual(
      { ...out.photo, path: typeof out.photo.path },
      { filename: "beach.jpg", type: "image/jpeg", size: 200_000, path: "string", head: "AAAAA" },
    );
    assert.equal(await platform.stat(out.photo.path), null, "removed when the request ended");
    assert.deepEqual(out.note, {
      filename: "n.txt",
      type: "text/plain",
      size: 4,
      path: null,
      head: "tiny",
    });
  } finally {
    await server.shutdown();
  }
});

test("body over HTTP: urlencoded and chunked bodies", async () => {
  const server = await serveBodies();
  const url = `http://127.0.0.1:${server.addr.port}/`;
  try {
    const form = await fetch(url, {
      method: "POST",
      body: new URLSearchParams([["a", "1"], ["a", "2"], ["b", "é"]]),
    });
    assert.deepEqual(await form.json(), { a: ["1", "2"], b: "é" });
    const encoder = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode("x=1&"));
        controller.enqueue(encoder.encode("y=2"));
        controller.close();
      },
    });
    const chunked = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    assert.deepEqual(await chunked.json(), { x: "1", y: "2" });
  } finally {
    await server.shutdown();
  }
});

test("body over HTTP: request.body.maxbytes and the server's limit give 413", async () => {
  const server = await serveBodies(1000);
  const url = `http://127.0.0.1:${server.addr.port}/`;
  try {
    const declared = await fetch(url, {
      method: "POST",
      headers: { "X-Maxbytes": "100" },
      body: new URLSearchParams({ a: "x".repeat(500) }),
    });
    assert.equal(declared.status, 413);
    await declared.text();
    const big = new TextEncoder().encode("a=" + "x".repeat(5000));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < big.length; i += 500) controller.enqueue(big.subarray(i, i + 500));
        controller.close();
      },
    });
    const chunked = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: stream,
      duplex: "half",
    } as RequestInit).catch((e) => e as Error);
    // The server may close the connection while the client still sends.
    if (chunked instanceof Response) {
      assert.equal(chunked.status, 413);
      assert.equal(await chunked.text(), "Maximum request length: 1000");
    }
  } finally {
    await server.shutdown();
  }
});
