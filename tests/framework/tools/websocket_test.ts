/**
 * `tools.websocket` and `WebSocketPlugin`: the handshake through the framework, handlers with
 * the upgrade request as `cherrypy.request`, subprotocols, options checked where written,
 * handler errors (1011), broadcasts to 100 open WebSockets, and the plugin's stop (1001). The
 * clients are the runtime's own `WebSocket` and a raw socket.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as cherrypy from "../../../mod.ts";
import { Bus } from "../../../bus/mod.ts";
import { parseConfig } from "../../../framework/config/mod.ts";
import { eventually, getPage, serveRoot } from "../../_helpers.ts";
import { rawExchange } from "../../_raw.ts";
import { closeEvent, closeOf, inbox, openWebSocket, rawWebSocket } from "../../_ws_raw.ts";

/** A fresh `websocket` tool on its own bus, in a toolbox of its own (no global state). */
function isolatedTool() {
  const bus = new Bus();
  const plugin = new cherrypy.WebSocketPlugin(bus);
  plugin.subscribe();
  const toolbox = new cherrypy.Toolbox("wst");
  const tool = new cherrypy.WebSocketTool();
  tool.bus = bus;
  toolbox.websocket = tool;
  return { bus, plugin, toolbox };
}

/** Serves `root` with `config`, the isolated toolbox added to the app. */
async function serveWs(root: unknown, config: cherrypy.AppConfig) {
  const iso = isolatedTool();
  const s = await serveRoot(root, config);
  for (const app of Object.values(s.tree.apps)) {
    (app as cherrypy.Application).toolboxes["wst"] = iso.toolbox;
  }
  return { ...s, ...iso, url: (path: string) => `ws://127.0.0.1:${s.port}${path}` };
}

test("tools.websocket: echo with EchoWebSocket; the page handler sees request.ws_handler", async () => {
  const seen: string[] = [];
  class Root {
    @cherrypy.expose
    ws() {
      seen.push((cherrypy.request.ws_handler as cherrypy.WebSocketHandler).constructor.name);
    }
  }
  const s = await serveWs(new Root(), {
    "/ws": { "wst.websocket.on": true, "wst.websocket.handler_cls": cherrypy.EchoWebSocket },
  });
  try {
    const ws = await openWebSocket(s.url("/ws"));
    const box = inbox(ws);
    ws.send("hello");
    assert.equal(await box.next(), "hello");
    ws.send(new Uint8Array([1, 2, 3]));
    assert.deepEqual(await box.next(), new Uint8Array([1, 2, 3]));
    const closing = closeEvent(ws);
    ws.close(1000);
    assert.equal((await closing).code, 1000);
    assert.deepEqual(seen, ["EchoWebSocket"]);
    await eventually(() =>
      s.access.some((l) => / "GET \/ws HTTP\/1\.1" 101 /.test(l)) || undefined
    );
    await eventually(() => s.plugin.sockets.size === 0 || undefined);
  } finally {
    await s.stop();
  }
});

test("tools.websocket: a handler runs with the upgrade request as cherrypy.request", async () => {
  class Greeter extends cherrypy.WebSocketHandler {
    override opened() {
      this.send(`hello ${cherrypy.request.params["name"]} at ${cherrypy.request.path_info}`);
    }
    override async received_message(message: cherrypy.Message) {
      // An async handler: messages are still handled one at a time, in order.
      await new Promise((r) => setTimeout(r, 20 - Number(message.data) * 5));
      this.send(`${message} for ${cherrypy.request.params["name"]} from ${this.peer_address[0]}`);
    }
  }
  class Root {
    @cherrypy.expose
    chat(name = "") {
      void name;
    }
  }
  const s = await serveWs(new Root(), {
    "/": { "wst.websocket.on": true, "wst.websocket.handler_cls": Greeter },
  });
  try {
    const ws = await openWebSocket(s.url("/chat?name=ada"));
    const box = inbox(ws);
    assert.equal(await box.next(), "hello ada at /chat");
    for (const n of ["1", "2", "3"]) ws.send(n);
    assert.equal(await box.next(), "1 for ada from 127.0.0.1");
    assert.equal(await box.next(), "2 for ada from 127.0.0.1");
    assert.equal(await box.next(), "3 for ada from 127.0.0.1");
    ws.close();
  } finally {
    await s.stop();
  }
});

test("tools.websocket: the first offered subprotocol the server speaks is agreed on", async () => {
  class Root {
    @cherrypy.expose
    ws() {}
  }
  const s = await serveWs(new Root(), {
    "/ws": { "wst.websocket.on": true, "wst.websocket.protocols": ["chat", "v2.chat"] },
  });
  try {
    const a = await openWebSocket(s.url("/ws"), ["mqtt", "v2.chat", "chat"]);
    assert.equal(a.protocol, "v2.chat");
    const b = await openWebSocket(s.url("/ws"));
    assert.equal(b.protocol, "");
    a.close();
    b.close();
  } finally {
    await s.stop();
  }
});

test("tools.websocket: requests that are no valid handshake get 426 or 400", async () => {
  class Root {
    @cherrypy.expose
    ws() {
      return "never";
    }
  }
  const s = await serveWs(new Root(), { "/ws": { "wst.websocket.on": true } });
  try {
    const plain = await getPage(s.base + "/ws");
    assert.equal(plain.status, 426);
    assert.match(plain.body, /This resource is a WebSocket/);
    assert.equal(plain.headers.get("sec-websocket-version"), "13");
    const handshake = (method: string, version: string) =>
      rawExchange(
        s.port,
        `${method} /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade, close\r\n` +
          `Sec-WebSocket-Version: ${version}\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
      );
    const wrongVersion = (await handshake("GET", "7")).text;
    assert.match(wrongVersion, /^HTTP\/1\.1 426 Upgrade Required\r\n/);
    assert.match(
      wrongVersion,
      /Unsupported WebSocket version (&#39;|')7(&#39;|'): this server speaks version 13\./,
    );
    assert.match(wrongVersion, /\r\nSec-Websocket-Version: 13\r\n/i);
    const post = (await handshake("POST", "13")).text;
    assert.match(post, /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.match(post, /A WebSocket handshake is a GET request, not POST\./);
  } finally {
    await s.stop();
  }
});

test("tools.websocket: an error after the tool sends that answer, and no socket opens", async () => {
  const opened: string[] = [];
  class Watcher extends cherrypy.WebSocketHandler {
    override opened() {
      opened.push("opened");
    }
  }
  class Root {
    @cherrypy.expose
    ws() {
      throw new cherrypy.HTTPError(403, "Not for you");
    }
  }
  const s = await serveWs(new Root(), {
    "/ws": { "wst.websocket.on": true, "wst.websocket.handler_cls": Watcher },
  });
  try {
    await assert.rejects(rawWebSocket(s.port, "/ws"), /no switch:\nHTTP\/1\.1 403 Forbidden/);
    await assert.rejects(openWebSocket(s.url("/ws")));
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(opened, []);
    assert.equal(s.plugin.sockets.size, 0);
    assert.equal((await getPage(s.base + "/ws")).status, 426);
  } finally {
    await s.stop();
  }
});

test("tools.websocket: an error in a handler is logged and closes with 1011", async () => {
  class Broken extends cherrypy.WebSocketHandler {
    override received_message() {
      throw new Error("handler bug");
    }
  }
  class Root {
    @cherrypy.expose
    ws() {}
  }
  const s = await serveWs(new Root(), {
    "/ws": { "wst.websocket.on": true, "wst.websocket.handler_cls": Broken },
  });
  try {
    const ws = await openWebSocket(s.url("/ws"));
    const closing = closeEvent(ws);
    ws.send("boom");
    const c = await closing;
    assert.equal(c.code, 1011);
    await eventually(() => s.errors.some((l) => l.includes("handler bug")) || undefined);
    assert.ok(s.errors.some((l) => /WEBSOCKET Error in a WebSocket handler/.test(l)));
  } finally {
    await s.stop();
  }
});

test("tools.websocket: options are checked where they are written", () => {
  class Root {
    @cherrypy.expose
    ws() {}
  }
  const tree = new cherrypy.Tree({
    globalConfig: () => ({}),
    log: new cherrypy.LogManager(),
  });
  assert.throws(
    () => tree.mount(new Root(), "", { "/ws": { "tools.websocket.handler_cls": class {} } }),
    /Config section \[\/ws\]: tools\.websocket\.handler_cls must be a class extending cherrypy\.WebSocketHandler\./,
  );
  assert.throws(
    () => tree.mount(new Root(), "", { "/ws": { "tools.websocket.heartbeat_freq": "often" } }),
    /tools\.websocket\.heartbeat_freq must be a number of seconds/,
  );
  assert.throws(
    () => tree.mount(new Root(), "", { "/ws": { "tools.websocket.extensions": ["x"] } }),
    /tools\.websocket has no option "extensions"/,
  );
  assert.throws(
    () => cherrypy.tools.websocket({ max_message_size: -1 }),
    /tools\.websocket\.max_message_size must be a number of bytes/,
  );
});

test("tools.websocket: max_message_size (1009) and heartbeat_freq (pings)", async () => {
  class Root {
    @cherrypy.expose
    small() {}
    @cherrypy.expose
    beat() {}
  }
  const s = await serveWs(new Root(), {
    "/small": { "wst.websocket.on": true, "wst.websocket.max_message_size": 10 },
    "/beat": { "wst.websocket.on": true, "wst.websocket.heartbeat_freq": 0.5 },
  });
  try {
    const small = await rawWebSocket(s.port, "/small");
    small.frame(1, "0123456789A");
    assert.equal(closeOf(await small.next()).code, 1009);
    const beat = await rawWebSocket(s.port, "/beat");
    assert.equal((await beat.next(3000)).opcode, 9);
    beat.destroy();
    assert.equal((await getPage(s.base + "/small")).status, 426);
  } finally {
    await s.stop();
  }
});

test("WebSocketPlugin: websocket-broadcast reaches 100 open WebSockets", async () => {
  class Root {
    @cherrypy.expose
    ws() {}
  }
  const s = await serveWs(new Root(), { "/ws": { "wst.websocket.on": true } });
  try {
    const sockets = await Promise.all(
      Array.from({ length: 100 }, () => openWebSocket(s.url("/ws"))),
    );
    const boxes = sockets.map((ws) => inbox(ws));
    await eventually(() => s.plugin.sockets.size === 100 || undefined, 10_000, "100 tracked");
    await s.bus.publish("websocket-broadcast", "news for all");
    await s.bus.publish("websocket-broadcast", new Uint8Array([7, 8]));
    for (const box of boxes) {
      assert.equal(await box.next(), "news for all");
      assert.deepEqual(await box.next(), new Uint8Array([7, 8]));
    }
    // A closed socket leaves the plugin's set; the others still hear broadcasts.
    const closing = closeEvent(sockets[0]!);
    sockets[0]!.close();
    await closing;
    await eventually(() => s.plugin.sockets.size === 99 || undefined, 5000, "99 tracked");
    await s.bus.publish("websocket-broadcast", "again", false);
    for (const box of boxes.slice(1)) assert.equal(await box.next(), "again");
    for (const ws of sockets.slice(1)) ws.close();
  } finally {
    await s.stop();
  }
});

test("WebSocketPlugin: the engine's stop closes every WebSocket with 1001 and waits", async () => {
  const closedCodes: number[] = [];
  class Recorder extends cherrypy.WebSocketHandler {
    override closed(code: number) {
      closedCodes.push(code);
    }
  }
  class Root {
    @cherrypy.expose
    ws() {}
  }
  const s = await serveWs(new Root(), {
    "/ws": { "wst.websocket.on": true, "wst.websocket.handler_cls": Recorder },
  });
  try {
    const sockets = await Promise.all(
      Array.from({ length: 10 }, () => openWebSocket(s.url("/ws"))),
    );
    const closing = sockets.map((ws) => closeEvent(ws));
    await eventually(() => s.plugin.sockets.size === 10 || undefined, 5000, "10 tracked");
    await s.bus.start();
    await s.bus.stop();
    assert.deepEqual(closedCodes, Array(10).fill(1001));
    assert.equal(s.plugin.sockets.size, 0);
    for (const c of await Promise.all(closing)) {
      assert.equal(c.code, 1001);
      assert.equal(c.reason, "Server is shutting down");
    }
  } finally {
    await s.stop();
  }
});

test("tools.websocket: a request served without the HTTP server cannot switch (501)", async () => {
  class Root {
    @cherrypy.expose
    ws() {}
  }
  const app = new cherrypy.Application(new Root(), "", { "/ws": { "tools.websocket.on": true } });
  const res = await app.fetch(
    new Request("http://localhost/ws", {
      headers: {
        "Upgrade": "websocket",
        "Connection": "Upgrade",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
      },
    }),
  );
  assert.equal(res.status, 501);
  assert.match(await res.text(), /This request cannot become a WebSocket/);
});

test("tools.websocket: a config file names handler classes as CherryPy and ws4py code does", async () => {
  const conf = parseConfig(
    "[/ws]\n" +
      "tools.websocket.on = True\n" +
      "tools.websocket.handler_cls = ws4py.websocket.EchoWebSocket\n" +
      "tools.websocket.protocols = ['chat']\n" +
      "[/plain]\n" +
      "tools.websocket.on = True\n" +
      "tools.websocket.handler_cls = cherrypy.WebSocketHandler\n",
    "ws.conf",
    cherrypy.configRegistry,
  );
  assert.equal(conf["/ws"]!["tools.websocket.handler_cls"], cherrypy.EchoWebSocket);
  assert.equal(conf["/plain"]!["tools.websocket.handler_cls"], cherrypy.WebSocketHandler);
  class Root {
    @cherrypy.expose
    ws() {}
  }
  const s = await serveRoot(new Root(), conf as cherrypy.AppConfig);
  try {
    const ws = await openWebSocket(`ws://127.0.0.1:${s.port}/ws`, "chat");
    assert.equal(ws.protocol, "chat");
    const box = inbox(ws);
    ws.send("from a config file");
    assert.equal(await box.next(), "from a config file");
    ws.close();
  } finally {
    await s.stop();
  }
});
