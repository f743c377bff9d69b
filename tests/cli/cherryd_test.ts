/**
 * `cherryd`: its command line, where it finds `-i` modules, and whole runs as real processes (in
 * the foreground and as a daemon with a PID file), stopped with SIGTERM.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { parseCherrydArgs, resolveModule, UsageError } from "../../cli/cherryd.ts";
import { isDeno } from "../../platform/mod.ts";
import {
  eventually,
  freePort,
  isAlive as alive,
  runCommand,
  runtimeCommand,
  scriptPath,
  tryGet,
} from "../_helpers.ts";

const EXAMPLE = fileURLToPath(new URL("../../examples/deploy/cherryd", import.meta.url));
const EXT = isDeno ? ".ts" : ".js";

function cherryd(args: string[]) {
  const [cmd, runtimeArgs] = runtimeCommand(scriptPath("cli/cherryd"));
  return runCommand(cmd, [...runtimeArgs, ...args]);
}

function siteConf(dir: string, port: number): string {
  const conf = join(dir, "site.conf");
  const example = readFileSync(join(EXAMPLE, "site.conf"), "utf8");
  writeFileSync(conf, example.replace(/socket_port: \d+/, `socket_port: ${port}`));
  return conf;
}

test("cherryd: options as optparse takes them", () => {
  const o = parseCherrydArgs([
    ...["-c", "a.conf", "--config=b.conf", "-cc.conf", "--config", "d.conf"],
    ...["-i", "app", "--import=pkg.site", "-P", "lib", "--Path", "more"],
    ...["-d", "-e", "production", "-p", "site.pid"],
  ]);
  assert.deepEqual(o.configFiles, ["a.conf", "b.conf", "c.conf", "d.conf"]);
  assert.deepEqual(o.imports, ["app", "pkg.site"]);
  assert.deepEqual(o.paths, ["lib", "more"]);
  assert.equal(o.daemonize, true);
  assert.equal(o.environment, "production");
  assert.equal(o.pidfile, "site.pid");
  assert.deepEqual(o.gateways, []);
  const grouped = parseCherrydArgs(["-dp", "x.pid", "-fs"]);
  assert.equal(grouped.daemonize, true);
  assert.equal(grouped.pidfile, "x.pid");
  assert.deepEqual(grouped.gateways, ["fastcgi", "scgi"]);
  assert.equal(parseCherrydArgs(["--help"]).help, true);
  assert.throws(() => parseCherrydArgs(["-q"]), new UsageError("no such option: -q"));
  assert.throws(() => parseCherrydArgs(["--nope"]), /no such option: --nope/);
  assert.throws(() => parseCherrydArgs(["-c"]), /-c option requires an argument/);
  assert.throws(() => parseCherrydArgs(["site.conf"]), /unexpected argument "site\.conf"/);
});

test("cherryd: -i finds modules in the -P folders (last first), then the working directory", () => {
  const dir = mkdtempSync(join(tmpdir(), "cherrypy-ts-cherryd-"));
  try {
    for (const sub of ["cwd/pkg", "one", "two"]) mkdirSync(join(dir, sub), { recursive: true });
    for (const file of ["cwd/app.ts", "cwd/app.js", "cwd/pkg/site.ts", "one/app.js", "two/x.ts"]) {
      writeFileSync(join(dir, file), "");
    }
    const cwd = join(dir, "cwd");
    const url = (p: string) => "file://" + join(dir, p);
    assert.equal(resolveModule("app", [], cwd), url(isDeno ? "cwd/app.ts" : "cwd/app.js"));
    assert.equal(resolveModule("pkg.site", [], cwd), url("cwd/pkg/site.ts"));
    assert.equal(resolveModule("pkg/site.ts", [], cwd), url("cwd/pkg/site.ts"));
    assert.equal(resolveModule("app", ["../one"], cwd), url("one/app.js"));
    assert.equal(
      resolveModule("app", [join(dir, "one"), join(dir, "two")], cwd),
      url("one/app.js"),
    );
    assert.equal(resolveModule("x", ["../one", "../two"], cwd), url("two/x.ts"));
    // Not a file: imported as a package name; a relative path that is missing is an error.
    assert.equal(resolveModule("some-package", [], cwd), "some-package");
    assert.throws(() => resolveModule("./missing", [], cwd), /Cannot import "\.\/missing"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("cherryd: -c and -i in the foreground; the one app gets the file's sections; SIGTERM", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cherrypy-ts-cherryd-"));
  const port = await freePort();
  try {
    const site = cherryd(["-P", EXAMPLE, "-c", siteConf(dir, port), "-i", "app"]);
    await site.waitFor(/ENGINE Bus STARTED/);
    assert.equal(await tryGet(`http://127.0.0.1:${port}/`), "Hello from cherryd!");
    assert.equal(await tryGet(`http://127.0.0.1:${port}/setting`), "configured by site.conf");
    site.signal("SIGTERM");
    assert.equal(await site.exited, 0, site.stderr());
    assert.match(site.stdout() + site.stderr(), /ENGINE Bus EXITED/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("cherryd: server.workers in the config file runs worker processes; SIGTERM stops all", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cherrypy-ts-cherryd-"));
  const port = await freePort();
  try {
    const conf = siteConf(dir, port);
    writeFileSync(
      conf,
      readFileSync(conf, "utf8").replace("[global]", "[global]\nserver.workers: 2"),
    );
    const site = cherryd(["-P", EXAMPLE, "-c", conf, "-i", "app"]);
    const pids = (await site.waitFor(/Workers serving: pids (\d+), (\d+)\./, 30_000)).slice(1);
    assert.equal(await tryGet(`http://127.0.0.1:${port}/`), "Hello from cherryd!");
    site.signal("SIGTERM");
    assert.equal(await site.exited, 0, site.stderr());
    for (const pid of pids) await eventually(() => !alive(Number(pid)) || undefined, 5_000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("cherryd: -d -p: the launcher exits 0, the PID file names the serving daemon", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cherrypy-ts-cherryd-"));
  const port = await freePort();
  const pidfile = join(dir, "site.pid");
  let daemon: number | undefined;
  try {
    const launcher = cherryd(["-c", siteConf(dir, port), "-i", "app" + EXT, "-P", EXAMPLE]
      .concat(["-d", "-p", pidfile]));
    assert.equal(await launcher.exited, 0, launcher.stdout() + launcher.stderr());
    daemon = Number(readFileSync(pidfile, "utf8"));
    assert.notEqual(daemon, launcher.child.pid);
    assert.ok(alive(daemon));
    assert.equal(await tryGet(`http://127.0.0.1:${port}/`), "Hello from cherryd!");
    process.kill(daemon, "SIGTERM");
    await eventually(() => alive(daemon!) ? undefined : true, 10_000, "the daemon to exit");
    assert.throws(() => readFileSync(pidfile), /ENOENT/, "the PID file is removed");
    assert.equal(await tryGet(`http://127.0.0.1:${port}/`), undefined);
  } finally {
    if (daemon !== undefined && alive(daemon)) process.kill(daemon, "SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
});

test("cherryd: FastCGI/SCGI/CGI, bad arguments and missing modules exit with a message", async () => {
  const fcgi = cherryd(["-f"]);
  assert.equal(await fcgi.exited, 1);
  assert.match(fcgi.stderr(), /FastCGI \(-f\) is not available[\s\S]*Unix socket/);
  const two = cherryd(["-s", "-x"]);
  assert.equal(await two.exited, 1);
  assert.match(two.stderr(), /You may only specify one of the cgi, fastcgi, and scgi options\./);
  const stray = cherryd(["site.conf"]);
  assert.equal(await stray.exited, 2);
  assert.match(
    stray.stderr(),
    /^Usage: cherryd \[options\][\s\S]*unexpected argument "site\.conf"/,
  );
  const missing = cherryd(["-i", "no_such_module_here"]);
  assert.equal(await missing.exited, 1);
  assert.match(missing.stderr(), /cannot import "no_such_module_here" \(no file for it in \./);
  const help = cherryd(["-h"]);
  assert.equal(await help.exited, 0);
  assert.match(help.stdout(), /-p FILE, --pidfile=FILE/);
});
