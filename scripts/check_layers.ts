/**
 * The layering check: imports go one way.
 *
 * - Between the top-level layers: `platform/` ← `bus/` ← `plugins/` ← `server/` ← `framework/`
 *   ← `mod.ts` ← `cli/` (a layer imports only from layers before it, or itself).
 * - Between framework's folders: `http` ← `core` ← `config` ← `dispatch`, `body` ← `tools` ←
 *   `app` ← `site` ← `lib` (`dispatch` and `body` are peers and import neither each other).
 * - Only `platform/` touches the runtimes: no `node:` import and no `Deno.` or `Bun.` outside it.
 *
 * Type-only imports (`import type`, or every name marked `type`) are not checked: they leave no
 * trace at run time, and a type may be declared beside the code that uses it most.
 *
 *     deno run -A scripts/check_layers.ts              # the repository
 *     deno run -A scripts/check_layers.ts --self-test  # shows that a wrong import is caught
 *
 * @module
 */

/** Top-level layers, lowest first. */
const LAYERS = ["platform", "bus", "plugins", "server", "framework", "mod.ts", "cli"];
/** framework's folders, lowest first; folders on one rank are peers. */
const FRAMEWORK_RANKS: Record<string, number> = {
  http: 0,
  core: 1,
  config: 2,
  dispatch: 3,
  body: 3,
  tools: 4,
  app: 5,
  site: 6,
  lib: 7,
  "mod.ts": 8,
};

/** One import that goes the wrong way, or a runtime API used outside `platform/`. */
export interface Violation {
  file: string;
  line: number;
  message: string;
}

/** An import or re-export: its `type` keyword, its clause and its specifier. */
const IMPORT = /^(?:import|export)\s+(type\s+)?([^;]*?)\s+from\s+["']([^"']+)["'];?/gms;

/** `text` with its comments blanked out (newlines kept, so line numbers stay). */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (c) => c.replace(/[^\n]/g, " "));
}

function layerOf(path: string): string {
  const top = path.split("/")[0]!;
  return top === path ? path : top;
}

function frameworkPart(path: string): string | undefined {
  if (!path.startsWith("framework/")) return undefined;
  const rest = path.slice("framework/".length);
  return rest.includes("/") ? rest.split("/")[0] : rest;
}

function normalize(from: string, spec: string): string {
  const parts = from.split("/").slice(0, -1);
  for (const step of spec.split("/")) {
    if (step === "..") parts.pop();
    else if (step !== ".") parts.push(step);
  }
  return parts.join("/");
}

/** True when the import brings in only types. */
function typeOnly(typeKeyword: string | undefined, clause: string): boolean {
  if (typeKeyword) return true;
  const names = clause.trim().match(/^\{([\s\S]*)\}$/)?.[1];
  if (names === undefined) return false;
  const list = names.split(",").map((n) => n.trim()).filter((n) => n !== "");
  return list.length > 0 && list.every((n) => n.startsWith("type "));
}

/** The violations in `files` (repository-relative path → source text). */
export function checkLayers(files: ReadonlyMap<string, string>): Violation[] {
  const found: Violation[] = [];
  for (const [file, source] of files) {
    const text = withoutComments(source);
    const lineAt = (index: number) => text.slice(0, index).split("\n").length;
    const from = layerOf(file);
    if (from !== "platform") {
      for (const m of text.matchAll(/from\s+["']node:[^"']+["']|\b(?:Deno|Bun)\.[A-Za-z]/g)) {
        found.push({
          file,
          line: lineAt(m.index!),
          message: `${m[0]}: only platform/ may touch the runtime`,
        });
      }
    }
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[3]!;
      if (!spec.startsWith(".") || typeOnly(m[1], m[2]!)) continue;
      const target = normalize(file, spec);
      const to = layerOf(target);
      const line = lineAt(m.index!);
      if (LAYERS.indexOf(to) > LAYERS.indexOf(from)) {
        found.push({ file, line, message: `${from} imports ${target}, a layer above it` });
        continue;
      }
      const a = frameworkPart(file);
      const b = frameworkPart(target);
      if (a === undefined || b === undefined || a === b) continue;
      const ra = FRAMEWORK_RANKS[a];
      const rb = FRAMEWORK_RANKS[b];
      if (ra === undefined || rb === undefined) {
        found.push({ file, line, message: `framework/${ra === undefined ? a : b} has no rank` });
      } else if (rb >= ra) {
        found.push({
          file,
          line,
          message: `framework/${a} imports framework/${b}: ${
            rb === ra ? "peers import neither each other" : "a folder above it"
          }`,
        });
      }
    }
  }
  return found;
}

async function repositoryFiles(root: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(`${root}/${dir}`)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) await walk(path);
      else if (entry.name.endsWith(".ts")) {
        files.set(path, await Deno.readTextFile(`${root}/${path}`));
      }
    }
  };
  for (const layer of LAYERS) {
    if (layer.endsWith(".ts")) files.set(layer, await Deno.readTextFile(`${root}/${layer}`));
    else await walk(layer);
  }
  return files;
}

function report(violations: Violation[]): void {
  for (const v of violations) console.error(`${v.file}:${v.line}: ${v.message}`);
}

if (import.meta.main) {
  const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  const files = await repositoryFiles(root);
  if (Deno.args.includes("--self-test")) {
    // The repository as it is, plus one import against the direction and one runtime call
    // outside platform/: each must be caught, and nothing else.
    const wrong = new Map(files);
    const headers = "framework/http/headers.ts";
    wrong.set(headers, `import { Request } from "../core/request.ts";\n${files.get(headers)}`);
    const bus = "bus/bus.ts";
    wrong.set(bus, `${files.get(bus)}\nexport const pid = Deno.pid;\n`);
    const caught = checkLayers(wrong);
    report(caught);
    const messages = caught.map((v) => v.message);
    if (
      caught.length !== 2 || !messages.some((m) => m.includes("framework/http imports")) ||
      !messages.some((m) => m.includes("only platform/ may touch the runtime"))
    ) {
      console.error("check_layers --self-test: the wrong import or runtime call was not caught");
      Deno.exit(1);
    }
    console.log("check_layers --self-test: both are caught (the lines above)");
  } else {
    const violations = checkLayers(files);
    report(violations);
    if (violations.length > 0) Deno.exit(1);
    console.log(`check_layers: ${files.size} files, imports go one way`);
  }
}
