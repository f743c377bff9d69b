/**
 * CherryPy's test_bus, ported: built-in and custom channels with priorities, listener
 * failures, the start/stop/graceful/exit sequences and their log, wait, block,
 * start_with_callback, and the log channel. CherryPy's threads are timers here: the bus is
 * asynchronous, and its methods return promises.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Bus, ChannelFailures, type State, states } from "../../bus/mod.ts";

const msg = (index: number, channel: string, arg: unknown) =>
  `Listener ${index} on channel ${channel}: ${arg === undefined ? "None" : arg}.`;
const sleep = (s: number) => new Promise((r) => setTimeout(r, s * 1000));

/** A bus that never ends the process (CherryPy's tests exit the bus, not the interpreter). */
const makeBus = () => new Bus({ exitProcess: () => {} });

/** The bus's log messages. */
function logTracker(bus: Bus): { logEntries: string[] } {
  const tracker = { logEntries: [] as string[] };
  bus.subscribe("log", (m: string) => tracker.logEntries.push(m));
  return tracker;
}

/** Listeners that record their calls. */
function listener() {
  const responses: string[] = [];
  return {
    responses,
    getListener(channel: string, index: number) {
      return (arg?: unknown) => {
        responses.push(msg(index, channel, arg));
      };
    },
  };
}

test("bus: test_builtin_channels", async () => {
  const bus = makeBus();
  const l = listener();
  const expected: string[] = [];
  for (const channel of bus.listeners.keys()) {
    [100, 50, 0, 51].forEach((priority, index) =>
      bus.subscribe(channel, l.getListener(channel, index), priority)
    );
  }
  for (const channel of bus.listeners.keys()) {
    await bus.publish(channel);
    expected.push(...[2, 1, 3, 0].map((i) => msg(i, channel, undefined)));
    // Python's `arg=79347` keyword: the one argument.
    await bus.publish(channel, 79347);
    expected.push(...[2, 1, 3, 0].map((i) => msg(i, channel, 79347)));
  }
  assert.deepEqual(l.responses, expected);
});

test("bus: test_custom_channels", async () => {
  const bus = makeBus();
  const l = listener();
  const expected: string[] = [];
  const customListeners = ["hugh", "louis", "dewey"];
  for (const channel of customListeners) {
    [undefined, 10, 60, 40].forEach((priority, index) =>
      bus.subscribe(channel, l.getListener(channel, index), priority)
    );
  }
  for (const channel of customListeners) {
    await bus.publish(channel, "ah so");
    expected.push(...[1, 3, 0, 2].map((i) => msg(i, channel, "ah so")));
    await bus.publish(channel);
    expected.push(...[1, 3, 0, 2].map((i) => msg(i, channel, undefined)));
  }
  assert.deepEqual(l.responses, expected);
});

test("bus: test_listener_errors", async () => {
  const bus = makeBus();
  const l = listener();
  const expected: string[] = [];
  const channels = [...bus.listeners.keys()].filter((c) => c !== "log");
  for (const channel of channels) {
    bus.subscribe(channel, l.getListener(channel, 1));
    // This will break since the function takes no args (JavaScript ignores extra
    // arguments, so it says so itself).
    bus.subscribe(channel, (...args: unknown[]) => {
      if (args.length > 0) throw new TypeError("<lambda>() takes 0 positional arguments");
    }, 20);
  }
  for (const channel of channels) {
    await assert.rejects(bus.publish(channel, 123), ChannelFailures);
    expected.push(msg(1, channel, 123));
  }
  assert.deepEqual(l.responses, expected);
});

test("bus: test_start", async () => {
  const bus = makeBus();
  const l = listener();
  const log = logTracker(bus);
  const num = 3;
  for (let index = 0; index < num; index++) {
    bus.subscribe("start", l.getListener("start", index));
  }
  await bus.start();
  try {
    // The start method MUST call all 'start' listeners.
    assert.deepEqual(
      new Set(l.responses),
      new Set([0, 1, 2].map((i) => msg(i, "start", undefined))),
    );
    // The start method MUST move the state to STARTED (or EXITING, if errors occur)
    assert.equal(bus.state, states.STARTED);
    // The start method MUST log its states.
    assert.deepEqual(log.logEntries, ["Bus STARTING", "Bus STARTED"]);
  } finally {
    // Exit so the exit hook doesn't complain.
    await bus.exit();
  }
});

test("bus: test_stop", async () => {
  const bus = makeBus();
  const l = listener();
  const log = logTracker(bus);
  for (let index = 0; index < 3; index++) bus.subscribe("stop", l.getListener("stop", index));
  await bus.stop();
  // The stop method MUST call all 'stop' listeners.
  assert.deepEqual(
    new Set(l.responses),
    new Set([0, 1, 2].map((i) => msg(i, "stop", undefined))),
  );
  // The stop method MUST move the state to STOPPED
  assert.equal(bus.state, states.STOPPED);
  // The stop method MUST log its states.
  assert.deepEqual(log.logEntries, ["Bus STOPPING", "Bus STOPPED"]);
});

test("bus: test_graceful", async () => {
  const bus = makeBus();
  const l = listener();
  const log = logTracker(bus);
  for (let index = 0; index < 3; index++) {
    bus.subscribe("graceful", l.getListener("graceful", index));
  }
  await bus.graceful();
  // The graceful method MUST call all 'graceful' listeners.
  assert.deepEqual(
    new Set(l.responses),
    new Set([0, 1, 2].map((i) => msg(i, "graceful", undefined))),
  );
  // The graceful method MUST log its states.
  assert.deepEqual(log.logEntries, ["Bus graceful"]);
});

test("bus: test_exit", async () => {
  const bus = makeBus();
  const l = listener();
  const log = logTracker(bus);
  for (let index = 0; index < 3; index++) {
    bus.subscribe("stop", l.getListener("stop", index));
    bus.subscribe("exit", l.getListener("exit", index));
  }
  await bus.exit();
  // The exit method MUST call all 'stop' listeners, and then all 'exit' listeners.
  assert.deepEqual(
    new Set(l.responses),
    new Set([
      ...[0, 1, 2].map((i) => msg(i, "stop", undefined)),
      ...[0, 1, 2].map((i) => msg(i, "exit", undefined)),
    ]),
  );
  // The exit method MUST move the state to EXITING
  assert.equal(bus.state, states.EXITING);
  // The exit method MUST log its states.
  assert.deepEqual(log.logEntries, ["Bus STOPPING", "Bus STOPPED", "Bus EXITING", "Bus EXITED"]);
});

test("bus: test_wait", async () => {
  const bus = makeBus();
  const flow: Array<["start" | "stop" | "exit", State[]]> = [
    ["start", [states.STARTED]],
    ["stop", [states.STOPPED]],
    ["start", [states.STARTING, states.STARTED]],
    ["exit", [states.EXITING]],
  ];
  for (const [method, wanted] of flow) {
    // CherryPy's thread: the method runs 0.2 s later.
    const running = sleep(0.2).then(() => bus[method]());
    await bus.wait(wanted);
    // The wait method MUST wait for the given state(s).
    assert.ok(wanted.includes(bus.state), `State ${bus.state} not in ${wanted}`);
    await running;
  }
});

test("bus: test_wait_publishes_periodically", async () => {
  const bus = makeBus();
  let callCount = 0;
  bus.subscribe("main", () => callCount++);
  const starting = sleep(0.05).then(() => bus.start());
  await bus.wait(states.STARTED, 0.01, "main");
  await starting;
  assert.ok(callCount > 3, `main was published ${callCount} times`);
  await bus.exit();
});

test("bus: test_block", async () => {
  const bus = makeBus();
  const log = logTracker(bus);
  // CherryPy's two threads: one exits the bus after 0.2 s, the other just takes 0.4 s.
  const f = sleep(0.2).then(() => bus.exit());
  let gDone = false;
  const g = sleep(0.4).then(() => gDone = true);
  await bus.block();
  // The block method MUST wait for the EXITING state.
  assert.equal(bus.state, states.EXITING);
  // (CherryPy's block also joins the other non-daemon threads; a promise cannot be joined,
  // and the work still pending here is the second timer.)
  assert.equal(gDone, false);
  await Promise.all([f, g]);
  assert.deepEqual(log.logEntries.slice(0, 5), [
    "Bus STOPPING",
    "Bus STOPPED",
    "Bus EXITING",
    "Bus EXITED",
    "Waiting for child threads to terminate...",
  ]);
  assert.ok(log.logEntries.length - 5 <= 1);
});

test("bus: test_start_with_callback", async () => {
  const bus = makeBus();
  try {
    const events: unknown[] = [];
    const f = (...args: unknown[]) => events.push(["f", args]);
    const g = () => events.push("g");
    bus.subscribe("start", g);
    // Python's `(f, (1, 3, 5), {'foo': 'bar'})`: the keyword arguments are one object.
    await bus.startWithCallback(f, 1, 3, 5, { foo: "bar" });
    // Give wait() time to run f()
    await sleep(0.2);
    // The callback method MUST wait for the STARTED state.
    assert.equal(bus.state, states.STARTED);
    // The callback method MUST run after all start methods.
    assert.deepEqual(events, ["g", ["f", [1, 3, 5, { foo: "bar" }]]]);
  } finally {
    await bus.exit();
  }
});

test("bus: test_log", () => {
  const bus = makeBus();
  const log = logTracker(bus);
  assert.deepEqual(log.logEntries, []);

  // Try a normal message.
  const expected: string[] = [];
  for (const m of [...Array(3).fill("O mah darlin'"), "Clementiiiiiiiine"]) {
    bus.log(m);
    expected.push(m);
    assert.deepEqual(log.logEntries, expected);
  }

  // Try an error message (Python's NameError: here, calling what is not defined)
  let error: unknown = null;
  try {
    (globalThis as unknown as Record<string, () => void>)["foo"]!();
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof TypeError, "the call did not fail as expected");
  bus.log("You are lost and gone forever", 20, error);
  const lastmsg: string = log.logEntries.at(-1) ?? "";
  // Python's "Traceback" heading is the stack's "at" lines here.
  assert.ok(
    lastmsg.includes("TypeError") && lastmsg.includes("    at "),
    `Last log message ${JSON.stringify(lastmsg)} did not contain the expected traceback.`,
  );
});
