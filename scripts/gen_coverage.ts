/**
 * Generates `docs/coverage.md`: every code sample of the CherryPy manual, by section, with the
 * example under `examples/` that twins it and the test that checks that example, or the reason
 * the sample has no twin.
 *
 *     deno run -A scripts/gen_coverage.ts            # rewrite docs/coverage.md
 *     deno run -A scripts/gen_coverage.ts --check    # fail when it is stale or a link is broken
 *     deno run -A scripts/gen_coverage.ts --seed=PATH  # re-read the manual's samples from PATH
 *     deno run -A scripts/gen_coverage.ts --self-test  # check the listing reader on a made-up text
 *
 * The convention (also at the top of the generated page):
 *
 * - **Sample ids.** A sample is one code listing of the manual (a fenced block of the text
 *   edition; a listing split by a page break is joined again). Its id is the number of the
 *   section it sits in and its rank there: `§4.2.1 #2` is the second listing of section 4.2.1.
 *   Listings in a chapter's text before its first numbered section get the chapter's number
 *   (`§12 #1`). The ids, with each listing's line in the manual and its first line, are kept in
 *   `scripts/coverage_samples.json`, which `--seed=PATH` rebuilds from the manual's text (by
 *   default the copy named by `$CHERRYPY_MANUAL`).
 * - **Twins.** An example twins a sample when its module doc (the first comment of a `.ts` file
 *   under `examples/`) carries a tag `@twin §4.2.1 #2` (several ids may follow one tag,
 *   separated by commas; several tags may appear).
 * - **Tests.** An example's tests are the files under `tests/` that import it, or that name it
 *   in a string (`runProgram("examples/engine/daemon_site")`, for the examples run as programs).
 * - **Reasons.** A sample with no twin has a specific reason in `scripts/coverage_reasons.json`
 *   (`reasons`), or the path of a twin that is still being written (`pending`). The same file
 *   lists the sections that have no code sample but have an example (`sections`).
 *
 * `--check` fails when a sample has neither a twin nor a reason, when a sample has both, when a
 * tag or a reason names an id the manual does not have, when a twin has no test, or when
 * `docs/coverage.md` differs from what this script writes.
 *
 * @module
 */

const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const SAMPLES_FILE = "scripts/coverage_samples.json";
const REASONS_FILE = "scripts/coverage_reasons.json";
const OUTPUT_FILE = "docs/coverage.md";

/** One code listing of the manual. */
export interface Sample {
  /** `§4.2.1 #2` */
  id: string;
  /** `4.2.1` */
  section: string;
  /** The line of the manual's text where the listing starts (its first line of code). */
  line: number;
  /** How many lines of code it has. */
  lines: number;
  /** Its first non-blank line of code (line numbers of the listing removed). */
  first: string;
}

/** The manual's samples and the titles of its sections. */
export interface SampleIndex {
  /** Section number to title (`"4.2.1": "Single application"`). */
  sections: Record<string, string>;
  /** Every listing, in the manual's order. */
  samples: Sample[];
}

/** The hand-kept part: why a sample has no twin. */
export interface Reasons {
  /** Sample id to the reason it has no twin. */
  reasons: Record<string, string>;
  /** Sample id to the path of a twin still being written. */
  pending: Record<string, string>;
  /** Sections of the manual with no code sample but with an example: number to path. */
  sections?: Record<string, string>;
}

interface Fence {
  section: string;
  line: number;
  body: string[];
  gapBefore: boolean;
}

const NUMBERED = /^(\d+)(?: |$)/;
const INI_SECTION = /^\[[^\]]*\]\s*$/;

function firstCode(body: string[]): string {
  const line = body.find((l) => l.trim() !== "") ?? "";
  return line.replace(NUMBERED, "").trim();
}

function firstNumber(body: string[]): number | undefined {
  const line = body.find((l) => l.trim() !== "");
  const m = line?.match(NUMBERED);
  return m ? Number(m[1]) : undefined;
}

function lastNumber(body: string[]): number | undefined {
  for (let i = body.length - 1; i >= 0; i--) {
    if (body[i]!.trim() === "") continue;
    const m = body[i]!.match(NUMBERED);
    return m ? Number(m[1]) : undefined;
  }
  return undefined;
}

/**
 * Whether `next` continues `prev` across a page break: numbered listings whose numbering goes
 * on, or unnumbered listings with nothing but blank lines between them, unless one of them is a
 * config file (`[section]` first) or `next` is a shell command (`$ ...`).
 */
function continues(prev: Fence, next: Fence): boolean {
  if (!next.gapBefore || prev.section !== next.section) return false;
  const from = firstNumber(next.body);
  if (from !== undefined) return from > 1 && lastNumber(prev.body) === from - 1;
  if (lastNumber(prev.body) !== undefined) return false;
  const a = firstCode(prev.body);
  const b = firstCode(next.body);
  return !INI_SECTION.test(a) && !INI_SECTION.test(b) && !b.startsWith("$ ");
}

/** Reads the listings of the manual's text, with their ids. */
export function extractSamples(text: string): SampleIndex {
  const lines = text.split("\n");
  const chapters = new Map<string, string>();
  for (const l of lines) {
    const m = l.match(/^<b>(\d+)<\/b>\t<b>(.+?)<\/b>/);
    if (m) chapters.set(m[2]!.trim(), m[1]!);
  }
  const sections: Record<string, string> = {};
  for (const [title, n] of chapters) sections[n] = title;
  const fences: Fence[] = [];
  let section = "0";
  let open: Fence | undefined;
  let gap = false;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.trim().startsWith("```")) {
      if (open) {
        fences.push(open);
        open = undefined;
        gap = true;
      } else open = { section, line: i + 2, body: [], gapBefore: gap };
      continue;
    }
    if (open) {
      open.body.push(l);
      continue;
    }
    if (l.trim() !== "") gap = false;
    const numbered = l.match(/^#{1,6}\s+(\d+(?:\.\d+)+)\s+(.*?)\s*$/);
    if (numbered) {
      section = numbered[1]!;
      sections[section] = numbered[2]!.replaceAll("`", "").replaceAll("\\", "");
      continue;
    }
    const heading = l.match(/^#{1,6}\s+(.+?)\s*$/);
    if (heading && chapters.has(heading[1]!)) section = chapters.get(heading[1]!)!;
  }
  const joined: Fence[] = [];
  for (const f of fences) {
    const prev = joined.at(-1);
    if (prev && continues(prev, f)) prev.body.push(...f.body);
    else joined.push({ ...f, body: [...f.body] });
  }
  const rank = new Map<string, number>();
  const samples = joined.map((f): Sample => {
    const n = (rank.get(f.section) ?? 0) + 1;
    rank.set(f.section, n);
    return {
      id: `§${f.section} #${n}`,
      section: f.section,
      line: f.line,
      lines: f.body.filter((l) => l.replace(NUMBERED, "").trim() !== "").length,
      first: firstCode(f.body),
    };
  });
  return { sections, samples };
}

async function* walk(dir: string): AsyncGenerator<string> {
  const entries = [];
  for await (const e of Deno.readDir(`${root}/${dir}`)) entries.push(e);
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory) yield* walk(path);
    else if (e.isFile) yield path;
  }
}

/** The `@twin` tags of every example: sample id to the example files that twin it. */
export async function findTwins(): Promise<Map<string, string[]>> {
  const twins = new Map<string, string[]>();
  for await (const path of walk("examples")) {
    if (!path.endsWith(".ts")) continue;
    const text = await Deno.readTextFile(`${root}/${path}`);
    const doc = text.match(/^\s*\/\*\*([\s\S]*?)\*\//)?.[1] ?? "";
    for (const m of doc.matchAll(/@twin\s+([^\n]*)/g)) {
      for (const raw of m[1]!.split(",")) {
        const id = raw.trim().replace(/\s+/g, " ");
        if (id === "") continue;
        twins.set(id, [...(twins.get(id) ?? []), path]);
      }
    }
  }
  return twins;
}

/** The tests of every example: example path to the test files that import or name it. */
export async function findTests(examples: string[]): Promise<Map<string, string[]>> {
  const tests = new Map<string, string[]>(examples.map((e) => [e, []]));
  for await (const path of walk("tests")) {
    if (!path.endsWith("_test.ts")) continue;
    const text = await Deno.readTextFile(`${root}/${path}`);
    const dir = path.slice(0, path.lastIndexOf("/"));
    const named = new Set<string>();
    for (const m of text.matchAll(/from\s+"(\.[^"]+)"|import\(\s*"(\.[^"]+)"\s*\)/g)) {
      named.add(resolve(dir, (m[1] ?? m[2])!));
    }
    for (const m of text.matchAll(/["'`](examples\/[A-Za-z0-9_./-]+)["'`]/g)) {
      named.add(m[1]!.endsWith(".ts") ? m[1]! : `${m[1]}.ts`);
    }
    for (const example of examples) if (named.has(example)) tests.get(example)!.push(path);
  }
  return tests;
}

function resolve(dir: string, specifier: string): string {
  const parts = dir.split("/");
  for (const p of specifier.split("/")) {
    if (p === "..") parts.pop();
    else if (p !== ".") parts.push(p);
  }
  return parts.join("/");
}

function code(text: string): string {
  const t = text.length > 60 ? text.slice(0, 57).trimEnd() + "…" : text;
  const escaped = t.replaceAll("|", "\\|");
  return escaped.includes("`") ? `\`\` ${escaped} \`\`` : `\`${escaped}\``;
}

function link(path: string): string {
  return `[${path}](../${path})`;
}

/** The page, and the problems that `--check` reports. */
export function render(
  index: SampleIndex,
  twins: Map<string, string[]>,
  tests: Map<string, string[]>,
  data: Reasons,
  files: ReadonlySet<string>,
): { page: string; problems: string[] } {
  const problems: string[] = [];
  const ids = new Set(index.samples.map((s) => s.id));
  for (const [id, paths] of twins) {
    if (!ids.has(id)) {
      problems.push(`${paths.join(", ")}: @twin ${id}: the manual has no such sample`);
    }
  }
  for (const id of [...Object.keys(data.reasons), ...Object.keys(data.pending)]) {
    if (!ids.has(id)) problems.push(`${REASONS_FILE}: ${id}: the manual has no such sample`);
  }
  let twinned = 0, pending = 0, reasoned = 0;
  const out: string[] = [];
  let chapter = "";
  let section = "";
  for (const s of index.samples) {
    const ch = s.section.split(".")[0]!;
    if (ch !== chapter) {
      chapter = ch;
      out.push("", `## ${ch} ${index.sections[ch] ?? ""}`.trimEnd());
      section = "";
    }
    if (s.section !== section) {
      section = s.section;
      if (section !== ch) {
        out.push("", `### §${section} ${index.sections[section] ?? ""}`.trimEnd());
      }
      out.push(
        "",
        "| Sample | Line | Begins with | Twin | Test, or why there is no twin |",
        "| --- | --: | --- | --- | --- |",
      );
    }
    const examples = twins.get(s.id) ?? [];
    const reason = data.reasons[s.id];
    const pend = data.pending[s.id];
    let twin = "—";
    let last: string;
    if (examples.length > 0) {
      twinned++;
      twin = examples.map(link).join("<br>");
      const found = [...new Set(examples.flatMap((e) => tests.get(e) ?? []))];
      for (const e of examples) {
        if ((tests.get(e) ?? []).length === 0) problems.push(`${s.id}: ${e} has no test`);
      }
      last = found.length > 0 ? found.map(link).join("<br>") : "**no test**";
      if (reason !== undefined || pend !== undefined) {
        problems.push(`${s.id}: twinned by ${examples.join(", ")} and listed in ${REASONS_FILE}`);
      }
    } else if (pend !== undefined) {
      pending++;
      twin = `pending: ${pend}`;
      last = "twin pending";
      if (reason !== undefined) problems.push(`${s.id}: both pending and a reason`);
    } else if (reason !== undefined) {
      reasoned++;
      last = reason.replaceAll("|", "\\|");
    } else {
      problems.push(`${s.id} (line ${s.line}, ${s.first}): no twin and no reason`);
      last = "**no twin, no reason**";
    }
    out.push(`| ${s.id} | ${s.line} | ${code(s.first)} | ${twin} | ${last} |`);
  }
  const extra = Object.entries(data.sections ?? {});
  if (extra.length > 0) {
    out.push(
      "",
      "## Sections without code",
      "",
      "These sections of the manual show no code; each has an example all the same.",
      "",
      "| Section | Example |",
      "| --- | --- |",
    );
    for (const [section, path] of extra) {
      const title = index.sections[section] ?? "";
      if (!files.has(path)) problems.push(`${REASONS_FILE}: sections: ${path} does not exist`);
      out.push(`| §${section} ${title} | ${link(path)} |`);
    }
  }
  const header = [
    "<!-- Generated by scripts/gen_coverage.ts from scripts/coverage_samples.json,",
    "     scripts/coverage_reasons.json and the @twin tags of examples/. Do not edit by hand. -->",
    "",
    "# Coverage of the CherryPy manual",
    "",
    "The CherryPy manual is this project's specification: each of its code samples that can run",
    "here has a twin, a TypeScript program under `examples/` that does what the sample does, and",
    "a test under `tests/` that checks what the manual says it does. This page lists every sample,",
    "by section, with its twin and test, or the reason it has none.",
    "",
    `**${index.samples.length} samples**: ${twinned} twinned and tested, ${reasoned} with a` +
    ` reason for having no twin, ${pending} with a twin pending.`,
    "",
    "## How the table is made",
    "",
    "- **Sample ids.** A sample is one code listing of the manual (a listing that a page break",
    "  split is one sample). Its id is its section's number and its rank in that section:",
    "  `§4.2.1 #2` is the second listing of section 4.2.1. Listings before a chapter's first",
    "  numbered section take the chapter's number (`§12 #1`). *Line* is the listing's first line",
    "  in the manual's text edition (CherryPy 8.8 documentation).",
    "- **Twins.** An example twins a sample when its module doc carries the tag",
    "  `@twin §4.2.1 #2` (one tag may list several ids, separated by commas).",
    "- **Tests.** An example's tests are the test files that import it, or that name it to run it",
    '  as a program (`runProgram("examples/engine/daemon_site")`).',
    "- **No twin.** A sample without a twin has a specific reason in",
    "  `scripts/coverage_reasons.json` (Python-only mechanisms, shell commands, sample output,",
    "  diagrams), or there names the twin being written (*pending*).",
    "- `deno run -A scripts/gen_coverage.ts` writes this page; CI runs it with `--check`, which",
    "  fails when the page is stale, a sample has neither a twin nor a reason, a tag or a reason",
    "  names a sample the manual does not have, or a twin has no test.",
  ];
  return { page: [...header, ...out, ""].join("\n"), problems };
}

async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await Deno.readTextFile(`${root}/${path}`)) as T;
}

/** Formats markdown as `deno fmt` does, so the checked-in page passes `deno fmt --check`. */
async function fmt(markdown: string): Promise<string> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--ext=md", "-"],
    cwd: root,
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(markdown));
  await writer.close();
  const { code, stdout } = await child.output();
  if (code !== 0) throw new Error(`deno fmt failed on the generated page (exit ${code})`);
  return new TextDecoder().decode(stdout);
}

/** Checks {@link extractSamples} on a made-up manual; throws on the first difference. */
export function selfTest(): void {
  const fence = "```";
  const text = [
    "<b>1</b>\t<b>Basics</b>\t<b>1</b>",
    "<b>2</b>\t<b>Deploy</b>\t<b>9</b>",
    "## Basics",
    fence,
    "intro()",
    fence,
    "## 1.1 One",
    fence,
    "1 import x",
    "2 x.run()",
    fence,
    "",
    fence,
    "3 x.stop()",
    fence,
    "Text between.",
    fence,
    "class A:",
    fence,
    "",
    fence,
    "    def b(self): pass",
    fence,
    "",
    fence,
    "[/]",
    "a.on: True",
    fence,
    "",
    fence,
    "x.quickstart(A(), '/', 'app.conf')",
    fence,
    "",
    fence,
    "$ python app.py",
    fence,
    "### 1.1.1 Deeper",
    fence,
    "1 first",
    fence,
    "",
    fence,
    "1 restart",
    fence,
    "## Deploy",
    "### 2.1 Run",
    fence,
    "# a comment, not a heading",
    "run()",
    fence,
  ].join("\n");
  const got = extractSamples(text).samples.map((s) => `${s.id} ${s.lines} ${s.first}`);
  const want = [
    "§1 #1 1 intro()",
    "§1.1 #1 3 import x",
    "§1.1 #2 2 class A:",
    "§1.1 #3 2 [/]",
    "§1.1 #4 1 x.quickstart(A(), '/', 'app.conf')",
    "§1.1 #5 1 $ python app.py",
    "§1.1.1 #1 1 first",
    "§1.1.1 #2 1 restart",
    "§2.1 #1 2 # a comment, not a heading",
  ];
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    throw new Error(`self-test: got\n${got.join("\n")}\nwanted\n${want.join("\n")}`);
  }
}

async function main(args: string[]): Promise<number> {
  if (args.includes("--self-test")) {
    selfTest();
    console.log("gen_coverage self-test passed");
    return 0;
  }
  const check = args.includes("--check");
  const seed = args.find((a) => a.startsWith("--seed="))?.slice("--seed=".length) ??
    Deno.env.get("CHERRYPY_MANUAL");
  let index: SampleIndex;
  if (seed) {
    index = extractSamples(await Deno.readTextFile(seed));
    const json = JSON.stringify(index, null, 2) + "\n";
    const current = await Deno.readTextFile(`${root}/${SAMPLES_FILE}`).catch(() => "");
    if (json !== current) {
      if (check) {
        console.error(`${SAMPLES_FILE} is stale: run scripts/gen_coverage.ts --seed=${seed}`);
        return 1;
      }
      await Deno.writeTextFile(`${root}/${SAMPLES_FILE}`, json);
      console.log(`wrote ${SAMPLES_FILE} (${index.samples.length} samples)`);
    }
  } else index = await readJson<SampleIndex>(SAMPLES_FILE);
  const twins = await findTwins();
  const tests = await findTests([...new Set([...twins.values()].flat())]);
  const files = new Set<string>();
  for await (const path of walk("examples")) files.add(path);
  const data = await readJson<Reasons>(REASONS_FILE);
  const { page: raw, problems } = render(index, twins, tests, data, files);
  const page = await fmt(raw);
  const current = await Deno.readTextFile(`${root}/${OUTPUT_FILE}`).catch(() => "");
  for (const p of problems) console.error(`coverage: ${p}`);
  if (check) {
    if (page !== current) {
      console.error(`${OUTPUT_FILE} is stale: run deno run -A scripts/gen_coverage.ts`);
      return 1;
    }
    if (problems.length > 0) return 1;
    console.log(`${OUTPUT_FILE} is up to date (${index.samples.length} samples)`);
    return 0;
  }
  if (page !== current) await Deno.writeTextFile(`${root}/${OUTPUT_FILE}`, page);
  console.log(
    `wrote ${OUTPUT_FILE} (${index.samples.length} samples, ${problems.length} problems)`,
  );
  return problems.length > 0 ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
