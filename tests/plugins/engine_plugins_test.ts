import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import {
  Autoreloader,
  BackgroundTask,
  config,
  Daemonizer,
  DropPrivileges,
  engine,
  environments,
  Monitor,
  PerpetualTimer,
  PIDFile,
  ServerAdapter,
  ThreadManager,
} from "../../mod.ts";
import { recordingBus, runProgram } from "../_helpers.ts";

function makeBus() {
  const { bus, exits, lines } = recordingBus();
  return { bus, exits, logs: lines };
}

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("PIDFile: writes '<pid>\\n' at start and removes the file at exit", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cherrypy-ts-pid-"));
  try {
    const { bus, logs } = makeBus();
    const file = join(dir, "a.pid");
    new PIDFile(bus, file).subscribe();
    await bus.start();
    assert.equal(readFileSync(file, "utf8"), `${process.pid}\n`);
    assert.ok(logs.includes(`PID ${process.pid} written to '${file}'.`));
    await bus.exit();
    assert.throws(() => readFileSync(file));
    assert.ok(logs.includes(`PID file removed: '${file}'.`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("PIDFile: refuses to start when the file names another live process; stale files are replaced", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cherrypy-ts-pid-"));
  try {
    const file = join(dir, "a.pid");
    writeFileSync(file, `${process.ppid}\n`); // a live process that is not us
    const live = makeBus();
    new PIDFile(live.bus, file).subscribe();
    const err = await live.bus.start().then(() => null, (e) => e);
    assert.match(String(err.getInstances()[0]), /names process \d+, which is running/);
    assert.deepEqual(live.exits, [70]);
    assert.equal(
      readFileSync(file, "utf8"),
      `${process.ppid}\n`,
      "someone else's file is left alone",
    );

    writeFileSync(file, "999999999\n"); // stale
    const stale = makeBus();
    new PIDFile(stale.bus, file).subscribe();
    await stale.bus.start();
    assert.equal(readFileSync(file, "utf8"), `${process.pid}\n`);
    await stale.bus.exit();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("plugins: start priorities are checker 50, Daemonizer 65, PIDFile/Autoreloader/Monitor 70, server 75, DropPrivileges 77", () => {
  const { bus } = makeBus();
  const monitor = new Monitor(bus, () => {}, 1);
  monitor.subscribe();
  new Daemonizer(bus).subscribe();
  new PIDFile(bus, "/tmp/x.pid").subscribe();
  new Autoreloader(bus).subscribe();
  new DropPrivileges(bus).subscribe();
  new ServerAdapter(bus).subscribe();
  bus.subscribe("start", function checker() {});
  const order = bus.listenersOf("start").map((l) => [l.name, bus.priorityOf("start", l)]);
  assert.deepEqual(order, [
    ["checker", 50],
    ["Daemonizer.start", 65],
    ["Monitor.start", 70],
    ["PIDFile.start", 70],
    ["Autoreloader.start", 70],
    ["ServerAdapter.start", 75],
    ["DropPrivileges.start", 77],
  ]);
  const stops = bus.listenersOf("stop").map((l) => [l.name, bus.priorityOf("stop", l)]);
  assert.deepEqual(stops[0], ["ServerAdapter.stop", 25]);
});

test("BackgroundTask: repeats, awaits async runs, stops on the first error and logs it", async () => {
  const { bus, logs } = makeBus();
  let runs = 0;
  const task = new BackgroundTask(
    0.01,
    async () => {
      runs++;
      await tick(5);
      if (runs === 3) throw new Error("third run failed");
    },
    [],
    bus,
  );
  task.start();
  await tick(200);
  assert.equal(runs, 3);
  assert.equal(task.running, false);
  assert.ok(logs.some((l) => l.startsWith("Error in background task thread function")));
  const again = new BackgroundTask(0.01, () => runs++);
  again.start();
  again.cancel();
  await tick(50);
  assert.equal(runs, 3, "a cancelled task does not run");
});

test("PerpetualTimer: a repeating timer with arguments", async () => {
  const got: number[] = [];
  const timer = new PerpetualTimer(0.01, (n: number) => got.push(n), [7]);
  timer.start();
  await tick(60);
  timer.cancel();
  assert.ok(got.length >= 2 && got.every((n) => n === 7));
});

test("Monitor: runs with the engine, logs start/stop, restarts on graceful, 0 disables", async () => {
  const { bus, logs } = makeBus();
  let runs = 0;
  const monitor = new Monitor(bus, () => runs++, 0.01, "Counter");
  monitor.subscribe();
  const off = new Monitor(bus, () => runs += 1000, 0, "Off");
  off.subscribe();
  await bus.start();
  await tick(60);
  assert.ok(runs > 0 && runs < 1000);
  assert.ok(logs.includes("Started monitor thread 'Counter'."));
  await bus.graceful();
  assert.ok(logs.includes("Stopped thread 'Counter'."));
  assert.ok(monitor.thread?.running);
  await bus.stop();
  const after = runs;
  await tick(40);
  assert.equal(runs, after);
  assert.equal(monitor.thread, null);
  assert.ok(!logs.includes("Started monitor thread 'Off'."));
});

test("monitors never keep a process alive", async () => {
  const prog = runProgram("tests/fixtures/monitor_exit");
  assert.equal(await prog.exited, 0, prog.stderr());
  assert.match(prog.stdout(), /Started monitor thread 'Ticker'\./);
  assert.match(prog.stdout(), /Stopped thread 'Ticker'\./);
  assert.match(prog.stdout(), /ticks: [1-9]\d*/);
});

test("ThreadManager: start_thread once per worker, stop_thread on stop, graceful and release", async () => {
  const { bus } = makeBus();
  const manager = new ThreadManager(bus);
  manager.subscribe();
  const events: string[] = [];
  bus.subscribe("start_thread", (i: number) => events.push(`start ${i}`));
  bus.subscribe("stop_thread", (i: number) => events.push(`stop ${i}`));
  await bus.start();
  await bus.publish("acquire_thread");
  await bus.publish("acquire_thread");
  await bus.graceful();
  await bus.publish("acquire_thread");
  await bus.publish("release_thread");
  await bus.publish("acquire_thread");
  await bus.stop();
  assert.deepEqual(events, ["start 1", "stop 1", "start 1", "stop 1", "start 1", "stop 1"]);
});

test("Autoreloader: watches the program's directory, honours match and files, restarts on change", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cherrypy-ts-ar-"));
  try {
    const extra = join(dir, "template.html");
    writeFileSync(extra, "v1");
    const { bus, logs } = makeBus();
    let restarts = 0;
    bus.restart = () => {
      restarts++;
      return Promise.resolve();
    };
    const reloader = new Autoreloader(bus, 0.02, "\\.(ts|js|html)$");
    reloader.files.add(extra);
    const files = reloader.sysfiles();
    assert.ok(files.has(extra));
    assert.ok([...files].every((f) => /\.(ts|js|html)$/.test(f)));
    assert.ok([...files].every((f) => !f.includes("/node_modules/")));
    reloader.subscribe();
    await bus.start();
    await tick(60);
    assert.equal(restarts, 0);
    await tick(1100);
    writeFileSync(extra, "v2");
    await tick(200);
    assert.equal(restarts, 1);
    assert.ok(logs.includes(`Restarting because ${extra} changed.`));
    await bus.exit();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("engine config: engine.<plugin>.on and attributes, engine.SIGHUP, environments", () => {
  assert.ok(engine.listenersOf("start").some((l) => l.name === "Autoreloader.start"));
  config.update({ "engine.autoreload.frequency": 3, "engine.autoreload.on": false });
  try {
    assert.equal(engine.autoreload.frequency, 3);
    assert.ok(!engine.listenersOf("start").some((l) => l.name === "Autoreloader.start"));
  } finally {
    config.update({ "engine.autoreload.frequency": 1, "engine.autoreload.on": true });
  }
  assert.ok(engine.listenersOf("start").some((l) => l.name === "Autoreloader.start"));
  assert.throws(() => config.update({ "engine.nosuchplugin.on": true }), /Unknown engine plugin/);
  assert.throws(() => config.update({ "engine.autoreload.nosuchattr": 1 }), /Unknown config key/);
  const onHup = () => {};
  config.update({ "engine.SIGHUP": onHup });
  assert.ok(engine.listeners.get("SIGHUP")?.has(onHup));
  engine.unsubscribe("SIGHUP", onHup);
  assert.deepEqual(Object.keys(environments).sort(), [
    "embedded",
    "production",
    "staging",
    "test_suite",
  ]);
  assert.equal(environments.production!["log.screen"], false);
  assert.throws(() => config.update({ environment: "nowhere" }), /Unknown environment/);
});
