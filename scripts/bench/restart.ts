/**
 * The `restart` group: what a restart costs the clients. The site of
 * `examples/deploy/workers.ts` runs on Deno (the sources) and on Node (the npm build) with one
 * worker process and with `--workers`; a steady load of short requests (8 loops, each a GET on a
 * fresh connection, as clients arriving) runs through a SIGHUP sent to the main process, which
 * replaces the workers one by one (a new one serves before the old one stops accepting). A site
 * without workers is not measured: as CherryPy's, it exits on SIGHUP unless daemonized.
 * Reported per row: requests answered, connections refused, other failures, the longest request
 * and whether `net.ipv4.tcp_migrate_req` was on (see docs/workers.md).
 *
 *     deno run -A scripts/bench/run.ts --only restart
 *
 * @module
 */

import { connect } from "node:net";
import { freePort, log, start } from "./procs.ts";
import { ROOT } from "./options.ts";

/** One row's counts. */
export interface RestartResult {
  /** `deno` or `node`. */
  runtime: string;
  /** Worker processes. */
  workers: number;
  /** Requests answered 200. */
  ok: number;
  /** Connections refused (ECONNREFUSED). */
  refused: number;
  /** Other failures: resets, errors, statuses other than 200, timeouts. */
  failed: number;
  /** The longest request, in milliseconds. */
  longestMs: number;
  /** From the first refused or failed request to the last one, in milliseconds (0: none). */
  outageMs: number;
  /** Requests answered after the last refused or failed one (the site is back). */
  okAfter: number;
  /** Whether every worker answering at the end is new (none answered before the SIGHUP). */
  replaced: boolean;
}

/** One GET on a fresh connection: "ok", "refused" or "failed", and how long it took. */
function oneRequest(
  port: number,
): Promise<{ outcome: "ok" | "refused" | "failed"; ms: number; pid: string }> {
  const started = performance.now();
  return new Promise((resolve) => {
    let answer = "";
    let settled = false;
    const done = (outcome: "ok" | "refused" | "failed") => {
      if (settled) return;
      settled = true;
      socket.destroy();
      const pid = answer.slice(answer.indexOf("\r\n\r\n") + 4);
      resolve({ outcome, ms: performance.now() - started, pid });
    };
    const socket = connect(port, "127.0.0.1", () => {
      socket.write("GET /pid HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n");
    });
    socket.setTimeout(10_000, () => done("failed"));
    socket.on("data", (chunk) => answer += chunk.toString("latin1"));
    socket.on("end", () => done(answer.startsWith("HTTP/1.1 200 ") ? "ok" : "failed"));
    socket.on(
      "error",
      (e: NodeJS.ErrnoException) => done(e.code === "ECONNREFUSED" ? "refused" : "failed"),
    );
  });
}

async function restartRow(runtime: "deno" | "node", workers: number): Promise<RestartResult> {
  const port = freePort();
  const argv = runtime === "deno"
    ? [Deno.execPath(), "run", "-A", `${ROOT}/examples/deploy/workers.ts`]
    : ["node", `${ROOT}/npm/examples/deploy/workers.js`];
  const site = start(argv, { env: { PORT: String(port), WORKERS: String(workers) } });
  try {
    // Serving: the first 200.
    const deadline = Date.now() + 30_000;
    while ((await oneRequest(port)).outcome !== "ok") {
      if (Date.now() > deadline) throw new Error(`${runtime}: the site did not start`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const result: RestartResult = {
      runtime,
      workers,
      ok: 0,
      refused: 0,
      failed: 0,
      longestMs: 0,
      outageMs: 0,
      okAfter: 0,
      replaced: false,
    };
    const before = new Set<string>();
    const after = new Set<string>();
    let phase: "before" | "during" | "after" = "before";
    let firstBad = 0;
    let lastBad = 0;
    let running = true;
    const loops = Array.from({ length: 8 }, async () => {
      while (running) {
        const r = await oneRequest(port);
        result[r.outcome]++;
        result.longestMs = Math.max(result.longestMs, r.ms);
        if (r.outcome !== "ok") {
          lastBad = performance.now();
          firstBad ||= lastBad;
          result.okAfter = 0;
        } else {
          result.okAfter++;
          if (phase === "before") before.add(r.pid);
          else if (phase === "after") after.add(r.pid);
        }
      }
    });
    await new Promise((r) => setTimeout(r, 1_000));
    phase = "during";
    Deno.kill(site.pid, "SIGHUP");
    await new Promise((r) => setTimeout(r, 3_500));
    phase = "after";
    await new Promise((r) => setTimeout(r, 500));
    running = false;
    await Promise.all(loops);
    result.outageMs = lastBad - firstBad;
    result.replaced = after.size > 0 && [...after].every((pid) => !before.has(pid));
    return result;
  } finally {
    await site.stop(5_000);
  }
}

/** Runs the group's rows and prints their table; `false` when one could not be measured. */
export async function runRestartBench(
  workers: number,
  runtimes: string[] | null,
): Promise<boolean> {
  let migrate = "unknown";
  try {
    migrate = (await Deno.readTextFile("/proc/sys/net/ipv4/tcp_migrate_req")).trim();
  } catch { /* not Linux */ }
  const rows: RestartResult[] = [];
  let ok = true;
  for (const runtime of ["deno", "node"] as const) {
    if (runtimes !== null && !runtimes.includes(runtime)) continue;
    for (const n of [...new Set([1, workers])]) {
      try {
        const row = await restartRow(runtime, n);
        log(
          `[restart] ${runtime}, ${n} worker(s): ${row.ok} ok, ` +
            `${row.refused} refused, ${row.failed} failed, longest ${
              row.longestMs.toFixed(0)
            } ms, ` +
            `outage ${row.outageMs.toFixed(0)} ms, ${row.okAfter} ok after it, ` +
            `workers ${row.replaced ? "replaced" : "NOT replaced"}`,
        );
        rows.push(row);
        if (!row.replaced || row.refused > 0 || row.failed > 0) ok = false;
      } catch (e) {
        log(`[restart] ${runtime}, ${n} workers: ${(e as Error).message}`);
        ok = false;
      }
    }
  }
  console.log(
    `\nRestart under load (SIGHUP after 1 s; 8 loops of GET on fresh connections; ` +
      `net.ipv4.tcp_migrate_req = ${migrate}):\n`,
  );
  console.log(
    "| runtime | processes | requests ok | refused | failed | longest ms | outage ms | ok after | replaced |",
  );
  console.log(
    "|---------|-----------|------------:|--------:|-------:|-----------:|----------:|---------:|----------|",
  );
  for (const r of rows) {
    const processes = `${r.workers} worker${r.workers === 1 ? "" : "s"}`;
    console.log(
      [r.runtime, processes, r.ok, r.refused, r.failed, r.longestMs.toFixed(0)]
        .concat([r.outageMs.toFixed(0), String(r.okAfter), r.replaced ? "yes" : "no"])
        .map((cell) => ` ${cell} `).join("|").replace(/^/, "|") + "|",
    );
  }
  return ok;
}
