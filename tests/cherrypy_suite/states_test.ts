/**
 * CherryPy's test_states, ported: the engine's state flow with a dependency on its channels
 * (`start`, `stop`, `graceful`, `start_thread`, `stop_thread`), restarts, interrupts, and
 * real processes (tests/fixtures/states_demo.ts, CherryPy's _test_states_demo) for
 * autoreload, start errors, daemonizing and signals.
 *
 * The in-process tests drive the site's own `cherrypy.engine` and `cherrypy.server`, as
 * CherryPy's do (on an ephemeral port).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import * as cherrypy from "../../mod.ts";
import { eventually, freePort, isAlive, runProgram, scriptPath, tryGet } from "../_helpers.ts";
import { RawConnection, RawWebCase } from "./_webcase.ts";

const engine = cherrypy.engine;
const sleep = (s: number) => new Promise((r) => setTimeout(r, s * 1000));

class Dependency {
  running = false;
  startcount = 0;
  gracecount = 0;
  threads: Record<number, null> = {};
  readonly bus: cherrypy.Bus;
  constructor(bus: cherrypy.Bus) {
    this.bus = bus;
  }
  subscribe(): void {
    this.bus.subscribe("start", () => this.start());
    this.bus.subscribe("stop", () => this.stop());
    this.bus.subscribe("graceful", () => this.graceful());
    this.bus.subscribe("start_thread", (id: number) => this.startthread(id));
    this.bus.subscribe("stop_thread", (id: number) => this.stopthread(id));
  }
  start(): void {
    this.running = true;
    this.startcount += 1;
  }
  stop(): void {
    this.running = false;
  }
  graceful(): void {
    this.gracecount += 1;
  }
  startthread(threadId: number): void {
    this.threads[threadId] = null;
  }
  stopthread(threadId: number): void {
    delete this.threads[threadId];
  }
}

const dbConnection = new Dependency(engine);
const threadCount = () => Object.keys(dbConnection.threads).length;

class Root {
  @cherrypy.expose
  index() {
    return "Hello World";
  }
  @cherrypy.expose
  ctrlc() {
    throw new cherrypy.KeyboardInterrupt();
  }
  @cherrypy.expose
  async graceful() {
    await engine.graceful();
    return "app was (gracefully) restarted succesfully";
  }
}

let setUp = false;
/** CherryPy's setup_server, once, and setUp before each test. */
function setupServer(): RawWebCase {
  if (!setUp) {
    setUp = true;
    cherrypy.tree.mount(new Root());
    cherrypy.config.update({ environment: "test_suite", "log.screen": false });
    cherrypy.server.socket_host = "127.0.0.1";
    cherrypy.server.socket_port = 0;
    dbConnection.subscribe();
  }
  cherrypy.server.socket_timeout = 0.1;
  return new RawWebCase();
}
const portOf = () => (cherrypy.server.bound_addr as [string, number])[1];

test("states: ServerStateTests.test_0_NormalStateFlow", async () => {
  const web = setupServer();
  // CherryPy's harness has started the engine once before this test.
  await engine.start();
  await engine.stop();
  // Our db_connection should not be running
  assert.equal(dbConnection.running, false);
  assert.equal(dbConnection.startcount, 1);
  assert.equal(threadCount(), 0);

  // Test server start
  await engine.start();
  assert.equal(engine.state, engine.states.STARTED);
  web.port = portOf();
  assert.ok(web.port > 0);

  // The db_connection should be running now
  assert.equal(dbConnection.running, true);
  assert.equal(dbConnection.startcount, 2);
  assert.equal(threadCount(), 0);

  await web.getPage("/");
  web.assertBody("Hello World");
  assert.equal(threadCount(), 1);

  // Test engine stop. This will also stop the HTTP server.
  await engine.stop();
  assert.equal(engine.state, engine.states.STOPPED);

  // Verify that our custom stop function was called
  assert.equal(dbConnection.running, false);
  assert.equal(threadCount(), 0);

  // Block the main thread now and verify that exit() works.
  const exittest = async () => {
    web.port = portOf();
    await web.getPage("/");
    web.assertBody("Hello World");
    await engine.exit();
  };
  const called = engine.startWithCallback(exittest);
  await engine.block();
  await called;
  assert.equal(engine.state, engine.states.EXITING);
});

test("states: ServerStateTests.test_1_Restart", async () => {
  const web = setupServer();
  await engine.start();
  web.port = portOf();

  // The db_connection should be running now
  assert.equal(dbConnection.running, true);
  const grace = dbConnection.gracecount;

  await web.getPage("/");
  web.assertBody("Hello World");
  assert.equal(threadCount(), 1);

  // Test server restart from this thread
  await engine.graceful();
  assert.equal(engine.state, engine.states.STARTED);
  await web.getPage("/");
  web.assertBody("Hello World");
  assert.equal(dbConnection.running, true);
  assert.equal(dbConnection.gracecount, grace + 1);
  assert.equal(threadCount(), 1);

  // Test server restart from inside a page handler
  await web.getPage("/graceful");
  assert.equal(engine.state, engine.states.STARTED);
  web.assertBody("app was (gracefully) restarted succesfully");
  assert.equal(dbConnection.running, true);
  assert.equal(dbConnection.gracecount, grace + 2);
  // The "/graceful" request released its worker.
  assert.equal(threadCount(), 0);

  await engine.stop();
  assert.equal(engine.state, engine.states.STOPPED);
  assert.equal(dbConnection.running, false);
  assert.equal(threadCount(), 0);
});

test("states: ServerStateTests.test_2_KeyboardInterrupt", async () => {
  const web = setupServer();
  // Raise a keyboard interrupt in the HTTP server.
  await engine.start();
  web.port = portOf();
  web.persistent = true;
  try {
    // Make the first request and assert there's no "Connection: close".
    await web.getPage("/");
    web.assertStatus("200 OK");
    web.assertBody("Hello World");
    web.assertNoHeader("Connection");

    (cherrypy.server.httpserver as cherrypy.HTTPServer).interrupt = new cherrypy
      .KeyboardInterrupt();
    await engine.block();

    assert.equal(dbConnection.running, false);
    assert.equal(threadCount(), 0);
    assert.equal(engine.state, engine.states.EXITING);
  } finally {
    web.persistent = false;
    web.close();
  }

  // Raise a keyboard interrupt in a page handler: the request gets no answer at all.
  await engine.start();
  web.port = portOf();
  const conn = await RawConnection.open(web.port);
  conn.write(`GET /ctrlc HTTP/1.1\r\nHost: 127.0.0.1:${web.port}\r\n\r\n`);
  await assert.rejects(conn.readResponse(), /closed the connection/);
  conn.close();

  await engine.block();
  assert.equal(dbConnection.running, false);
  assert.equal(threadCount(), 0);
});

/** Runs the demo site (CherryPy's `CPProcess`) as a real process. */
function cpProcess(env: Record<string, string>) {
  return runProgram("tests/fixtures/states_demo", env);
}

test("states: ServerStateTests.test_4_Autoreload", async () => {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "cherrypy-states-"));
  const pidfile = join(dir, "demo.pid");
  const p = cpProcess({
    PORT: String(port),
    AUTORELOAD: "1",
    PIDFILE: pidfile,
    TEST_CASE_NAME: "test_4_Autoreload",
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    const start = Number(await eventually(() => tryGet(base + "/start"), 10_000, "the demo"));
    // Give the autoreloader time to cache the file time.
    await sleep(2);
    // Touch the file
    const now = new Date();
    utimesSync(scriptPath("tests/fixtures/states_demo"), now, now);
    // Give the autoreloader time to re-exec the process
    const restarted = await eventually(
      async () => {
        const body = await tryGet(base + "/start");
        return body !== undefined && Number(body) > start ? Number(body) : undefined;
      },
      15_000,
      "the restarted demo",
    );
    assert.ok(restarted > start, `start time ${restarted} not greater than ${start}`);
  } finally {
    // Shut down the spawned process
    await tryGet(base + "/exit");
    const pid = Number(readFileSync(pidfile, "utf8"));
    await eventually(() => (isAlive(pid) ? undefined : true), 10_000, "the demo to exit")
      .catch(() => process.kill(pid, "SIGKILL"));
    if (p.child.exitCode === null) p.child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
});

test("states: ServerStateTests.test_5_Start_Error", async () => {
  // If a process errors during start, it should stop the engine and exit with a non-zero
  // exit code.
  const p = cpProcess({ STARTERROR: "1", TEST_CASE_NAME: "test_5_Start_Error" });
  const code = await p.exited;
  assert.notEqual(code, 0, "Process failed to return nonzero exit code.");
});

test("states: PluginTests.test_daemonize", async () => {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "cherrypy-states-"));
  const pidfile = join(dir, "demo.pid");
  const base = `http://127.0.0.1:${port}`;
  let daemonPid = 0;
  try {
    // Spawn the process and wait: when this returns, the original process is finished. If it
    // daemonized properly, we should still be able to access pages.
    const p = cpProcess({
      PORT: String(port),
      DAEMONIZE: "1",
      PIDFILE: pidfile,
      LOGFILE: join(dir, "demo.log"),
      TEST_CASE_NAME: "test_daemonize",
    });
    const launcherCode = await p.exited;
    daemonPid = Number(readFileSync(pidfile, "utf8"));
    try {
      // Just get the pid of the daemonization process.
      const pagePid = Number(await tryGet(base + "/pid"));
      assert.equal(pagePid, daemonPid);
    } finally {
      // Shut down the spawned process
      await tryGet(base + "/exit");
    }
    await eventually(() => (isAlive(daemonPid) ? undefined : true), 10_000, "the daemon to exit");
    // Test the exit code last, so that the daemon has finished first.
    assert.equal(launcherCode, 0, "Daemonized parent process failed to exit cleanly.");
  } finally {
    if (daemonPid && isAlive(daemonPid)) process.kill(daemonPid, "SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
});

test("states: SignalHandlingTests.test_SIGHUP_tty", async () => {
  // When not daemonized, SIGHUP should shut down the server.
  const p = cpProcess({ TEST_CASE_NAME: "test_SIGHUP_tty" });
  await p.waitFor(/Bus STARTED/);
  p.signal("SIGHUP");
  await p.exited;
});

test("states: SignalHandlingTests.test_SIGHUP_daemonized", async () => {
  // When daemonized, SIGHUP should restart the server.
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "cherrypy-states-"));
  const pidfile = join(dir, "demo.pid");
  const base = `http://127.0.0.1:${port}`;
  let pid = 0;
  let newPid = 0;
  try {
    const p = cpProcess({
      PORT: String(port),
      DAEMONIZE: "1",
      PIDFILE: pidfile,
      LOGFILE: join(dir, "demo.log"),
      TEST_CASE_NAME: "test_SIGHUP_daemonized",
    });
    await p.exited;
    pid = Number(readFileSync(pidfile, "utf8"));
    try {
      // Send a SIGHUP
      process.kill(pid, "SIGHUP");
      // Give the server some time to restart
      newPid = await eventually(
        async () => {
          const body = await tryGet(base + "/pid");
          return body !== undefined && Number(body) !== pid ? Number(body) : undefined;
        },
        15_000,
        "the restarted daemon",
      );
      assert.notEqual(newPid, pid);
    } finally {
      // Shut down the spawned process
      await tryGet(base + "/exit");
    }
    if (newPid) {
      await eventually(() => (isAlive(newPid) ? undefined : true), 10_000, "the daemon to exit");
    }
  } finally {
    for (const one of [pid, newPid]) if (one && isAlive(one)) process.kill(one, "SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
});

test("states: SignalHandlingTests.test_SIGTERM", async () => {
  // SIGTERM should shut down the server whether daemonized or not.
  const p = cpProcess({ TEST_CASE_NAME: "test_SIGTERM" });
  await p.waitFor(/Bus STARTED/);
  p.signal("SIGTERM");
  await p.exited;

  // Spawn a daemonized process and test again.
  const dir = mkdtempSync(join(tmpdir(), "cherrypy-states-"));
  const pidfile = join(dir, "demo.pid");
  let pid = 0;
  try {
    const d = cpProcess({
      PORT: String(await freePort()),
      DAEMONIZE: "1",
      PIDFILE: pidfile,
      LOGFILE: join(dir, "demo.log"),
      TEST_CASE_NAME: "test_SIGTERM_2",
    });
    await d.exited;
    pid = Number(readFileSync(pidfile, "utf8"));
    process.kill(pid, "SIGTERM");
    await eventually(() => (isAlive(pid) ? undefined : true), 10_000, "the daemon to exit");
  } finally {
    if (pid && isAlive(pid)) process.kill(pid, "SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
});

test("states: SignalHandlingTests.test_signal_handler_unsubscribe", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cherrypy-states-"));
  const errorLog = join(dir, "error.log");
  try {
    // Spawn a normal, undaemonized process.
    const p = cpProcess({
      UNSUBSIG: "1",
      LOGFILE: errorLog,
      TEST_CASE_NAME: "test_signal_handler_unsubscribe",
    });
    await p.waitFor(/Bus STARTED/);
    // Ask the process to quit
    p.signal("SIGTERM");
    await p.exited;
    // Assert the old handler ran.
    const logLines = readFileSync(errorLog, "utf8").split("\n");
    assert.ok(logLines.some((line) => line.endsWith("I am an old SIGTERM handler.")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
