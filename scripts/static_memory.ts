/**
 * Memory while serving a large file, the long run (`tests/framework/tools/static_memory_test.ts`
 * is the short one): a sparse file (2 GiB by default) served by the staticfile tool, first to a
 * client reading 1 MiB/s for 15 seconds, then to one reading the whole file as fast as it can.
 * The resident set size is sampled every 100 ms; the run fails when it grew by 50 MiB or more.
 *
 *     deno run -A scripts/static_memory.ts
 *     deno run -A scripts/static_memory.ts --size=4096 --rate=2 --seconds=30 --engine=native
 *
 * `--size` in MiB, `--rate` in MiB/s, `--seconds` of slow reading, `--engine` `cherrypy` (the
 * default) or `native` (`Deno.serve`).
 *
 * @module
 */
import { download, serveBigFile } from "../tests/framework/tools/_static_memory.ts";
import type { HttpEngineName } from "../platform/mod.ts";

const MiB = 2 ** 20;
const LIMIT = 50 * MiB;

function option(name: string, fallback: string): string {
  const arg = Deno.args.find((a) => a.startsWith(`--${name}=`));
  return arg === undefined ? fallback : arg.slice(name.length + 3);
}

const size = Number(option("size", "2048")) * MiB;
const rate = Number(option("rate", "1")) * MiB;
const seconds = Number(option("seconds", "15"));
const engine = option("engine", "cherrypy") as HttpEngineName;
const mib = (n: number) => `${(n / MiB).toFixed(1)} MiB`;

const server = await serveBigFile(size, engine);
let failed = false;
try {
  // A first fast download of the whole file lets the heap reach its working size.
  const runs: Array<[string, number, number]> = [
    ["warm-up, as fast as possible", 0, 0],
    [`${mib(rate)}/s for ${seconds} s`, rate, seconds],
    ["as fast as possible", 0, 0],
  ];
  for (const [i, [label, r, s]] of runs.entries()) {
    const report = await download(server.port, r, s);
    const growth = report.maxRss - report.baselineRss;
    const measured = i > 0;
    const ok = !measured || (growth < LIMIT && report.zeros && report.bytes > 0);
    if (!ok) failed = true;
    console.log(
      `${ok ? "ok  " : "FAIL"} ${engine} ${mib(size)} file, ${label}: ${mib(report.bytes)} in ` +
        `${report.seconds.toFixed(1)} s; RSS ${mib(report.baselineRss)} → max ` +
        `${mib(report.maxRss)} (${measured ? "growth" : "not measured"} ${mib(growth)})`,
    );
  }
} finally {
  await server.close();
}
if (failed) Deno.exit(1);
