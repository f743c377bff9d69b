/**
 * HTTP behaviour over raw sockets: pipelining, HEAD, limits, 100-continue, chunked bodies,
 * malformed requests, timeouts, bodyless statuses.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { isDeno } from "../../platform/mod.ts";
import { rawConnect, type RawConnection, rawExchange } from "../_raw.ts";
import { serveTest } from "./_gateway.ts";

const GET = (path: string, extra = "") => `GET ${path} HTTP/1.1\r\nHost: x\r\n${extra}\r\n`;
/**
 * The server ends the connection: Node closes it; Deno's engine sends `Connection: close` and
 * leaves the closing to the client (docs/server.md).
 */
async function assertConnectionEnds(conn: RawConnection): Promise<void> {
  await Promise.race([conn.closed, new Promise((r) => setTimeout(r, 2000))]);
  if (isDeno && !conn.isClosed()) assert.match(conn.text(), /\r\nconnection: close\r\n/i);
  else assert.ok(conn.isClosed(), "the server closed the connection");
  conn.destroy();
}

const statusLines = (text: string) => [...text.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((m) => m[1]);

test("protocol: 3 pipelined requests are answered in order", async () => {
  const server = await serveTest();
  try {
    const conn = await rawConnect(server.boundAddr!.port);
    conn.write(GET("/sleep?ms=30") + GET("/") + GET("/sleep?ms=1"));
    await conn.waitFor(/Slept 30 ms\.[\s\S]*Hello world![\s\S]*Slept 1 ms\./);
    assert.deepEqual(statusLines(conn.text()), ["200", "200", "200"]);
    conn.destroy();
  } finally {
    await server.stop();
  }
});

test("protocol: HEAD gets the headers without a body", async () => {
  const server = await serveTest();
  try {
    const conn = await rawConnect(server.boundAddr!.port);
    conn.write(`HEAD / HTTP/1.1\r\nHost: x\r\n\r\n` + GET("/"));
    await conn.waitFor(/Hello world!/);
    const text = conn.text();
    assert.deepEqual(statusLines(text), ["200", "200"]);
    assert.equal(text.split("Hello world!").length, 2, "exactly one body: the GET's");
    conn.destroy();
  } finally {
    await server.stop();
  }
});

test("protocol: Content-Length over the limit is 413 at once, before any body is sent", async () => {
  const server = await serveTest({ maxRequestBodySize: 1000 });
  try {
    const conn = await rawConnect(server.boundAddr!.port);
    conn.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999999\r\n\r\n");
    await conn.waitFor(/HTTP\/1\.1 413/, 2000);
    await conn.waitFor(/exceeds the maximum allowed bytes/);
    await assertConnectionEnds(conn);
  } finally {
    await server.stop();
  }
});

test("protocol: a chunked body that grows past the limit is 413 and the connection closes", async () => {
  const server = await serveTest({ maxRequestBodySize: 1000 });
  try {
    const conn = await rawConnect(server.boundAddr!.port);
    conn.write("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (let i = 0; i < 4; i++) conn.write(`190\r\n${"a".repeat(400)}\r\n`);
    await conn.waitFor(/HTTP\/1\.1 413/, 3000);
    await assertConnectionEnds(conn);
  } finally {
    await server.stop();
  }
});

test("protocol: chunked uploads are read in full", async () => {
  const server = await serveTest({ maxRequestBodySize: 100_000 });
  try {
    const conn = await rawConnect(server.boundAddr!.port);
    conn.write("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
    conn.write("5\r\nhello\r\n");
    conn.write("6\r\n world\r\n0\r\n\r\n");
    await conn.waitFor(/read 11 bytes/);
    conn.destroy();
  } finally {
    await server.stop();
  }
});

test("protocol: 600 kB of headers are refused and the server keeps serving", async () => {
  const server = await serveTest({ maxRequestHeaderSize: 512_000 });
  try {
    const port = server.boundAddr!.port;
    const huge = `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(600_000)}\r\n\r\n`;
    const { text, closed } = await rawExchange(port, huge, 3000);
    // Node answers 431; Deno's engine refuses heads this large by closing (docs/server.md).
    assert.ok(/HTTP\/1\.1 (431|413|400)/.test(text) || closed, `got: ${text.slice(0, 200)}`);
    assert.doesNotMatch(text, /Hello world!/);
    assert.match((await rawExchange(port, GET("/"), 1000)).text, /Hello world!/);
  } finally {
    await server.stop();
  }
});

test("protocol: Expect: 100-continue gets 100 Continue before the body is sent", async () => {
  const server = await serveTest();
  try {
    const conn = await rawConnect(server.boundAddr!.port);
    conn.write(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n",
    );
    await conn.waitFor(/HTTP\/1\.1 100 Continue\r\n\r\n/);
    assert.doesNotMatch(conn.text(), /HTTP\/1\.1 200/);
    conn.write("hello");
    await conn.waitFor(/read 5 bytes/);
    conn.destroy();
  } finally {
    await server.stop();
  }
});

test("protocol: garbage request lines get a 4xx (or a closed connection) and serving goes on", async () => {
  const server = await serveTest();
  try {
    const port = server.boundAddr!.port;
    for (
      const garbage of [
        "GARBAGE\r\n\r\n",
        "GET / HTTP/9.9\r\nHost: x\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n",
        "\x00\x01\x02\x03\r\n\r\n",
      ]
    ) {
      const { text, closed } = await rawExchange(port, garbage, 1500);
      assert.ok(
        /^HTTP\/1\.[01] (4\d\d|505)/.test(text) || (text === "" && closed),
        `${JSON.stringify(garbage)} → ${text.slice(0, 80)}`,
      );
      assert.match((await rawExchange(port, GET("/"), 1000)).text, /Hello world!/);
    }
  } finally {
    await server.stop();
  }
});

test("protocol: 204 and 304 carry no body; unknown lengths are streamed chunked", async () => {
  const server = await serveTest();
  try {
    const port = server.boundAddr!.port;
    const conn = await rawConnect(port);
    conn.write(GET("/nocontent") + GET("/notmod") + GET("/"));
    await conn.waitFor(/Hello world!/);
    assert.deepEqual(statusLines(conn.text()), ["204", "304", "200"]);
    assert.doesNotMatch(conn.text(), /ignored/);
    conn.destroy();
    const streamed = await rawConnect(port);
    streamed.write(GET("/stream"));
    await streamed.waitFor(/0\r\n\r\n/);
    assert.match(streamed.text(), /transfer-encoding: chunked/i);
    assert.match(streamed.text(), /one [\s\S]*two [\s\S]*three/);
    streamed.destroy();
  } finally {
    await server.stop();
  }
});

test("protocol: a client that stalls in the middle of its body times out with 408", async () => {
  const server = await serveTest({ socketTimeout: 0.5 });
  try {
    const conn = await rawConnect(server.boundAddr!.port);
    conn.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
    await conn.waitFor(/HTTP\/1\.1 408/, 3000);
    await assertConnectionEnds(conn);
  } finally {
    await server.stop();
  }
});

test("protocol: HTTP/1.0 without keep-alive is closed after the response", async () => {
  const server = await serveTest();
  try {
    const { text, closed } = await rawExchange(
      server.boundAddr!.port,
      "GET / HTTP/1.0\r\n\r\n",
      2000,
    );
    assert.match(text, /^HTTP\/1\.[01] 200/);
    assert.match(text, /Hello world!/);
    assert.ok(closed);
  } finally {
    await server.stop();
  }
});

test("protocol: a Host header cannot redirect the request to another path; lowercase methods are refused", async () => {
  const server = await serveTest();
  try {
    const port = server.boundAddr!.port;
    for (const host of ["x/nocontent?", "a#", "x y"]) {
      const { text } = await rawExchange(port, `GET / HTTP/1.1\r\nHost: ${host}\r\n\r\n`, 1500);
      assert.doesNotMatch(text, /HTTP\/1\.1 204/, `Host: ${host}`);
      assert.ok(
        /^HTTP\/1\.1 (400|200)/.test(text) || text === "",
        `Host: ${host} → ${text.slice(0, 60)}`,
      );
      if (/^HTTP\/1\.1 200/.test(text)) assert.match(text, /Hello world!/);
    }
    const lower = await rawExchange(port, "get / HTTP/1.1\r\nHost: x\r\n\r\n", 1500);
    assert.ok(/^HTTP\/1\.1 400/.test(lower.text) || lower.text === "", lower.text.slice(0, 60));
    assert.match((await rawExchange(port, GET("/"), 1000)).text, /Hello world!/);
  } finally {
    await server.stop();
  }
});
