import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Bus,
  ChannelFailures,
  EX_SOFTWARE,
  type Listener,
  states,
  SystemExit,
} from "../../bus/mod.ts";
import { recordingBus } from "../_helpers.ts";

const makeBus = recordingBus;

test("bus: starts STOPPED with the built-in channels", () => {
  const bus = new Bus();
  assert.equal(bus.state, states.STOPPED);
  for (const channel of ["start", "stop", "exit", "graceful", "log", "main"]) {
    assert.ok(bus.listeners.has(channel), channel);
  }
});

test("bus: custom channels are created by subscribing and published like built-ins", async () => {
  const { bus } = makeBus();
  const got: unknown[] = [];
  bus.subscribe("custom", (a: unknown, b: unknown) => got.push([a, b]));
  assert.deepEqual(await bus.publish("custom", 1, 2), [1]);
  assert.deepEqual(got, [[1, 2]]);
  assert.deepEqual(await bus.publish("nobody-listens"), []);
});

test("bus: priorities order listeners, lower first, default 50, stable for ties", async () => {
  const { bus } = makeBus();
  const order: string[] = [];
  bus.subscribe("custom", () => order.push("default-a"));
  bus.subscribe("custom", () => order.push("p10"), 10);
  bus.subscribe("custom", () => order.push("p90"), 90);
  bus.subscribe("custom", () => order.push("default-b"));
  const own: Listener = Object.assign(() => order.push("own-20"), { priority: 20 });
  bus.subscribe("custom", own);
  await bus.publish("custom");
  assert.deepEqual(order, ["p10", "own-20", "default-a", "default-b", "p90"]);
});

test("bus: an explicit priority overrides the callback's own", async () => {
  const { bus } = makeBus();
  const order: string[] = [];
  const own: Listener = Object.assign(() => order.push("own"), { priority: 1 });
  bus.subscribe("custom", () => order.push("p50"));
  bus.subscribe("custom", own, 99);
  await bus.publish("custom");
  assert.deepEqual(order, ["p50", "own"]);
  assert.equal(bus.priorityOf("custom", own), 99);
});

test("bus: subscribing the same callback twice keeps one, with the newer priority", async () => {
  const { bus } = makeBus();
  let calls = 0;
  const cb = () => calls++;
  bus.subscribe("custom", cb, 10);
  bus.subscribe("custom", cb, 70);
  assert.equal(bus.listeners.get("custom")!.size, 1);
  assert.equal(bus.priorityOf("custom", cb), 70);
  await bus.publish("custom");
  assert.equal(calls, 1);
});

test("bus: unsubscribe removes a listener; unknown ones are ignored", async () => {
  const { bus } = makeBus();
  let calls = 0;
  const cb = () => calls++;
  bus.subscribe("custom", cb);
  bus.unsubscribe("custom", cb);
  bus.unsubscribe("custom", cb);
  bus.unsubscribe("never-existed", cb);
  await bus.publish("custom");
  assert.equal(calls, 0);
  assert.equal(bus.priorityOf("custom", cb), undefined);
});

test("bus: subscribe without a callback returns a subscriber (decorator form)", async () => {
  const { bus } = makeBus();
  let called = false;
  const subscriber = bus.subscribe("custom", undefined, 30);
  const cb = subscriber(() => called = true);
  await bus.publish("custom");
  assert.ok(called);
  assert.equal(bus.priorityOf("custom", cb), 30);
});

test("bus: publish awaits async listeners one by one and returns their results", async () => {
  const { bus } = makeBus();
  const events: string[] = [];
  bus.subscribe("custom", async () => {
    events.push("a-start");
    await new Promise((r) => setTimeout(r, 20));
    events.push("a-end");
    return "a";
  }, 10);
  bus.subscribe("custom", () => {
    events.push("b");
    return "b";
  }, 20);
  assert.deepEqual(await bus.publish("custom"), ["a", "b"]);
  assert.deepEqual(events, ["a-start", "a-end", "b"]);
});

test("bus: every listener runs even when some throw, then ChannelFailures holds every error", async () => {
  const { bus, messages } = makeBus();
  const ran: number[] = [];
  bus.subscribe("custom", () => {
    ran.push(1);
    throw new Error("first");
  }, 1);
  bus.subscribe("custom", () => ran.push(2), 2);
  bus.subscribe("custom", async () => {
    ran.push(3);
    await Promise.resolve();
    throw new TypeError("third");
  }, 3);
  bus.subscribe("custom", () => ran.push(4), 4);
  const err = await bus.publish("custom").then(() => null, (e) => e);
  assert.ok(err instanceof ChannelFailures);
  assert.deepEqual(ran, [1, 2, 3, 4]);
  const errors = err.getInstances();
  assert.equal(errors.length, 2);
  assert.equal((errors[0] as Error).message, "first");
  assert.ok(errors[1] instanceof TypeError);
  assert.ok(err.hasErrors);
  assert.match(err.message, /first[\s\S]*\n[\s\S]*third/);
  assert.equal(messages().filter((m) => m!.startsWith("Error in 'custom' listener")).length, 2);
});

test("bus: errors of log listeners are collected but not logged again", async () => {
  const { bus, logs } = makeBus();
  bus.subscribe("log", () => {
    throw new Error("broken logger");
  });
  const before = logs.length;
  await assert.rejects(bus.publish("log", "x", 20), ChannelFailures);
  assert.equal(logs.length, before + 1); // only the message itself, no "Error in 'log'"
});

test("bus: SystemExit from a listener is re-thrown at once; code 0 becomes 1 after failures", async () => {
  const { bus } = makeBus();
  let after = false;
  bus.subscribe("custom", () => {
    throw new Error("earlier");
  }, 1);
  bus.subscribe("custom", () => {
    throw new SystemExit(0);
  }, 2);
  bus.subscribe("custom", () => after = true, 3);
  const err = await bus.publish("custom").then(() => null, (e) => e);
  assert.ok(err instanceof SystemExit);
  assert.equal(err.code, 1);
  assert.equal(after, false);
});

test("bus: start moves STOPPED → STARTING → STARTED and logs both", async () => {
  const { bus, messages } = makeBus();
  let seen: string | undefined;
  bus.subscribe("start", () => seen = bus.state);
  await bus.start();
  assert.equal(seen, states.STARTING);
  assert.equal(bus.state, states.STARTED);
  assert.deepEqual(messages(), ["Bus STARTING", "Bus STARTED"]);
});

test("bus: stop moves STARTED → STOPPING → STOPPED", async () => {
  const { bus, messages } = makeBus();
  await bus.start();
  let seen: string | undefined;
  bus.subscribe("stop", () => seen = bus.state);
  await bus.stop();
  assert.equal(seen, states.STOPPING);
  assert.equal(bus.state, states.STOPPED);
  assert.deepEqual(messages().slice(2), ["Bus STOPPING", "Bus STOPPED"]);
});

test("bus: exit stops first, then EXITING, publishes exit and logs EXITED", async () => {
  const { bus, messages, exits } = makeBus();
  await bus.start();
  const seen: string[] = [];
  bus.subscribe("stop", () => seen.push(`stop:${bus.state}`));
  bus.subscribe("exit", () => seen.push(`exit:${bus.state}`));
  await bus.exit();
  assert.deepEqual(seen, ["stop:STOPPING", "exit:EXITING"]);
  assert.equal(bus.state, states.EXITING);
  assert.deepEqual(messages().slice(2), [
    "Bus STOPPING",
    "Bus STOPPED",
    "Bus EXITING",
    "Bus EXITED",
  ]);
  assert.deepEqual(exits, []);
});

test("bus: graceful logs and publishes graceful", async () => {
  const { bus, messages } = makeBus();
  let called = 0;
  bus.subscribe("graceful", () => called++);
  await bus.graceful();
  assert.equal(called, 1);
  assert.deepEqual(messages(), ["Bus graceful"]);
});

test("bus: a failing start listener makes the bus exit, ends the process with 70, re-throws", async () => {
  const { bus, messages, exits } = makeBus();
  const boom = new Error("cannot bind");
  const ran: string[] = [];
  bus.subscribe("start", () => {
    throw boom;
  });
  bus.subscribe("stop", () => ran.push("stop"));
  bus.subscribe("exit", () => ran.push("exit"));
  const err = await bus.start().then(() => null, (e) => e);
  assert.ok(err instanceof ChannelFailures);
  assert.equal(err.getInstances()[0], boom);
  assert.deepEqual(ran, ["stop", "exit"]);
  assert.equal(bus.state, states.EXITING);
  assert.deepEqual(exits, [EX_SOFTWARE]);
  assert.ok(messages().includes("Shutting down due to error in start listener:"));
  assert.match(messages().join("\n"), /Bus STOPPING[\s\S]*Bus EXITED/);
});

test("bus: exit() while STARTING ends the process with 70", async () => {
  const { bus, exits } = makeBus();
  let exitDuringStart: Promise<void> | undefined;
  bus.subscribe("start", () => {
    exitDuringStart = bus.exit();
  });
  await bus.start();
  await exitDuringStart;
  assert.deepEqual(exits, [EX_SOFTWARE]);
});

test("bus: an error while exiting ends the process with 70", async () => {
  const { bus, exits } = makeBus();
  await bus.start();
  bus.subscribe("exit", () => {
    throw new Error("cleanup failed");
  });
  await bus.exit();
  assert.deepEqual(exits, [EX_SOFTWARE]);
});

test("bus: a clean exit from STARTED does not end the process", async () => {
  const { bus, exits } = makeBus();
  await bus.start();
  await bus.exit();
  assert.deepEqual(exits, []);
});

test("bus: log publishes message and level; a traceback is appended", async () => {
  const { bus, logs } = makeBus();
  bus.log("plain");
  bus.log("warned", 30);
  let err: Error;
  try {
    throw new Error("oops");
  } catch (e) {
    err = e as Error;
  }
  bus.log("with traceback", 40, err);
  await Promise.resolve();
  assert.deepEqual(logs[0], ["plain", 20]);
  assert.deepEqual(logs[1], ["warned", 30]);
  assert.equal(logs[2]![1], 40);
  assert.match(logs[2]![0], /^with traceback\nError: oops\n\s+at /);
});

test("bus: wait resolves once the bus reaches one of the states", async () => {
  const { bus } = makeBus();
  const waited = bus.wait([states.STARTED, states.EXITING], 0.01);
  await bus.start();
  await waited;
  assert.equal(bus.state, states.STARTED);
  await bus.wait(states.STARTED); // already there: at once
});

test("bus: wait publishes its channel every interval while waiting", async () => {
  const { bus } = makeBus();
  let ticks = 0;
  bus.subscribe("tick", () => ticks++);
  const waited = bus.wait(states.STARTED, 0.01, "tick");
  await new Promise((r) => setTimeout(r, 80));
  await bus.start();
  await waited;
  assert.ok(ticks >= 3, `ticks: ${ticks}`);
});

test("bus: block publishes main until EXITING and returns after exit completes", async () => {
  const { bus, messages } = makeBus();
  let mains = 0;
  let exitDone = false;
  bus.subscribe("main", () => {
    mains++;
    if (mains === 3) void bus.exit();
  });
  bus.subscribe("exit", async () => {
    await new Promise((r) => setTimeout(r, 30));
    exitDone = true;
  });
  await bus.start();
  await bus.block(0.01);
  assert.ok(mains >= 3);
  assert.ok(exitDone, "block returned before the exit listeners finished");
  assert.equal(messages().at(-1), "Waiting for child threads to terminate...");
});

test("bus: block keeps waiting when a main listener fails; SystemExit exits and re-throws", async () => {
  const { bus, messages } = makeBus();
  let mains = 0;
  bus.subscribe("main", () => {
    mains++;
    if (mains === 1) throw new Error("transient");
    if (mains === 3) throw new SystemExit(3);
  });
  await bus.start();
  const err = await bus.block(0.01).then(() => null, (e) => e);
  assert.ok(err instanceof SystemExit);
  assert.equal(err.code, 3);
  assert.equal(bus.state, states.EXITING);
  assert.ok(messages().includes("SystemExit raised: shutting down bus"));
});

test("bus: restart sets execv and exits; block then asks for the re-exec", async () => {
  const { bus } = makeBus();
  let execs = 0;
  bus.doExecv = () => {
    execs++;
    return Promise.resolve();
  };
  await bus.start();
  const blocked = bus.block(0.01);
  await bus.restart();
  await blocked;
  assert.equal(bus.execv, true);
  assert.equal(execs, 1);
});

test("bus: startWithCallback calls the function once STARTED, with its arguments", async () => {
  const { bus } = makeBus();
  let stateSeen: string | undefined;
  const result = await bus.startWithCallback(
    (a: number, b: number) => {
      stateSeen = bus.state;
      return a + b;
    },
    2,
    3,
  );
  assert.equal(result, 5);
  assert.equal(stateSeen, states.STARTED);
  await bus.exit();
});

test("bus: concurrent exits share one exit sequence", async () => {
  const { bus } = makeBus();
  let exits = 0;
  bus.subscribe("exit", async () => {
    exits++;
    await new Promise((r) => setTimeout(r, 10));
  });
  await bus.start();
  await Promise.all([bus.exit(), bus.exit()]);
  assert.equal(exits, 1);
});
