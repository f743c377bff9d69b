/**
 * The WebSocket examples (the CherryPy documentation's §5.10, through ws4py's sample): the echo
 * server with the runtime's own `WebSocket` client and with Python's `websockets` client, the
 * chat room's broadcasts, and the chat site as a real process: a broadcast reaches 100 open
 * WebSockets, and SIGTERM closes every one with 1001 before the process exits 0.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as cherrypy from "../../mod.ts";
import { PAGE, Root } from "../../examples/websocket/echo.ts";
import { config as echoConfig } from "../../examples/websocket/echo.ts";
import { Chat, config as chatConfig, plugin } from "../../examples/websocket/chat.ts";
import { eventually, getPage, runCommand, runProgram, serveRoot } from "../_helpers.ts";
import { closeEvent, closeOf, inbox, openWebSocket, rawWebSocket } from "../_ws_raw.ts";
import { type HttpEngineName, isDeno } from "../../platform/mod.ts";
import { withTlsSite } from "../_tls.ts";
import { readFileSync } from "node:fs";
import { join } from "node:path";

test("websocket echo example: the page opens /ws; /ws echoes text and bytes", async () => {
  const s = await serveRoot(new Root(), echoConfig);
  try {
    const page = await getPage(s.base + "/");
    assert.equal(page.body, PAGE);
    assert.match(page.body, /new WebSocket\(scheme \+ "\/\/" \+ location\.host \+ "\/ws"\)/);
    const ws = await openWebSocket(`ws://127.0.0.1:${s.port}/ws`);
    const box = inbox(ws);
    ws.send("Hello, WebSocket");
    assert.equal(await box.next(), "Hello, WebSocket");
    ws.send(new Uint8Array([104, 105]));
    assert.deepEqual(await box.next(), new Uint8Array([104, 105]));
    const closing = closeEvent(ws);
    ws.close(1000, "bye");
    assert.equal((await closing).code, 1000);
    await eventually(() =>
      s.errors.some((l) => l.includes("Handler created: EchoWebSocket")) || undefined
    );
  } finally {
    await s.stop();
  }
});

const PYTHON_CLIENT = `
import asyncio, sys
import websockets

async def main(url):
    async with websockets.connect(url) as ws:
        await ws.send("hello from python")
        print("text:", await ws.recv())
        await ws.send(b"\\x00\\x01\\xff")
        print("bytes:", (await ws.recv()).hex())
        await (await ws.ping(b"py"))
        print("pong")
    print("closed:", ws.close_code)

asyncio.run(main(sys.argv[1]))
`;

const hasPythonWebsockets =
  spawnSync("/usr/bin/python3", ["-c", "import websockets"], { stdio: "ignore" }).status === 0;

test(
  "websocket echo example: Python's websockets client",
  {
    skip: hasPythonWebsockets
      ? false
      : "Python's websockets cannot be imported (apt-get install python3-websockets)",
  },
  async () => {
    const s = await serveRoot(new Root(), echoConfig);
    try {
      const py = runCommand("/usr/bin/python3", [
        "-c",
        PYTHON_CLIENT,
        `ws://127.0.0.1:${s.port}/ws`,
      ]);
      const code = await py.exited;
      assert.equal(code, 0, py.stderr());
      assert.equal(py.stdout(), "text: hello from python\nbytes: 0001ff\npong\nclosed: 1000\n");
    } finally {
      await s.stop();
    }
  },
);

test("websocket chat example: joins, messages and announcements reach everyone", async () => {
  plugin.subscribe();
  const s = await serveRoot(new Chat(), chatConfig);
  try {
    const ada = await openWebSocket(`ws://127.0.0.1:${s.port}/ws?name=ada`);
    const adaBox = inbox(ada);
    assert.equal(await adaBox.next(), "ada joined");
    const bob = await openWebSocket(`ws://127.0.0.1:${s.port}/ws?name=bob`);
    const bobBox = inbox(bob);
    assert.equal(await adaBox.next(), "bob joined");
    assert.equal(await bobBox.next(), "bob joined");
    assert.equal((await getPage(s.base + "/who")).body, "2");
    ada.send("hi all");
    assert.equal(await adaBox.next(), "ada: hi all");
    assert.equal(await bobBox.next(), "ada: hi all");
    const sent = await getPage(s.base + "/announce?text=tea%20time");
    assert.equal(sent.body, "Sent to 2 connection(s).");
    assert.equal(await adaBox.next(), "announcement: tea time");
    assert.equal(await bobBox.next(), "announcement: tea time");
    bob.close(1000);
    assert.equal(await adaBox.next(), "bob left (1000)");
    await eventually(() => plugin.sockets.size === 1 || undefined);
    ada.close(1000);
    await eventually(() => plugin.sockets.size === 0 || undefined);
  } finally {
    await s.stop();
    plugin.unsubscribe();
  }
});

const ENGINES = isDeno ? ["cherrypy", "native"] : ["cherrypy"];

for (const engine of ENGINES) {
  test(`websocket chat site as a process (${engine}): a broadcast reaches 100 WebSockets; SIGTERM closes all with 1001 and exits 0`, async () => {
    const prog = runProgram("tests/fixtures/websocket_chat", { WS_ENGINE: engine });
    const sockets: WebSocket[] = [];
    try {
      const [, port] = await prog.waitFor(/ENGINE Serving on http:\/\/127\.0\.0\.1:(\d+)\n/);
      await prog.waitFor(/ENGINE Bus STARTED\n/);
      assert.match(prog.stderr(), /ENGINE Starting WebSocket processing\n/);
      for (let i = 0; i < 100; i++) {
        sockets.push(await openWebSocket(`ws://127.0.0.1:${port}/ws?name=u${i}`));
      }
      const boxes = sockets.map((ws) => inbox(ws));
      assert.equal((await getPage(`http://127.0.0.1:${port}/who`)).body, "100");
      const sent = await getPage(`http://127.0.0.1:${port}/announce?text=hello`);
      assert.equal(sent.body, "Sent to 100 connection(s).");
      for (const box of boxes) {
        let message;
        do message = await box.next(); while (message !== "announcement: hello");
      }
      const closing = sockets.map((ws) => closeEvent(ws, 15_000));
      prog.signal("SIGTERM");
      const closes = await Promise.all(closing);
      for (const c of closes) {
        assert.equal(c.code, 1001);
        assert.equal(c.reason, "Server is shutting down");
      }
      assert.equal(await prog.exited, 0);
      assert.match(prog.stderr(), /ENGINE Closing 100 WebSocket\(s\) with 1001 \(Going Away\)\.\n/);
      assert.match(prog.stderr(), /ENGINE Bus EXITED\n/);
    } finally {
      for (const ws of sockets) if (ws.readyState === WebSocket.OPEN) ws.close();
      prog.signal("SIGKILL");
    }
  });
}

test("websocket examples: tools.websocket is the built-in tool", () => {
  assert.ok(cherrypy.tools.websocket instanceof cherrypy.WebSocketTool);
});

for (const engine of ENGINES) {
  test(`websocket echo example over TLS (wss, ${engine})`, async () => {
    await withTlsSite(new Root(), engine as HttpEngineName, async (_base, server, dir) => {
      const ca = readFileSync(join(dir, "cert.pem"), "utf8");
      const ws = await rawWebSocket(server.boundAddr!.port, "/ws", {}, { ca });
      assert.match(ws.head, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
      ws.frame(1, "secure hello");
      const echo = await ws.next();
      assert.equal(echo.opcode, 1);
      assert.equal(echo.payload.toString(), "secure hello");
      ws.closeFrame(1000, "bye");
      assert.equal(closeOf(await ws.next()).code, 1000);
      await ws.closed;
    }, { config: echoConfig });
  });
}
