/**
 * The benchmark targets: one row per server program that `run.ts` measures.
 *
 * A target is a command line that starts an HTTP server on the port it is given (as an argument
 * and as `PORT`), prints `LISTENING <port>` on standard output once it is bound, and answers
 * `GET <path>` with `<expectBody>`. The harness runs the command itself (under `setsid` and
 * `taskset`), so it must be the server process, not a shell wrapper around one.
 *
 * Every runtime needs a `baseline` target (the raw server of that runtime): the other targets of
 * that runtime are reported as ratios against it.
 *
 * @module
 */

/** A JavaScript runtime a target runs on. */
export type Runtime = "deno" | "node";

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
}

/** One server to benchmark. */
export interface Target {
  /** A short unique name (`cp_deno`), used in the table, the JSON and `--targets`. */
  readonly name: string;
  /** The runtime it runs on; ratios are taken against that runtime's baseline. */
  readonly runtime: Runtime;
  /** What it is, one line (shown in the JSON and the README). */
  readonly description: string;
  /** `true` for the raw server of its runtime, the denominator of that runtime's ratios. */
  readonly baseline?: boolean;
  /** `true` when it runs the npm build (`npm/`), which is then built first if missing. */
  readonly needsNpmBuild?: boolean;
  /** The path requested (default `/`). */
  readonly path?: string;
  /** The exact body `GET <path>` must answer before it is measured (default `Hello world!`). */
  readonly expectBody?: string;
  /** The command line (program first). */
  command(ctx: TargetContext): string[];
  /** Extra environment variables for the server (added to this process's environment). */
  env?(ctx: TargetContext): Record<string, string>;
}

/** Every target, in table order. */
export const TARGETS: readonly Target[] = [
  {
    name: "raw_deno",
    runtime: "deno",
    description: "Deno.serve answering Hello world! (baseline for Deno)",
    baseline: true,
    command: (c) => [c.deno, "run", "-A", `${c.servers}/raw_deno.ts`, String(c.port)],
  },
  {
    name: "cp_deno",
    runtime: "deno",
    description: "cherrypy-ts HTTPServer, native gateway, from the TypeScript sources",
    command: (c) => [c.deno, "run", "-A", `${c.servers}/cp_server.mjs`, String(c.port)],
    env: (c) => ({ CP_MOD: `${c.root}/server/mod.ts`, CP_APP: "native" }),
  },
  {
    name: "raw_node",
    runtime: "node",
    description: "node:http answering Hello world! (baseline for Node)",
    baseline: true,
    command: (c) => [c.node, `${c.servers}/raw_node.mjs`, String(c.port)],
  },
  {
    name: "cp_node",
    runtime: "node",
    description: "cherrypy-ts HTTPServer, native gateway, from the npm build",
    needsNpmBuild: true,
    command: (c) => [c.node, `${c.servers}/cp_server.mjs`, String(c.port)],
    env: (c) => ({ CP_MOD: `${c.root}/npm/server/mod.js`, CP_APP: "native" }),
  },
];
