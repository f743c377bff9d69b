/**
 * Worker processes run by the engine (`server.workers`): they share the port, a dead one is
 * replaced, SIGHUP replaces them all without a refused connection, SIGTERM stops everything.
 * Real child processes and real signals, on each runtime.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import http from "node:http";
import { eventually, freePort, isAlive, runProgram } from "../_helpers.ts";

/**
 * Linux's `net.ipv4.tcp_migrate_req`: 1 moves the connections queued on a closing
 * SO_REUSEPORT listener to another listener of the port; 0 resets them (docs/workers.md).
 */
function migratesQueuedConnections(): boolean {
  try {
    return readFileSync("/proc/sys/net/ipv4/tcp_migrate_req", "utf8").trim() === "1";
  } catch {
    return false;
  }
}
const isBun = "Bun" in globalThis;

/** GET on a fresh connection: the body, or the error's code (ECONNREFUSED, ...). */
function get(port: number, path = "/pid"): Promise<{ ok: boolean; body: string }> {
  return new Promise((resolve) => {
    const req = http.get({ host: "127.0.0.1", port, path, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => body += d);
      res.on("end", () => resolve({ ok: res.statusCode === 200, body }));
      res.on(
        "error",
        (e) => resolve({ ok: false, body: String((e as NodeJS.ErrnoException).code) }),
      );
    });
    req.on("error", (e) => resolve({ ok: false, body: String((e as NodeJS.ErrnoException).code) }));
    req.setTimeout(10_000, () => req.destroy(new Error("timeout")));
  });
}

/** The pids that answer `rounds` requests. */
async function pidsSeen(port: number, rounds = 60): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < rounds; i++) {
    const r = await get(port);
    if (r.ok) seen.add(r.body);
  }
  return seen;
}

function workerPids(log: string): string[] {
  const all = [...log.matchAll(/Workers (?:serving|replaced): pids ([\d, ]+)\./g)];
  return all.at(-1)?.[1]?.split(", ") ?? [];
}

test("server.workers: 2 workers share the port; SIGKILL → replaced; SIGHUP → no failure; SIGTERM → exit 0", async () => {
  const port = await freePort();
  const site = runProgram("examples/deploy/workers", { PORT: String(port), WORKERS: "2" });
  try {
    await site.waitFor(/Workers serving: pids/, 30_000);
    const first = workerPids(site.stderr() + site.stdout());
    assert.equal(first.length, 2);
    const mainPid = String(site.child.pid);
    assert.ok(!first.includes(mainPid), "the main process does not serve");
    // Both serve (the kernel spreads new connections over the SO_REUSEPORT listeners).
    const seen = await eventually(async () => {
      const s = await pidsSeen(port);
      return s.size === 2 ? s : undefined;
    }, 20_000);
    assert.deepEqual([...seen].sort(), [...first].sort());

    // A worker killed outright is replaced within 2 s.
    const [killed, survivor] = first as [string, string];
    process.kill(Number(killed), "SIGKILL");
    const killedAt = Date.now();
    await site.waitFor(/Worker \d replaced \(pid \d+\)/, 5_000);
    assert.ok(Date.now() - killedAt < 2_000, "replaced within 2 s");
    const after = await eventually(async () => {
      const s = await pidsSeen(port, 40);
      return s.size === 2 && !s.has(killed) ? s : undefined;
    }, 20_000);
    assert.ok(after.has(survivor));

    // SIGHUP under a steady stream of requests: every worker is replaced, nothing fails.
    let stop = false;
    const results: Array<{ ok: boolean; body: string }> = [];
    const load = (async () => {
      while (!stop) results.push(await get(port));
    })();
    const load2 = (async () => {
      while (!stop) results.push(await get(port));
    })();
    await new Promise((r) => setTimeout(r, 300));
    const before = new Set([...after]);
    site.signal("SIGHUP");
    await site.waitFor(/Workers replaced: pids/, 60_000);
    await new Promise((r) => setTimeout(r, 300));
    stop = true;
    await Promise.all([load, load2]);
    const failed = results.filter((r) => !r.ok);
    console.log(`SIGHUP under load: ${results.length} requests, ${failed.length} failed`);
    if (isBun && !migratesQueuedConnections()) {
      // Bun's listener leaves connections in its accept queue when it closes, and without
      // tcp_migrate_req Linux resets them: docs/workers.md says to set it (CI does).
      console.log("net.ipv4.tcp_migrate_req is 0: resets on Bun are possible, not asserted");
    } else {
      const codes = [...new Set(failed.map((f) => f.body))].join(", ");
      assert.equal(failed.length, 0, `${failed.length} of ${results.length} failed: ${codes}`);
    }
    const replaced = workerPids(site.stderr() + site.stdout());
    assert.equal(replaced.length, 2);
    for (const pid of replaced) assert.ok(!before.has(pid), "every worker is new");

    // SIGTERM: the workers drain and exit, then the main process exits 0.
    site.signal("SIGTERM");
    assert.equal(await site.exited, 0, site.stderr());
    for (const pid of replaced) {
      await eventually(() => !isAlive(Number(pid)) || undefined, 5_000);
    }
  } finally {
    site.signal("SIGKILL");
  }
});

test("server.workers with the Daemonizer, PIDFile and DropPrivileges (as root: workers run as nobody)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cherrypy-ts-workers-"));
  const port = await freePort();
  const pidfile = join(dir, "site.pid");
  const logfile = join(dir, "site.log");
  let mainPid: number | undefined;
  try {
    const launcher = runProgram("tests/fixtures/workers_daemon", {
      PORT: String(port),
      PIDFILE: pidfile,
      LOGFILE: logfile,
    });
    assert.equal(await launcher.exited, 0, launcher.stderr());
    mainPid = Number(readFileSync(pidfile, "utf8"));
    assert.ok(isAlive(mainPid), "the PID file names the running main process");
    const log = () => readFileSync(logfile, "utf8");
    await eventually(() => /Workers serving: pids/.test(log()) || undefined, 20_000, "workers");
    const workers = workerPids(log());
    assert.equal(workers.length, 2);
    assert.ok(!workers.includes(String(mainPid)));
    const root = process.getuid?.() === 0;
    const served = await eventually(async () => {
      const seen = new Map<string, string>();
      for (let i = 0; i < 40; i++) {
        const r = await get(port, "/who");
        if (r.ok) seen.set(r.body.split(" ")[0]!, r.body.split(" ")[1]!);
      }
      return seen.size === 2 ? seen : undefined;
    }, 20_000);
    assert.deepEqual([...served.keys()].sort(), [...workers].sort());
    if (root) {
      for (const uid of served.values()) assert.equal(uid, "65534", "workers run as nobody");
      assert.match(readFileSync(`/proc/${mainPid}/status`, "utf8"), /^Uid:\s+0\s/m);
      assert.match(log(), /Privileges are dropped by each worker/);
    }

    // SIGHUP: the main process (and the PID file) stay, the workers are replaced.
    process.kill(mainPid, "SIGHUP");
    await eventually(() => /Workers replaced: pids/.test(log()) || undefined, 30_000, "reload");
    assert.equal(Number(readFileSync(pidfile, "utf8")), mainPid);
    const replaced = workerPids(log());
    for (const pid of replaced) assert.ok(!workers.includes(pid));

    // SIGTERM: everything stops, the PID file goes.
    process.kill(mainPid, "SIGTERM");
    await eventually(() => !isAlive(mainPid!) || undefined, 20_000, "main exit");
    for (const pid of replaced) await eventually(() => !isAlive(Number(pid)) || undefined, 5_000);
    assert.equal(existsSync(pidfile), false, "the PID file is removed");
  } finally {
    if (mainPid !== undefined && isAlive(mainPid)) process.kill(mainPid, "SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
});
