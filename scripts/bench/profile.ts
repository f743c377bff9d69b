/**
 * Reading V8 CPU profiles (`.cpuprofile`, as `deno run --cpu-prof` and `node --cpu-prof` write
 * them): where a server spends its time, by area (the project's folders, the runtime's own
 * code, the garbage collector) and by function (self time and total time).
 *
 * `run.ts --profile` runs the servers under the profiler and prints these summaries; this
 * module also reads any profile given on the command line:
 *
 *     deno run -A scripts/bench/profile.ts PROFILE.cpuprofile... [--top N]
 *
 * Under a noisy machine the absolute times mean little, but the shares do: they say which
 * code the server's CPU goes to.
 *
 * @module
 */

import { ROOT } from "./options.ts";

/** A `.cpuprofile` file, as far as it is read here. */
export interface CpuProfile {
  /** The call tree. */
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
    children?: number[];
  }>;
  /** The node sampled at each tick. */
  samples: number[];
  /** Microseconds since the previous sample, per sample. */
  timeDeltas: number[];
}

/** Time spent in one function or area. */
export interface Share {
  /** `name file:line`, or the area's name. */
  readonly name: string;
  /** Milliseconds. */
  readonly ms: number;
  /** Part of the busy (not idle) time, from 0 to 1. */
  readonly share: number;
}

/** What a profile says. */
export interface ProfileSummary {
  /** Sampled milliseconds. */
  readonly totalMs: number;
  /** Of which idle (the event loop waiting). */
  readonly idleMs: number;
  /** Self time by area, largest first. */
  readonly areas: Share[];
  /** Functions by self time, largest first. */
  readonly self: Share[];
  /** The project's functions by total time (itself and what it calls), largest first. */
  readonly total: Share[];
}

const SPECIAL = new Set(["(program)", "(garbage collector)", "(idle)", "(root)"]);

/** The area a script belongs to: a project folder, the app, a package, or the runtime. */
function areaOf(url: string, functionName: string): string {
  if (SPECIAL.has(functionName) && url === "") return functionName;
  const path = url.startsWith("file://") ? decodeURIComponent(new URL(url).pathname) : url;
  const nm = path.lastIndexOf("/node_modules/");
  if (nm >= 0) {
    const rest = path.slice(nm + 14).split("/");
    return `npm:${rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  if (path.startsWith(ROOT + "/")) {
    const rel = path.slice(ROOT.length + 1);
    if (rel.startsWith("scripts/bench/")) return "bench app";
    const parts = rel.split("/");
    // The npm build mirrors the sources: npm/server/x.js counts as server/.
    const dir = parts[0] === "npm" ? parts[1] : parts[0];
    return `${dir}/`;
  }
  if (path.startsWith("ext:") || path.startsWith("node:")) {
    return `runtime ${path.replace(/^(ext:[^/]+|node:[^/]+\/[^/]+|node:[^/]+).*$/, "$1")}`;
  }
  return path === "" ? "runtime (native)" : "runtime";
}

function location(url: string, line: number): string {
  if (url === "") return "";
  let path = url.startsWith("file://") ? decodeURIComponent(new URL(url).pathname) : url;
  if (path.startsWith(ROOT + "/")) path = path.slice(ROOT.length + 1);
  const nm = path.lastIndexOf("/node_modules/");
  if (nm >= 0) path = path.slice(nm + 14);
  return ` ${path}:${line + 1}`;
}

function sorted(map: Map<string, number>, busyMs: number, top: number): Share[] {
  return [...map].sort((a, b) => b[1] - a[1]).slice(0, top)
    .map(([name, ms]) => ({ name, ms, share: busyMs > 0 ? ms / busyMs : 0 }));
}

/**
 * Summarizes a profile: areas, the `top` functions by self time, and the `top` project
 * functions by total time.
 *
 * @example
 * ```ts
 * import { summarizeProfile } from "./profile.ts";
 * const profile = JSON.parse(await Deno.readTextFile("CPU.cpuprofile"));
 * const summary = summarizeProfile(profile, 10);
 * console.log(summary.self[0]?.name);
 * ```
 */
export function summarizeProfile(profile: CpuProfile, top = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const key = (id: number) => {
    const f = byId.get(id)!.callFrame;
    return `${f.functionName || "(anonymous)"}${location(f.url, f.lineNumber)}`;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const areas = new Map<string, number>();
  let totalMs = 0;
  let idleMs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined) continue;
    totalMs += ms;
    if (frame.functionName === "(idle)") {
      idleMs += ms;
      continue;
    }
    const k = key(id);
    self.set(k, (self.get(k) ?? 0) + ms);
    const area = areaOf(frame.url, frame.functionName);
    areas.set(area, (areas.get(area) ?? 0) + ms);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)!.callFrame;
      if (!f.url.startsWith("file://") || f.url.includes("/node_modules/")) continue;
      const fk = key(at);
      if (seen.has(fk)) continue;
      seen.add(fk);
      total.set(fk, (total.get(fk) ?? 0) + ms);
    }
  }
  const busy = totalMs - idleMs;
  return {
    totalMs,
    idleMs,
    areas: sorted(areas, busy, Infinity),
    self: sorted(self, busy, top),
    total: sorted(total, busy, top),
  };
}

/**
 * The summary as text: three ranked lists with each entry's share of the busy time.
 *
 * @example
 * ```ts
 * import { formatProfileSummary, summarizeProfile } from "./profile.ts";
 * const profile = JSON.parse(await Deno.readTextFile("CPU.cpuprofile"));
 * console.log(formatProfileSummary("cp_deno/hello", summarizeProfile(profile)));
 * ```
 */
export function formatProfileSummary(title: string, s: ProfileSummary): string {
  const pct = (x: Share) => `${(100 * x.share).toFixed(1).padStart(5)}%`;
  const busy = s.totalMs - s.idleMs;
  const lines = [
    `### ${title}: ${(busy / 1000).toFixed(1)} s busy of ${(s.totalMs / 1000).toFixed(1)} s ` +
    "sampled (shares below are of the busy time)",
    "",
    "self time by area:",
    ...s.areas.map((a) => `  ${pct(a)}  ${a.name}`),
    "",
    "functions by self time:",
    ...s.self.map((a) => `  ${pct(a)}  ${a.name}`),
    "",
    "project functions by total time (with what they call):",
    ...s.total.map((a) => `  ${pct(a)}  ${a.name}`),
  ];
  return lines.join("\n");
}

if (import.meta.main) {
  const args = [...Deno.args];
  let top = 15;
  const i = args.indexOf("--top");
  if (i >= 0) {
    top = Number(args[i + 1]);
    args.splice(i, 2);
  }
  if (args.length === 0 || !Number.isInteger(top) || top < 1) {
    console.error("usage: deno run -A scripts/bench/profile.ts PROFILE.cpuprofile... [--top N]");
    Deno.exit(2);
  }
  for (const file of args) {
    const profile = JSON.parse(await Deno.readTextFile(file)) as CpuProfile;
    console.log(formatProfileSummary(file, summarizeProfile(profile, top)) + "\n");
  }
}
