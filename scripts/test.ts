/**
 * Runs every test on every supported runtime: the sources under Deno (`deno test`), then the npm
 * build under the oldest and the newest supported Node line (`node --test`) and under Bun
 * (`bun test`). Ends with one summary line per runtime:
 *
 *     deno: 344 passed, 0 failed
 *     node22: 344 passed, 0 failed
 *     node26: 344 passed, 0 failed
 *     bun: 344 passed, 0 failed
 *
 * Exits non-zero when any runtime had a failure or ran no test.
 *
 * Two runtimes run at a time (`--jobs=N` changes it; `--jobs=1` runs them one after another):
 * the tests mostly wait on sockets, timers and child processes, so two runs share the machine
 * well. With more than one job, each runtime's output goes to `.test-output/<runtime>.log` and
 * is printed whole when that runtime finishes.
 *
 *     deno run -A scripts/test.ts                 # every runtime (what `npm test` runs)
 *     deno run -A scripts/test.ts --only=deno     # some runtimes: deno, node22, node26, bun
 *     deno run -A scripts/test.ts --deno-only     # (same as --only=deno)
 *     deno run -A scripts/test.ts --node-only     # (same as --only=node22,node26)
 *     deno run -A scripts/test.ts --only=bun tests/server/   # some test folders or files
 *
 * The Node and Bun binaries come from the npm registry as the workspace's optional dependencies
 * (`node22-linux-x64`, `node26-linux-x64`, `bun-linux-x64`, installed by `npm ci`). Where one is
 * missing (another platform), the machine's `node` stands in for a Node line of the same major
 * version, and otherwise that runtime fails with a message saying what to install.
 *
 * @module
 */

import { build, nodeTestFiles } from "./build_npm.ts";

const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const outDir = `${root}/.test-output`;

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
  ok: boolean;
}

/** The runtimes, in the order they run. */
const RUNTIMES = ["deno", "node22", "node26", "bun"] as const;
type Runtime = typeof RUNTIMES[number];

/** Where a runtime's output goes: the terminal, or a log file (when runtimes run side by side). */
type Sink = "inherit" | Deno.FsFile;

async function run(cmd: string, args: string[], sink: Sink, cwd = root): Promise<number> {
  const piped = sink !== "inherit";
  const child = new Deno.Command(cmd, {
    args,
    cwd,
    stdout: piped ? "piped" : "inherit",
    stderr: piped ? "piped" : "inherit",
    env: { NO_COLOR: Deno.env.get("NO_COLOR") ?? "" },
  }).spawn();
  if (piped) {
    // Both streams into one file, in arrival order.
    const copy = async (stream: ReadableStream<Uint8Array>) => {
      for await (const chunk of stream) await sink.write(chunk);
    };
    await Promise.all([copy(child.stdout), copy(child.stderr)]);
  }
  return (await child.status).code;
}

/** Counts leaf test cases (a case whose name prefixes another's `name > ` is a suite). */
function countJunit(xml: string): { passed: number; failed: number; skipped: number } {
  const cases = [...xml.matchAll(/<testcase name="([^"]*)"[^>]*>([\s\S]*?)<\/testcase>/g)].map(
    (m) => ({ name: m[1]!, failed: /<failure/.test(m[2]!), skipped: /<skipped/.test(m[2]!) }),
  );
  const names = cases.map((c) => c.name);
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const c of cases) {
    if (names.some((n) => n.startsWith(c.name + " &gt; "))) continue;
    if (c.failed) failed++;
    else if (c.skipped) skipped++;
    else passed++;
  }
  return { passed, failed, skipped };
}

function fileExists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** The major version of the `node` on PATH, or 0. */
function systemNodeMajor(): number {
  try {
    const out = new Deno.Command("node", { args: ["--version"], stdout: "piped" }).outputSync();
    return Number(new TextDecoder().decode(out.stdout).match(/^v(\d+)/)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** The binary that runs `runtime`'s tests (Deno runs them itself). */
function binaryOf(runtime: Exclude<Runtime, "deno">): string {
  const packaged = runtime === "bun"
    ? `${root}/node_modules/bun-linux-x64/bin/bun`
    : `${root}/node_modules/${runtime}-linux-x64/bin/node`;
  if (fileExists(packaged)) return packaged;
  if (runtime !== "bun" && systemNodeMajor() === Number(runtime.slice(4))) return "node";
  throw new Error(
    `${runtime}: no binary at ${packaged}. Run 'npm ci' (the workspace's optional dependencies ` +
      `bring it on Linux x64), or put ${
        runtime === "bun" ? "Bun 1.4" : `Node ${runtime.slice(4)}`
      } on PATH and run that runtime's tests by hand.`,
  );
}

async function denoTests(paths: string[], sink: Sink): Promise<Counts> {
  const junit = `${outDir}/deno-junit.xml`;
  // A run that fails before it writes the report (a test file that cannot be loaded) must not
  // be counted from the previous run's.
  await Deno.remove(junit).catch(() => {});
  const code = await run(Deno.execPath(), [
    "test",
    "-A",
    "--no-check",
    `--junit-path=${junit}`,
    ...(paths.length > 0 ? paths : ["tests/"]),
  ], sink);
  const xml = await Deno.readTextFile(junit).catch(() => "");
  const counts = countJunit(xml);
  return { ...counts, ok: code === 0 && counts.failed === 0 };
}

/** The compiled test files for `paths` (source paths under tests/), or all of them. */
async function builtTestFiles(paths: string[]): Promise<string[]> {
  const all = await nodeTestFiles();
  if (paths.length === 0) return all;
  const wanted = paths.map((p) => `${root}/npm/${p.replace(/^\.\//, "").replace(/\.ts$/, ".js")}`);
  return all.filter((f) => wanted.some((w) => f === w || f.startsWith(w.replace(/\/?$/, "/"))));
}

async function nodeTests(
  binary: string,
  name: string,
  files: string[],
  sink: Sink,
): Promise<Counts> {
  const tap = `${outDir}/${name}.tap`;
  await Deno.remove(tap).catch(() => {});
  const code = await run(binary, [
    "--test",
    "--test-reporter=spec",
    "--test-reporter-destination=stdout",
    "--test-reporter=tap",
    `--test-reporter-destination=${tap}`,
    ...files,
  ], sink);
  const text = await Deno.readTextFile(tap).catch(() => "");
  const num = (key: string) => Number(text.match(new RegExp(`^# ${key} (\\d+)$`, "m"))?.[1] ?? 0);
  const counts = {
    passed: num("pass"),
    failed: num("fail") + num("cancelled"),
    // A todo test is counted as the other runtimes count it: skipped.
    skipped: num("skipped") + num("todo"),
  };
  return { ...counts, ok: code === 0 && counts.failed === 0 };
}

async function bunTests(binary: string, files: string[], sink: Sink): Promise<Counts> {
  const junit = `${outDir}/bun-junit.xml`;
  await Deno.remove(junit).catch(() => {});
  // bun test runs node:test suites. Each file gets a fresh global and module registry, as each
  // file gets its own process under node --test; no per-test limit in practice, as there.
  const code = await run(
    binary,
    [
      "test",
      "--timeout=120000",
      "--isolate",
      "--reporter=junit",
      `--reporter-outfile=${junit}`,
      ...files.map((f) => f.startsWith("/") ? f : `./${f}`),
    ],
    sink,
    `${root}/npm`,
  );
  const xml = await Deno.readTextFile(junit).catch(() => "");
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for (const m of xml.matchAll(/<testcase\b[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const inner = m[2] ?? "";
    if (/<failure|<error/.test(inner)) counts.failed++;
    else if (/<skipped/.test(inner)) counts.skipped++;
    else counts.passed++;
  }
  return { ...counts, ok: code === 0 && counts.failed === 0 };
}

function selected(args: string[]): Runtime[] {
  if (args.includes("--deno-only")) return ["deno"];
  if (args.includes("--node-only")) return ["node22", "node26"];
  const only = args.find((a) => a.startsWith("--only="));
  if (only === undefined) return [...RUNTIMES];
  const names = only.slice(7).split(",").filter((n) => n !== "");
  for (const n of names) {
    if (!(RUNTIMES as readonly string[]).includes(n)) {
      throw new Error(`unknown runtime ${JSON.stringify(n)}; known: ${RUNTIMES.join(", ")}`);
    }
  }
  return names as Runtime[];
}

function jobsOf(args: string[]): number {
  const arg = args.find((a) => a.startsWith("--jobs="));
  if (arg === undefined) return 2;
  const n = Number(arg.slice(7));
  if (!Number.isInteger(n) || n < 1) throw new Error(`--jobs wants a positive integer, not ${arg}`);
  return n;
}

/** Runs one runtime's tests; `built` is the npm build's test files (awaited only by Node and Bun). */
async function runRuntime(
  runtime: Runtime,
  paths: string[],
  built: () => Promise<string[]>,
  sink: Sink,
): Promise<Counts> {
  if (runtime === "deno") return await denoTests(paths, sink);
  const binary = binaryOf(runtime);
  const files = await built();
  return runtime === "bun"
    ? await bunTests(binary, files, sink)
    : await nodeTests(binary, runtime, files, sink);
}

if (import.meta.main) {
  await Deno.mkdir(outDir, { recursive: true });
  const runtimes = selected(Deno.args);
  const jobs = Math.min(jobsOf(Deno.args), runtimes.length);
  const paths = Deno.args.filter((a) => !a.startsWith("--"));
  const results = new Map<Runtime, Counts>();
  const failedRun: Counts = { passed: 0, failed: 1, skipped: 0, ok: false };
  // The npm build, made once, when the first Node or Bun run needs it.
  let building: Promise<string[]> | undefined;
  const built = () =>
    building ??= build().then((ok) => {
      if (!ok) throw new Error("the npm build failed");
      return builtTestFiles(paths);
    });
  const queue = [...runtimes];
  const worker = async () => {
    for (let runtime = queue.shift(); runtime !== undefined; runtime = queue.shift()) {
      const log = jobs > 1 ? `${outDir}/${runtime}.log` : undefined;
      if (log === undefined) console.log(`\n== ${runtime}`);
      else console.log(`== ${runtime} started (output in ${log})`);
      const sink: Sink = log === undefined
        ? "inherit"
        : await Deno.open(log, { write: true, create: true, truncate: true });
      const started = Date.now();
      try {
        results.set(runtime, await runRuntime(runtime, paths, built, sink));
      } catch (e) {
        const message = `${runtime}: ${(e as Error).message}\n`;
        if (sink === "inherit") console.error(message.trimEnd());
        else await sink.write(new TextEncoder().encode(message));
        results.set(runtime, failedRun);
      }
      if (sink !== "inherit") {
        sink.close();
        console.log(`\n== ${runtime} (${Math.round((Date.now() - started) / 1000)} s)`);
        await Deno.stdout.write(await Deno.readFile(log!));
      }
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  console.log("");
  let ok = true;
  for (const name of runtimes) {
    const c = results.get(name) ?? failedRun;
    const skipped = c.skipped > 0 ? `, ${c.skipped} skipped` : "";
    const broken = !c.ok && c.failed === 0 ? " (the run itself failed: see its output above)" : "";
    console.log(`${name}: ${c.passed} passed, ${c.failed} failed${skipped}${broken}`);
    if (!c.ok || c.passed === 0) ok = false;
  }
  Deno.exit(ok ? 0 : 1);
}
