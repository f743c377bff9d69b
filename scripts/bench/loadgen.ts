/**
 * Load generation: `wrk` (installed with apt-get when missing and running as root) or, as a
 * fallback good for smoke runs only, `autocannon` through `npx`; and the parsing of their
 * results into one {@link LoadResult}.
 *
 * @module
 */

import { BENCH_DIR, type Options } from "./options.ts";
import { findOnPath, log, runToEnd } from "./procs.ts";

/** What one load run measured. */
export interface LoadResult {
  /** Requests per second over the run. */
  rps: number;
  /** 99th-percentile latency, in milliseconds. */
  p99Ms: number;
  /** Median latency, in milliseconds. */
  p50Ms: number;
  /** Requests completed. */
  requests: number;
  /** Socket errors and timeouts. */
  errors: number;
  /** Responses whose status was not 2xx (or 3xx, for wrk). */
  non2xx: number;
}

/** A load generator. */
export interface LoadGenerator {
  /** `wrk` or `autocannon`. */
  readonly name: string;
  /** Its version, once found. */
  version: string;
  /**
   * Loads `url` for `seconds` with `connections` keep-alive connections, pinned to `cpu`,
   * sending `headers` (name to value) with every request.
   */
  run(
    url: string,
    seconds: number,
    connections: number,
    cpu: number,
    headers?: Readonly<Record<string, string>>,
  ): Promise<LoadResult>;
}

/** The `BENCH_JSON {...}` line `wrk_report.lua` prints. */
interface WrkReport {
  requests: number;
  durationUs: number;
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  latencyUs: { p50: number; p99: number };
}

/**
 * Turns `wrk`'s output (with `wrk_report.lua`) into a {@link LoadResult}; `null` when the
 * report line is missing.
 *
 * @example
 * ```ts
 * import { parseWrkOutput } from "./loadgen.ts";
 * const r = parseWrkOutput(
 *   'BENCH_JSON {"requests":1000,"durationUs":1000000,"bytes":0,' +
 *     '"errors":{"connect":0,"read":0,"write":0,"status":0,"timeout":0},' +
 *     '"latencyUs":{"mean":1.0,"max":9,"p50":400,"p90":800,"p99":1500}}',
 * );
 * r!.rps; // 1000
 * ```
 */
export function parseWrkOutput(stdout: string): LoadResult | null {
  const line = stdout.match(/^BENCH_JSON (.*)$/m)?.[1];
  if (line === undefined) return null;
  const j = JSON.parse(line) as WrkReport;
  const e = j.errors;
  return {
    rps: j.requests / (j.durationUs / 1e6),
    p99Ms: j.latencyUs.p99 / 1000,
    p50Ms: j.latencyUs.p50 / 1000,
    requests: j.requests,
    errors: e.connect + e.read + e.write + e.timeout,
    non2xx: e.status,
  };
}

const wrk: LoadGenerator = {
  name: "wrk",
  version: "",
  async run(url, seconds, connections, cpu, headers = {}) {
    const argv = [
      "wrk",
      "-t1",
      `-c${connections}`,
      `-d${seconds}s`,
      "--latency",
      ...Object.entries(headers).flatMap(([name, value]) => ["-H", `${name}: ${value}`]),
      "-s",
      `${BENCH_DIR}/wrk_report.lua`,
      url,
    ];
    const r = await runToEnd(argv, { cpu, timeoutMs: (seconds + 30) * 1000 });
    const result = r.code === 0 ? parseWrkOutput(r.stdout) : null;
    if (result === null) {
      throw new Error(`wrk failed (exit ${r.code}): ${(r.stderr || r.stdout).trim()}`);
    }
    return result;
  },
};

const autocannon: LoadGenerator = {
  name: "autocannon",
  version: "",
  async run(url, seconds, connections, cpu, headers = {}) {
    // autocannon splits `-H` at the first `:` or `=`, and keeps what follows as the value.
    const h = Object.entries(headers).flatMap(([name, value]) => ["-H", `${name}:${value}`]);
    const argv = [
      "npx",
      "-y",
      "autocannon",
      "-j",
      "-c",
      `${connections}`,
      "-d",
      `${seconds}`,
      ...h,
      url,
    ];
    const r = await runToEnd(argv, { cpu, timeoutMs: (seconds + 120) * 1000 });
    let j;
    try {
      j = JSON.parse(r.stdout.slice(r.stdout.indexOf("{")));
    } catch {
      throw new Error(`autocannon failed (exit ${r.code}): ${(r.stderr || r.stdout).trim()}`);
    }
    const total = j.requests.total as number;
    return {
      rps: j.duration > 0 ? total / j.duration : j.requests.average,
      p99Ms: j.latency.p99,
      p50Ms: j.latency.p50,
      requests: total,
      errors: (j.errors ?? 0) + (j.timeouts ?? 0),
      non2xx: j.non2xx ?? 0,
    };
  },
};

async function installWrk(): Promise<boolean> {
  if (Deno.uid() !== 0 || findOnPath("apt-get") === null) return false;
  log("wrk not found: installing it with apt-get ...");
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  for (const argv of [["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "wrk"]]) {
    const r = await runToEnd(argv, { env, timeoutMs: 600_000 });
    if (r.code !== 0) {
      log(`${argv.join(" ")} failed (exit ${r.code}):\n${(r.stderr || r.stdout).trim()}`);
      return false;
    }
  }
  return findOnPath("wrk") !== null;
}

/**
 * The load generator to use for `choice`: wrk when present or installable, else (unless
 * `choice` is `wrk`) autocannon through npx; `null` when none is available.
 *
 * @example
 * ```ts
 * import { ensureLoadGenerator } from "./loadgen.ts";
 * const gen = await ensureLoadGenerator("auto");
 * if (gen) console.log(`${gen.name} ${gen.version}`);
 * ```
 */
export async function ensureLoadGenerator(
  choice: Options["loadgen"],
): Promise<LoadGenerator | null> {
  if (choice !== "autocannon") {
    if (findOnPath("wrk") !== null || (await installWrk())) {
      const v = await runToEnd(["wrk", "-v"], { timeoutMs: 10_000 });
      wrk.version = (v.stdout + v.stderr).match(/^wrk (\S+)/m)?.[1] ?? "unknown";
      return wrk;
    }
    if (choice === "wrk") return null;
    log("wrk is unavailable: falling back to autocannon (npx)");
  }
  if (findOnPath("npx") === null) return null;
  const v = await runToEnd(["npx", "-y", "autocannon", "--version"], { timeoutMs: 300_000 });
  if (v.code !== 0) {
    log(`npx autocannon failed (exit ${v.code}):\n${(v.stderr || v.stdout).trim()}`);
    return null;
  }
  autocannon.version = (v.stdout + v.stderr).match(/autocannon v?(\S+)/)?.[1] ?? "unknown";
  return autocannon;
}
