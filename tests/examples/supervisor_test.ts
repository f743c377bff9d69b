/**
 * Control via supervisord (docs §8.5): Debian's supervisord runs the docs' configuration
 * (`examples/deploy/supervisor/supervisor.conf`, its socket, PID file and logs moved into a
 * temporary directory, the program run on this runtime on an ephemeral port); the site starts,
 * answers, is restarted and stopped with `supervisorctl`, exiting 0 each time.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SUPERVISOR_CONF } from "../../examples/deploy/supervisor/server.ts";
import { eventually, freePort, isAlive, runtimeCommand, scriptPath, tryGet } from "../_helpers.ts";
import { deployMissing, programPath } from "../_deploy.ts";

/** Runs a command to its end: exit code and output. */
function run(cmd: string, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout!.on("data", (d) => out += d);
    child.stderr!.on("data", (d) => out += d);
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, out }));
  });
}

/** A shell word. */
const quote = (word: string) => `'${word.replaceAll("'", "'\\''")}'`;

describe("supervisord (§8.5)", { skip: deployMissing("supervisord") }, () => {
  test("starts the site; supervisorctl restarts and stops it; it exits 0", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cherrypy-ts-supervisor-"));
    const port = await freePort();
    const [cmd, args] = runtimeCommand(scriptPath("examples/deploy/supervisor/server"));
    const conf = join(dir, "supervisor.conf");
    writeFileSync(
      conf,
      readFileSync(SUPERVISOR_CONF, "utf8")
        .replaceAll("/tmp/", `${dir}/`)
        .replace("[supervisord]", `[supervisord]\nchildlogdir=${dir}`)
        .replace(/^command=.*$/m, `command=${[cmd, ...args].map(quote).join(" ")}`)
        .replace(/^environment=.*$/m, `environment=NO_COLOR="1",PORT="${port}"`)
        .replace(/^directory=.*$/m, `directory=${dir}`),
    );
    const ctl = (...words: string[]) => run(programPath("supervisorctl")!, ["-c", conf, ...words]);
    const pidOfApp = async () => {
      const { out } = await ctl("status", "myapp");
      const m = out.match(/^myapp\s+RUNNING\s+pid (\d+)/m);
      return m === null ? undefined : Number(m[1]);
    };
    const site = `http://127.0.0.1:${port}/`;
    try {
      // supervisord daemonizes: it returns once its own process is set up.
      const started = await run(programPath("supervisord")!, ["-c", conf]);
      assert.equal(started.code, 0, started.out);
      await ctl("update");
      assert.equal(await eventually(() => tryGet(site), 20_000, "the site"), "Hello World!");
      const first = await eventually(pidOfApp, 20_000, "myapp RUNNING");

      const restarted = await ctl("restart", "myapp");
      assert.match(restarted.out, /myapp: stopped\s+myapp: started/);
      const second = await eventually(pidOfApp, 20_000, "myapp RUNNING again");
      assert.notEqual(second, first);
      assert.equal(isAlive(first), false, "the first process has exited");
      assert.equal(await eventually(() => tryGet(site), 20_000, "the site"), "Hello World!");

      assert.match((await ctl("stop", "myapp")).out, /myapp: stopped/);
      assert.equal(isAlive(second), false);
      assert.equal(await tryGet(site), undefined, "the port is closed");
      // SIGTERM: the engine stopped and exited 0, both times.
      const log = readFileSync(join(dir, "supervisord.log"), "utf8");
      assert.equal(log.match(/stopped: myapp \(exit status 0\)/g)?.length, 2, log);
      // The docs' log files, in the program's directory.
      assert.match(readFileSync(join(dir, "access.log"), "utf8"), /"GET \/ HTTP\/1\.1" 200 12/);
      assert.match(readFileSync(join(dir, "error.log"), "utf8"), /ENGINE Bus STOPPED/);
    } finally {
      await ctl("shutdown");
      await eventually(
        () => existsSync(join(dir, "supervisord.pid")) ? undefined : true,
        15_000,
        "supervisord to exit",
      ).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
