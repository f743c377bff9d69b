/**
 * The benchmark's command line: the options of `run.ts`, their defaults and their parsing.
 *
 * ```sh
 * deno run -A scripts/bench/run.ts --quick --only framework --apps json --runtimes deno
 * ```
 *
 * @module
 */

import {
  APP_NAMES,
  type AppName,
  DEFAULT_GROUPS,
  type Group,
  GROUPS,
  type Runtime,
  TARGETS,
} from "./targets.ts";

/** The repository root, absolute, without a trailing slash. */
export const ROOT: string = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

/** The folder of the benchmark (`scripts/bench`), absolute. */
export const BENCH_DIR = `${ROOT}/scripts/bench`;

/** What one run of the harness does. */
export interface Options {
  /** Rounds; each round measures every selected target once. */
  rounds: number;
  /** Measured seconds per run. */
  duration: number;
  /** Unmeasured seconds of load before each measured run. */
  warmup: number;
  /** Concurrent keep-alive connections. */
  connections: number;
  /** Only these targets (by name), or all. */
  targets: string[] | null;
  /**
   * Only targets of these groups; `null` when `--only` was not given: then the default groups
   * (`server`, `framework`), or every group when `--apps` names the apps.
   */
  groups: Group[] | null;
  /** Only these apps, or all. */
  apps: AppName[] | null;
  /** Only targets on these runtimes, or both. */
  runtimes: Runtime[] | null;
  /** The load generator. */
  loadgen: "auto" | "wrk" | "autocannon";
  /** The CPUs the servers are pinned to, as `taskset -c` takes them (`0`, `0-3`, `0,2`). */
  serverCpu: string;
  /** The CPU the load generator is pinned to. */
  clientCpu: number;
  /** Worker processes of the `workers` group's N-process rows. */
  workers: number;
  /** Rebuild `npm/` first. */
  build: boolean;
  /** Where the JSON results go. */
  out: string;
  /** Run the servers under the V8 CPU profiler, writing the profiles into this folder. */
  profile: string | null;
  /** How many functions the profile summaries list. */
  profileTop: number;
}

/** A wrong argument: the harness prints it with the usage and exits with status 2. */
export class UsageError extends Error {}

/** The usage text. */
export const USAGE = `usage: deno run -A scripts/bench/run.ts [--quick] [--rounds N] [--duration S]
       [--warmup S] [--connections N] [--only GROUP,...] [--apps APP,...]
       [--runtimes deno,node,python] [--targets NAME,...] [--loadgen auto|wrk|autocannon]
       [--server-cpu LIST] [--client-cpu N] [--workers N] [--build] [--out PATH]
       [--profile [DIR]] [--profile-top N]

groups:  ${GROUPS.join(", ")}, all (default: ${
  DEFAULT_GROUPS.join(", ")
}; every group but workers and logs when --apps is given)
apps:    ${APP_NAMES.join(", ")} (default: those of the groups)
targets: ${TARGETS.map((t) => t.name).join(", ")}`;

function list<T extends string>(
  flag: string,
  value: string | undefined,
  known: readonly T[],
): T[] {
  const names = (value ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !known.includes(n as T));
  if (names.length === 0 || unknown.length > 0) {
    throw new UsageError(
      `${flag}: unknown value(s) ${unknown.join(", ") || "(none given)"}; known: ` +
        known.join(", "),
    );
  }
  return names as T[];
}

/**
 * Parses the harness's arguments.
 *
 * @example
 * ```ts
 * import { parseOptions } from "./options.ts";
 * const opts = parseOptions(["--quick", "--only", "framework"]);
 * opts.rounds; // 1
 * opts.groups; // ["framework"]
 * ```
 */
export function parseOptions(args: string[]): Options {
  const opts: Options = {
    rounds: 5,
    duration: 5,
    warmup: 2,
    connections: 50,
    targets: null,
    groups: null,
    apps: null,
    runtimes: null,
    loadgen: "auto",
    serverCpu: "0",
    clientCpu: 1,
    workers: 2,
    build: false,
    out: `${ROOT}/.test-output/bench.json`,
    profile: null,
    profileTop: 15,
  };
  if (args.includes("--quick")) Object.assign(opts, { rounds: 1, duration: 1, warmup: 1 });
  const int = (flag: string, value: string | undefined, min: number): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) {
      throw new UsageError(`${flag} wants a whole number >= ${min}, got ${value}`);
    }
    return n;
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.indexOf("=");
    const flag = eq >= 0 ? arg.slice(0, eq) : arg;
    const value = () => (eq >= 0 ? arg.slice(eq + 1) : args[++i]);
    switch (flag) {
      case "--quick":
        break;
      case "--build":
        opts.build = true;
        break;
      case "--rounds":
        opts.rounds = int(flag, value(), 1);
        break;
      case "--duration":
        opts.duration = int(flag, value(), 1);
        break;
      case "--warmup":
        opts.warmup = int(flag, value(), 0);
        break;
      case "--connections":
        opts.connections = int(flag, value(), 1);
        break;
      case "--server-cpu": {
        const v = value() ?? "";
        if (!/^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(v)) {
          throw new UsageError(`--server-cpu wants a CPU or a list (0, 0-3, 0,2), got ${v}`);
        }
        opts.serverCpu = v;
        break;
      }
      case "--workers":
        opts.workers = int(flag, value(), 1);
        break;
      case "--client-cpu":
        opts.clientCpu = int(flag, value(), 0);
        break;
      case "--out":
        opts.out = value() ?? "";
        break;
      case "--profile": {
        // The folder is optional: `--profile` alone, or followed by another flag, uses the default.
        const next = eq >= 0 ? arg.slice(eq + 1) : args[i + 1];
        if (eq < 0 && next !== undefined && !next.startsWith("--")) i++;
        opts.profile = next !== undefined && !next.startsWith("--") && next !== ""
          ? next
          : `${ROOT}/.test-output/profiles`;
        break;
      }
      case "--profile-top":
        opts.profileTop = int(flag, value(), 1);
        break;
      case "--targets":
        opts.targets = list(flag, value(), TARGETS.map((t) => t.name));
        break;
      case "--only": {
        const names = list<Group | "all">(flag, value(), [...GROUPS, "all"]);
        opts.groups = names.includes("all")
          ? [...GROUPS]
          : names.filter((n): n is Group => n !== "all");
        break;
      }
      case "--apps":
        opts.apps = list(flag, value(), APP_NAMES);
        break;
      case "--runtimes":
        opts.runtimes = list(flag, value(), ["deno", "node", "python"] as const);
        break;
      case "--loadgen": {
        const v = value();
        if (v !== "auto" && v !== "wrk" && v !== "autocannon") {
          throw new UsageError(`--loadgen wants auto, wrk or autocannon, got ${v}`);
        }
        opts.loadgen = v;
        break;
      }
      case "--help":
      case "-h":
        console.log(USAGE);
        Deno.exit(0);
        break;
      default:
        throw new UsageError(`unknown argument ${arg}`);
    }
  }
  return opts;
}
