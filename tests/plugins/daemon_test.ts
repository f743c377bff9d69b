/**
 * The process layer with real processes and real signals: the daemon example's whole life
 * cycle, start failures, SIGHUP without a daemon, dropping privileges as root, autoreload.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { pathToFileURL } from "node:url";
import { isDeno } from "../../platform/mod.ts";
import {
  eventually,
  freePort,
  isAlive as alive,
  runProgram,
  runtimeCommand,
  scriptPath,
  tryGet,
} from "../_helpers.ts";

const readPid = (file: string): number | undefined => {
  try {
    const text = readFileSync(file, "utf8");
    return /^\d+\n$/.test(text) ? Number(text) : undefined;
  } catch {
    return undefined;
  }
};
const gone = (pid: number) => (alive(pid) ? undefined : true);

test("daemon: launcher exits 0, PID file names the daemon, USR1/HUP/TERM behave", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cherrypy-ts-daemon-"));
  const port = await freePort();
  const pidfile = join(dir, "site.pid");
  const logfile = join(dir, "site.log");
  const base = `http://127.0.0.1:${port}`;
  let daemonPid: number | undefined;
  try {
    const launcher = runProgram("examples/engine/daemon_site", {
      PORT: String(port),
      PIDFILE: pidfile,
      LOGFILE: logfile,
    });
    assert.equal(await launcher.exited, 0, launcher.stderr());
    daemonPid = readPid(pidfile);
    assert.ok(daemonPid !== undefined, "the PID file names a process");
    assert.notEqual(daemonPid, launcher.child.pid);
    assert.ok(alive(daemonPid));
    assert.equal(await tryGet(base + "/"), "Hello world!");

    // stdout and stderr of the daemon go to LOGFILE; it runs in its own session, no terminal.
    const log = () => readFileSync(logfile, "utf8");
    await eventually(
      () => /"GET \/ HTTP\/1\.1" 200 12/.test(log()) || undefined,
      5000,
      "access log",
    );
    assert.match(log(), new RegExp(`ENGINE Daemonized to PID: ${daemonPid}\\n`));
    assert.match(log(), new RegExp(`ENGINE PID ${daemonPid} written to '${pidfile}'\\.`));
    const stat = readFileSync(`/proc/${daemonPid}/stat`, "utf8").split(") ")[1]!.split(" ");
    assert.equal(Number(stat[3]), daemonPid, "session id is the daemon's own pid (setsid)");
    assert.equal(Number(stat[4]), 0, "no controlling terminal");

    // SIGUSR1: graceful, still serving, same process.
    process.kill(daemonPid, "SIGUSR1");
    await eventually(() => /ENGINE Bus graceful\n/.test(log()) || undefined, 5000, "graceful");
    assert.equal(await tryGet(base + "/"), "Hello world!");
    assert.equal(readPid(pidfile), daemonPid);

    // SIGHUP: restart; a new daemon serves on the same port and the PID file names it.
    const firstPid = daemonPid;
    process.kill(firstPid, "SIGHUP");
    daemonPid = await eventually(
      () => {
        const pid = readPid(pidfile);
        return pid !== undefined && pid !== firstPid ? pid : undefined;
      },
      15_000,
      "a new PID in the PID file",
    );
    assert.ok(alive(daemonPid));
    assert.equal(
      await eventually(() => tryGet(base + "/"), 5000, "the restarted site"),
      "Hello world!",
    );
    assert.match(log(), /SIGHUP caught while daemonized\. Restarting\./);
    assert.match(log(), /Re-spawning /);

    // SIGTERM: the daemon exits, the PID file is removed, the port is free.
    process.kill(daemonPid, "SIGTERM");
    await eventually(() => gone(daemonPid!), 5000, "the daemon to exit");
    assert.equal(readPid(pidfile), undefined);
    assert.equal(await tryGet(base + "/"), undefined);
    assert.match(log(), /PID file removed/);
  } finally {
    if (daemonPid !== undefined && alive(daemonPid)) process.kill(daemonPid, "SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
});

test("daemon: a start failure makes the launcher exit 70 and leaves no PID file", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cherrypy-ts-daemon-"));
  const pidfile = join(dir, "site.pid");
  const logfile = join(dir, "site.log");
  const blocker = runProgram("tests/fixtures/quickstart_tut01");
  try {
    const [, port] = await blocker.waitFor(/Serving on http:\/\/127\.0\.0\.1:(\d+)/);
    const launcher = runProgram("examples/engine/daemon_site", {
      PORT: port!,
      PIDFILE: pidfile,
      LOGFILE: logfile,
    });
    assert.equal(await launcher.exited, 70, launcher.stderr());
    assert.equal(readPid(pidfile), undefined);
    const log = readFileSync(logfile, "utf8");
    assert.match(log, new RegExp(`Port ${port} not free on 127\\.0\\.0\\.1`));
    assert.match(log, /Shutting down due to error in start listener:/);
  } finally {
    blocker.signal("SIGTERM");
    await blocker.exited;
    rmSync(dir, { recursive: true, force: true });
  }
});

test("signals: SIGHUP without a daemon exits cleanly", async () => {
  const prog = runProgram("tests/fixtures/quickstart_tut01");
  await prog.waitFor(/Bus STARTED/);
  prog.signal("SIGHUP");
  assert.equal(await prog.exited, 0);
  assert.match(prog.stderr(), /SIGHUP caught but not daemonized\. Exiting\./);
  assert.match(prog.stderr(), /Bus EXITED/);
});

const isRoot = process.getuid?.() === 0;

test("DropPrivileges: as root, drops to nobody/nogroup after binding", {
  skip: isRoot ? false : "needs root",
}, async () => {
  const prog = runProgram("examples/engine/drop_privileges", { PORT: String(await freePort()) });
  try {
    const [, port] = await prog.waitFor(/Serving on http:\/\/127\.0\.0\.1:(\d+)/);
    await prog.waitFor(/Bus STARTED/);
    const status = readFileSync(`/proc/${prog.child.pid}/status`, "utf8");
    assert.match(status, /^Uid:\s+65534\s+65534\s+65534\s+65534$/m);
    assert.match(status, /^Gid:\s+65534\s+65534\s+65534\s+65534$/m);
    assert.match(status, /^Groups:\s*$/m);
    assert.equal(await tryGet(`http://127.0.0.1:${port}/`), "uid=65534 gid=65534 groups=[]");
    assert.match(prog.stderr(), /Started as uid: 'root' gid: 'root'/);
    assert.match(prog.stderr(), /Running as uid: 'nobody' gid: 'nogroup'/);
    assert.match(prog.stderr(), /umask old: \d{3}, new: 022/);
  } finally {
    prog.signal("SIGTERM");
    assert.equal(await prog.exited, 0);
  }
});

test("Autoreloader: editing the program makes it serve the new code through a restart", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cherrypy-ts-reload-"));
  const mod = pathToFileURL(scriptPath("mod")).href;
  const app = join(dir, isDeno ? "app.ts" : "app.mjs");
  const pidfile = join(dir, "app.pid");
  const appPort = await freePort();
  const source = (message: string) =>
    `import * as cherrypy from ${JSON.stringify(mod)};
const root = { index: cherrypy.expose(() => ${JSON.stringify(message)}) };
new cherrypy.PIDFile(cherrypy.engine, ${JSON.stringify(pidfile)}).subscribe();
cherrypy.config.update({ "server.socket_port": ${appPort}, "engine.autoreload.frequency": 0.2 });
await cherrypy.quickstart(root);
`;
  writeFileSync(app, source("version 1"));
  const [cmd, args] = runtimeCommand(app);
  const { spawn } = await import("node:child_process");
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => out += d);
  child.stderr.on("data", (d) => out += d);
  try {
    const port = await eventually(
      () => out.match(/Serving on http:\/\/127\.0\.0\.1:(\d+)/)?.[1],
      10_000,
      "start",
    );
    const url = `http://127.0.0.1:${port}/`;
    assert.equal(await tryGet(url), "version 1");
    await new Promise((r) => setTimeout(r, 1100)); // a new mtime, whatever the clock's granularity
    writeFileSync(app, source("version 2"));
    assert.equal(
      await eventually(
        async () => (await tryGet(url)) === "version 2" ? "version 2" : undefined,
        15_000,
        "the new code",
      ),
      "version 2",
    );
    assert.match(out, new RegExp(`Restarting because ${app.replaceAll(".", "\\.")} changed\\.`));
    assert.match(out, /Re-spawning /);
  } finally {
    const pid = readPid(pidfile);
    if (pid !== undefined && alive(pid)) {
      process.kill(pid, "SIGTERM");
      await eventually(() => gone(pid), 5000, "the app to exit").catch(() =>
        process.kill(pid, "SIGKILL")
      );
    }
    if (child.exitCode === null) child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
});

test("signals: a second SIGTERM while exiting ends the process at once with 70", async () => {
  const prog = runProgram("tests/fixtures/hanging_exit");
  try {
    await prog.waitFor(/Bus STARTED/);
    prog.signal("SIGTERM");
    await prog.waitFor(/Exit listener hanging\./);
    prog.signal("SIGTERM");
    assert.equal(await prog.exited, 70);
    assert.match(prog.stderr(), /SIGTERM received again while exiting: ending the process now\./);
  } finally {
    prog.signal("SIGKILL");
  }
});
