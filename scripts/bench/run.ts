/**
 * The benchmark harness: measures throughput, tail latency and memory of the servers listed in
 * `targets.ts` (cherrypy-ts's HTTP server and framework, Hono, Fastify, Express, and the raw
 * server of each runtime), app by app, under a local load generator.
 *
 *     deno run -A scripts/bench/run.ts                 # 5 interleaved rounds of 5 s per row
 *     deno run -A scripts/bench/run.ts --quick         # smoke run: 1 round of 1 s
 *     deno run -A scripts/bench/run.ts --only framework --apps json --runtimes deno
 *     deno run -A scripts/bench/run.ts --rounds 9 --duration 10 --targets raw_node,cp_node
 *     deno run -A scripts/bench/run.ts --quick --duration 5 --targets raw_deno,cp_deno --profile
 *
 * Each run starts the target afresh on a free port, pinned to one CPU (`taskset -c 0`), checks
 * that it answers the app's expected body, warms it up, then loads it with `wrk -t1 -c50`
 * pinned to another CPU (`taskset -c 1`) and reads the server's resident memory (VmRSS) at the
 * end of the run, before stopping it. Rounds are interleaved (every row once per round), so
 * slow drift of the machine spreads over all rows instead of biasing one.
 *
 * Prints a markdown table on standard output (progress goes to standard error): per app and
 * target, the median req/s and median p99 latency over the rounds, the largest RSS, and the
 * ratios against the raw server of the same runtime serving the same app. Writes every number
 * to `.test-output/bench.json`. With `--profile`, the servers run under the V8 CPU profiler and
 * a summary of each profile (see `profile.ts`) follows the table.
 *
 * Nothing is asserted about speed. The exit status is 1 when a target failed to start, answered
 * the wrong body, died or could not be measured; 2 when no load generator is available or the
 * arguments are wrong. Every process started is killed before exiting, also on errors and on
 * SIGINT / SIGTERM. The modules: `options.ts` (flags), `procs.ts` (processes, pinning),
 * `procstat.ts` (memory and CPU time), `loadgen.ts` (wrk, autocannon), `report.ts` (summary,
 * table), `profile.ts` (profiles).
 *
 * @module
 */

import { build } from "../build_npm.ts";
import { ensureH2load } from "./h2load.ts";
import { makeCertificate, measureTls } from "./tls_rows.ts";
import { measureWs } from "./ws_rows.ts";
import { runRestartBench } from "./restart.ts";
import { ensureLoadGenerator, type LoadGenerator } from "./loadgen.ts";
import { BENCH_DIR, type Options, parseOptions, ROOT, USAGE, UsageError } from "./options.ts";
import {
  detectPinning,
  findOnPath,
  freePort,
  killAllNow,
  log,
  pinning,
  start,
  stopAll,
} from "./procs.ts";
import { cpuSecondsOfTree, rssOfTree } from "./procstat.ts";
import { formatProfileSummary, summarizeProfile } from "./profile.ts";
import {
  fmt,
  machineInfo,
  type RunResult,
  sessionNote,
  summarize,
  table,
  type Unit,
} from "./report.ts";
import {
  checkResponse,
  type Fixtures,
  LOST_UPDATES_BELOW,
  primeSession,
  sessionProblem,
} from "./checks.ts";
import { writeStaticFiles } from "./static_files.ts";
import {
  APP_NAMES,
  APPS,
  type AppSpec,
  DEFAULT_GROUPS,
  GROUPS,
  inGroup,
  type TargetContext,
  TARGETS,
} from "./targets.ts";

const SOURCE_DIRS = ["platform", "bus", "plugins", "server", "framework", "cli"];
const STARTUP_TIMEOUT_MS = 30_000;
/** How long a profiled server gets to write its profile after SIGTERM. */
const PROFILE_STOP_GRACE_MS = 20_000;

type BaseContext = Omit<TargetContext, "port" | "app" | "profileName">;

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
  const marker = `${ROOT}/npm/mod.js`;
  const built = await Deno.stat(marker).then((s) => s.mtime?.getTime() ?? 0, () => null);
  if (force || built === null) {
    log(force ? "building npm/ ..." : "npm/ is missing: building it ...");
    return await build();
  }
  let newest = 0;
  for (const dir of SOURCE_DIRS) {
    newest = Math.max(newest, await newestMtime(`${ROOT}/${dir}`).catch(() => 0));
  }
  if (newest > built) {
    log("warning: npm/ is older than the sources; Node targets run the old build (use --build)");
  }
  return true;
}

/** The rows selected by the options: every (target, app) pair, grouped by app. */
function selectUnits(opts: Options): Unit[] {
  const targets = TARGETS.filter((t) =>
    (opts.targets === null || opts.targets.includes(t.name)) &&
    (opts.runtimes === null || opts.runtimes.includes(t.runtime))
  );
  const apps = APP_NAMES.filter((a) => opts.apps === null || opts.apps.includes(a));
  // Naming the apps selects them whatever their group; otherwise the default groups run.
  // Naming apps selects every group but `workers`, which runs only when asked for by name.
  const groups = opts.groups ??
    (opts.apps !== null
      ? GROUPS.filter((g) =>
        g !== "workers" && g !== "logs" && g !== "h2" && g !== "websocket" && g !== "restart"
      )
      : DEFAULT_GROUPS);
  return apps.flatMap((app) =>
    targets
      .filter((t) => t.apps.includes(app) && groups.some((g) => inGroup(t, app, g)))
      .map((target) => ({ target, app, runs: [], failure: null }))
  );
}

/** An app's spec as the JSON report holds it (the body pattern as its source text). */
function appReport(spec: AppSpec): Record<string, unknown> {
  const { bodyPattern, ...rest } = spec;
  return bodyPattern === undefined ? rest : { ...rest, bodyPattern: bodyPattern.source };
}

/** Temporary folders to remove at exit (the static files). */
const tempDirs = new Set<string>();

function removeTempDirs(): void {
  for (const dir of tempDirs) {
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch {
      // already gone
    }
  }
  tempDirs.clear();
}

function profileName(unit: Unit, round: number): string {
  return `${unit.target.name}-${unit.app}-r${round}.cpuprofile`;
}

async function measure(
  unit: Unit,
  round: number,
  opts: Options,
  ctx: BaseContext,
  loadgen: LoadGenerator,
  fixtures: Fixtures,
): Promise<RunResult> {
  const target = unit.target;
  const spec = APPS[unit.app];
  const port = freePort();
  const tctx: TargetContext = {
    ...ctx,
    port,
    app: unit.app,
    profileName: profileName(unit, round),
  };
  const env: Record<string, string> = {
    PORT: `${port}`,
    ...(ctx.staticDir === null ? {} : { BENCH_STATIC_DIR: ctx.staticDir }),
    ...(target.env?.(tctx) ?? {}),
  };
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
    if (target.protocol === "websocket") return await measureWs(unit, round, opts, server, bound);
    if (target.protocol !== undefined) {
      return await measureTls(unit, round, opts, server, bound);
    }
    const url = `http://127.0.0.1:${bound}${spec.path}`;
    let primed: { cookie: string; counter: number } | null = null;
    if (spec.session) primed = await primeSession(url, spec, fixtures);
    else await checkResponse(url, spec, fixtures);
    const headers: Record<string, string> = primed === null ? {} : { Cookie: primed.cookie };
    let warmupRequests = 0;
    if (opts.warmup > 0) {
      const w = await loadgen.run(url, opts.warmup, opts.connections, opts.clientCpu, headers);
      warmupRequests = w.requests;
    }
    const cpuBefore = cpuSecondsOfTree(server.pid);
    const result = await loadgen.run(
      url,
      opts.duration,
      opts.connections,
      opts.clientCpu,
      headers,
    );
    const cpuAfter = cpuSecondsOfTree(server.pid);
    const rssBytes = rssOfTree(server.pid);
    if (server.exited) {
      throw new Error(`${target.name} died during the run:\n${server.stderr.trim()}`);
    }
    let session: RunResult["session"] = null;
    if (primed !== null) {
      const after = await checkResponse(url, spec, fixtures, primed.cookie);
      // The counter moved by one for the check request itself.
      const advanced = after.counter! - primed.counter - 1;
      const requests = warmupRequests + result.requests;
      const problem = sessionProblem(
        advanced,
        requests,
        opts.connections,
        opts.warmup > 0 ? 2 : 1,
      );
      if (problem !== null) throw new Error(`${target.name}: ${problem}`);
      session = { advanced, requests };
    }
    const cpuUsPerRequest = cpuBefore !== null && cpuAfter !== null && result.requests > 0
      ? ((cpuAfter - cpuBefore) * 1e6) / result.requests
      : null;
    return { round, ...result, rssBytes, cpuUsPerRequest, session };
  } finally {
    await server.stop(opts.profile === null ? undefined : PROFILE_STOP_GRACE_MS);
  }
}

async function printProfiles(units: Unit[], opts: Options): Promise<void> {
  for (const unit of units) {
    for (const run of unit.runs) {
      const file = `${opts.profile}/${profileName(unit, run.round)}`;
      let text: string;
      try {
        text = await Deno.readTextFile(file);
      } catch {
        log(`no profile at ${file} (the server did not exit cleanly)`);
        continue;
      }
      const summary = summarizeProfile(JSON.parse(text), opts.profileTop);
      console.log(
        `\n${formatProfileSummary(`${unit.target.name}/${unit.app} round ${run.round}`, summary)}`,
      );
    }
  }
}

/** `true` once Debian's CherryPy can be imported by /usr/bin/python3 (installing it if needed). */
async function ensureCherryPy(): Promise<boolean> {
  const importable = async () => {
    try {
      const out = await new Deno.Command("/usr/bin/python3", {
        args: ["-c", "import cherrypy"],
        stdout: "null",
        stderr: "null",
      }).output();
      return out.success;
    } catch {
      return false;
    }
  };
  if (await importable()) return true;
  log("bench: installing python3-cherrypy3 (apt-get) for the cherrypy_py rows");
  try {
    await new Deno.Command("apt-get", { args: ["update", "-qq"], stdout: "null" }).output();
    await new Deno.Command("apt-get", {
      args: ["install", "-y", "-qq", "python3-cherrypy3"],
      stdout: "null",
    }).output();
  } catch { /* not root, or no apt-get: reported below */ }
  return await importable();
}

async function main(opts: Options): Promise<number> {
  const units = selectUnits(opts);
  // The restart group has no rows of its own: it is a separate measurement (restart.ts).
  if (opts.groups?.includes("restart")) {
    if (opts.groups.some((g) => g !== "restart") && units.length > 0) {
      const code = await main({ ...opts, groups: opts.groups.filter((g) => g !== "restart") });
      if (code !== 0) return code;
    }
    if (opts.runtimes === null || opts.runtimes.includes("node")) await ensureNpmBuild(opts.build);
    await detectPinning(opts.serverCpu, opts.clientCpu);
    return (await runRestartBench(opts.workers, opts.runtimes)) ? 0 : 1;
  }
  if (units.length === 0) {
    log("error: the options select no target (see --only, --apps, --runtimes, --targets)");
    return 2;
  }
  await detectPinning(opts.serverCpu, opts.clientCpu);
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
  if (opts.profile !== null) await Deno.mkdir(opts.profile, { recursive: true });
  let fixtures: Fixtures = { staticDir: null, files: new Map() };
  if (units.some((u) => APPS[u.app].file !== undefined)) {
    const written = await writeStaticFiles();
    tempDirs.add(written.dir);
    fixtures = { staticDir: written.dir, files: written.files };
  }
  const ctx: BaseContext = {
    deno: Deno.execPath(),
    node: findOnPath("node") ?? "node",
    root: ROOT,
    servers: `${BENCH_DIR}/servers`,
    profileDir: opts.profile,
    staticDir: fixtures.staticDir,
    workers: opts.workers,
    tls: units.some((u) => u.target.protocol !== undefined)
      ? await makeCertificate(tempDirs)
      : null,
  };
  if (units.some((u) => u.target.protocol === "h2" || u.target.protocol === "h1-tls")) {
    const version = await ensureH2load();
    if (version === null) {
      for (const u of units) {
        if (u.target.protocol === "h2" || u.target.protocol === "h1-tls") {
          u.failure = "h2load is not installed (apt-get install nghttp2-client)";
        }
      }
    } else log(`h2 rows: h2load (nghttp2 ${version}) over TLS, a self-signed certificate`);
  }
  if (units.some((u) => u.target.runtime === "python") && !(await ensureCherryPy())) {
    for (const u of units) {
      if (u.target.runtime === "python") {
        u.failure = "CherryPy is not installed (apt-get install python3-cherrypy3)";
      }
    }
  }
  if (units.some((u) => u.target.needsNpmBuild) && !(await ensureNpmBuild(opts.build))) {
    for (const u of units) if (u.target.needsNpmBuild) u.failure = "the npm build failed";
  }
  const machine = await machineInfo();
  log(
    `bench: ${units.length} rows, ${opts.rounds} round(s) of ${opts.duration} s ` +
      `(+${opts.warmup} s warm-up), ${opts.connections} connections, ${loadgen.name} ` +
      `${loadgen.version}, ${
        pinning.taskset
          ? `server on CPU ${opts.serverCpu}, client on CPU ${opts.clientCpu}`
          : "unpinned"
      }${opts.profile === null ? "" : `, CPU profiles in ${opts.profile}`}`,
  );

  for (let round = 1; round <= opts.rounds; round++) {
    for (const unit of units) {
      if (unit.failure !== null) continue;
      const label = `${unit.target.name}/${unit.app}`;
      try {
        const r = await measure(unit, round, opts, ctx, loadgen, fixtures);
        unit.runs.push(r);
        const rss = r.rssBytes === null ? "n/a" : `${fmt(r.rssBytes / 1048576, 1)} MB`;
        const cpu = r.cpuUsPerRequest === null ? "n/a" : `${fmt(r.cpuUsPerRequest, 1)} µs`;
        const errs = r.errors + r.non2xx > 0 ? `, ${r.errors} errors, ${r.non2xx} non-2xx` : "";
        const counted = r.session === null
          ? ""
          : `, session +${r.session.advanced} for ${r.session.requests} requests` +
            (r.session.advanced < LOST_UPDATES_BELOW * r.session.requests ? " (lost updates)" : "");
        log(
          `[round ${round}/${opts.rounds}] ${label.padEnd(20)} ` +
            `${fmt(r.rps, 0).padStart(9)} req/s  p99 ${fmt(r.p99Ms, 2)} ms  CPU/req ${cpu}  ` +
            `RSS ${rss}${errs}${counted}`,
        );
      } catch (error) {
        unit.failure = (error as Error).message;
        log(`[round ${round}/${opts.rounds}] ${label}: FAILED\n${unit.failure}`);
      }
    }
  }

  const summaries = summarize(
    units,
    (t) => t.command({ ...ctx, port: 0, app: "hello", profileName: "" }),
  );
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
    workers: units.some((u) => u.target.name.endsWith("_workers")) ? opts.workers : null,
    profiled: opts.profile !== null,
  };
  const apps = Object.fromEntries(
    [...new Set(units.map((u) => u.app))].map((a) => [a, appReport(APPS[a])]),
  );
  const report = { date: new Date().toISOString(), machine, settings, apps, targets: summaries };
  const outDir = opts.out.slice(0, opts.out.lastIndexOf("/"));
  if (outDir) await Deno.mkdir(outDir, { recursive: true });
  await Deno.writeTextFile(opts.out, JSON.stringify(report, null, 2) + "\n");

  const requests = Object.entries(apps).map(([name, a]) => `${name}: GET ${a.path}`).join(", ");
  console.log(
    `Benchmark (${requests}), ${loadgen.name} ${loadgen.version} with ` +
      `${opts.connections} connections, ${opts.rounds} round(s) × ${opts.duration} s ` +
      `(${pinning.taskset ? "server and client pinned to separate CPUs" : "unpinned"}` +
      `${opts.profile === null ? "" : "; servers under the CPU profiler"}); ` +
      `Deno ${machine.deno}, Node ${machine.node}; ${machine.cpu}; commit ${machine.commit}.\n`,
  );
  console.log(table(summaries));
  const note = sessionNote(summaries, LOST_UPDATES_BELOW);
  if (note !== "") console.log(`\n${note}`);
  console.log(
    "\nreq/s vs raw: median req/s over the raw server of the same runtime serving the same app " +
      "(higher is better); p99 vs raw and CPU vs raw: the same for p99 latency and for the " +
      "server's CPU time per request (lower is better; CPU per request is the steadiest figure " +
      "on a busy machine); spread: half the min-max range of req/s over the rounds.",
  );
  if (opts.profile !== null) await printProfiles(units, opts);
  const failed = summaries.filter((s) => s.failure !== null);
  for (const s of failed) log(`\n${s.name}/${s.app} FAILED: ${s.failure}`);
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
    removeTempDirs();
    Deno.exit(code);
  };
  Deno.addSignalListener("SIGINT", onSignal(130));
  Deno.addSignalListener("SIGTERM", onSignal(143));
  let code = 1;
  try {
    code = await main(opts);
  } finally {
    await stopAll();
    removeTempDirs();
  }
  Deno.exit(code);
}
