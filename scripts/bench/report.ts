/**
 * The benchmark's results: the per-run numbers, their summary per target and app (medians,
 * spread, ratios against the raw server of the same runtime and app), the markdown table, and
 * the description of the machine that goes into the JSON report.
 *
 * @module
 */

import type { LoadResult } from "./loadgen.ts";
import { ROOT } from "./options.ts";
import type { AppName, Runtime, Target } from "./targets.ts";

/** One measured run of one target and app. */
export interface RunResult extends LoadResult {
  /** The round (from 1). */
  round: number;
  /** The server's resident memory at the end of the run, with its children. */
  rssBytes: number | null;
  /** The server's CPU time (user + system) per request during the run, in microseconds. */
  cpuUsPerRequest: number | null;
  /**
   * For a session app: how far the session's counter advanced over the warm-up and the measured
   * run, and how many requests the load generator counted in them; `null` for other apps.
   */
  session: { advanced: number; requests: number } | null;
}

/** One target serving one app, with its runs so far. */
export interface Unit {
  /** The server. */
  readonly target: Target;
  /** The app requested. */
  readonly app: AppName;
  /** The runs measured. */
  readonly runs: RunResult[];
  /** Why it stopped being measured, if it did. */
  failure: string | null;
}

/** The summary of one {@link Unit}, as written to the JSON report. */
export interface Summary {
  /** The target's name. */
  name: string;
  /** The app. */
  app: AppName;
  /** The runtime. */
  runtime: Runtime;
  /** The target's description. */
  description: string;
  /** `true` for the runtime's raw server. */
  baseline: boolean;
  /** The command line (with port 0). */
  command: string[];
  /** Why it failed, if it did. */
  failure: string | null;
  /** Every run. */
  runs: RunResult[];
  /** Median req/s over the runs. */
  medianRps: number | null;
  /** Lowest req/s. */
  minRps: number | null;
  /** Highest req/s. */
  maxRps: number | null;
  /** Median p99 latency over the runs, in milliseconds. */
  medianP99Ms: number | null;
  /** Median CPU microseconds per request over the runs. */
  medianCpuUs: number | null;
  /** Largest RSS seen. */
  maxRssBytes: number | null;
  /**
   * For a session app, the lowest share of the requests its session counter counted over the
   * runs (1: every request; less: concurrent updates were lost); `null` for other apps.
   */
  sessionShare: number | null;
  /** Socket errors and timeouts, over all runs. */
  errors: number;
  /** Non-2xx responses, over all runs. */
  non2xx: number;
  /** The baseline the ratios are taken against. */
  baselineName: string | null;
  /** Median req/s over the baseline's. */
  rpsVsBaseline: number | null;
  /** Median p99 over the baseline's. */
  p99VsBaseline: number | null;
  /** Median CPU per request over the baseline's. */
  cpuVsBaseline: number | null;
  /** The floor target (see `Target.floor`), when it was measured. */
  floorName: string | null;
  /** Median req/s over the floor's. */
  rpsVsFloor: number | null;
  /** Median CPU per request over the floor's. */
  cpuVsFloor: number | null;
}

/**
 * The median of `values` (not empty).
 *
 * @example
 * ```ts
 * import { median } from "./report.ts";
 * median([3, 1, 2]); // 2
 * median([4, 1, 2, 3]); // 2.5
 * ```
 */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Summarizes every unit; ratios are against the baseline target of the same runtime serving
 * the same app, when it was measured.
 *
 * @example
 * ```ts
 * import { summarize } from "./report.ts";
 * const summaries = summarize([], (t) => t.command({} as never));
 * ```
 */
export function summarize(units: Unit[], commandOf: (t: Target) => string[]): Summary[] {
  const base: Summary[] = units.map((u) => {
    const rps = u.runs.map((r) => r.rps);
    const rss = u.runs.map((r) => r.rssBytes).filter((x): x is number => x !== null);
    const cpu = u.runs.map((r) => r.cpuUsPerRequest).filter((x): x is number => x !== null);
    const shares = u.runs.flatMap((r) =>
      r.session !== null && r.session.requests > 0 ? [r.session.advanced / r.session.requests] : []
    );
    const some = rps.length > 0;
    return {
      name: u.target.name,
      app: u.app,
      runtime: u.target.runtime,
      description: u.target.description,
      baseline: u.target.baseline === true,
      command: commandOf(u.target),
      failure: u.failure,
      runs: u.runs,
      medianRps: some ? median(rps) : null,
      minRps: some ? Math.min(...rps) : null,
      maxRps: some ? Math.max(...rps) : null,
      medianP99Ms: some ? median(u.runs.map((r) => r.p99Ms)) : null,
      medianCpuUs: cpu.length > 0 ? median(cpu) : null,
      maxRssBytes: rss.length > 0 ? Math.max(...rss) : null,
      sessionShare: shares.length > 0 ? Math.min(...shares) : null,
      errors: u.runs.reduce((n, r) => n + r.errors, 0),
      non2xx: u.runs.reduce((n, r) => n + r.non2xx, 0),
      baselineName: null,
      rpsVsBaseline: null,
      p99VsBaseline: null,
      cpuVsBaseline: null,
      floorName: null,
      rpsVsFloor: null,
      cpuVsFloor: null,
    };
  });
  units.forEach((u, i) => {
    const s = base[i]!;
    const b = base.find((x) => x.baseline && x.runtime === s.runtime && x.app === s.app);
    if (b !== undefined) {
      s.baselineName = b.name;
      s.rpsVsBaseline = quotient(s.medianRps, b.medianRps);
      s.p99VsBaseline = quotient(s.medianP99Ms, b.medianP99Ms);
      s.cpuVsBaseline = quotient(s.medianCpuUs, b.medianCpuUs);
    }
    const f = base.find((x) => x.name === u.target.floor && x.app === s.app);
    if (f !== undefined) {
      s.floorName = f.name;
      s.rpsVsFloor = quotient(s.medianRps, f.medianRps);
      s.cpuVsFloor = quotient(s.medianCpuUs, f.medianCpuUs);
    }
  });
  return base;
}

/** `a / b`, or `null` when either is missing (or `b` is 0). */
function quotient(a: number | null, b: number | null): number | null {
  return a !== null && b ? a / b : null;
}

/**
 * `n` with thousands separators and `digits` decimals; `n/a` for `null`.
 *
 * @example
 * ```ts
 * import { fmt } from "./report.ts";
 * fmt(123456.7, 0); // "123,457"
 * ```
 */
export function fmt(n: number | null, digits: number): string {
  if (n === null) return "n/a";
  return n.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/**
 * The markdown table of `summaries`, one row per target and app.
 *
 * @example
 * ```ts
 * import { table } from "./report.ts";
 * console.log(table([]));
 * ```
 */
export function table(summaries: Summary[]): string {
  const head = [
    "app",
    "target",
    "runtime",
    "req/s (median)",
    "spread",
    "req/s vs raw",
    "p99 ms (median)",
    "p99 vs raw",
    "CPU µs/req",
    "CPU vs raw",
    "vs floor (req/s, CPU)",
    "RSS MB (max)",
    "errors",
  ];
  const rows = summaries.map((s) => {
    if (s.failure !== null && s.runs.length === 0) {
      return [s.app, s.name, s.runtime, "FAILED", "", "", "", "", "", "", "", "", ""];
    }
    const spread = s.medianRps && s.runs.length > 1
      ? `±${fmt((100 * (s.maxRps! - s.minRps!)) / 2 / s.medianRps, 1)}%`
      : "";
    const ratio = (r: number | null) => (r === null ? "n/a" : `${fmt(r, 2)}×`);
    const errors = s.errors + s.non2xx === 0 ? "0" : `${s.errors} (+${s.non2xx} non-2xx)`;
    return [
      s.app,
      s.name + (s.failure !== null ? " (partly failed)" : ""),
      s.runtime,
      fmt(s.medianRps, 0),
      spread,
      s.baseline ? "1.00× (base)" : ratio(s.rpsVsBaseline),
      fmt(s.medianP99Ms, 2),
      s.baseline ? "1.00× (base)" : ratio(s.p99VsBaseline),
      fmt(s.medianCpuUs, 1),
      s.baseline ? "1.00× (base)" : ratio(s.cpuVsBaseline),
      s.floorName === null ? "" : `${ratio(s.rpsVsFloor)}, ${ratio(s.cpuVsFloor)}`,
      s.maxRssBytes === null ? "n/a" : fmt(s.maxRssBytes / 1048576, 1),
      errors,
    ];
  });
  const right = new Set([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    `| ${
      cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(
        " | ",
      )
    } |`;
  const rule = `|${
    widths.map((w, i) => right.has(i) ? `${"-".repeat(w + 1)}:` : "-".repeat(w + 2)).join("|")
  }|`;
  return [line(head), rule, ...rows.map(line)].join("\n");
}

/**
 * The note under the table on the session counters: for each row of a session app, the share
 * of its requests its counter counted, flagging those under `lostBelow` (lost updates); `""`
 * when no row has one.
 *
 * @example
 * ```ts
 * import { sessionNote } from "./report.ts";
 * sessionNote([], 0.9); // ""
 * ```
 */
export function sessionNote(summaries: Summary[], lostBelow: number): string {
  const rows = summaries.filter((s) => s.sessionShare !== null);
  if (rows.length === 0) return "";
  const parts = rows.map((s) =>
    `${s.name} ${fmt(Math.min(100, 100 * s.sessionShare!), 0)} %` +
    (s.sessionShare! < lostBelow ? " (lost updates)" : "")
  );
  return "session counters, share of the requests counted (lowest over the rounds): " +
    `${parts.join(", ")}. Under 100 %, concurrent requests of the one session overwrote ` +
    "each other's counts.";
}

async function commandOutput(argv: string[]): Promise<string> {
  try {
    const out = await new Deno.Command(argv[0]!, {
      args: argv.slice(1),
      cwd: ROOT,
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : "";
  } catch {
    return "";
  }
}

/**
 * The machine and the code measured: CPU, kernel, Deno and Node versions, commit.
 *
 * @example
 * ```ts
 * import { machineInfo } from "./report.ts";
 * const machine = await machineInfo();
 * console.log(machine.cpu, machine.commit);
 * ```
 */
export async function machineInfo(): Promise<Record<string, string | number>> {
  const cpuinfo = await Deno.readTextFile("/proc/cpuinfo").catch(() => "");
  const commit = await commandOutput(["git", "rev-parse", "--short", "HEAD"]);
  const dirty = (await commandOutput(["git", "status", "--porcelain"])) !== "";
  return {
    cpu: cpuinfo.match(/^model name\s*:\s*(.*)$/m)?.[1] ?? "unknown",
    cpus: navigator.hardwareConcurrency,
    kernel: Deno.osRelease(),
    deno: Deno.version.deno,
    node: (await commandOutput(["node", "--version"])).replace(/^v/, "") || "unavailable",
    commit: commit ? `${commit}${dirty ? " (dirty)" : ""}` : "unknown",
  };
}
