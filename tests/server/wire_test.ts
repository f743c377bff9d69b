/**
 * The HTTP/1.1 wire behaviour over raw sockets: malformed and smuggling-prone requests, body
 * framing, unread bodies, keep-alive and timeouts, on each engine of the runtime. The project's
 * own engine (`platform/_wire.ts`, on Node and on Deno) answers with cheroot's statuses and
 * messages, checked byte for byte; `Deno.serve` (the `native` engine on Deno) refuses such
 * requests its own way, so there only the outcome that matters (no 200, the server goes on
 * serving) is checked.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { HTTPServer } from "../../server/mod.ts";
import type { IncomingRequest, OutgoingResponse } from "../../platform/mod.ts";
import { Buffer } from "node:buffer";
import { rawConnect, rawExchange } from "../_raw.ts";
import { ENGINES, serveTest } from "./_gateway.ts";

const GET = (path: string, extra = "") => `GET ${path} HTTP/1.1\r\nHost: x\r\n${extra}\r\n`;

for (const engine of ENGINES) {
  const native = engine === "native";

  test(`wire: malformed requests get cheroot's status and message, and serving goes on [${engine}]`, async () => {
    const server = await serveTest({ maxRequestHeaderSize: 2000, engine });
    try {
      const port = server.boundAddr!.port;
      // Deno's engine takes a bare LF as a line end and has its own (larger) head limit.
      const cases: Array<[string, number, RegExp, "deno accepts"?]> = [
        ["GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505, /^Cannot fulfill request$/],
        ["GET / FTP/1.1\r\nHost: x\r\n\r\n", 400, /^Malformed Request-Line: bad protocol$/],
        ["GET / HTTP/1.10\r\nHost: x\r\n\r\n", 400, /^Malformed Request-Line: bad version$/],
        ["GET / HTTP/01.1\r\nHost: x\r\n\r\n", 400, /^Malformed Request-Line: bad version$/],
        ["GET / HTTP/1.2\r\nHost: x\r\n\r\n", 505, /^Cannot fulfill request$/],
        ["GET / HTTP/1.1\r\nHost:\r\n x\r\n\r\n", 400, /^Illegal header line\.$/],
        ["get / HTTP/1.1\r\nHost: x\r\n\r\n", 400, /method names are case-sensitive/],
        ["GET /a#b HTTP/1.1\r\nHost: x\r\n\r\n", 400, /^Illegal #fragment in Request-URI\.$/],
        ["GET / HTTP/1.1\nHost: x\n\n", 400, /^HTTP requires CRLF terminators$/, "deno accepts"],
        ["GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400, /^Illegal header line\.$/],
        ["GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, /^Multiple Host headers\.$/],
        [
          "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n",
          400,
          /^Malformed Content-Length Header\.$/,
        ],
        [
          "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
          400,
          /^Malformed Content-Length Header\.$/,
        ],
        [
          "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n",
          400,
          /both Transfer-Encoding and Content-Length/,
        ],
        [
          "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
          501,
          /^Unimplemented$/,
        ],
        [
          `GET /${"a".repeat(3000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
          414,
          /Request-URI sent/,
          "deno accepts",
        ],
        [
          GET("/", `X-Big: ${"b".repeat(3000)}\r\n`),
          431,
          /^The headers sent with the request/,
          "deno accepts",
        ],
      ];
      for (const [request, status, message, denoAccepts] of cases) {
        // Deno's engine keeps the connection open after its refusals: no need to wait long.
        const { text, closed } = await rawExchange(port, request, native ? 300 : 1500);
        const label = JSON.stringify(request.slice(0, 60));
        if (!(native && denoAccepts)) assert.doesNotMatch(text, /^HTTP\/1\.1 200/, label);
        if (!native) {
          const [head = "", body = ""] = text.split("\r\n\r\n");
          assert.match(head, new RegExp(`^HTTP/1\\.1 ${status} `), `${label} → ${head}`);
          assert.match(head, /\r\nConnection: close(\r\n|$)/, label);
          assert.match(body, message, label);
          assert.ok(closed, `${label}: the connection is closed`);
        }
        const next = await rawExchange(port, GET("/", "Connection: close\r\n"), 1000);
        assert.match(next.text, /Hello world!/, label);
      }
    } finally {
      await server.stop();
    }
  });

  test(`wire: a head sent a byte at a time is read; a bare LF in a later piece is refused [${engine}]`, async () => {
    const server = await serveTest({ engine });
    try {
      const port = server.boundAddr!.port;
      const tick = () => new Promise((r) => setTimeout(r, 1));
      const conn = await rawConnect(port);
      conn.socket.setNoDelay(true);
      for (const byte of GET("/", "X-Slow: yes\r\n")) {
        conn.write(byte);
        await tick();
      }
      await conn.waitFor(/Hello world!/);
      conn.destroy();
      const bad = await rawConnect(port);
      bad.write("GET / HTTP/1.1\r\nHost: x\r\n");
      await tick();
      bad.write("X-Bad: 1\nX-More: 2\r\n");
      if (!native) await bad.waitFor(/^HTTP\/1\.1 400 [\s\S]*HTTP requires CRLF terminators/);
      bad.destroy();
    } finally {
      await server.stop();
    }
  });

  test(`wire: a malformed chunked body is a 400 and ends the connection [${engine}]`, async () => {
    const server = await serveTest({ engine });
    try {
      const { text } = await rawExchange(
        server.boundAddr!.port,
        "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\n\r\n",
        1500,
      );
      assert.doesNotMatch(text, /read \d+ bytes/);
      if (!native) {
        assert.match(text, /^HTTP\/1\.1 400 /);
        assert.match(text, /Malformed chunked request body: bad chunk size/);
      }
    } finally {
      await server.stop();
    }
  });

  test(`wire: pipelined requests with bodies; a body the application leaves unread is skipped [${engine}]`, async () => {
    const server = await serveTest({ engine });
    try {
      const conn = await rawConnect(server.boundAddr!.port);
      conn.write(
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello" +
          "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
          "4\r\nabcd\r\n3;ext=1\r\nefg\r\n0\r\nTrailer: t\r\n\r\n" +
          "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi" + GET("/"),
      );
      await conn.waitFor(/Hello world![\s\S]*read 7 bytes[\s\S]*read 2 bytes[\s\S]*Hello world!/);
      assert.equal([...conn.text().matchAll(/HTTP\/1\.1 200/g)].length, 4);
      conn.destroy();
    } finally {
      await server.stop();
    }
  });

  test(`wire: Expect: 100-continue the application never reads is answered, then the connection ends [${engine}]`, async () => {
    const server = await serveTest({ engine });
    try {
      const conn = await rawConnect(server.boundAddr!.port);
      conn.write(
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n",
      );
      await conn.waitFor(/Hello world!/);
      if (!native) {
        // Deno's engine sends 100 Continue at once; this server only when the body is read.
        assert.doesNotMatch(conn.text(), /100 Continue/);
        assert.match(conn.text(), /\r\nConnection: close\r\n/);
        await Promise.race([conn.closed, new Promise((r) => setTimeout(r, 2000))]);
        assert.ok(conn.isClosed());
      }
      conn.destroy();
      const refused = await rawExchange(
        server.boundAddr!.port,
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nExpect: magic\r\n\r\nx",
        1500,
      );
      // Deno's engine ignores expectations it does not know.
      if (!native) assert.match(refused.text, /^HTTP\/1\.1 417 /);
    } finally {
      await server.stop();
    }
  });

  test(`wire: HTTP/1.0 keep-alive on request; responses carry Date and one Content-Length [${engine}]`, async () => {
    const server = await serveTest({ engine });
    try {
      const conn = await rawConnect(server.boundAddr!.port);
      const request = "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n";
      conn.write(request);
      await conn.waitFor(/Hello world!/);
      conn.write(request);
      await conn.waitFor(/Hello world![\s\S]*Hello world!/);
      const first = conn.text().split("\r\n\r\n")[0]!;
      assert.match(first, /\r\ndate: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT\r\n/i);
      assert.equal(first.match(/content-length:/gi)?.length, 1);
      if (!native) assert.match(first, /\r\nConnection: Keep-Alive\r\nKeep-Alive: timeout=\d+/);
      conn.destroy();
    } finally {
      await server.stop();
    }
  });

  test(`wire: idle keep-alive connections close after the socket timeout; a head that stalls is a 408 [${engine}]`, async () => {
    const server = await serveTest({ socketTimeout: 0.5, engine });
    try {
      const port = server.boundAddr!.port;
      const idle = await rawConnect(port);
      idle.write(GET("/"));
      await idle.waitFor(/Hello world!/);
      const stalled = await rawConnect(port);
      stalled.write("GET / HTTP/1.1\r\nHost: x\r\n");
      if (!native) {
        await Promise.race([idle.closed, new Promise((r) => setTimeout(r, 3000))]);
        assert.ok(idle.isClosed(), "the idle connection was closed");
        await stalled.waitFor(/^HTTP\/1\.1 408 /, 3000);
      }
      idle.destroy();
      stalled.destroy();
    } finally {
      await server.stop();
    }
  });

  test(`wire: a response header holding CR or LF is refused with a 500, never split [${engine}]`, async () => {
    const gateway = {
      handle: () => ({
        status: 200,
        headers: [["X-Evil", "a\r\nSet-Cookie: stolen=1"]] as Array<[string, string]>,
        body: "never",
      }),
    };
    const errors: unknown[] = [];
    const server = new HTTPServer({ host: "127.0.0.1", port: 0 }, gateway, {
      onError: (e) => errors.push(e),
      engine,
    });
    await server.start();
    try {
      const { text } = await rawExchange(server.boundAddr!.port, GET("/"), 1500);
      assert.match(text, /^HTTP\/1\.1 500 /);
      assert.doesNotMatch(text, /stolen|never/);
      assert.equal(errors.length, 1);
    } finally {
      await server.stop();
    }
  });
}

/**
 * Streams a chunked (or `Content-Length`) upload of up to `max` bytes after `head`, as fast as
 * the server takes it; returns how much was sent before the server closed, and what it sent.
 */
async function upload(
  port: number,
  head: string,
  chunked: boolean,
  max: number,
): Promise<{ sent: number; text: string; closed: boolean }> {
  const conn = await rawConnect(port);
  conn.socket.on("error", () => {}); // a reset is how the server ends it
  conn.write(head);
  const piece = new Uint8Array(64 * 1024).fill(0x61);
  const frame = chunked
    ? new Uint8Array([...new TextEncoder().encode("10000\r\n"), ...piece, 13, 10])
    : piece;
  let sent = 0;
  while (sent < max && !conn.isClosed() && !conn.socket.destroyed) {
    const more = conn.socket.write(frame);
    sent += frame.length;
    if (!more) {
      await Promise.race([
        new Promise((r) => conn.socket.once("drain", r)),
        conn.closed,
        new Promise((r) => setTimeout(r, 2000)),
      ]);
    }
  }
  await Promise.race([conn.closed, new Promise((r) => setTimeout(r, 2000))]);
  const result = { sent, text: conn.text(), closed: conn.isClosed() };
  conn.destroy();
  return result;
}

for (const engine of ENGINES) {
  test(`wire: a huge upload the application leaves unread is not read to the end: the connection closes [${engine}]`, async () => {
    const server = await serveTest({ maxRequestBodySize: 1024 * 1024 * 1024, engine });
    try {
      const port = server.boundAddr!.port;
      // On Deno.serve the connection is cut 50 ms after the response, and Deno reads the body at
      // the loopback's speed until then (about 70 MiB on a fast machine): the limit leaves room.
      const max = 1024 * 1024 * 1024;
      const early = await upload(
        port,
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
        true,
        max,
      );
      assert.match(early.text, /^HTTP\/1\.1 200 [\s\S]*Hello world!$/);
      assert.ok(early.closed, "the connection was closed");
      assert.ok(early.sent < max / 4, `the server read ${early.sent} bytes`);
      // A body declared over the limit: 413 at once, and the rest is not read either.
      const tooLarge = await upload(
        port,
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2147483648\r\n\r\n",
        false,
        max,
      );
      assert.match(tooLarge.text, /^HTTP\/1\.1 413 /);
      assert.ok(tooLarge.closed, "the connection was closed");
      assert.ok(tooLarge.sent < max / 4, `the server read ${tooLarge.sent} bytes`);
      // A small unread body is read and dropped: the connection serves the next request.
      const conn = await rawConnect(port);
      conn.write(
        "POST /sleep?ms=5 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello" + GET("/"),
      );
      await conn.waitFor(/Slept 5 ms\.[\s\S]*Hello world!/);
      conn.destroy();
    } finally {
      await server.stop();
    }
  });

  test(`wire: transfer codings other than chunked get 501 and the connection closes, on both runtimes [${engine}]`, async () => {
    const server = await serveTest({ engine });
    try {
      const port = server.boundAddr!.port;
      for (const te of ["gzip, chunked", "deflate, chunked"]) {
        const { text, closed } = await rawExchange(
          port,
          `POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ${te}\r\n\r\n3\r\nabc\r\n0\r\n\r\n` +
            GET("/"),
          1500,
        );
        assert.match(text, /^HTTP\/1\.1 501 /, te);
        assert.match(text, /\r\nconnection: close\r\n/i, te);
        assert.doesNotMatch(text, /Hello world!|read \d+ bytes/, te);
        assert.ok(closed, `${te}: the connection was closed`);
      }
    } finally {
      await server.stop();
    }
  });

  test(`wire: a chunk extension too long for the engine, or a body cut short, is a 400, not a 500 [${engine}]`, async () => {
    const server = await serveTest({ engine });
    try {
      const port = server.boundAddr!.port;
      const long = await rawExchange(
        port,
        "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
          `3;${"e".repeat(100_000)}\r\nabc\r\n0\r\n\r\n`,
        1500,
      );
      assert.match(long.text, /^HTTP\/1\.1 400 /);
      const conn = await rawConnect(port);
      conn.socket.on("error", () => {});
      conn.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
      conn.socket.end();
      await conn.waitFor(/^HTTP\/1\.1 400 /);
      conn.destroy();
    } finally {
      await server.stop();
    }
  });

  test(`wire: a body trickled in that the application ignores does not hold its response back [${engine}]`, async () => {
    const server = await serveTest({ engine });
    try {
      const conn = await rawConnect(server.boundAddr!.port);
      conn.socket.on("error", () => {});
      conn.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789");
      const timer = setInterval(() => conn.isClosed() || conn.write("x"), 100);
      try {
        await conn.waitFor(/Hello world!/, 3000);
      } finally {
        clearInterval(timer);
        conn.destroy();
      }
    } finally {
      await server.stop();
    }
  });

  test(`wire: after a refusal the connection ends: a request pipelined behind it is not served [${engine}]`, async () => {
    const server = await serveTest({ engine });
    try {
      const port = server.boundAddr!.port;
      for (
        const first of [
          "GET / HTTP/1.1\r\nHost: a b\r\n\r\n",
          "CONNECT x HTTP/1.1\r\nHost: x\r\n\r\n",
        ]
      ) {
        const { text, closed } = await rawExchange(port, first + GET("/"), 1500);
        assert.match(text, /^HTTP\/1\.1 400 /, first);
        assert.doesNotMatch(text, /Hello world!/, first);
        assert.ok(closed, `${JSON.stringify(first)}: the connection was closed`);
      }
    } finally {
      await server.stop();
    }
  });
}

test("wire: a head with ISO-8859-1 values goes out as latin1 bytes next to a small body of bytes or text [cherrypy]", async () => {
  const bodies: Record<string, string | Uint8Array> = {
    "/empty": new Uint8Array(0),
    "/one": new Uint8Array([0x41]),
    "/two": new Uint8Array([0xc3, 0xa9]),
    "/bytes": new TextEncoder().encode("caf\u00e9 ".repeat(40)),
    // (The raw client reads windows-1252: no bytes 0x80-0x9f in these bodies.)
    "/text": "caf\u00e9 \u00ff",
    "/ascii": "plain",
  };
  const server = new HTTPServer({ host: "127.0.0.1", port: 0 }, {
    handle(req: IncomingRequest): OutgoingResponse {
      return {
        status: 200,
        headers: [["X-Name", "caf\u00e9 \u00ff"], ["X-Plain", "ok"]],
        body: bodies[req.target]!,
      };
    },
  }, { engine: "cherrypy" });
  await server.start();
  try {
    for (const [path, body] of Object.entries(bodies)) {
      const { text } = await rawExchange(
        server.boundAddr!.port,
        `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      );
      const bytes = Buffer.from(text, "latin1");
      const end = bytes.indexOf("\r\n\r\n");
      const head = bytes.subarray(0, end).toString("latin1");
      assert.match(head, /\r\nX-Name: caf\u00e9 \u00ff\r\n/, path);
      assert.match(head, /\r\nX-Plain: ok\r\n/, path);
      const expected = typeof body === "string" ? Buffer.from(body, "utf8") : Buffer.from(body);
      assert.match(head, new RegExp(`\r\nContent-Length: ${expected.length}\r\n`), path);
      assert.ok(bytes.subarray(end + 4).equals(expected), path);
    }
  } finally {
    await server.stop();
  }
});
