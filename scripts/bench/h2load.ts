/**
 * The `h2` group's load generator: `h2load` (Debian's nghttp2-client, installed with apt-get
 * when missing and running as root) over TLS, speaking HTTP/2 (`clients` connections with
 * `streams` requests in flight on each), or HTTP/1.1 over the same TLS with `--h1` (one request
 * in flight per connection), and the parsing of its report into a {@link LoadResult}. Latency
 * percentiles come from its per-request log.
 *
 * @module
 */

import type { LoadResult } from "./loadgen.ts";
import { findOnPath, log, runToEnd } from "./procs.ts";

/** How a run loads the server. */
export interface H2LoadPlan {
  /** Connections. */
  clients: number;
  /** Requests in flight per connection (HTTP/2 streams; 1 with `h1`). */
  streams: number;
  /** HTTP/1.1 over TLS instead of HTTP/2. */
  h1: boolean;
}

/**
 * `h2load`'s summary and per-request log as a {@link LoadResult}; throws when the protocol
 * negotiated is not the one asked for, or the summary is missing.
 *
 * @example
 * ```ts
 * import { parseH2load } from "./h2load.ts";
 * const out = "Application protocol: h2\nfinished in 1.00s, 100.00 req/s, 1KB/s\n" +
 *   "requests: 100 total, 100 started, 100 done, 99 succeeded, 1 failed, 0 errored, 0 timeout\n" +
 *   "status codes: 99 2xx, 0 3xx, 1 4xx, 0 5xx\n";
 * parseH2load(out, "1\t200\t500\n2\t200\t700\n", "h2").rps; // 100
 * ```
 */
export function parseH2load(
  stdout: string,
  logText: string,
  protocol: "h2" | "http/1.1",
): LoadResult {
  const negotiated = stdout.match(/^Application protocol: (\S+)/m)?.[1];
  if (negotiated !== protocol) {
    throw new Error(
      negotiated === undefined
        ? `h2load negotiated no protocol (is the server speaking TLS?):\n${stdout.trim()}`
        : `h2load negotiated ${negotiated}, not ${protocol}: the server does not offer it`,
    );
  }
  const finished = stdout.match(/^finished in ([\d.]+)s, ([\d.]+) req\/s/m);
  const counts = stdout.match(
    /^requests: (\d+) total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/m,
  );
  const status = stdout.match(/^status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/m);
  if (finished === null || counts === null || status === null) {
    throw new Error(`h2load printed no summary:\n${stdout.trim()}`);
  }
  const latencies = logText.split("\n").filter((l) => l !== "").map((l) => Number(l.split("\t")[2]))
    .filter((n) => Number.isFinite(n)).sort((a, b) => a - b);
  const at = (q: number) =>
    latencies.length === 0
      ? 0
      : latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]! / 1000;
  const failed = Number(counts[4]) + Number(counts[5]) + Number(counts[6]);
  return {
    rps: Number(finished[2]),
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    requests: Number(counts[2]),
    errors: failed,
    non2xx: Number(status[2]) + Number(status[3]) + Number(status[4]),
  };
}

async function installH2load(): Promise<boolean> {
  if (Deno.uid() !== 0 || findOnPath("apt-get") === null) return false;
  log("h2load not found: installing nghttp2-client with apt-get ...");
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  for (
    const argv of [["apt-get", "update", "-qq"], [
      "apt-get",
      "install",
      "-y",
      "-qq",
      "nghttp2-client",
    ]]
  ) {
    const r = await runToEnd(argv, { env, timeoutMs: 600_000 });
    if (r.code !== 0) {
      log(`${argv.join(" ")} failed (exit ${r.code}):\n${(r.stderr || r.stdout).trim()}`);
      return false;
    }
  }
  return findOnPath("h2load") !== null;
}

/** `h2load`'s version once present (installed if needed); `null` when it cannot be had. */
export async function ensureH2load(): Promise<string | null> {
  if (findOnPath("h2load") === null && !(await installH2load())) return null;
  const v = await runToEnd(["h2load", "--version"], { timeoutMs: 10_000 });
  return v.stdout.match(/nghttp2\/(\S+)/)?.[1] ?? "unknown";
}

/** Loads `url` (https) for `seconds` as `plan` says, pinned to `cpu`. */
export async function runH2load(
  url: string,
  seconds: number,
  plan: H2LoadPlan,
  cpu: number,
): Promise<LoadResult> {
  const logFile = await Deno.makeTempFile({ prefix: "cherrypy-bench-h2load-", suffix: ".tsv" });
  try {
    const argv = [
      "h2load",
      ...(plan.h1 ? ["--h1"] : ["-m", String(plan.streams)]),
      "-c",
      String(plan.clients),
      "-D",
      String(seconds),
      `--log-file=${logFile}`,
      url,
    ];
    const r = await runToEnd(argv, { cpu, timeoutMs: (seconds + 60) * 1000 });
    if (r.code !== 0 && !r.stdout.includes("finished in")) {
      throw new Error(`h2load failed (exit ${r.code}): ${(r.stderr || r.stdout).trim()}`);
    }
    return parseH2load(r.stdout, await Deno.readTextFile(logFile), plan.h1 ? "http/1.1" : "h2");
  } finally {
    await Deno.remove(logFile).catch(() => {});
  }
}
