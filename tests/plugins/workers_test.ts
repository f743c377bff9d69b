/**
 * Worker processes run by the engine (`server.workers`): they share the port, a dead one is
 * replaced, SIGHUP replaces them all without a refused connection, SIGTERM stops everything.
 * Real child processes and real signals, on each runtime.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
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
