/**
 * The benchmark targets: one row per server program that `run.ts` measures, and the apps they
 * serve.
 *
 * A target is a command line that starts an HTTP server on the port it is given (as an argument
 * and as `PORT`), prints `LISTENING <port>` on standard output once it is bound, and answers
 * each of its apps' `GET <path>` with the app's body. The harness runs the command itself (under
 * `setsid` and `taskset`), so it must be the server process, not a shell wrapper around one. It
 * must exit (status 0) on SIGTERM, so that a CPU profile, when asked for, is written.
 *
 * Every runtime needs a `baseline` target (the raw server of that runtime): the other targets of
 * that runtime are reported, app by app, as ratios against it.
 *
 * @module
 */

/** A JavaScript runtime a target runs on. */
export type Runtime = "deno" | "node";

/** The apps: what is requested, and what must come back. */
export const APPS = {
  /** A fixed text page at the root: `index()` returning `Hello world!`. */
  hello: { path: "/", body: "Hello world!", contentType: null },
  /** A handler returning a small object as JSON, with `Content-Type: application/json`. */
  json: {
    path: "/json",
    body: JSON.stringify({ message: "Hello world!", id: 42, tags: ["small", "json"] }),
    contentType: "application/json",
  },
  /** A route two objects deep with a path argument: `/users/<id>/profile`. */
  nested: { path: "/users/42/profile", body: "Profile of user 42", contentType: null },
} as const;

/** The name of an app. */
export type AppName = keyof typeof APPS;

/** Every app, in table order. */
export const APP_NAMES: readonly AppName[] = Object.keys(APPS) as AppName[];

/**
 * What a target measures: `server` is the HTTP server layer alone (a native gateway answering
 * `Hello world!`), `framework` the whole framework and its peers, app by app. The raw servers
 * belong to both, as the baselines.
 */
export type Group = "server" | "framework";

/** Every group. */
export const GROUPS: readonly Group[] = ["server", "framework"];

/**
 * `true` when `target` serving `app` is a row of `group`: the `server` group measures the
 * `hello` app only, the `framework` group every app its targets serve.
 *
 * @example
 * ```ts
 * import { inGroup, TARGETS } from "./targets.ts";
 * const raw = TARGETS.find((t) => t.name === "raw_deno")!;
 * inGroup(raw, "json", "server"); // false
 * inGroup(raw, "json", "framework"); // true
 * ```
 */
export function inGroup(target: Target, app: AppName, group: Group): boolean {
  return target.groups.includes(group) && (group !== "server" || app === "hello");
}

/** What a target's command line is built from. */
export interface TargetContext {
  /** The Deno executable (the one running the harness). */
  readonly deno: string;
  /** The Node executable (`node` from `PATH`). */
  readonly node: string;
  /** The repository root, absolute. */
  readonly root: string;
  /** The folder of the server programs (`scripts/bench/servers`), absolute. */
  readonly servers: string;
  /** The port the server must bind. */
  readonly port: number;
  /** The app being measured (servers that serve every app may ignore it). */
  readonly app: AppName;
  /** When set, the runtime's CPU profiler writes a profile into this folder at exit. */
  readonly profileDir: string | null;
  /** The profile's file name (without folder). */
  readonly profileName: string;
}

/** One server to benchmark. */
export interface Target {
  /** A short unique name (`cp_deno`), used in the table, the JSON and `--targets`. */
  readonly name: string;
  /** The runtime it runs on; ratios are taken against that runtime's baseline. */
  readonly runtime: Runtime;
  /** What it is, one line (shown in the JSON and the README). */
  readonly description: string;
  /** The groups it belongs to (`--only`). */
  readonly groups: readonly Group[];
  /** The apps it serves. */
  readonly apps: readonly AppName[];
  /** `true` for the raw server of its runtime, the denominator of that runtime's ratios. */
  readonly baseline?: boolean;
  /**
   * The target that is this one's floor, when there is one: a raw server of the same runtime
   * that reads what this target must read and sends the bytes this target sends, with no
   * cherrypy-ts code. The row is then also reported against it: what the code itself adds,
   * apart from what its answer costs the runtime.
   */
  readonly floor?: string;
  /** `true` when it runs the npm build (`npm/`), which is then built first if missing. */
  readonly needsNpmBuild?: boolean;
  /** The command line (program first). */
  command(ctx: TargetContext): string[];
  /** Extra environment variables for the server (added to this process's environment). */
  env?(ctx: TargetContext): Record<string, string>;
}

/** `deno run -A [profiler flags] <script> <port>`. */
function denoRun(c: TargetContext, script: string): string[] {
  const prof = c.profileDir === null
    ? []
    : ["--cpu-prof", `--cpu-prof-dir=${c.profileDir}`, `--cpu-prof-name=${c.profileName}`];
  return [c.deno, "run", "-A", ...prof, `${c.servers}/${script}`, String(c.port)];
}

/** `node [profiler flags] <script> <port>`. */
function nodeRun(c: TargetContext, script: string): string[] {
  const prof = c.profileDir === null
    ? []
    : ["--cpu-prof", `--cpu-prof-dir=${c.profileDir}`, `--cpu-prof-name=${c.profileName}`];
  return [c.node, ...prof, `${c.servers}/${script}`, String(c.port)];
}

const BOTH: readonly Group[] = ["server", "framework"];
const HELLO: readonly AppName[] = ["hello"];

/** Every target, in table order (the table groups them by app first). */
export const TARGETS: readonly Target[] = [
  {
    name: "raw_deno",
    runtime: "deno",
    description: "Deno.serve answering the app's fixed response (baseline for Deno)",
    groups: BOTH,
    apps: APP_NAMES,
    baseline: true,
    command: (c) => denoRun(c, "raw_deno.ts"),
    env: (c) => ({ BENCH_APP: c.app }),
  },
  {
    name: "read_deno",
    runtime: "deno",
    description:
      "Deno.serve reading the method and Host header, then answering as raw_deno (cp_deno's floor)",
    groups: ["server"],
    apps: HELLO,
    command: (c) => denoRun(c, "raw_deno.ts"),
    env: (c) => ({ BENCH_APP: c.app, BENCH_ANSWER: "read" }),
  },
  {
    name: "same_deno",
    runtime: "deno",
    description:
      "Deno.serve reading the method, URL and Host header, answering the framework's bytes (cp_fw_deno's floor)",
    groups: ["framework"],
    apps: APP_NAMES,
    command: (c) => denoRun(c, "raw_deno.ts"),
    env: (c) => ({ BENCH_APP: c.app, BENCH_ANSWER: "cherrypy" }),
  },
  {
    name: "hono_deno",
    runtime: "deno",
    description: "Hono (npm package, from node_modules) on Deno.serve",
    groups: ["framework"],
    apps: APP_NAMES,
    command: (c) => denoRun(c, "hono_deno.ts"),
  },
  {
    name: "cp_deno",
    runtime: "deno",
    description:
      "cherrypy-ts HTTPServer on its own HTTP/1.1 engine (server.engine cherrypy), native gateway, from the sources",
    groups: ["server"],
    apps: HELLO,
    floor: "read_deno",
    command: (c) => denoRun(c, "cp_server.mjs"),
    env: (c) => ({ CP_MOD: `${c.root}/server/mod.ts`, CP_APP: "native", CP_ENGINE: "cherrypy" }),
  },
  {
    name: "cp_deno_native",
    runtime: "deno",
    description:
      "cherrypy-ts HTTPServer on Deno.serve (server.engine native), native gateway, from the sources",
    groups: ["server"],
    apps: HELLO,
    floor: "read_deno",
    command: (c) => denoRun(c, "cp_server.mjs"),
    env: (c) => ({ CP_MOD: `${c.root}/server/mod.ts`, CP_APP: "native", CP_ENGINE: "native" }),
  },
  {
    name: "cp_fw_deno",
    runtime: "deno",
    description:
      "cherrypy-ts framework (tree.mount, engine, production) on its own HTTP/1.1 engine, from the sources",
    groups: ["framework"],
    apps: APP_NAMES,
    floor: "same_deno",
    command: (c) => denoRun(c, "cp_framework.mjs"),
    env: (c) => ({ CP_MOD: `${c.root}/mod.ts`, CP_ENGINE: "cherrypy" }),
  },
  {
    name: "cp_fw_deno_native",
    runtime: "deno",
    description:
      "cherrypy-ts framework (tree.mount, engine, production) on Deno.serve, from the sources",
    groups: ["framework"],
    apps: APP_NAMES,
    floor: "same_deno",
    command: (c) => denoRun(c, "cp_framework.mjs"),
    env: (c) => ({ CP_MOD: `${c.root}/mod.ts`, CP_ENGINE: "native" }),
  },
  {
    name: "raw_node",
    runtime: "node",
    description: "node:http answering the app's fixed response (baseline for Node)",
    groups: BOTH,
    apps: APP_NAMES,
    baseline: true,
    command: (c) => nodeRun(c, "raw_node.mjs"),
    env: (c) => ({ BENCH_APP: c.app }),
  },
  {
    name: "same_node",
    runtime: "node",
    description:
      "node:http reading the method, URL and Host header and answering the framework's bytes (cp_fw_node's floor)",
    groups: ["framework"],
    apps: APP_NAMES,
    command: (c) => nodeRun(c, "raw_node.mjs"),
    env: (c) => ({ BENCH_APP: c.app, BENCH_ANSWER: "cherrypy" }),
  },
  {
    name: "fastify_node",
    runtime: "node",
    description: "Fastify (devDependency) on Node",
    groups: ["framework"],
    apps: APP_NAMES,
    command: (c) => nodeRun(c, "fastify_node.mjs"),
  },
  {
    name: "express_node",
    runtime: "node",
    description: "Express (devDependency) on Node",
    groups: ["framework"],
    apps: APP_NAMES,
    command: (c) => nodeRun(c, "express_node.mjs"),
  },
  {
    name: "cp_node",
    runtime: "node",
    description: "cherrypy-ts HTTPServer, native gateway, from the npm build",
    groups: ["server"],
    apps: HELLO,
    needsNpmBuild: true,
    // Node has parsed every header before the handler runs: reading them costs nothing more.
    floor: "raw_node",
    command: (c) => nodeRun(c, "cp_server.mjs"),
    env: (c) => ({ CP_MOD: `${c.root}/npm/server/mod.js`, CP_APP: "native" }),
  },
  {
    name: "cp_fw_node",
    runtime: "node",
    description: "cherrypy-ts framework (tree.mount, engine, production), from the npm build",
    groups: ["framework"],
    apps: APP_NAMES,
    needsNpmBuild: true,
    floor: "same_node",
    command: (c) => nodeRun(c, "cp_framework.mjs"),
    env: (c) => ({ CP_MOD: `${c.root}/npm/mod.js` }),
  },
];
