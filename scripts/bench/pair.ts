/**
 * A paired comparison, for differences too small for `run.ts`'s rounds to show (a few per
 * cent): every server named is started at once, all pinned to the same CPU, and wrk loads them
 * in turn in short slices, the order reversed every slice. Each slice's CPU time per request of
 * every server is divided by the first server's in the same slice, so that the machine's
 * changing speed, which moves them all alike, cancels out; the medians of those ratios are
 * printed. Typical use: the same target from two checkouts (the code before a change, in a
 * `git worktree`, and after it), and its floor.
 *
 *     git worktree add /tmp/before HEAD~1 && ln -s "$PWD/node_modules" /tmp/before/
 *     deno run -A scripts/bench/pair.ts --app hello \
 *       --run before=cp_fw_deno@/tmp/before --run after=cp_fw_deno --run floor=same_deno
 *
 * Options: `--run NAME=TARGET[@ROOT]` (repeatable; a target of `targets.ts`, from the checkout
 * at ROOT, by default this one; Node targets run that checkout's `npm/` build), `--app` (default
 * `hello`), `--slices N` (default 8), `--seconds S` per slice (default 2), `--connections N`
 * (default 50), `--server-cpu` (default 0) and `--client-cpu` (default 1).
 *
 * @module
 */

import { cpuSecondsOfTree } from "./procstat.ts";
import {
  detectPinning,
  findOnPath,
  freePort,
  log,
  type Proc,
  runToEnd,
  start,
  stopAll,
} from "./procs.ts";
import { type AppName, APPS, type TargetContext, TARGETS } from "./targets.ts";

import { ROOT } from "./options.ts";

/** One server of the comparison. */
interface Entry {
  readonly name: string;
  readonly proc: Proc;
  readonly url: string;
  readonly perRequest: number[];
}

/** `N requests in` from wrk's output. */
function requestsOf(output: string): number {
  const m = /^\s*(\d+) requests in/m.exec(output);
  if (m === null) throw new Error(`wrk printed no request count:\n${output}`);
  return Number(m[1]);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function main(): Promise<void> {
  const args: Record<string, string> = {
    app: "hello",
    slices: "8",
    seconds: "2",
    connections: "50",
    "server-cpu": "0",
    "client-cpu": "1",
  };
  const specs: string[] = [];
  for (let i = 0; i < Deno.args.length; i++) {
    const [flag, inline] = Deno.args[i]!.replace(/^--/, "").split(/=(.*)/s, 2);
    const value = inline ?? Deno.args[++i];
    if (value === undefined || !(flag! in args || flag === "run")) {
      throw new Error(`unknown option or missing value: ${Deno.args[i - 1] ?? flag}`);
    }
    if (flag === "run") specs.push(value);
    else args[flag!] = value;
  }
  const runs = specs.map((spec) => {
    const m = /^([^=]+)=([^@]+)(?:@(.+))?$/.exec(spec);
    if (m === null) throw new Error(`--run takes NAME=TARGET[@ROOT], not ${spec}`);
    const target = TARGETS.find((t) => t.name === m[2]);
    if (target === undefined) throw new Error(`unknown target ${m[2]}`);
    const root = m[3] === undefined ? ROOT : Deno.realPathSync(m[3]);
    return { name: m[1]!, target, root };
  });
  const app = args.app as AppName;
  if (!(app in APPS)) throw new Error(`unknown app ${app}`);
  if (runs.length < 2) throw new Error("give at least two --run");
  if (findOnPath("wrk") === null) throw new Error("wrk is needed (apt-get install wrk)");
  const clientCpu = Number(args["client-cpu"]);
  await detectPinning(args["server-cpu"]!, clientCpu);
  const entries: Entry[] = [];
  try {
    for (const { name, target, root } of runs) {
      const port = freePort();
      const ctx: TargetContext = {
        deno: Deno.execPath(),
        node: findOnPath("node") ?? "node",
        root,
        servers: `${root}/scripts/bench/servers`,
        port,
        app,
        staticDir: null,
        workers: 2,
        profileDir: null,
        profileName: "",
        tls: null,
      };
      const proc = start(target.command(ctx), {
        cpu: args["server-cpu"]!,
        env: { PORT: `${port}`, ...(target.env?.(ctx) ?? {}) },
      });
      const bound = Number((await proc.waitFor(/^LISTENING (\d+)$/m, 30_000))[1]);
      entries.push({
        name,
        proc,
        url: `http://127.0.0.1:${bound}${APPS[app].path}`,
        perRequest: [],
      });
    }
    const load = async (entry: Entry, seconds: number): Promise<number> => {
      const r = await runToEnd(
        ["wrk", "-t1", `-c${args.connections}`, `-d${seconds}s`, entry.url],
        { cpu: clientCpu, timeoutMs: (seconds + 30) * 1000 },
      );
      return requestsOf(r.stdout);
    };
    for (const entry of entries) await load(entry, 2); // warm-up
    const slices = Number(args.slices);
    const seconds = Number(args.seconds);
    for (let i = 0; i < slices; i++) {
      for (const entry of i % 2 === 0 ? entries : [...entries].reverse()) {
        const before = cpuSecondsOfTree(entry.proc.pid)!;
        const requests = await load(entry, seconds);
        const used = cpuSecondsOfTree(entry.proc.pid)! - before;
        entry.perRequest.push(used * 1e6 / requests);
      }
      log(`slice ${i + 1}/${slices}`);
    }
  } finally {
    await stopAll();
  }
  const first = entries[0]!;
  for (const entry of entries) {
    const ratios = entry.perRequest.map((v, i) => v / first.perRequest[i]!);
    console.log(
      `${entry.name.padEnd(16)} CPU ${median(entry.perRequest).toFixed(2).padStart(6)} µs/req` +
        `  vs ${first.name}: ${median(ratios).toFixed(3)}` +
        `  (slices: ${ratios.map((r) => r.toFixed(2)).join(" ")})`,
    );
  }
}

if (import.meta.main) await main();
