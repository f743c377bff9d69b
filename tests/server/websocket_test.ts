/**
 * WebSockets at the server level, on each engine of the runtime: the handshake (RFC 6455 §4),
 * messages both ways with the runtime's own `WebSocket` client, and, with a raw-socket client,
 * the frames a server must refuse: oversized messages (1009), invalid UTF-8 (1007), unmasked
 * frames, reserved bits, unknown opcodes and bad control frames (1002). After each, the server
 * goes on serving. Also ping/pong, heartbeat and idle timeouts, and the drain: a stop closes
 * every WebSocket with 1001 and waits for the closing handshakes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createHash, randomBytes } from "node:crypto";
import type {
  HttpEngineName,
  IncomingRequest,
  OutgoingResponse,
  ServerWebSocket,
} from "../../platform/mod.ts";
import { WebSocketHandshakeError } from "../../platform/mod.ts";
import { HTTPServer } from "../../server/mod.ts";
import { rawConnect, rawExchange } from "../_raw.ts";
import {
  closeEvent,
  closeOf,
  encodeClientFrame,
  inbox,
  openWebSocket,
  rawWebSocket,
} from "../_ws_raw.ts";
import { eventually } from "../_helpers.ts";
import { ENGINES } from "./_gateway.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Closed {
  code: number;
  reason: string;
  clean: boolean;
}

/** A server whose `/ws` echoes (options from the query string); `/` answers "Hello". */
async function serveEcho(engine: HttpEngineName, log?: (msg: string) => void) {
  const closes: Closed[] = [];
  const sockets: ServerWebSocket[] = [];
  const pongs: Uint8Array[] = [];
  const server = new HTTPServer({ host: "127.0.0.1", port: 0 }, {
    handle(req: IncomingRequest): OutgoingResponse {
      const [path, qs = ""] = req.target.split("?");
      if (path !== "/ws") {
        return { status: 200, headers: [["Content-Type", "text/plain"]], body: "Hello" };
      }
      const q = new URLSearchParams(qs);
      try {
        const { socket, headers } = req.upgradeWebSocket!({
          open() {},
          message(data) {
            if (data === "close-me") socket.close(4000, "asked");
            else socket.send(data);
          },
          pong(data) {
            pongs.push(data);
          },
          close(code, reason, clean) {
            closes.push({ code, reason, clean });
          },
        }, {
          protocol: q.get("protocol"),
          maxMessageSize: Number(q.get("max") ?? 16 * 1024 * 1024),
          heartbeatMs: Number(q.get("heartbeat") ?? 0),
          idleTimeoutMs: Number(q.get("idle") ?? 0),
        });
        sockets.push(socket);
        return {
          status: 101,
          headers: [["X-Extra", "yes"], ...headers] as [string, string][],
          body: null,
        };
      } catch (e) {
        if (!(e instanceof WebSocketHandshakeError)) throw e;
        return { status: e.status, headers: [...e.headers] as [string, string][], body: e.message };
      }
    },
  }, { engine, log: log ?? (() => {}) });
  await server.start();
  return { server, port: server.boundAddr!.port, closes, sockets, pongs };
}

/** The server still answers plain requests. */
async function stillServes(port: number): Promise<void> {
  const { text } = await rawExchange(
    port,
    "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
  );
  assert.match(text, /^HTTP\/1\.1 200 OK\r\n[\s\S]*Hello$/);
}

for (const engine of ENGINES) {
  test(`websocket (${engine}): the handshake answer, text and binary echo, close 1000`, async () => {
    const s = await serveEcho(engine);
    try {
      const key = randomBytes(16).toString("base64");
      const { text } = await rawExchange(
        s.port,
        `GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n` +
          `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${key}\r\n\r\n`,
        500,
      );
      const accept = createHash("sha1").update(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
        .digest("base64");
      assert.match(text, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
      assert.match(text, /\r\nupgrade: websocket\r\n/i);
      assert.match(text, /\r\nconnection: upgrade\r\n/i);
      assert.ok(text.toLowerCase().includes(`sec-websocket-accept: ${accept.toLowerCase()}\r\n`));
      assert.match(text, /\r\nx-extra: yes\r\n/i);
      assert.doesNotMatch(text, /content-length|transfer-encoding/i);

      const ws = await openWebSocket(`ws://127.0.0.1:${s.port}/ws`);
      const box = inbox(ws);
      ws.send("héllo wörld");
      assert.equal(await box.next(), "héllo wörld");
      ws.send(new Uint8Array([0, 1, 254, 255]));
      assert.deepEqual(await box.next(), new Uint8Array([0, 1, 254, 255]));
      const big = "x".repeat(200_000);
      ws.send(big);
      assert.equal(await box.next(), big);
      const closing = closeEvent(ws);
      ws.close(1000, "done");
      const c = await closing;
      assert.equal(c.code, 1000);
      // The raw handshake's connection was dropped (1006); the client's closed with 1000.
      await eventually(() => s.closes.length === 2 || undefined, 5000, "server close events");
      assert.deepEqual(s.closes.find((c) => c.code !== 1006), {
        code: 1000,
        reason: "done",
        clean: true,
      });
      await stillServes(s.port);
    } finally {
      await s.server.stop();
    }
  });

  test(`websocket (${engine}): bad handshakes are refused with 400 or 426`, async () => {
    const s = await serveEcho(engine);
    try {
      const base = "Host: x\r\nConnection: Upgrade, close\r\n";
      const key = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
      const cases: Array<[string, RegExp]> = [
        [`GET /ws HTTP/1.1\r\n${base}\r\n`, /^HTTP\/1\.1 426 /],
        [
          `GET /ws HTTP/1.1\r\n${base}Upgrade: websocket\r\nSec-WebSocket-Version: 8\r\n${key}\r\n`,
          /^HTTP\/1\.1 426 [\s\S]*sec-websocket-version: 13\r\n/i,
        ],
        [
          `GET /ws HTTP/1.1\r\n${base}Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n` +
          "Sec-WebSocket-Key: short\r\n\r\n",
          /^HTTP\/1\.1 400 [\s\S]*Sec-WebSocket-Key/,
        ],
      ];
      for (const [request, expected] of cases) {
        const { text } = await rawExchange(s.port, request);
        assert.match(text, expected, request);
      }
      await stillServes(s.port);
    } finally {
      await s.server.stop();
    }
  });

  test(`websocket (${engine}): the server's close, subprotocols`, async () => {
    const s = await serveEcho(engine);
    try {
      const ws = await openWebSocket(`ws://127.0.0.1:${s.port}/ws?protocol=chat`, [
        "superchat",
        "chat",
      ]);
      assert.equal(ws.protocol, "chat");
      const closing = closeEvent(ws);
      ws.send("close-me");
      const c = await closing;
      assert.equal(c.code, 4000);
      assert.equal(c.reason, "asked");
      await eventually(() => s.closes.length === 1 || undefined, 5000, "server close event");
      assert.equal(s.closes[0]!.code, 4000);
    } finally {
      await s.server.stop();
    }
  });

  test(`websocket (${engine}): an oversized message is closed with 1009; serving goes on`, async () => {
    const s = await serveEcho(engine);
    try {
      const ws = await openWebSocket(`ws://127.0.0.1:${s.port}/ws?max=1000`);
      const box = inbox(ws);
      ws.send("a".repeat(1000));
      assert.equal(await box.next(), "a".repeat(1000));
      const closing = closeEvent(ws);
      ws.send("a".repeat(1001));
      assert.equal((await closing).code, 1009);
      await eventually(() => s.closes.length === 1 || undefined, 5000, "server close event");
      assert.equal(s.closes[0]!.code, 1009);
      await stillServes(s.port);
    } finally {
      await s.server.stop();
    }
  });

  test(`websocket (${engine}): the stop closes every WebSocket with 1001 and waits`, async () => {
    const logged: string[] = [];
    const s = await serveEcho(engine, (m) => logged.push(m));
    const sockets = await Promise.all(
      Array.from({ length: 5 }, () => openWebSocket(`ws://127.0.0.1:${s.port}/ws`)),
    );
    const closing = sockets.map((ws) => closeEvent(ws));
    await s.server.stop();
    // Every closing handshake finished before the stop returned.
    assert.equal(s.closes.length, 5);
    for (const c of s.closes) assert.equal(c.code, 1001);
    for (const c of await Promise.all(closing)) {
      assert.equal(c.code, 1001);
      assert.equal(c.reason, "Server is shutting down");
    }
    assert.ok(logged.includes("Closing 5 WebSocket(s) with 1001 (Going Away)."), logged.join("\n"));
  });
}

// The frames a server must refuse, on the project's engine (Deno's native engine frames and
// refuses them itself: see docs/runtimes.md).
const BAD_FRAMES: Array<[string, number, (ws: Awaited<ReturnType<typeof rawWebSocket>>) => void]> =
  [
    ["an unmasked frame", 1002, (ws) => ws.frame(1, "hi", { mask: false })],
    ["reserved bits (no extension)", 1002, (ws) => ws.frame(1, "hi", { rsv: 4 })],
    ["an unknown opcode", 1002, (ws) => ws.frame(3, "hi")],
    ["a fragmented ping", 1002, (ws) => ws.frame(9, "hi", { fin: false })],
    ["a ping over 125 bytes", 1002, (ws) => ws.frame(9, "x".repeat(126))],
    ["a continuation with no message", 1002, (ws) => ws.frame(0, "hi")],
    ["a new message inside a fragmented one", 1002, (ws) => {
      ws.frame(1, "a", { fin: false });
      ws.frame(1, "b");
    }],
    ["a close frame of 1 byte", 1002, (ws) => ws.frame(8, new Uint8Array([3]))],
    ["a close code that may not be sent", 1002, (ws) => ws.closeFrame(1005)],
    ["invalid UTF-8 in a text frame", 1007, (ws) => ws.frame(1, new Uint8Array([0x68, 0xc3]))],
    ["invalid UTF-8 across fragments", 1007, (ws) => {
      ws.frame(1, new Uint8Array([0xe2, 0x82]), { fin: false });
      ws.frame(0, new Uint8Array([0x41]));
    }],
    [
      "an oversized frame header (before its payload)",
      1009,
      (ws) => ws.socket.write(Buffer.from([0x82, 0xff, 0, 0, 0, 1, 0, 0, 0, 0, 1, 2, 3, 4])),
    ],
  ];

for (const [what, code, send] of BAD_FRAMES) {
  test(`websocket (cherrypy): ${what} fails the connection with ${code}`, async () => {
    const s = await serveEcho("cherrypy");
    try {
      const ws = await rawWebSocket(s.port, "/ws?max=65536");
      send(ws);
      const frame = await ws.next();
      assert.equal(frame.masked, false);
      assert.equal(closeOf(frame).code, code);
      await Promise.race([ws.closed, sleep(3000)]);
      assert.ok(ws.isClosed(), "the server closed the connection");
      await eventually(() => s.closes.length === 1 || undefined, 5000, "server close event");
      assert.equal(s.closes[0]!.code, code);
      assert.equal(s.closes[0]!.clean, false);
      await stillServes(s.port);
    } finally {
      await s.server.stop();
    }
  });
}

test("websocket (cherrypy): fragments, pings between them, UTF-8 split across frames", async () => {
  const s = await serveEcho("cherrypy");
  try {
    const ws = await rawWebSocket(s.port, "/ws");
    const euro = Buffer.from("€uro", "utf8");
    ws.frame(1, euro.subarray(0, 1), { fin: false });
    ws.frame(9, "ping!");
    ws.frame(0, euro.subarray(1, 2), { fin: false });
    ws.frame(0, euro.subarray(2));
    const pong = await ws.next();
    assert.equal(pong.opcode, 10);
    assert.equal(pong.payload.toString(), "ping!");
    const echo = await ws.next();
    assert.equal(echo.opcode, 1);
    assert.equal(echo.payload.toString(), "€uro");
    ws.frame(2, new Uint8Array([1]), { fin: false });
    ws.frame(0, new Uint8Array([2, 3]));
    const bin = await ws.next();
    assert.equal(bin.opcode, 2);
    assert.deepEqual([...bin.payload], [1, 2, 3]);
    // A pong the client sends unasked reaches the server's pong event.
    ws.frame(10, "beat");
    await eventually(() => s.pongs.length === 1 || undefined, 5000, "pong event");
    assert.equal(Buffer.from(s.pongs[0]!).toString(), "beat");
    // The closing handshake, started by the client, with an empty close frame.
    ws.frame(8);
    const close = await ws.next();
    assert.equal(closeOf(close).code, 1005);
    await ws.closed;
    await eventually(() => s.closes.length === 1 || undefined, 5000, "server close event");
    assert.deepEqual(s.closes[0], { code: 1005, reason: "", clean: true });
  } finally {
    await s.server.stop();
  }
});

test("websocket (cherrypy): the heartbeat pings; a peer that stops answering is dropped", async () => {
  const s = await serveEcho("cherrypy");
  try {
    const ws = await rawWebSocket(s.port, "/ws?heartbeat=600");
    const ping = await ws.next(3000);
    assert.equal(ping.opcode, 9);
    ws.frame(10, ping.payload);
    const again = await ws.next(3000);
    assert.equal(again.opcode, 9);
    // No answer now: by the next beat the server drops the connection.
    await Promise.race([ws.closed, sleep(4000)]);
    assert.ok(ws.isClosed());
    await eventually(() => s.closes.length === 1 || undefined, 5000, "server close event");
    assert.deepEqual(s.closes[0], { code: 1006, reason: "No answer to ping", clean: false });
  } finally {
    await s.server.stop();
  }
});

for (const engine of ENGINES) {
  test(`websocket (${engine}): an idle connection is closed with 1001`, async () => {
    const s = await serveEcho(engine);
    try {
      const ws = await openWebSocket(`ws://127.0.0.1:${s.port}/ws?idle=700`);
      const box = inbox(ws);
      ws.send("still here");
      assert.equal(await box.next(), "still here");
      const c = await closeEvent(ws, 5000);
      assert.equal(c.code, 1001);
      assert.equal(c.reason, "Idle timeout");
    } finally {
      await s.server.stop();
    }
  });
}

test("websocket (cherrypy): a stop past shutdown_timeout drops sockets that do not answer", async () => {
  const logged: string[] = [];
  const server = new HTTPServer({ host: "127.0.0.1", port: 0 }, {
    handle(req: IncomingRequest): OutgoingResponse {
      const { headers } = req.upgradeWebSocket!({ open() {}, message() {}, close() {} });
      return { status: 101, headers: [...headers] as [string, string][], body: null };
    },
  }, { shutdownTimeout: 1, log: (m) => logged.push(m) });
  await server.start();
  const ws = await rawWebSocket(server.boundAddr!.port, "/");
  await server.stop();
  // The client got the close frame but never answered: dropped at the deadline.
  assert.equal(closeOf(await ws.next()).code, 1001);
  await ws.closed;
  assert.ok(
    logged.some((m) => m.includes("1 WebSocket(s) that had not finished closing were dropped")),
    logged.join("\n"),
  );
});

if (ENGINES.includes("native")) {
  // Deno frames the native engine's WebSockets itself: a frame it refuses ends the connection
  // without a close frame (and it takes unmasked client frames); see docs/runtimes.md.
  for (
    const [what, send] of [
      [
        "reserved bits",
        (ws: Awaited<ReturnType<typeof rawWebSocket>>) => ws.frame(1, "hi", { rsv: 4 }),
      ],
      [
        "invalid UTF-8",
        (ws: Awaited<ReturnType<typeof rawWebSocket>>) => ws.frame(1, new Uint8Array([0x68, 0xc3])),
      ],
      ["an unknown opcode", (ws: Awaited<ReturnType<typeof rawWebSocket>>) => ws.frame(3, "hi")],
    ] as const
  ) {
    test(`websocket (native): ${what} ends the connection; serving goes on`, async () => {
      const s = await serveEcho("native");
      try {
        const ws = await rawWebSocket(s.port, "/ws");
        send(ws);
        await Promise.race([ws.closed, sleep(3000)]);
        assert.ok(ws.isClosed(), "the server closed the connection");
        await eventually(() => s.closes.length === 1 || undefined, 5000, "server close event");
        assert.equal(s.closes[0]!.clean, false);
        await stillServes(s.port);
      } finally {
        await s.server.stop();
      }
    });
  }
}

test("websocket (cherrypy): frames sent with the handshake, before the 101, are read", async () => {
  const s = await serveEcho("cherrypy");
  try {
    const conn = await rawConnect(s.port);
    const frame = encodeClientFrame(1, Buffer.from("early"));
    conn.write(
      Buffer.concat([
        Buffer.from(
          "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
        ),
        frame,
      ]),
    );
    // The 101, then the echo: a text frame of 5 bytes, "early".
    // deno-lint-ignore no-control-regex
    await conn.waitFor(/^HTTP\/1\.1 101 [\s\S]*\r\n\r\n\x81\x05early$/);
    conn.destroy();
  } finally {
    await s.server.stop();
  }
});

if (ENGINES.includes("native")) {
  test("websocket (native): the heartbeat is Deno's idleTimeout: a ping after a quiet spell", async () => {
    const s = await serveEcho("native");
    try {
      const ws = await rawWebSocket(s.port, "/ws?heartbeat=1000");
      const ping = await ws.next(4000);
      assert.equal(ping.opcode, 9);
      ws.destroy();
    } finally {
      await s.server.stop();
    }
  });
}
