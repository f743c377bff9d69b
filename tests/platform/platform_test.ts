import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  NotFoundError,
  type OutgoingResponse,
  platform,
  UnsupportedError,
} from "../../platform/mod.ts";
import { rawExchange } from "../_raw.ts";

test("platform: names the runtime it drives", () => {
  const expected = typeof (globalThis as { Deno?: unknown }).Deno === "object" ? "deno" : "node";
  assert.equal(platform.name, expected);
  assert.match(platform.version, /^\d+\.\d+\.\d+/);
});

test("platform: process facts", () => {
  assert.ok(platform.pid() > 0);
  assert.ok(Array.isArray(platform.args()));
  assert.ok(platform.execPath().length > 0);
  assert.ok(platform.execArgv().length > 0);
  assert.ok(platform.cwd().startsWith("/"));
});

test("platform: environment variables", () => {
  platform.setEnv("CHERRYPY_TS_TEST_VAR", "one");
  assert.equal(platform.getEnv("CHERRYPY_TS_TEST_VAR"), "one");
  assert.equal(platform.envObject()["CHERRYPY_TS_TEST_VAR"], "one");
  platform.deleteEnv("CHERRYPY_TS_TEST_VAR");
  assert.equal(platform.getEnv("CHERRYPY_TS_TEST_VAR"), undefined);
});

test("platform: isMain is false for a module that is not the program", () => {
  // (A test file itself is the main module under `node --test`, but not under `deno test`.)
  assert.equal(platform.isMain({ url: "file:///not/the/program.js" } as ImportMeta), false);
});

test("platform: files: write, read, stat, append, remove", async () => {
  const dir = await platform.makeTempDir("cherrypy-ts-");
  try {
    const path = join(dir, "a.txt");
    assert.equal(await platform.stat(path), null);
    assert.equal(platform.statSync(path), null);
    await platform.writeFile(path, "hello");
    assert.equal(await platform.readTextFile(path), "hello");
    platform.appendFileSync(path, " world");
    assert.equal(platform.readTextFileSync(path), "hello world");
    assert.deepEqual(await platform.readFile(path), new TextEncoder().encode("hello world"));
    assert.deepEqual(
      new Uint8Array(platform.readFileSync(path)),
      new TextEncoder().encode("hello world"),
    );
    // The size a stat gave, or a wrong one (the file grew or shrank since): the bytes as they are.
    for (const hint of [11, 0, 4, 12, 100]) {
      assert.deepEqual(
        new Uint8Array(platform.readFileSync(path, hint)),
        new TextEncoder().encode("hello world"),
        `size hint ${hint}`,
      );
    }
    const info = await platform.stat(path);
    assert.ok(info?.isFile);
    assert.equal(info?.size, 11);
    assert.ok(info?.mtime instanceof Date);
    assert.ok((await platform.stat(dir))?.isDirectory);
    platform.writeFileSync(path, new Uint8Array([104, 105]));
    assert.equal(await platform.readTextFile(path), "hi");
    await platform.remove(path);
    await platform.remove(path); // missing: no error
    platform.removeSync(path);
    await assert.rejects(platform.readTextFile(path), NotFoundError);
    assert.throws(() => platform.readTextFileSync(path), NotFoundError);
    assert.throws(() => platform.readFileSync(path), NotFoundError);
    assert.throws(() => platform.readFileSync(path, 5), NotFoundError);
  } finally {
    await platform.removeDir(dir);
  }
  assert.equal(await platform.stat(dir), null);
});

test("platform: temporary files: write, stream back, stop early, remove", async () => {
  const file = await platform.createTempFile("cp-test-");
  assert.match(file.path, /cp-test-/);
  const block = new Uint8Array(100_000).map((_, i) => i % 256);
  await file.write(block);
  await file.write(new Uint8Array([1, 2, 3]));
  await file.close();
  await file.close();
  assert.equal((await platform.stat(file.path))?.size, 100_003);
  let total = 0;
  let last = 0;
  for await (const chunk of platform.readFileChunks(file.path)) {
    total += chunk.length;
    last = chunk[chunk.length - 1]!;
  }
  assert.equal(total, 100_003);
  assert.equal(last, 3);
  for await (const chunk of platform.readFileChunks(file.path)) {
    assert.ok(chunk.length > 0);
    break; // the file is closed when iteration stops
  }
  await platform.remove(file.path);
  await assert.rejects(async () => {
    for await (const _ of platform.readFileChunks(file.path)) { /* nothing */ }
  }, NotFoundError);
});

test("platform: signals by name and number", () => {
  assert.ok(platform.hasSignal("SIGTERM"));
  assert.ok(!platform.hasSignal("SIGKILL"));
  assert.ok(!platform.hasSignal("SIGNOPE"));
  assert.equal(platform.signalNumber("SIGTERM"), 15);
  assert.equal(platform.signalName(10), "SIGUSR1");
  assert.throws(() => platform.addSignalListener("SIGNOPE", () => {}), UnsupportedError);
});

test("platform: a signal sent to this process reaches the listener, and removal works", async () => {
  let count = 0;
  const listener = () => count++;
  // Not SIGUSR2: Node 26's test runner makes its child write a diagnostic report on it.
  platform.addSignalListener("SIGWINCH", listener);
  try {
    platform.kill(platform.pid(), "SIGWINCH");
    for (let i = 0; i < 100 && count === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(count, 1);
  } finally {
    platform.removeSignalListener("SIGWINCH", listener);
  }
});

test("platform: async context follows awaits and isolates concurrent runs", async () => {
  const ctx = platform.createAsyncContext<number>();
  assert.equal(ctx.get(), undefined);
  const seen = await Promise.all(
    [1, 2, 3, 4, 5].map((n) =>
      ctx.run(n, async () => {
        await new Promise((r) => setTimeout(r, 10 * (6 - n)));
        await Promise.resolve();
        return ctx.get();
      })
    ),
  );
  assert.deepEqual(seen, [1, 2, 3, 4, 5]);
  assert.equal(ctx.run(7, () => ctx.get()), 7);
  assert.equal(ctx.get(), undefined);
});

test("platform: native HTTP serving on port 0 reports the bound port and stops", async () => {
  const server = await platform.serve({
    hostname: "127.0.0.1",
    port: 0,
    handler(req) {
      return {
        status: 201,
        statusText: "Made",
        headers: [["X-Target", req.target], ["X-Method", req.method], ["Set-Cookie", "a=1"], [
          "Set-Cookie",
          "b=2",
        ]],
        body: `${req.protocol} ${req.header("x-custom")} ${req.remoteAddress}`,
      };
    },
  });
  try {
    assert.equal(server.addr.transport, "tcp");
    assert.equal(server.addr.hostname, "127.0.0.1");
    assert.ok(server.addr.port > 0);
    const res = await fetch(`http://127.0.0.1:${server.addr.port}/a/b?c=d`, {
      headers: { "X-Custom": "yes" },
    });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get("x-target"), "/a/b?c=d");
    assert.equal(res.headers.get("x-method"), "GET");
    assert.deepEqual(res.headers.getSetCookie(), ["a=1", "b=2"]);
    assert.equal(await res.text(), "HTTP/1.1 yes 127.0.0.1");
  } finally {
    await server.shutdown();
  }
  await assert.rejects(fetch(`http://127.0.0.1:${server.addr.port}/`));
});

test("platform: request bodies, streamed responses and Fetch conversion", async () => {
  const server = await platform.serve({
    hostname: "127.0.0.1",
    port: 0,
    async handler(req) {
      if (req.target === "/fetch") {
        const r = req.toRequest();
        return new Response(`${r.method} ${new URL(r.url).pathname} ${await r.text()}`);
      }
      const chunks: Uint8Array[] = [];
      const body = req.body();
      if (body) { for await (const c of body) chunks.push(c); }
      const text = new TextDecoder().decode(
        chunks.length ? new Uint8Array(chunks.flatMap((c) => [...c])) : new Uint8Array(),
      );
      async function* stream() {
        yield new TextEncoder().encode("got:");
        yield new TextEncoder().encode(text);
      }
      return { status: 200, headers: [], body: stream() };
    },
  });
  const base = `http://127.0.0.1:${server.addr.port}`;
  try {
    const res = await fetch(base + "/", { method: "POST", body: "payload" });
    assert.equal(await res.text(), "got:payload");
    const res2 = await fetch(base + "/fetch", { method: "PUT", body: "x=1" });
    assert.equal(await res2.text(), "PUT /fetch x=1");
  } finally {
    await server.shutdown();
  }
});

test("platform: a throwing handler gives a plain 500 and onError sees the error", async () => {
  const errors: unknown[] = [];
  const server = await platform.serve({
    hostname: "127.0.0.1",
    port: 0,
    handler() {
      throw new Error("handler failed");
    },
    onError: (e) => errors.push(e),
  });
  try {
    const res = await fetch(`http://127.0.0.1:${server.addr.port}/`);
    assert.equal(res.status, 500);
    assert.equal(await res.text(), "Internal Server Error");
    assert.equal((errors[0] as Error).message, "handler failed");
  } finally {
    await server.shutdown();
  }
});

test("platform: binding a port in use fails", async () => {
  const first = await platform.serve({
    hostname: "127.0.0.1",
    port: 0,
    handler: () => ({ status: 200, headers: [], body: "" }),
  });
  try {
    await assert.rejects(platform.serve({
      hostname: "127.0.0.1",
      port: first.addr.port,
      handler: () => ({ status: 200, headers: [], body: "" }),
    }));
  } finally {
    await first.shutdown();
  }
});

test("platform: response heads: one Content-Length, a lone Content-Type, no body where none belongs", async () => {
  const responses: Record<string, OutgoingResponse> = {
    "/json": { status: 200, headers: [["Content-Type", "application/json"]], body: '{"a":1}' },
    "/length": {
      status: 200,
      headers: [["Content-Type", "text/html"], ["Content-Length", "5"], ["X-A", "b"]],
      body: new TextEncoder().encode("hello"),
    },
    "/created": { status: 201, headers: [["Content-Type", "text/plain"]], body: "made" },
    "/notmod": { status: 304, headers: [["Content-Type", "text/plain"]], body: "ignored" },
  };
  const server = await platform.serve({
    hostname: "127.0.0.1",
    port: 0,
    handler: (req) => responses[req.target]!,
  });
  try {
    const head = async (path: string) => {
      const { text } = await rawExchange(
        server.addr.port,
        `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
        2000,
      );
      const [head = "", body = ""] = text.split("\r\n\r\n");
      return { head: head.toLowerCase(), body };
    };
    const json = await head("/json");
    assert.match(json.head, /^http\/1\.1 200 ok\r\n/);
    assert.match(json.head, /\r\ncontent-type: application\/json\r\n/);
    assert.equal(json.head.match(/\r\ncontent-length: 7(\r\n|$)/g)?.length, 1);
    assert.equal(json.body, '{"a":1}');
    const length = await head("/length");
    assert.equal(length.head.match(/\r\ncontent-length: /g)?.length, 1);
    assert.match(length.head, /\r\ncontent-length: 5(\r\n|$)/);
    assert.match(length.head, /\r\nx-a: b(\r\n|$)/);
    assert.equal(length.body, "hello");
    const created = await head("/created");
    assert.match(created.head, /^http\/1\.1 201 created\r\n/);
    assert.match(created.head, /\r\ncontent-type: text\/plain(\r\n|$)/);
    assert.equal(created.body, "made");
    const notmod = await head("/notmod");
    assert.match(notmod.head, /^http\/1\.1 304 not modified\r\n/);
    assert.equal(notmod.body, "");
  } finally {
    await server.shutdown();
  }
});
