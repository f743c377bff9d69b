/**
 * How the Deno engine reads its connections (`_deno_read.ts`): through Deno's read primitive
 * when it can be found, through `Conn.read` otherwise or when turned off. On every runtime, a
 * connection without Deno's resource id falls back to `conn.read`; on Deno, real connections
 * are read both ways, and the engine serves the same answers both ways (pipelined requests, a
 * body sent in pieces, a client that half-closes after its request).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { connReader, directReadsAvailable, setDirectReads } from "../../platform/_deno_read.ts";
import { isDeno } from "../../platform/mod.ts";
import type { DenoApi, DenoConn } from "../../platform/deno_api.ts";
import { rawConnect } from "../_raw.ts";
import { serveTest } from "../server/_gateway.ts";

const DENO_ONLY = isDeno ? false : "Deno's connections exist only on Deno";
/** `Deno`, on Deno (the tests that use it are skipped elsewhere). */
const D = (globalThis as unknown as { Deno: DenoApi }).Deno;

test("connReader: a connection without Deno's resource id is read through conn.read", async () => {
  const addr = { transport: "tcp", hostname: "127.0.0.1", port: 1 };
  const reads: number[] = [];
  const conn = {
    localAddr: addr,
    remoteAddr: addr,
    read: (p: Uint8Array) => {
      reads.push(p.length);
      p.set([1, 2, 3]);
      return Promise.resolve(reads.length === 1 ? 3 : null);
    },
  } as unknown as DenoConn;
  const read = connReader(conn);
  const buffer = new Uint8Array(8);
  assert.equal(await read(buffer), 3);
  assert.deepEqual([...buffer.subarray(0, 3)], [1, 2, 3]);
  assert.equal(await read(buffer), null);
  assert.deepEqual(reads, [8, 8]);
});

test("connReader: Deno's read primitive is found on this Deno", { skip: DENO_ONLY }, () => {
  assert.ok(
    directReadsAvailable(),
    `Deno ${D.version.deno} no longer offers the read primitive _deno_read.ts looks for: ` +
      "the engine still works, through Conn.read, at a higher cost per read",
  );
});

/** A connected pair of Deno TCP connections. */
async function denoPair(): Promise<{ server: DenoConn; client: DenoConn }> {
  const listener = D.listen({ hostname: "127.0.0.1", port: 0 });
  const client = await D.connect({ hostname: "127.0.0.1", port: listener.addr.port! });
  const server = await listener.accept();
  listener.close();
  return { server, client };
}

for (const direct of [true, false]) {
  const how = direct ? "Deno's read primitive" : "Conn.read";
  test(`connReader: a Deno connection read through ${how}`, { skip: DENO_ONLY }, async () => {
    const was = setDirectReads(direct);
    const { server, client } = await denoPair();
    try {
      const read = connReader(server);
      await client.write(new TextEncoder().encode("hello"));
      const buffer = new Uint8Array(16);
      const n = await read(buffer);
      assert.equal(n, 5);
      assert.equal(new TextDecoder().decode(buffer.subarray(0, 5)), "hello");
      await client.closeWrite();
      // The end of the stream: Deno's `0` read directly, `null` through Conn.read.
      assert.equal(await read(buffer), direct ? 0 : null);
    } finally {
      setDirectReads(was);
      client.close();
      server.close();
    }
  });

  test(`the Deno engine serves alike with reads through ${how}`, { skip: DENO_ONLY }, async () => {
    const was = setDirectReads(direct);
    const server = await serveTest({ engine: "cherrypy" });
    try {
      const port = server.boundAddr!.port;
      // Two pipelined requests, then a body sent in three pieces.
      const c = await rawConnect(port);
      c.write("GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n");
      await c.waitFor(/Not Found$/);
      c.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n012");
      await new Promise((resolve) => setTimeout(resolve, 20));
      c.write("3456");
      await new Promise((resolve) => setTimeout(resolve, 20));
      c.write("789");
      await c.waitFor(/read 10 bytes$/);
      const answers = c.text().match(/HTTP\/1\.1 \d+/g);
      assert.deepEqual(answers, ["HTTP/1.1 200", "HTTP/1.1 404", "HTTP/1.1 200"]);
      assert.match(c.text(), /Hello world!HTTP\/1\.1 404/);
      c.destroy();
      // A client that half-closes after its request is answered, then the connection ends.
      const h = await rawConnect(port);
      h.socket.end("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      await h.closed;
      assert.match(h.text(), /^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nHello world!$/);
    } finally {
      setDirectReads(was);
      await server.stop();
    }
  });
}
