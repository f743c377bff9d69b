/**
 * Runs every test on both runtimes: the sources under Deno (`deno test`), then the npm build
 * under Node (`node --test`). Ends with one summary line per runtime:
 *
 *     deno: 120 passed, 0 failed
 *     node: 120 passed, 0 failed
 *
 * Exits non-zero when either runtime had a failure or ran no test.
 *
 *     deno run -A scripts/test.ts             # both runtimes (what `npm test` runs)
 *     deno run -A scripts/test.ts --deno-only
 *     deno run -A scripts/test.ts --node-only
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

async function run(cmd: string, args: string[]): Promise<number> {
  const child = new Deno.Command(cmd, {
    args,
    cwd: root,
    stdout: "inherit",
    stderr: "inherit",
    env: { NO_COLOR: Deno.env.get("NO_COLOR") ?? "" },
  }).spawn();
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

async function denoTests(): Promise<Counts> {
  const junit = `${outDir}/deno-junit.xml`;
  const code = await run(Deno.execPath(), [
    "test",
    "-A",
    "--no-check",
    `--junit-path=${junit}`,
    "tests/",
  ]);
  const xml = await Deno.readTextFile(junit).catch(() => "");
  const counts = countJunit(xml);
  return { ...counts, ok: code === 0 && counts.failed === 0 };
}

async function nodeTests(): Promise<Counts> {
  if (!(await build())) return { passed: 0, failed: 1, skipped: 0, ok: false };
  const tap = `${outDir}/node.tap`;
  const files = await nodeTestFiles();
  const code = await run("node", [
    "--test",
    "--test-reporter=spec",
    "--test-reporter-destination=stdout",
    "--test-reporter=tap",
    `--test-reporter-destination=${tap}`,
    ...files,
  ]);
  const text = await Deno.readTextFile(tap).catch(() => "");
  const num = (key: string) => Number(text.match(new RegExp(`^# ${key} (\\d+)$`, "m"))?.[1] ?? 0);
  const counts = {
    passed: num("pass"),
    failed: num("fail") + num("cancelled"),
    skipped: num("skipped"),
  };
  return { ...counts, ok: code === 0 && counts.failed === 0 };
}

if (import.meta.main) {
  await Deno.mkdir(outDir, { recursive: true });
  const only = Deno.args.find((a) => a === "--deno-only" || a === "--node-only");
  const results: Array<[string, Counts]> = [];
  if (only !== "--node-only") results.push(["deno", await denoTests()]);
  if (only !== "--deno-only") results.push(["node", await nodeTests()]);
  console.log("");
  let ok = true;
  for (const [name, c] of results) {
    const skipped = c.skipped > 0 ? `, ${c.skipped} skipped` : "";
    console.log(`${name}: ${c.passed} passed, ${c.failed} failed${skipped}`);
    if (!c.ok || c.passed === 0) ok = false;
  }
  Deno.exit(ok ? 0 : 1);
}
