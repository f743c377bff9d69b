/**
 * examples/server/slow_site as a real process: raw-socket checks through the whole stack, and
 * the drain on SIGTERM.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { freePort, type Program, runProgram } from "../_helpers.ts";
import { rawConnect, rawExchange } from "../_raw.ts";

const GET = (path: string) => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`;

async function startSite(env: Record<string, string> = {}): Promise<[Program, number]> {
  const port = await freePort();
  const prog = runProgram("examples/server/slow_site", { PORT: String(port), ...env });
  await prog.waitFor(/Bus STARTED/);
  return [prog, port];
}

test("slow_site: raw-socket checks through the framework", async () => {
  const [prog, port] = await startSite();
  try {
    // 3 pipelined requests, answered in order.
    const conn = await rawConnect(port);
    conn.write(GET("/sleep?ms=50") + GET("/") + GET("/sleep?ms=1"));
    await conn.waitFor(/Slept 50 ms\.[\s\S]*Hello world![\s\S]*Slept 1 ms\./);
    conn.destroy();

    // HEAD: the GET's headers, no body.
    const head = await rawConnect(port);
    head.write(`HEAD / HTTP/1.1\r\nHost: x\r\n\r\n` + GET("/"));
    await head.waitFor(/Hello world!/);
    assert.equal(head.text().split("Hello world!").length, 2);
    assert.match(head.text(), /^HTTP\/1\.1 200 OK\r\n[\s\S]*content-length: 12\r\n/i);
    head.destroy();

    // Content-Length: 999999999999 → 413 at once.
    const big = await rawConnect(port);
    big.write("POST /sleep HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999999\r\n\r\n");
    await big.waitFor(/HTTP\/1\.1 413/, 2000);
    big.destroy();

    // 600 kB of headers: refused with 431 (by the project's engine, the default on both runtimes).
    const { text } = await rawExchange(
      port,
      `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(600_000)}\r\n\r\n`,
      3000,
    );
    assert.doesNotMatch(text, /Hello world!/);
    assert.match(text, /^HTTP\/1\.1 431/);

    // Expect: 100-continue → 100 Continue before the body.
    const cont = await rawConnect(port);
    cont.write(
      "POST /sleep?ms=1 HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n",
    );
    await cont.waitFor(/HTTP\/1\.1 100 Continue\r\n\r\n/);
    cont.write("body");
    await cont.waitFor(/Slept 1 ms\./);
    cont.destroy();

    // Garbage, then the server still serves.
    const garbage = await rawExchange(port, "GARBAGE\r\n\r\n", 1500);
    assert.ok(/^HTTP\/1\.[01] 4\d\d/.test(garbage.text) || garbage.closed);
    assert.match((await rawExchange(port, GET("/"), 1000)).text, /Hello world!/);
  } finally {
    prog.signal("SIGTERM");
    assert.equal(await prog.exited, 0);
  }
});

test("slow_site: SIGTERM drains in-flight requests, then exits 0 within shutdown_timeout + 1 s", async () => {
  const [prog, port] = await startSite({ SHUTDOWN_TIMEOUT: "5" });
  const conns = await Promise.all(Array.from({ length: 20 }, () => rawConnect(port)));
  for (const c of conns) c.write(GET("/sleep?ms=1000"));
  // Let the server read all 20 requests (a connection whose request was not read yet is idle,
  // and idle connections are closed at once on stop).
  await new Promise((r) => setTimeout(r, 600));
  const t0 = Date.now();
  prog.signal("SIGTERM");
  assert.equal(await prog.exited, 0, prog.stderr());
  const took = Date.now() - t0;
  assert.ok(took < 6000, `exit took ${took} ms`);
  for (const c of conns) {
    await c.waitFor(/HTTP\/1\.1 200[\s\S]*Slept 1000 ms\./, 2000);
    c.destroy();
  }
  await assert.rejects(rawConnect(port));
});

test("slow_site: requests slower than shutdown_timeout are cut and counted", async () => {
  const [prog, port] = await startSite({ SHUTDOWN_TIMEOUT: "1" });
  const conns = await Promise.all([0, 1].map(() => rawConnect(port)));
  for (const c of conns) c.write(GET("/sleep?ms=20000"));
  await new Promise((r) => setTimeout(r, 300));
  const t0 = Date.now();
  prog.signal("SIGTERM");
  assert.equal(await prog.exited, 0, prog.stderr());
  assert.ok(Date.now() - t0 < 3000);
  assert.match(
    prog.stderr(),
    /Shutdown timeout \(1 s\) reached: 2 request\(s\) still in flight were cut/,
  );
  for (const c of conns) c.destroy();
});

test("multiple_servers: two servers follow the engine and serve the same tree", async () => {
  const [first, second] = [await freePort(), await freePort()];
  const prog = runProgram("examples/server/multiple_servers", {
    PORT: String(first),
    SECOND_PORT: String(second),
  });
  try {
    await prog.waitFor(/Bus STARTED/);
    for (const port of [first, second]) {
      assert.match(
        (await rawExchange(port, GET("/"), 1000)).text,
        new RegExp(`Hello from port ${port}!`),
      );
      assert.match(prog.stderr(), new RegExp(`Serving on http://127\\.0\\.0\\.1:${port}`));
    }
  } finally {
    prog.signal("SIGTERM");
    assert.equal(await prog.exited, 0);
  }
  for (const port of [first, second]) await assert.rejects(rawConnect(port));
});
