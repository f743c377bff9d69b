/**
 * The benchmark harness: measures throughput, tail latency and memory of the servers listed in
 * `targets.ts` (cherrypy-ts and the raw server of each runtime) under a local load generator.
 *
 *     deno run -A scripts/bench/run.ts                 # 5 interleaved rounds of 5 s per target
 *     deno run -A scripts/bench/run.ts --quick         # smoke run: 1 round of 1 s
 *     deno run -A scripts/bench/run.ts --rounds 9 --duration 10 --targets raw_node,cp_node
 *
 * Each run starts the target afresh on a free port, pinned to one CPU (`taskset -c 0`), checks
 * that it answers the expected body, warms it up, then loads it with `wrk -t1 -c50` pinned to
 * another CPU (`taskset -c 1`) and reads the server's resident memory (VmRSS) at the end of the
 * run, before stopping it. Rounds are interleaved (every target once per round), so slow drift
 * of the machine spreads over all targets instead of biasing one.
 *
 * Prints a markdown table on standard output (progress goes to standard error): the median
 * req/s and median p99 latency over the rounds, the largest RSS, and each target's ratios
 * against the raw server of its own runtime. Writes every number to `.test-output/bench.json`.
 *
 * Nothing is asserted about speed. The exit status is 1 when a target failed to start, answered
 * the wrong body, died or could not be measured; 2 when no load generator is available or the
 * arguments are wrong. Every process started is killed before exiting, also on errors and on
 * SIGINT / SIGTERM.
 *
 * Flags: `--rounds N` (5), `--duration S` (5, whole seconds), `--warmup S` (2),
 * `--connections N` (50), `--targets a,b` (all), `--loadgen auto|wrk|autocannon` (auto: wrk,
 * installed with apt-get when missing and running as root, else autocannon through npx),
 * `--server-cpu N` (0), `--client-cpu N` (1), `--build` (rebuild `npm/` first), `--out PATH`
 * (`.test-output/bench.json`), `--quick`, `--help`.
 *
 * @module
 */

import { build } from "../build_npm.ts";
import { type Runtime, type Target, type TargetContext, TARGETS } from "./targets.ts";

const root = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
const benchDir = `${root}/scripts/bench`;
const SOURCE_DIRS = ["platform", "bus", "plugins", "server", "framework", "cli"];
const STARTUP_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 2_000;

// ---------------------------------------------------------------------------------------------
// Options

interface Options {
  rounds: number;
  duration: number;
  warmup: number;
  connections: number;
  targets: string[] | null;
  loadgen: "auto" | "wrk" | "autocannon";
  serverCpu: number;
  clientCpu: number;
  build: boolean;
  out: string;
}

class UsageError extends Error {}

const USAGE = `usage: deno run -A scripts/bench/run.ts [--quick] [--rounds N] [--duration S]
       [--warmup S] [--connections N] [--targets a,b] [--loadgen auto|wrk|autocannon]
       [--server-cpu N] [--client-cpu N] [--build] [--out PATH]

targets: ${TARGETS.map((t) => t.name).join(", ")}`;

function parseOptions(args: string[]): Options {
  const opts: Options = {
    rounds: 5,
    duration: 5,
    warmup: 2,
    connections: 50,
    targets: null,
    loadgen: "auto",
    serverCpu: 0,
    clientCpu: 1,
    build: false,
    out: `${root}/.test-output/bench.json`,
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
      case "--server-cpu":
        opts.serverCpu = int(flag, value(), 0);
        break;
      case "--client-cpu":
        opts.clientCpu = int(flag, value(), 0);
        break;
      case "--out":
        opts.out = value() ?? "";
        break;
      case "--targets": {
        const names = (value() ?? "").split(",").map((s) => s.trim()).filter(Boolean);
        const unknown = names.filter((n) => !TARGETS.some((t) => t.name === n));
        if (names.length === 0 || unknown.length > 0) {
          throw new UsageError(`unknown target(s): ${unknown.join(", ") || "(none given)"}`);
        }
        opts.targets = names;
        break;
      }
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

// ---------------------------------------------------------------------------------------------
// Processes: every child is tracked and killed (with its whole process group) at the end.

function log(message: string): void {
  console.error(message);
}

function findOnPath(name: string): string | null {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (!dir) continue;
    try {
      const info = Deno.statSync(`${dir}/${name}`);
      if (info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0) return `${dir}/${name}`;
    } catch {
      // not there
    }
  }
  return null;
}

/** A started child process with its output collected. */
class Proc {
  readonly child: Deno.ChildProcess;
  readonly pid: number;
  readonly status: Promise<Deno.CommandStatus>;
  /** Resolves once both output streams have been read to their end. */
  readonly outputDone: Promise<void>;
  exited = false;
  stdout = "";
  stderr = "";
  readonly #group: boolean;
  readonly #onOutput = new Set<() => void>();

  constructor(child: Deno.ChildProcess, group: boolean) {
    this.child = child;
    this.pid = child.pid;
    this.#group = group;
    this.status = child.status.then((s) => {
      this.exited = true;
      this.#notify();
      return s;
    });
    this.outputDone = Promise.all([
      this.#collect(child.stdout, (text) => (this.stdout = keepTail(this.stdout + text))),
      this.#collect(child.stderr, (text) => (this.stderr = keepTail(this.stderr + text))),
    ]).then(() => {});
  }

  async #collect(stream: ReadableStream<Uint8Array>, add: (text: string) => void): Promise<void> {
    try {
      for await (const text of stream.pipeThrough(new TextDecoderStream())) {
        add(text);
        this.#notify();
      }
    } catch {
      // the process went away
    }
  }

  #notify(): void {
    for (const fn of this.#onOutput) fn();
  }

  /** Resolves with the first match of `pattern` in stdout; rejects on exit or timeout. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = this.stdout.match(pattern);
        if (m) finish(() => resolve(m));
        else if (this.exited) {
          void this.status.then((st) =>
            finish(() => reject(new Error(`exited (code ${st.code}) before it was ready`)))
          );
        }
      };
      const timer = setTimeout(
        () => finish(() => reject(new Error(`not ready after ${timeoutMs / 1000} s`))),
        timeoutMs,
      );
      const finish = (fn: () => void) => {
        clearTimeout(timer);
        this.#onOutput.delete(check);
        fn();
      };
      this.#onOutput.add(check);
      check();
    });
  }

  /** Sends `signal` to the process (and its group when it leads one). */
  signal(signal: Deno.Signal): void {
    if (this.exited) return;
    try {
      if (this.#group) Deno.kill(-this.pid, signal);
      else this.child.kill(signal);
    } catch {
      // already gone
    }
  }

  /** SIGTERM, then SIGKILL after a grace period; resolves once the process is reaped. */
  async stop(): Promise<void> {
    this.signal("SIGTERM");
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<"timeout">((
      r,
    ) => (timer = setTimeout(() => r("timeout"), STOP_GRACE_MS)));
    const result = await Promise.race([this.status, timeout]);
    clearTimeout(timer);
    if (result === "timeout") {
      this.signal("SIGKILL");
      await this.status;
    }
    // The group may outlive its leader (children of a wrapper): make sure it is gone.
    if (this.#group) {
      try {
        Deno.kill(-this.pid, "SIGKILL");
      } catch {
        // no such group: nothing left
      }
    }
    live.delete(this);
  }
}

function keepTail(text: string, max = 16_384): string {
  return text.length > max ? text.slice(-max) : text;
}

const live = new Set<Proc>();
let pinning: { setsid: boolean; taskset: boolean } = { setsid: false, taskset: false };

/** Starts `argv` in its own session (so its whole tree can be killed), optionally pinned. */
function start(argv: string[], options: { cpu?: number; env?: Record<string, string> } = {}): Proc {
  const prefix: string[] = [];
  if (pinning.setsid) prefix.push("setsid");
  if (pinning.taskset && options.cpu !== undefined) prefix.push("taskset", "-c", `${options.cpu}`);
  const [cmd, ...args] = [...prefix, ...argv];
  const command = new Deno.Command(cmd!, {
    args,
    cwd: root,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: options.env ?? {},
  });
  const proc = new Proc(command.spawn(), pinning.setsid);
  live.add(proc);
  return proc;
}

/** Runs `argv` to completion (killed after `timeoutMs`); returns its exit code and output. */
async function runToEnd(
  argv: string[],
  options: { cpu?: number; env?: Record<string, string>; timeoutMs: number },
): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = start(argv, options);
  const timer = setTimeout(() => proc.signal("SIGKILL"), options.timeoutMs);
  try {
    const status = await proc.status;
    await proc.outputDone;
    return { code: status.code, stdout: proc.stdout, stderr: proc.stderr };
  } finally {
    clearTimeout(timer);
    await proc.stop();
  }
}

async function stopAll(): Promise<void> {
  await Promise.all([...live].map((p) => p.stop()));
}

/** SIGKILLs every live process group and waits (at most a second) for them to be reaped. */
async function killAllNow(): Promise<void> {
  for (const p of live) p.signal("SIGKILL");
  const reaped = Promise.all([...live].map((p) => p.status));
  await Promise.race([reaped, new Promise((r) => setTimeout(r, 1000))]);
}

/** Resident memory of `pid` and all its descendants, in bytes (VmRSS); null when unknown. */
function rssOfTree(pid: number): number | null {
  const status = (() => {
    try {
      return Deno.readTextFileSync(`/proc/${pid}/status`);
    } catch {
      return null;
    }
  })();
  if (status === null) return null;
  let total = Number(status.match(/^VmRSS:\s+(\d+)\s+kB/m)?.[1] ?? 0) * 1024;
  try {
    for (const task of Deno.readDirSync(`/proc/${pid}/task`)) {
      const children = Deno.readTextFileSync(`/proc/${pid}/task/${task.name}/children`);
      for (const child of children.trim().split(/\s+/).filter(Boolean)) {
        total += rssOfTree(Number(child)) ?? 0;
      }
    }
  } catch {
    // no children file (old kernel) or the process is gone: the leader's RSS alone
  }
  return total;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

// ---------------------------------------------------------------------------------------------
// Environment: pinning, load generator, npm build

async function canRun(argv: string[]): Promise<boolean> {
  try {
    const out = await new Deno.Command(argv[0]!, {
      args: argv.slice(1),
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success;
  } catch {
    return false;
  }
}

/** The CPUs sharing a physical core with `cpu` (itself included), from sysfs. */
function smtSiblings(cpu: number): number[] {
  let list = "";
  try {
    list = Deno.readTextFileSync(`/sys/devices/system/cpu/cpu${cpu}/topology/thread_siblings_list`);
  } catch {
    return [cpu];
  }
  return list.trim().split(",").flatMap((part) => {
    const [a, b] = part.split("-").map(Number);
    if (b === undefined) return [a!];
    return Array.from({ length: b - a! + 1 }, (_, i) => a! + i);
  });
}

async function detectPinning(opts: Options): Promise<void> {
  const setsid = findOnPath("setsid") !== null && (await canRun(["setsid", "true"]));
  let taskset = false;
  if (opts.serverCpu === opts.clientCpu) {
    log(`warning: server and client share CPU ${opts.serverCpu}; running unpinned`);
  } else if (findOnPath("taskset") === null) {
    log("warning: taskset not found (util-linux); running unpinned, numbers will be noisier");
  } else if (
    !(await canRun(["taskset", "-c", `${opts.serverCpu}`, "true"])) ||
    !(await canRun(["taskset", "-c", `${opts.clientCpu}`, "true"]))
  ) {
    log(
      `warning: cannot pin to CPUs ${opts.serverCpu} and ${opts.clientCpu} ` +
        `(${navigator.hardwareConcurrency} CPU(s) available); running unpinned`,
    );
  } else {
    taskset = true;
    if (smtSiblings(opts.serverCpu).includes(opts.clientCpu)) {
      log(
        `warning: CPUs ${opts.serverCpu} and ${opts.clientCpu} are hyperthreads of one core; ` +
          "server and client will compete for it (choose others with --server-cpu/--client-cpu)",
      );
    }
  }
  pinning = { setsid, taskset };
}

interface LoadResult {
  rps: number;
  p99Ms: number;
  p50Ms: number;
  requests: number;
  errors: number;
  non2xx: number;
}

interface LoadGenerator {
  name: string;
  version: string;
  run(url: string, seconds: number, connections: number, cpu: number): Promise<LoadResult>;
}

const wrk: LoadGenerator = {
  name: "wrk",
  version: "",
  async run(url, seconds, connections, cpu) {
    const argv = [
      "wrk",
      "-t1",
      `-c${connections}`,
      `-d${seconds}s`,
      "--latency",
      "-s",
      `${benchDir}/wrk_report.lua`,
      url,
    ];
    const r = await runToEnd(argv, { cpu, timeoutMs: (seconds + 30) * 1000 });
    const line = r.stdout.match(/^BENCH_JSON (.*)$/m)?.[1];
    if (r.code !== 0 || line === undefined) {
      throw new Error(`wrk failed (exit ${r.code}): ${(r.stderr || r.stdout).trim()}`);
    }
    const j = JSON.parse(line);
    const e = j.errors;
    return {
      rps: j.requests / (j.durationUs / 1e6),
      p99Ms: j.latencyUs.p99 / 1000,
      p50Ms: j.latencyUs.p50 / 1000,
      requests: j.requests,
      errors: e.connect + e.read + e.write + e.timeout,
      non2xx: e.status,
    };
  },
};

const autocannon: LoadGenerator = {
  name: "autocannon",
  version: "",
  async run(url, seconds, connections, cpu) {
    const argv = ["npx", "-y", "autocannon", "-j", "-c", `${connections}`, "-d", `${seconds}`, url];
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

async function ensureLoadGenerator(choice: Options["loadgen"]): Promise<LoadGenerator | null> {
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

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) newest = Math.max(newest, await newestMtime(path));
    else if (entry.isFile && path.endsWith(".ts")) {
      newest = Math.max(newest, (await Deno.stat(path)).mtime?.getTime() ?? 0);
    }
  }
  return newest;
}

/** Makes sure `npm/` exists (building it when missing or asked); false when the build failed. */
async function ensureNpmBuild(force: boolean): Promise<boolean> {
  const marker = `${root}/npm/server/mod.js`;
  const built = await Deno.stat(marker).then((s) => s.mtime?.getTime() ?? 0, () => null);
  if (force || built === null) {
    log(force ? "building npm/ ..." : "npm/ is missing: building it ...");
    if (!(await build())) return false;
    return true;
  }
  let newest = 0;
  for (const dir of SOURCE_DIRS) {
    newest = Math.max(newest, await newestMtime(`${root}/${dir}`).catch(() => 0));
  }
  if (newest > built) {
    log("warning: npm/ is older than the sources; Node targets run the old build (use --build)");
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Measuring

interface RunResult extends LoadResult {
  round: number;
  rssBytes: number | null;
}

interface TargetState {
  target: Target;
  runs: RunResult[];
  failure: string | null;
}

async function checkResponse(url: string, expectBody: string): Promise<void> {
  const client = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
  try {
    const res = await fetch(url, { client, signal: AbortSignal.timeout(10_000) });
    const body = await res.text();
    if (res.status !== 200 || body !== expectBody) {
      throw new Error(
        `GET ${url} answered ${res.status} ${JSON.stringify(body.slice(0, 200))}, ` +
          `expected 200 ${JSON.stringify(expectBody)}`,
      );
    }
  } finally {
    client.close();
  }
}

async function measure(
  state: TargetState,
  round: number,
  opts: Options,
  ctx: Omit<TargetContext, "port">,
  loadgen: LoadGenerator,
): Promise<RunResult> {
  const target = state.target;
  const port = freePort();
  const tctx: TargetContext = { ...ctx, port };
  const env = { PORT: `${port}`, ...(target.env?.(tctx) ?? {}) };
  const server = start(target.command(tctx), { cpu: opts.serverCpu, env });
  try {
    let bound: number;
    try {
      bound = Number((await server.waitFor(/^LISTENING (\d+)\s*$/m, STARTUP_TIMEOUT_MS))[1]);
    } catch (error) {
      throw new Error(
        `${target.name} did not start: ${(error as Error).message}\n` +
          `command: ${target.command(tctx).join(" ")}\n${server.stderr.trim()}`,
      );
    }
    const url = `http://127.0.0.1:${bound}${target.path ?? "/"}`;
    await checkResponse(url, target.expectBody ?? "Hello world!");
    if (opts.warmup > 0) {
      await loadgen.run(url, opts.warmup, opts.connections, opts.clientCpu);
    }
    const result = await loadgen.run(url, opts.duration, opts.connections, opts.clientCpu);
    const rssBytes = rssOfTree(server.pid);
    if (server.exited) {
      throw new Error(`${target.name} died during the run:\n${server.stderr.trim()}`);
    }
    return { round, ...result, rssBytes };
  } finally {
    await server.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// Reporting

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

interface Summary {
  name: string;
  runtime: Runtime;
  description: string;
  baseline: boolean;
  command: string[];
  failure: string | null;
  runs: RunResult[];
  medianRps: number | null;
  minRps: number | null;
  maxRps: number | null;
  medianP99Ms: number | null;
  maxRssBytes: number | null;
  errors: number;
  non2xx: number;
  baselineName: string | null;
  rpsVsBaseline: number | null;
  p99VsBaseline: number | null;
}

function summarize(states: TargetState[], ctx: Omit<TargetContext, "port">): Summary[] {
  const base = states.map((s) => {
    const rps = s.runs.map((r) => r.rps);
    const rss = s.runs.map((r) => r.rssBytes).filter((x): x is number => x !== null);
    const some = rps.length > 0;
    return {
      name: s.target.name,
      runtime: s.target.runtime,
      description: s.target.description,
      baseline: s.target.baseline === true,
      command: s.target.command({ ...ctx, port: 0 }),
      failure: s.failure,
      runs: s.runs,
      medianRps: some ? median(rps) : null,
      minRps: some ? Math.min(...rps) : null,
      maxRps: some ? Math.max(...rps) : null,
      medianP99Ms: some ? median(s.runs.map((r) => r.p99Ms)) : null,
      maxRssBytes: rss.length > 0 ? Math.max(...rss) : null,
      errors: s.runs.reduce((n, r) => n + r.errors, 0),
      non2xx: s.runs.reduce((n, r) => n + r.non2xx, 0),
      baselineName: null as string | null,
      rpsVsBaseline: null as number | null,
      p99VsBaseline: null as number | null,
    };
  });
  for (const s of base) {
    const b = base.find((x) => x.baseline && x.runtime === s.runtime);
    if (b === undefined) continue;
    s.baselineName = b.name;
    if (s.medianRps !== null && b.medianRps) s.rpsVsBaseline = s.medianRps / b.medianRps;
    if (s.medianP99Ms !== null && b.medianP99Ms) s.p99VsBaseline = s.medianP99Ms / b.medianP99Ms;
  }
  return base;
}

function fmt(n: number | null, digits: number): string {
  if (n === null) return "n/a";
  return n.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

function table(summaries: Summary[]): string {
  const head = [
    "target",
    "runtime",
    "req/s (median)",
    "spread",
    "req/s vs raw",
    "p99 ms (median)",
    "p99 vs raw",
    "RSS MB (max)",
    "errors",
  ];
  const rows = summaries.map((s) => {
    if (s.failure !== null && s.runs.length === 0) {
      return [s.name, s.runtime, "FAILED", "", "", "", "", "", ""];
    }
    const spread = s.medianRps && s.runs.length > 1
      ? `±${fmt((100 * (s.maxRps! - s.minRps!)) / 2 / s.medianRps, 1)}%`
      : "";
    const ratio = (r: number | null) => (r === null ? "n/a" : `${fmt(r, 2)}×`);
    const errors = s.errors + s.non2xx === 0 ? "0" : `${s.errors} (+${s.non2xx} non-2xx)`;
    return [
      s.name + (s.failure !== null ? " (partly failed)" : ""),
      s.runtime,
      fmt(s.medianRps, 0),
      spread,
      s.baseline ? "1.00× (base)" : ratio(s.rpsVsBaseline),
      fmt(s.medianP99Ms, 2),
      s.baseline ? "1.00× (base)" : ratio(s.p99VsBaseline),
      s.maxRssBytes === null ? "n/a" : fmt(s.maxRssBytes / 1048576, 1),
      errors,
    ];
  });
  const right = new Set([2, 3, 4, 5, 6, 7, 8]);
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

async function commandOutput(argv: string[]): Promise<string> {
  try {
    const out = await new Deno.Command(argv[0]!, {
      args: argv.slice(1),
      cwd: root,
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : "";
  } catch {
    return "";
  }
}

async function machineInfo(): Promise<Record<string, string | number>> {
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

// ---------------------------------------------------------------------------------------------
// Main

async function main(opts: Options): Promise<number> {
  const targets = TARGETS.filter((t) => opts.targets === null || opts.targets.includes(t.name));
  await detectPinning(opts);
  const loadgen = await ensureLoadGenerator(opts.loadgen);
  if (loadgen === null) {
    log(
      opts.loadgen === "wrk"
        ? "error: wrk is not installed and could not be installed (needs root and apt-get)."
        : "error: no load generator. Install wrk (apt-get install wrk, brew install wrk) " +
          "or make npx available for autocannon.",
    );
    return 2;
  }
  const ctx = {
    deno: Deno.execPath(),
    node: findOnPath("node") ?? "node",
    root,
    servers: `${benchDir}/servers`,
  };
  const states: TargetState[] = targets.map((target) => ({ target, runs: [], failure: null }));
  if (targets.some((t) => t.needsNpmBuild) && !(await ensureNpmBuild(opts.build))) {
    for (const s of states) if (s.target.needsNpmBuild) s.failure = "the npm build failed";
  }
  const machine = await machineInfo();
  log(
    `bench: ${targets.length} targets, ${opts.rounds} round(s) of ${opts.duration} s ` +
      `(+${opts.warmup} s warm-up), ${opts.connections} connections, ${loadgen.name} ` +
      `${loadgen.version}, ${
        pinning.taskset
          ? `server on CPU ${opts.serverCpu}, client on CPU ${opts.clientCpu}`
          : "unpinned"
      }`,
  );

  for (let round = 1; round <= opts.rounds; round++) {
    for (const state of states) {
      if (state.failure !== null) continue;
      try {
        const r = await measure(state, round, opts, ctx, loadgen);
        state.runs.push(r);
        const rss = r.rssBytes === null ? "n/a" : `${fmt(r.rssBytes / 1048576, 1)} MB`;
        const errs = r.errors + r.non2xx > 0 ? `, ${r.errors} errors, ${r.non2xx} non-2xx` : "";
        log(
          `[round ${round}/${opts.rounds}] ${state.target.name.padEnd(12)} ` +
            `${fmt(r.rps, 0).padStart(9)} req/s  p99 ${fmt(r.p99Ms, 2)} ms  RSS ${rss}${errs}`,
        );
      } catch (error) {
        state.failure = (error as Error).message;
        log(`[round ${round}/${opts.rounds}] ${state.target.name}: FAILED\n${state.failure}`);
      }
    }
  }

  const summaries = summarize(states, ctx);
  const settings = {
    rounds: opts.rounds,
    durationS: opts.duration,
    warmupS: opts.warmup,
    connections: opts.connections,
    threads: loadgen.name === "wrk" ? 1 : null,
    loadGenerator: `${loadgen.name} ${loadgen.version}`,
    pinned: pinning.taskset,
    serverCpu: pinning.taskset ? opts.serverCpu : null,
    clientCpu: pinning.taskset ? opts.clientCpu : null,
  };
  const report = { date: new Date().toISOString(), machine, settings, targets: summaries };
  const outDir = opts.out.slice(0, opts.out.lastIndexOf("/"));
  if (outDir) await Deno.mkdir(outDir, { recursive: true });
  await Deno.writeTextFile(opts.out, JSON.stringify(report, null, 2) + "\n");

  console.log(
    `Benchmark: GET / → "Hello world!", ${loadgen.name} ${loadgen.version} with ` +
      `${opts.connections} connections, ${opts.rounds} round(s) × ${opts.duration} s ` +
      `(${pinning.taskset ? "server and client pinned to separate CPUs" : "unpinned"}); ` +
      `Deno ${machine.deno}, Node ${machine.node}; ${machine.cpu}; commit ${machine.commit}.\n`,
  );
  console.log(table(summaries));
  console.log(
    "\nreq/s vs raw: median req/s over the raw server of the same runtime (higher is better); " +
      "p99 vs raw: the same for p99 latency (lower is better); spread: half the min-max range " +
      "of req/s over the rounds.",
  );
  const failed = summaries.filter((s) => s.failure !== null);
  for (const s of failed) log(`\n${s.name} FAILED: ${s.failure}`);
  log(`\nresults: ${opts.out}`);
  return failed.length > 0 ? 1 : 0;
}

if (import.meta.main) {
  let opts: Options;
  try {
    opts = parseOptions(Deno.args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`error: ${error.message}\n${USAGE}`);
    Deno.exit(2);
  }
  const onSignal = (code: number) => async () => {
    await killAllNow();
    Deno.exit(code);
  };
  Deno.addSignalListener("SIGINT", onSignal(130));
  Deno.addSignalListener("SIGTERM", onSignal(143));
  let code = 1;
  try {
    code = await main(opts);
  } finally {
    await stopAll();
  }
  Deno.exit(code);
}
