import { test } from "node:test";
import assert from "node:assert/strict";
import { isDeno, platform } from "../../platform/mod.ts";
import {
  describeAddress,
  type ManagedServer,
  priority,
  ServerAdapter,
  SignalError,
  SignalHandler,
  SimplePlugin,
} from "../../plugins/mod.ts";
import { HTTPServer } from "../../server/mod.ts";
import { recordingBus } from "../_helpers.ts";

function makeBus() {
  const { bus, exits, lines } = recordingBus();
  return { bus, exits, logs: lines };
}

test("SimplePlugin: methods named after channels are subscribed, with their priority", async () => {
  const { bus } = makeBus();
  const order: string[] = [];
  bus.subscribe("custom", () => {}); // make the channel exist before subscribe()
  class Plugin extends SimplePlugin {
    start() {
      order.push("plugin.start");
    }
    @priority(10)
    stop() {
      order.push(`plugin.stop:${this instanceof Plugin}`);
    }
    custom() {
      order.push("plugin.custom");
    }
    notAChannel() {
      order.push("never");
    }
  }
  const plugin = new Plugin(bus);
  plugin.subscribe();
  bus.subscribe("stop", () => order.push("other.stop"), 20);
  await bus.start();
  await bus.publish("custom");
  await bus.stop();
  assert.deepEqual(order, ["plugin.start", "plugin.custom", "plugin.stop:true", "other.stop"]);
  plugin.unsubscribe();
  order.length = 0;
  await bus.start();
  await bus.stop();
  assert.deepEqual(order, ["other.stop"]);
});

test("SignalHandler: subscribe listens for SIGTERM, SIGHUP and SIGUSR1 (and SIGUSR2 on Deno) and logs it", () => {
  const { bus, logs } = makeBus();
  const handler = new SignalHandler(bus);
  handler.subscribe();
  try {
    assert.deepEqual(logs, [
      "Listening for SIGTERM.",
      "Listening for SIGHUP.",
      "Listening for SIGUSR1.",
      ...(isDeno ? ["Listening for SIGUSR2."] : []),
    ]);
    assert.equal(bus.listeners.get("SIGTERM")?.size, 1);
  } finally {
    handler.unsubscribe();
  }
  assert.equal(bus.listeners.get("SIGTERM")?.size, 0);
});

test("SignalHandler: a real SIGUSR1 publishes the channel and runs graceful", async () => {
  const { bus, logs } = makeBus();
  const handler = new SignalHandler(bus);
  let graceful = 0;
  bus.subscribe("graceful", () => graceful++);
  handler.subscribe();
  try {
    platform.kill(platform.pid(), "SIGUSR1");
    for (let i = 0; i < 200 && graceful === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(graceful, 1);
    assert.ok(logs.includes("Caught signal SIGUSR1."));
    assert.ok(logs.includes("Bus graceful"));
  } finally {
    handler.unsubscribe();
  }
});

test("SignalHandler: on Deno a real SIGUSR2 runs graceful too (SIGUSR1 also opens Deno's inspector)", async () => {
  const { bus, logs } = makeBus();
  const handler = new SignalHandler(bus);
  if (!isDeno) {
    // Elsewhere SIGUSR2 is left alone (Node's test runner uses it for diagnostic reports).
    assert.equal(handler.handlers.SIGUSR2, undefined);
    return;
  }
  let graceful = 0;
  bus.subscribe("graceful", () => graceful++);
  handler.subscribe();
  try {
    platform.kill(platform.pid(), "SIGUSR2");
    for (let i = 0; i < 200 && graceful === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(graceful, 1);
    assert.ok(logs.includes("Caught signal SIGUSR2."));
  } finally {
    handler.unsubscribe();
  }
});

test("SignalHandler: handlers map can be changed; unknown signals are skipped on subscribe", async () => {
  const { bus, logs } = makeBus();
  const handler = new SignalHandler(bus);
  let got = 0;
  // Not SIGUSR2: Node 26's test runner makes its child write a diagnostic report on it.
  handler.handlers = { SIGWINCH: () => got++, SIGNOPE: () => {} };
  handler.subscribe();
  try {
    assert.deepEqual(logs, ["Listening for SIGWINCH."]);
    platform.kill(platform.pid(), "SIGWINCH");
    for (let i = 0; i < 200 && got === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(got, 1);
  } finally {
    handler.unsubscribe();
  }
});

test("SignalHandler: setHandler takes names or numbers and rejects unknown signals", () => {
  const { bus, logs } = makeBus();
  const handler = new SignalHandler(bus);
  try {
    handler.setHandler(12, () => {}); // SIGUSR2 on Linux
    assert.deepEqual(logs, ["Listening for SIGUSR2."]);
    assert.throws(() => handler.setHandler("SIGNOPE", () => {}), SignalError);
    assert.throws(() => handler.setHandler(999, () => {}), SignalError);
    assert.throws(() => handler.setHandler("SIGKILL", () => {}), SignalError);
  } finally {
    handler.unsubscribe();
  }
});

test("SignalHandler: SIGHUP exits when not daemonized", async () => {
  const { bus, logs } = makeBus();
  const handler = new SignalHandler(bus);
  assert.equal(handler.isDaemonized(), false);
  await bus.start();
  await handler.handleSIGHUP();
  assert.equal(bus.state, "EXITING");
  assert.ok(logs.includes("SIGHUP caught but not daemonized. Exiting."));
});

class FakeServer implements ManagedServer {
  ready = false;
  starts = 0;
  stops = 0;
  boundAddr = { transport: "unix" as const, hostname: "/tmp/fake.sock", port: 0 };
  start() {
    this.starts++;
    this.ready = true;
    return Promise.resolve();
  }
  stop() {
    this.stops++;
    this.ready = false;
    return Promise.resolve();
  }
  toString() {
    return "FakeServer";
  }
}

test("ServerAdapter: starts at priority 75 and stops at priority 25", async () => {
  const { bus, logs } = makeBus();
  const server = new FakeServer();
  const adapter = new ServerAdapter(bus, server);
  adapter.subscribe();
  const order: string[] = [];
  bus.subscribe("start", () => order.push(`start70:${server.starts}`), 70);
  bus.subscribe("start", () => order.push(`start77:${server.starts}`), 77);
  bus.subscribe("stop", () => order.push(`stop20:${server.stops}`), 20);
  bus.subscribe("stop", () => order.push(`stop50:${server.stops}`), 50);
  await bus.start();
  assert.ok(logs.includes("Serving on socket file: /tmp/fake.sock"));
  await bus.stop();
  assert.deepEqual(order, ["start70:0", "start77:1", "stop20:0", "stop50:1"]);
  assert.ok(logs.includes("HTTP Server FakeServer shut down"));
  await adapter.stop();
  assert.ok(logs.includes("HTTP Server FakeServer already shut down"));
});

test("ServerAdapter: a second start logs 'Already serving on'", async () => {
  const { bus, logs } = makeBus();
  const server = new FakeServer();
  const adapter = new ServerAdapter(bus, server);
  await adapter.start();
  await adapter.start();
  assert.equal(server.starts, 1);
  assert.ok(logs.includes("Already serving on socket file: /tmp/fake.sock"));
});

test("ServerAdapter: no server is an error; addresses are described as CherryPy does", async () => {
  const { bus } = makeBus();
  await assert.rejects(new ServerAdapter(bus).start(), /No HTTP server has been created/);
  assert.equal(describeAddress({ transport: "tcp", hostname: "::1", port: 80 }), "http://[::1]");
  assert.equal(
    describeAddress({ transport: "tcp", hostname: "0.0.0.0", port: 443 }, true),
    "https://0.0.0.0",
  );
  assert.equal(
    describeAddress({ transport: "unix", hostname: "/tmp/s.sock", port: 0 }),
    "socket file: /tmp/s.sock",
  );
});

test("ServerAdapter: drives a real HTTP server on an ephemeral port through the bus", async () => {
  const { bus, logs } = makeBus();
  const http = new HTTPServer({ host: "127.0.0.1", port: 0 }, () => new Response("hi there"));
  new ServerAdapter(bus, http).subscribe();
  await bus.start();
  const port = http.boundAddr!.port;
  assert.ok(logs.includes(`Serving on http://127.0.0.1:${port}`));
  assert.equal(await (await fetch(`http://127.0.0.1:${port}/`)).text(), "hi there");
  await bus.exit();
  await assert.rejects(fetch(`http://127.0.0.1:${port}/`));
  assert.ok(logs.includes(`HTTP Server HTTPServer(('127.0.0.1', ${port})) shut down`));
});

test("ServerAdapter: a port in use makes start fail, and the bus exits with 70", async () => {
  const { bus, exits } = makeBus();
  const first = new HTTPServer({ host: "127.0.0.1", port: 0 }, () => new Response(""));
  await first.start();
  try {
    const second = new HTTPServer(
      { host: "127.0.0.1", port: first.boundAddr!.port },
      () => new Response(""),
    );
    new ServerAdapter(bus, second).subscribe();
    const err = await bus.start().then(() => null, (e) => e);
    assert.match(
      String(err?.getInstances?.()[0]),
      new RegExp(`Port ${first.boundAddr!.port} not free on 127.0.0.1`),
    );
    assert.deepEqual(exits, [70]);
  } finally {
    await first.stop();
  }
});
