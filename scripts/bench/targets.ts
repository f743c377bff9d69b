/**
 * The benchmark targets: one row per server program that `run.ts` measures, and the apps they
 * serve.
 *
 * A target is a command line that starts an HTTP server on the port it is given (as an argument
 * and as `PORT`), prints `LISTENING <port>` on standard output once it is bound, and answers
 * each of its apps' `GET <path>` as the app's {@link AppSpec} says (the static apps' files are in
 * the folder `BENCH_STATIC_DIR`). The harness runs the command itself (under
 * `setsid` and `taskset`), so it must be the server process, not a shell wrapper around one. It
 * must exit (status 0) on SIGTERM, so that a CPU profile, when asked for, is written.
 *
 * Every runtime needs a `baseline` target (the raw server of that runtime): the other targets of
 * that runtime are reported, app by app, as ratios against it.
 *
 * @module
 */

import { denoRun, nodeRun } from "./commands.ts";
import { H2_TARGETS, WEBSOCKET_TARGETS } from "./targets_protocols.ts";

/** A JavaScript runtime a target runs on. */
export type Runtime = "deno" | "node" | "python";

/**
 * One app: what is requested, and how the answer is checked before the load starts (a broken
 * server must not look fast). Exactly one of `body`, `bodyPattern`, `json` and `file` says what
 * the body must be.
 */
export interface AppSpec {
  /** The path requested (`GET`). */
  readonly path: string;
  /**
   * The group whose rows serve it: `framework` for the small pages every framework serves the
   * same way, `tools` for the apps that go through one of cherrypy-ts's tools (sessions, static
   * files, JSON output). The `server` group measures `hello` only.
   */
  readonly group: "framework" | "tools";
  /** What the app is, one line (for the JSON report). */
  readonly description: string;
  /** The media type the answer must have (compared without parameters), or `null` for any. */
  readonly contentType: string | null;
  /** The exact body. */
  readonly body?: string;
  /** A pattern the whole body must match (the `session` app's counter). */
  readonly bodyPattern?: RegExp;
  /** A value the body must parse to as JSON (key order included; spacing free). */
  readonly json?: unknown;
  /** The name of a file the harness generates in its static folder; the body is its bytes. */
  readonly file?: string;
  /**
   * `true` for a page that counts its requests in a session: the harness first primes a
   * session (one request without a cookie, whose `Set-Cookie` it keeps), then sends that
   * `Cookie` with every request, and checks after the run that the counter (the body, a
   * decimal number) advanced by about as many requests as were made.
   */
  readonly session?: boolean;
}

/** The JSON object of the `json` and `json_out` apps. */
const JSON_PAYLOAD = { message: "Hello world!", id: 42, tags: ["small", "json"] };

const APP_SPECS = {
  /** A fixed text page at the root: `index()` returning `Hello world!`. */
  hello: {
    path: "/",
    group: "framework",
    description: "a fixed text page at the root",
    body: "Hello world!",
    contentType: null,
  },
  /** A handler returning a small object as JSON, with `Content-Type: application/json`. */
  json: {
    path: "/json",
    group: "framework",
    description: "a small object serialized by the handler, Content-Type: application/json",
    body: JSON.stringify(JSON_PAYLOAD),
    contentType: "application/json",
  },
  /** A route two objects deep with a path argument: `/users/<id>/profile`. */
  nested: {
    path: "/users/42/profile",
    group: "framework",
    description: "a route two levels deep with a path argument",
    body: "Profile of user 42",
    contentType: null,
  },
  /** A counter kept in an in-memory session, incremented and returned as text. */
  session: {
    path: "/session",
    group: "tools",
    description:
      "reads and increments a counter in an in-memory session (every request sends the cookie " +
      "of one primed session) and returns it as text",
    bodyPattern: /^[0-9]+$/,
    contentType: null,
    session: true,
  },
  /** A 4 KB stylesheet served from a folder. */
  static_css: {
    path: "/static/style.css",
    group: "tools",
    description: "a 4 KB CSS file served from a folder",
    file: "style.css",
    contentType: "text/css",
  },
  /** A 1 MB file served from a folder. */
  static_1mb: {
    path: "/static/big.jpg",
    group: "tools",
    description: "a 1 MB file (image/jpeg by its name) served from a folder",
    file: "big.jpg",
    contentType: "image/jpeg",
  },
  /** The `json` app's object, returned as an object and serialized by the framework. */
  json_out: {
    path: "/json_out",
    group: "tools",
    description: "the json app's object returned by the handler and serialized by the framework " +
      "(cherrypy-ts: tools.json_out)",
    json: JSON_PAYLOAD,
    contentType: "application/json",
  },
} as const satisfies Record<string, AppSpec>;

/** The name of an app. */
export type AppName = keyof typeof APP_SPECS;

/** The apps, by name. */
export const APPS: Readonly<Record<AppName, AppSpec>> = APP_SPECS;

/** Every app, in table order. */
export const APP_NAMES: readonly AppName[] = Object.keys(APPS) as AppName[];

/**
 * What a target measures: `server` is the HTTP server layer alone (a native gateway answering
 * `Hello world!`), `framework` the whole framework and its peers on the small pages (`hello`,
 * `json`, `nested`), `tools` the framework and its peers on the apps that go through a tool
 * (`session`, `static_css`, `static_1mb`, `json_out`), `workers` the framework in one process
 * against the same site in N worker processes (`server.workers`) on the small pages, `logs` the
 * framework with and without its access log written to a file (`log.access_file`) on the small
 * pages. The raw servers belong to all of them, as the baselines.
 */
export type Group =
  | "server"
  | "framework"
  | "tools"
  | "workers"
  | "logs"
  | "h2"
  | "websocket"
  | "restart";

/** Every group. */
export const GROUPS: readonly Group[] = [
  "server",
  "framework",
  "tools",
  "workers",
  "logs",
  "h2",
  "websocket",
  "restart",
];

/**
 * The groups run when neither `--only` nor `--apps` says otherwise: `tools` runs on demand
 * (`--only tools`, `--only all`, or naming its apps with `--apps`).
 */
export const DEFAULT_GROUPS: readonly Group[] = ["server", "framework"];

/**
 * `true` when `target` serving `app` is a row of `group`: the `server` group measures the
 * `hello` app only, the `framework` and `tools` groups the apps of that group their targets
 * serve.
 *
 * @example
 * ```ts
 * import { inGroup, TARGETS } from "./targets.ts";
 * const raw = TARGETS.find((t) => t.name === "raw_deno")!;
 * inGroup(raw, "json", "server"); // false
 * inGroup(raw, "json", "framework"); // true
 * inGroup(raw, "session", "tools"); // true
 * ```
 */
export function inGroup(target: Target, app: AppName, group: Group): boolean {
  if (!target.groups.includes(group)) return false;
  if (group === "server" || group === "h2" || group === "websocket") return app === "hello";
  if (group === "workers" || group === "logs") return APPS[app].group === "framework";
  return APPS[app].group === group;
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
  /**
   * The folder of the files the static apps serve (generated by the harness), or `null` when
   * no static app is selected. Every server gets it as `BENCH_STATIC_DIR`.
   */
  readonly staticDir: string | null;
  /** The number of worker processes of the `workers` rows (`--workers`). */
  readonly workers: number;
  /** When set, the runtime's CPU profiler writes a profile into this folder at exit. */
  readonly profileDir: string | null;
  /** The profile's file name (without folder). */
  readonly profileName: string;
  /** A self-signed certificate and its key for `localhost` (files), for the `h2` group's TLS. */
  readonly tls: { cert: string; key: string } | null;
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
  /**
   * Served over TLS and loaded by `h2load` (the `h2` group): `"h2"` speaks HTTP/2 to it,
   * `"h1-tls"` HTTP/1.1 over the same TLS; `"websocket"`: its `/ws` echoes WebSocket messages
   * (the `websocket` group).
   */
  readonly protocol?: "h2" | "h1-tls" | "websocket";
  /** `true` when it runs the npm build (`npm/`), which is then built first if missing. */
  readonly needsNpmBuild?: boolean;
  /** The command line (program first). */
  command(ctx: TargetContext): string[];
  /** Extra environment variables for the server (added to this process's environment). */
  env?(ctx: TargetContext): Record<string, string>;
}

/** The groups of HTTP/1.1 rows (the `h2` and `websocket` groups have their own bare servers). */
const ALL_GROUPS: readonly Group[] = GROUPS.filter((g) =>
  g !== "h2" && g !== "websocket" && g !== "restart"
);
const FRAMEWORK_AND_TOOLS: readonly Group[] = ["framework", "tools"];
/** The framework's rows on its own engine: also the one-process rows of the `workers` group. */
const FRAMEWORK_TOOLS_WORKERS: readonly Group[] = ["framework", "tools", "workers", "logs"];
const HELLO: readonly AppName[] = ["hello"];
/** The apps of the `framework` group. */
const SMALL_PAGES: readonly AppName[] = APP_NAMES.filter((a) => APPS[a].group === "framework");

/** Every target, in table order (the table groups them by app first). */
export const TARGETS: readonly Target[] = [
  {
    name: "raw_deno",
    runtime: "deno",
    description:
      "Deno.serve answering the app's response with no framework (baseline for Deno; see the README for what it does per app)",
    groups: ALL_GROUPS,
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
    apps: SMALL_PAGES,
    command: (c) => denoRun(c, "raw_deno.ts"),
    env: (c) => ({ BENCH_APP: c.app, BENCH_ANSWER: "cherrypy" }),
  },
  {
    name: "listen_deno",
    runtime: "deno",
    description:
      "Deno.listen keep-alive loop writing raw_deno's hello bytes for every request head, parsing nothing (the floor of an engine on Deno's sockets)",
    groups: ["server", "framework"],
    apps: HELLO,
    command: (c) => denoRun(c, "listen_deno.ts"),
  },
  {
    name: "hono_deno",
    runtime: "deno",
    description:
      "Hono (npm package, from node_modules) on Deno.serve; hono-sessions (MemoryStore), serveStatic from hono/deno",
    groups: FRAMEWORK_AND_TOOLS,
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
      "cherrypy-ts framework (tree.mount, engine, production; the app's tools on) on its own HTTP/1.1 engine, from the sources",
    groups: FRAMEWORK_TOOLS_WORKERS,
    apps: APP_NAMES,
    floor: "same_deno",
    command: (c) => denoRun(c, "cp_framework.mjs"),
    env: (c) => ({ CP_MOD: `${c.root}/mod.ts`, CP_ENGINE: "cherrypy", BENCH_APP: c.app }),
  },
  {
    name: "cp_fw_deno_workers",
    runtime: "deno",
    description:
      "cp_fw_deno's site in N worker processes sharing the port (server.workers, --workers; SO_REUSEPORT), from the sources",
    groups: ["workers"],
    apps: SMALL_PAGES,
    command: (c) => denoRun(c, "cp_framework.mjs"),
    env: (c) => ({
      CP_MOD: `${c.root}/mod.ts`,
      CP_ENGINE: "cherrypy",
      BENCH_APP: c.app,
      CP_WORKERS: String(c.workers),
    }),
  },
  {
    name: "cp_fw_deno_lean",
    runtime: "deno",
    description:
      "cp_fw_deno sending the minimal response (response.headers.server: null, text/plain): the headers Hono sends, from the sources",
    groups: ["framework"],
    apps: SMALL_PAGES,
    command: (c) => denoRun(c, "cp_framework.mjs"),
    env: (c) => ({
      CP_MOD: `${c.root}/mod.ts`,
      CP_ENGINE: "cherrypy",
      BENCH_APP: c.app,
      CP_LEAN: "1",
    }),
  },
  {
    name: "cp_fw_deno_accesslog",
    runtime: "deno",
    description: "cp_fw_deno writing its access log to a file (log.access_file), from the sources",
    groups: ["logs"],
    apps: SMALL_PAGES,
    command: (c) => denoRun(c, "cp_framework.mjs"),
    env: (c) => ({
      CP_MOD: `${c.root}/mod.ts`,
      CP_ENGINE: "cherrypy",
      BENCH_APP: c.app,
      CP_ACCESS_LOG: `${c.root}/.test-output/bench-access-deno.log`,
    }),
  },
  {
    name: "cp_fw_deno_native",
    runtime: "deno",
    description:
      "cherrypy-ts framework (tree.mount, engine, production) on Deno.serve, from the sources",
    groups: ["framework"],
    apps: SMALL_PAGES,
    floor: "same_deno",
    command: (c) => denoRun(c, "cp_framework.mjs"),
    env: (c) => ({ CP_MOD: `${c.root}/mod.ts`, CP_ENGINE: "native", BENCH_APP: c.app }),
  },
  {
    name: "cp_fw_deno_native_lean",
    runtime: "deno",
    description:
      "cp_fw_deno_native sending the minimal response (as cp_fw_deno_lean), on Deno.serve, from the sources",
    groups: ["framework"],
    apps: SMALL_PAGES,
    command: (c) => denoRun(c, "cp_framework.mjs"),
    env: (c) => ({
      CP_MOD: `${c.root}/mod.ts`,
      CP_ENGINE: "native",
      BENCH_APP: c.app,
      CP_LEAN: "1",
    }),
  },
  {
    name: "raw_node",
    runtime: "node",
    description:
      "node:http answering the app's response with no framework (baseline for Node; see the README for what it does per app)",
    groups: ALL_GROUPS,
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
    apps: SMALL_PAGES,
    command: (c) => nodeRun(c, "raw_node.mjs"),
    env: (c) => ({ BENCH_APP: c.app, BENCH_ANSWER: "cherrypy" }),
  },
  {
    name: "fastify_node",
    runtime: "node",
    description:
      "Fastify (devDependency) on Node; @fastify/cookie + @fastify/session (memory store), @fastify/static",
    groups: FRAMEWORK_AND_TOOLS,
    apps: APP_NAMES,
    command: (c) => nodeRun(c, "fastify_node.mjs"),
  },
  {
    name: "express_node",
    runtime: "node",
    description: "Express (devDependency) on Node; express-session (MemoryStore), express.static",
    groups: FRAMEWORK_AND_TOOLS,
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
    description:
      "cherrypy-ts framework (tree.mount, engine, production; the app's tools on), from the npm build",
    groups: FRAMEWORK_TOOLS_WORKERS,
    apps: APP_NAMES,
    needsNpmBuild: true,
    floor: "same_node",
    command: (c) => nodeRun(c, "cp_framework.mjs"),
    env: (c) => ({ CP_MOD: `${c.root}/npm/mod.js`, BENCH_APP: c.app }),
  },
  {
    name: "cp_fw_node_workers",
    runtime: "node",
    description:
      "cp_fw_node's site in N worker processes sharing the port (server.workers, --workers; SO_REUSEPORT), from the npm build",
    groups: ["workers"],
    apps: SMALL_PAGES,
    needsNpmBuild: true,
    command: (c) => nodeRun(c, "cp_framework.mjs"),
    env: (c) => ({
      CP_MOD: `${c.root}/npm/mod.js`,
      BENCH_APP: c.app,
      CP_WORKERS: String(c.workers),
    }),
  },
  {
    name: "cp_fw_node_lean",
    runtime: "node",
    description:
      "cp_fw_node sending the minimal response (response.headers.server: null, text/plain): the headers Fastify sends but its Keep-Alive, from the npm build",
    groups: ["framework"],
    apps: SMALL_PAGES,
    needsNpmBuild: true,
    command: (c) => nodeRun(c, "cp_framework.mjs"),
    env: (c) => ({ CP_MOD: `${c.root}/npm/mod.js`, BENCH_APP: c.app, CP_LEAN: "1" }),
  },
  {
    name: "cp_fw_node_accesslog",
    runtime: "node",
    description:
      "cp_fw_node writing its access log to a file (log.access_file), from the npm build",
    groups: ["logs"],
    apps: SMALL_PAGES,
    needsNpmBuild: true,
    command: (c) => nodeRun(c, "cp_framework.mjs"),
    env: (c) => ({
      CP_MOD: `${c.root}/npm/mod.js`,
      BENCH_APP: c.app,
      CP_ACCESS_LOG: `${c.root}/.test-output/bench-access-node.log`,
    }),
  },
  ...H2_TARGETS,
  ...WEBSOCKET_TARGETS,
  {
    name: "cherrypy_py",
    runtime: "python",
    description:
      "CherryPy 18 itself (Debian's python3-cherrypy3, installed by the harness when missing) on cheroot, production environment, the same pages",
    groups: ["framework"],
    apps: SMALL_PAGES,
    command: (c) => ["/usr/bin/python3", `${c.servers}/cherrypy_py.py`, String(c.port)],
  },
];
