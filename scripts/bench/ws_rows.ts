/**
 * The rows of the `websocket` group: `ws_load.ts` (run pinned to the client CPU, as wrk is)
 * keeps one message in flight on each of `--connections` WebSockets to the server's `/ws`,
 * which echoes it; the row's "requests" are messages echoed, its CPU time is per message.
 *
 * @module
 */

import type { Options } from "./options.ts";
import { BENCH_DIR } from "./options.ts";
import { runToEnd } from "./procs.ts";
import { cpuSecondsOfTree, rssOfTree } from "./procstat.ts";
import type { RunResult, Unit } from "./report.ts";
import type { WsLoadResult } from "./ws_load.ts";

async function wsLoad(url: string, seconds: number, opts: Options): Promise<WsLoadResult> {
  const r = await runToEnd(
    [
      Deno.execPath(),
      "run",
      "-A",
      `${BENCH_DIR}/ws_load.ts`,
      url,
      String(seconds),
      String(opts.connections),
    ],
    { cpu: opts.clientCpu, timeoutMs: (seconds + 60) * 1000 },
  );
  const line = r.stdout.split("\n").find((l) => l.startsWith("BENCH_JSON "));
  if (line === undefined) {
    throw new Error(`ws_load failed (exit ${r.code}): ${(r.stderr || r.stdout).trim()}`);
  }
  return JSON.parse(line.slice("BENCH_JSON ".length)) as WsLoadResult;
}

/** Measures one row of the `websocket` group against the server on `port`. */
export async function measureWs(
  unit: Unit,
  round: number,
  opts: Options,
  server: { pid: number; exited: boolean; stderr: string },
  port: number,
): Promise<RunResult> {
  const url = `ws://127.0.0.1:${port}/ws`;
  if (opts.warmup > 0) await wsLoad(url, opts.warmup, opts);
  const cpuBefore = cpuSecondsOfTree(server.pid);
  const result = await wsLoad(url, opts.duration, opts);
  const cpuAfter = cpuSecondsOfTree(server.pid);
  const rssBytes = rssOfTree(server.pid);
  if (server.exited) {
    throw new Error(`${unit.target.name} died during the run:\n${server.stderr.trim()}`);
  }
  if (result.messages === 0) {
    throw new Error(`${unit.target.name}: no message came back (${result.errors} errors)`);
  }
  const cpuUsPerRequest = cpuBefore !== null && cpuAfter !== null
    ? ((cpuAfter - cpuBefore) * 1e6) / result.messages
    : null;
  return {
    round,
    rps: result.rps,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    requests: result.messages,
    errors: result.errors,
    non2xx: 0,
    rssBytes,
    cpuUsPerRequest,
    session: null,
  };
}
