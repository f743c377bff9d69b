/**
 * The project's HTTP/1.1 engine under hostile or unlucky clients, on each runtime: slow heads
 * (slowloris) time out with 408 while other clients are served, idle keep-alive connections
 * close silently, `max_request_header_size` is enforced, and a connection accepted while the
 * server stops gets an answer, never a reset (`Deno.serve`, the `native` engine on Deno, cannot
 * promise that: it closes such connections unanswered now and then), and a response still being
 * sent when the server stops is sent whole.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import { Bus } from "../../bus/mod.ts";
import { Server } from "../../framework/mod.ts";
import { type HttpEngineName, isDeno } from "../../platform/mod.ts";
import { HTTPServer } from "../../server/mod.ts";
import { eventually } from "../_helpers.ts";
import { rawConnect, rawExchange } from "../_raw.ts";
import { ENGINES, serveTest, testGateway } from "./_gateway.ts";

const GET = (path: string, extra = "") => `GET ${path} HTTP/1.1\r\nHost: x\r\n${extra}\r\n`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("engine: 200 slowloris heads get 408 at about socket_timeout; others are served meanwhile", async () => {
  const server = await serveTest({ socketTimeout: 2, engine: "cherrypy" });
  const port = server.boundAddr!.port;
  const slow = await Promise.all(Array.from({ length: 200 }, () => rawConnect(port)));
  const started = Date.now();
  const closedAt = slow.map(() => 0);
  slow.forEach((c, i) => c.closed.then(() => closedAt[i] = Date.now() - started));
  let dripping = true;
  const drip = (async () => {
    // The request line and one header, then a byte a second: the head never ends.
    for (const c of slow) c.write("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ");
    while (dripping) {
      await sleep(1000);
      for (const c of slow) if (!c.isClosed()) c.write("a");
    }
  })();
  try {
    // Normal clients are served while the slow ones hold their connections.
    let served = 0;
    while (Date.now() - started < 2500) {
      const { text } = await rawExchange(port, GET("/", "Connection: close\r\n"), 1000);
      assert.match(text, /^HTTP\/1\.1 200 OK\r\n[\s\S]*Hello world!$/);
      served++;
      await sleep(100);
    }
    assert.ok(served >= 10, `${served} requests served beside the slow clients`);
    await Promise.all(slow.map((c) => Promise.race([c.closed, sleep(6000)])));
    for (const [i, c] of slow.entries()) {
      assert.ok(c.isClosed(), `slow client ${i} was closed`);
      assert.match(c.text(), /^HTTP\/1\.1 408 Request Timeout\r\n[\s\S]*Connection: close\r\n/);
      assert.ok(
        closedAt[i]! >= 1500 && closedAt[i]! < 6000,
        `slow client ${i} closed after ${closedAt[i]} ms (socket_timeout 2 s)`,
      );
    }
  } finally {
    dripping = false;
    await drip;
    for (const c of slow) c.destroy();
    await server.stop();
  }
});

test("engine: an idle keep-alive connection closes silently after socket_timeout", async () => {
  const server = await serveTest({ socketTimeout: 1, engine: "cherrypy" });
  try {
    const conn = await rawConnect(server.boundAddr!.port);
    conn.write(GET("/"));
    await conn.waitFor(/Hello world!$/);
    const answered = conn.text();
    const t0 = Date.now();
    await Promise.race([conn.closed, sleep(5000)]);
    const idle = Date.now() - t0;
    assert.ok(conn.isClosed(), "the idle connection was closed");
    assert.ok(idle >= 900 && idle < 5000, `closed after ${idle} ms idle (socket_timeout 1 s)`);
    assert.equal(conn.text(), answered, "nothing is sent when an idle connection closes");
    conn.destroy();
  } finally {
    await server.stop();
  }
});

test("engine: max_request_header_size bounds the head (414 for the request line, 431 for headers)", async () => {
  const server = await serveTest({ maxRequestHeaderSize: 1024, engine: "cherrypy" });
  const port = server.boundAddr!.port;
  try {
    const fits = await rawExchange(
      port,
      GET("/", `X-Fill: ${"f".repeat(900)}\r\nConnection: close\r\n`),
      1500,
    );
    assert.match(fits.text, /^HTTP\/1\.1 200 OK\r\n/);
    const headers = await rawExchange(port, GET("/", `X-Fill: ${"f".repeat(1100)}\r\n`), 1500);
    assert.match(headers.text, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    assert.match(headers.text, /\r\n\r\nThe headers sent with the request exceed the maximum/);
    assert.ok(headers.closed);
    const line = await rawExchange(port, GET(`/${"u".repeat(1100)}`), 1500);
    assert.match(line.text, /^HTTP\/1\.1 414 URI Too Long\r\n/);
    assert.match(line.text, /\r\n\r\nThe Request-URI sent with the request exceeds the maximum/);
    // A head that never ends is refused as soon as it passes the limit.
    const endless = await rawConnect(port);
    endless.write("GET / HTTP/1.1\r\nHost: x\r\n");
    for (let i = 0; i < 12; i++) endless.write(`X-${i}: ${"e".repeat(100)}\r\n`);
    await endless.waitFor(/^HTTP\/1\.1 431 /, 2000);
    endless.destroy();
  } finally {
    await server.stop();
  }
});

/** What became of one connection attempt made while the server stopped. */
type Outcome = "answered" | "refused" | "reset";

/** Connects, sends a request at once, and reports whether a whole response came back. */
function attempt(port: number): Promise<Outcome> {
  return new Promise((resolve) => {
    let data = "";
    let connected = false;
    const socket: Socket = connect({ host: "127.0.0.1", port });
    socket.on("connect", () => {
      connected = true;
      socket.write(GET("/"));
    });
    socket.on("data", (d: Uint8Array) => {
      data += new TextDecoder("latin1").decode(d);
      if (complete(data)) {
        socket.destroy();
        resolve("answered");
      }
    });
    socket.on("error", () => {});
    socket.on(
      "close",
      () => resolve(!connected ? "refused" : complete(data) ? "answered" : "reset"),
    );
  });
}

/** `true` when `text` holds a whole response: a status line, a head and its declared body. */
function complete(text: string): boolean {
  const end = text.indexOf("\r\n\r\n");
  if (!/^HTTP\/1\.1 (200|503) /.test(text) || end < 0) return false;
  const length = text.slice(0, end).match(/\r\ncontent-length: (\d+)/i);
  return length !== null && text.length - end - 4 >= Number(length[1]);
}

for (const engine of ENGINES.filter((e) => e === "cherrypy")) {
  test(`engine: a connection accepted as the server stops is answered or refused, never reset [${engine}]`, async () => {
    for (let round = 0; round < 3; round++) {
      const server = await serveTest({ engine, shutdownTimeout: 2 });
      const port = server.boundAddr!.port;
      const outcomes: Outcome[] = [];
      let refusedSeen = false;
      // Eight clients connect in a tight loop until connections are refused.
      const clients = Array.from({ length: 8 }, async () => {
        while (!refusedSeen) {
          const outcome = await attempt(port);
          outcomes.push(outcome);
          if (outcome === "refused") refusedSeen = true;
        }
      });
      await sleep(150 + round * 50);
      await server.stop();
      await Promise.race([Promise.all(clients), sleep(5000)]);
      refusedSeen = true;
      const count = (o: Outcome) => outcomes.filter((x) => x === o).length;
      assert.ok(count("answered") > 0, `round ${round}: requests were answered`);
      assert.equal(
        count("reset"),
        0,
        `round ${round}: ${count("reset")} of ${outcomes.length} accepted connections were ` +
          `closed without a whole response (${count("answered")} answered, ${
            count("refused")
          } refused)`,
      );
    }
  });
}

/** A server answering every request with `body` (8 MiB: more than the sockets' buffers hold). */
async function bigServer(
  body: string,
  options: { socketTimeout?: number; shutdownTimeout?: number } = {},
): Promise<HTTPServer> {
  const server = new HTTPServer({ host: "127.0.0.1", port: 0 }, {
    handle: () => ({ status: 200, headers: [["Content-Type", "text/plain"]], body }),
  }, { engine: "cherrypy", ...options });
  await server.start();
  return server;
}

/** How many body bytes `text` (a whole exchange) holds after its head. */
const bodyLength = (text: string) => text.length - text.indexOf("\r\n\r\n") - 4;

test("engine: a response still being sent when the server stops is sent whole, then the connection ends", async () => {
  const body = "x".repeat(8 * 1024 * 1024);
  const server = await bigServer(body, { shutdownTimeout: 10 });
  const c = await rawConnect(server.boundAddr!.port);
  try {
    // The client reads nothing at first: the server writes what the sockets' buffers take, and
    // the rest of the response waits in the engine when the server is told to stop.
    c.socket.pause();
    c.write(GET("/"));
    await sleep(150);
    const stopped = server.stop();
    await sleep(50);
    c.socket.resume();
    await Promise.race([c.closed, sleep(10_000)]);
    await stopped;
    const text = c.text();
    assert.match(text, /^HTTP\/1\.1 200 OK\r\n/);
    assert.equal(bodyLength(text), body.length, "the whole body arrived");
    assert.ok(c.isClosed(), "the connection ended");
  } finally {
    c.destroy();
  }
});

test("engine: a large response to a client that reads late arrives whole, with Connection: close too", async () => {
  const body = "x".repeat(8 * 1024 * 1024);
  const server = await bigServer(body);
  try {
    for (const extra of ["", "Connection: close\r\n"]) {
      const c = await rawConnect(server.boundAddr!.port);
      // Nothing read for 3.5 s: longer than an ended connection's grace (2 s), shorter than
      // the idle timeout (5 s by default); the rest of the response waits in the engine.
      c.socket.pause();
      c.write(GET("/", extra));
      await sleep(3500);
      c.socket.resume();
      await eventually(() => c.isClosed() || complete(c.text()) || undefined, 10_000, "the body");
      assert.equal(
        bodyLength(c.text()),
        body.length,
        `the whole body arrived (${extra || "keep-alive"})`,
      );
      c.destroy();
    }
  } finally {
    await server.stop();
  }
});

test("engine: a client that stops reading a large response is given up after socket_timeout", async () => {
  const body = "x".repeat(8 * 1024 * 1024);
  const server = await bigServer(body, { socketTimeout: 1 });
  const c = await rawConnect(server.boundAddr!.port);
  try {
    // Nothing read for 4 s, with a socket timeout of 1 s: the server gives the response up (what
    // the system had taken still arrives, then the end of the connection).
    c.socket.pause();
    c.write(GET("/"));
    await sleep(4000);
    c.socket.resume();
    await Promise.race([c.closed, sleep(5000)]);
    assert.ok(c.isClosed(), "the connection was closed");
    assert.ok(bodyLength(c.text()) < body.length, "the body was cut");
  } finally {
    c.destroy();
    await server.stop();
  }
});

test("engine: server.engine picks the engine; native is Deno's only, an unknown name fails", async () => {
  const site = new Server(new Bus({ exitProcess: () => {} }), () => testGateway);
  assert.equal(site.engine, null, "null: the runtime's default (the project's engine)");
  site.engine = "native";
  assert.equal(site.httpserverFromSelf().options.engine, "native");
  const native = new HTTPServer({ host: "127.0.0.1", port: 0 }, testGateway, {
    engine: "native",
  });
  if (isDeno) {
    await native.start();
    assert.match((await rawExchange(native.boundAddr!.port, GET("/"), 1000)).text, /Hello/);
    await native.stop();
  } else {
    await assert.rejects(native.start(), /"native" \(Deno.serve\) exists on Deno only/);
  }
  const unknown = new HTTPServer({ host: "127.0.0.1", port: 0 }, testGateway, {
    engine: "turbo" as HttpEngineName,
  });
  await assert.rejects(unknown.start(), /Unknown HTTP engine "turbo" \(server\.engine\)/);
});
