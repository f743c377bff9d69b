/**
 * Test helpers shared by the suites: serving a root on an ephemeral port, and running an
 * example or fixture program as a real child process on the current runtime.
 *
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import process from "node:process";
import { fileURLToPath } from "node:url";
import {
  type AppConfig,
  DEFAULT_TOOL_CONFIG,
  HTTPServer,
  log as globalLog,
  LogManager,
  Tree,
  WebCase,
} from "../mod.ts";
import { isDeno } from "../platform/mod.ts";
import { Bus } from "../bus/mod.ts";

/** A root served on 127.0.0.1 with its own tree and a captured log. */
export interface Served {
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** The port. */
  port: number;
  /** Captured error-log lines. */
  errors: string[];
  /** Captured access-log lines. */
  access: string[];
  /** The tree serving the root. */
  tree: Tree;
  /** Stops the server. */
  stop(): Promise<void>;
}

/** Mounts `root` on a fresh tree and serves it on an ephemeral port. */
export async function serveRoot(
  root: unknown,
  config?: AppConfig,
  globalConfig: Record<string, unknown> = { ...DEFAULT_TOOL_CONFIG },
): Promise<Served> {
  const log = new LogManager();
  log.screen = false;
  const errors: string[] = [];
  const access: string[] = [];
  log.handlers.push((r) => (r.kind === "error" ? errors : access).push(r.line));
  const tree = new Tree({ globalConfig: () => globalConfig, log });
  tree.mount(root, "", config);
  const server = new HTTPServer({ host: "127.0.0.1", port: 0 }, tree);
  await server.start();
  const port = server.boundAddr!.port;
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    errors,
    access,
    tree,
    stop: () => server.stop(),
  };
}

/** Fetches `url` and returns status, headers and body text. */
export async function getPage(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; headers: Headers; body: string }> {
  const res = await fetch(url, init);
  return { status: res.status, headers: res.headers, body: await res.text() };
}

/** The path of a repository script for the current runtime (`.ts` on Deno, built `.js` on Node). */
export function scriptPath(relative: string): string {
  const ext = isDeno ? ".ts" : ".js";
  return fileURLToPath(new URL(`../${relative}${ext}`, import.meta.url));
}

/** The command line that runs `script` on the current runtime. */
export function runtimeCommand(script: string): [string, string[]] {
  const exec = process.execPath;
  return isDeno ? [exec, ["run", "-A", script]] : [exec, [script]];
}

/** A running child program with its output collected. */
export interface Program {
  /** The child process. */
  child: ChildProcess;
  /** Everything written to stdout so far. */
  stdout(): string;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves with the first match of `pattern` in stdout+stderr, or rejects after `ms`. */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>;
  /**
   * Sends `signal` to the process. (Deno's `child.kill()` marks the child as killed and then
   * reports the signal as its exit cause even when it exited 0 by itself, so signals are sent
   * with `process.kill` instead.)
   */
  signal(signal: NodeJS.Signals): void;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
}

/** Runs a repository script (`examples/...`, `tests/fixtures/...`) as a child process. */
export function runProgram(relative: string, env: Record<string, string> = {}): Program {
  const [cmd, args] = runtimeCommand(scriptPath(relative));
  return runCommand(cmd, args, env);
}

/** Runs any command as a child process, collecting its output. */
export function runCommand(cmd: string, args: string[], env: Record<string, string> = {}): Program {
  const child = spawn(cmd, args, {
    env: { ...process.env, NO_COLOR: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  const waiters = new Set<() => void>();
  child.stdout!.on("data", (d) => {
    out += d;
    for (const w of waiters) w();
  });
  child.stderr!.on("data", (d) => {
    err += d;
    for (const w of waiters) w();
  });
  const exited = new Promise<number | string>((resolve) => {
    child.on("exit", (code, signal) => {
      resolve(code ?? signal ?? -1);
      for (const w of waiters) w();
    });
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    signal(sig) {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, sig);
    },
    waitFor(pattern, ms = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = (out + err).match(pattern);
          if (m) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(m);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            waiters.delete(check);
            clearTimeout(timer);
            reject(new Error(`process ended before ${pattern}:\n${out}\n${err}`));
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${pattern}:\n${out}\n${err}`));
        }, ms);
        waiters.add(check);
        check();
      });
    },
  };
}

/** `true` while process `pid` exists (signal 0 reaches it). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Polls `check` every 50 ms until it returns a value other than undefined, or `ms` pass. */
export async function eventually<T>(
  check: () => T | undefined | Promise<T | undefined>,
  ms = 10_000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The text at `url`, or undefined when nothing answers. */
export async function tryGet(url: string): Promise<string | undefined> {
  try {
    const res = await fetch(url);
    return await res.text();
  } catch {
    return undefined;
  }
}

/**
 * A bus whose process exits are recorded instead of performed, with its log captured:
 * `logs` holds `[message, level]`, `lines` (live) and `messages()` the first line of each.
 */
export function recordingBus(): {
  bus: Bus;
  exits: number[];
  logs: Array<[string, number]>;
  lines: string[];
  messages: () => string[];
} {
  const exits: number[] = [];
  const bus = new Bus({ exitProcess: (code) => exits.push(code) });
  const logs: Array<[string, number]> = [];
  const lines: string[] = [];
  bus.subscribe("log", (msg: string, level: number) => {
    logs.push([msg, level]);
    lines.push(msg.split("\n")[0]!);
  });
  return { bus, exits, logs, lines, messages: () => [...lines] };
}

/**
 * A site of its own for in-process tests: a tree over a private global config (the default
 * tools on, plus `globalConfig`), a log kept off the screen whose error lines are collected,
 * and a `WebCase` over the tree.
 */
export function privateSite(globalConfig: Record<string, unknown> = {}) {
  const log = new LogManager({ screen: false });
  const errors: string[] = [];
  log.handlers.push((r) => {
    if (r.kind === "error") errors.push(r.line);
  });
  const config = { ...DEFAULT_TOOL_CONFIG, ...globalConfig };
  const tree = new Tree({ globalConfig: () => config, log });
  return { tree, errors, log, web: new WebCase({ tree }) };
}

/** Runs `fn` with the global log off the screen (for tests whose apps log there). */
export async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const screen = globalLog.screen;
  globalLog.screen = false;
  try {
    return await fn();
  } finally {
    globalLog.screen = screen;
  }
}
