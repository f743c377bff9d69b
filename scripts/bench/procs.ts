/**
 * The benchmark's child processes: every process is started in its own session (`setsid`), so
 * that its whole tree can be killed, optionally pinned to one CPU (`taskset`), tracked, and
 * killed at the end, on errors and on Ctrl-C. Also: free ports, and the detection of what
 * pinning the machine allows.
 *
 * @module
 */

import { ROOT } from "./options.ts";

const STOP_GRACE_MS = 2_000;

/**
 * Writes a progress line to standard error (standard output is for the table).
 *
 * @example
 * ```ts
 * import { log } from "./procs.ts";
 * log("building npm/ ...");
 * ```
 */
export function log(message: string): void {
  console.error(message);
}

/**
 * The path of executable `name` on `PATH`, or `null`.
 *
 * @example
 * ```ts
 * import { findOnPath } from "./procs.ts";
 * const wrk = findOnPath("wrk"); // "/usr/bin/wrk" or null
 * ```
 */
export function findOnPath(name: string): string | null {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (!dir) continue;
    try {
      const info = Deno.statSync(`${dir}/${name}`);
      if (info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0) return `${dir}/${name}`;
    } catch {
      // not there
    }
  }
  return null;
}

/** How processes are started: what `setsid` and `taskset` allow on this machine. */
export const pinning: { setsid: boolean; taskset: boolean } = { setsid: false, taskset: false };

const live = new Set<Proc>();

/**
 * A started child process with its output collected (the last 16 KiB of each stream).
 *
 * @example
 * ```ts
 * import { start } from "./procs.ts";
 * const server = start(["deno", "run", "-A", "server.ts"], { cpu: 0 });
 * await server.waitFor(/^LISTENING (\d+)$/m, 30_000);
 * await server.stop();
 * ```
 */
export class Proc {
  /** The Deno child process. */
  readonly child: Deno.ChildProcess;
  /** Its process id (also its process group id when started under `setsid`). */
  readonly pid: number;
  /** Resolves with the exit status. */
  readonly status: Promise<Deno.CommandStatus>;
  /** Resolves once both output streams have been read to their end. */
  readonly outputDone: Promise<void>;
  /** `true` once the process has exited. */
  exited = false;
  /** The end of its standard output so far. */
  stdout = "";
  /** The end of its standard error so far. */
  stderr = "";
  readonly #group: boolean;
  readonly #onOutput = new Set<() => void>();

  /** Wraps `child`; `group` when it leads its own process group. */
  constructor(child: Deno.ChildProcess, group: boolean) {
    this.child = child;
    this.pid = child.pid;
    this.#group = group;
    this.status = child.status.then((s) => {
      this.exited = true;
      this.#notify();
      return s;
    });
    this.outputDone = Promise.all([
      this.#collect(child.stdout, (text) => (this.stdout = keepTail(this.stdout + text))),
      this.#collect(child.stderr, (text) => (this.stderr = keepTail(this.stderr + text))),
    ]).then(() => {});
  }

  async #collect(stream: ReadableStream<Uint8Array>, add: (text: string) => void): Promise<void> {
    try {
      for await (const text of stream.pipeThrough(new TextDecoderStream())) {
        add(text);
        this.#notify();
      }
    } catch {
      // the process went away
    }
  }

  #notify(): void {
    for (const fn of this.#onOutput) fn();
  }

  /** Resolves with the first match of `pattern` in stdout; rejects on exit or timeout. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = this.stdout.match(pattern);
        if (m) finish(() => resolve(m));
        else if (this.exited) {
          void this.status.then((st) =>
            finish(() => reject(new Error(`exited (code ${st.code}) before it was ready`)))
          );
        }
      };
      const timer = setTimeout(
        () => finish(() => reject(new Error(`not ready after ${timeoutMs / 1000} s`))),
        timeoutMs,
      );
      const finish = (fn: () => void) => {
        clearTimeout(timer);
        this.#onOutput.delete(check);
        fn();
      };
      this.#onOutput.add(check);
      check();
    });
  }

  /** Sends `signal` to the process (and its group when it leads one). */
  signal(signal: Deno.Signal): void {
    if (this.exited) return;
    try {
      if (this.#group) Deno.kill(-this.pid, signal);
      else this.child.kill(signal);
    } catch {
      // already gone
    }
  }

  /** SIGTERM, then SIGKILL after a grace period; resolves once the process is reaped. */
  async stop(graceMs: number = STOP_GRACE_MS): Promise<void> {
    this.signal("SIGTERM");
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<"timeout">((
      r,
    ) => (timer = setTimeout(() => r("timeout"), graceMs)));
    const result = await Promise.race([this.status, timeout]);
    clearTimeout(timer);
    if (result === "timeout") {
      this.signal("SIGKILL");
      await this.status;
    }
    // The group may outlive its leader (children of a wrapper): make sure it is gone.
    if (this.#group) {
      try {
        Deno.kill(-this.pid, "SIGKILL");
      } catch {
        // no such group: nothing left
      }
    }
    live.delete(this);
  }
}

function keepTail(text: string, max = 16_384): string {
  return text.length > max ? text.slice(-max) : text;
}

/** Where and how a process runs. */
export interface StartOptions {
  /** Pin it to this CPU, or these (a `taskset -c` list), when `taskset` works. */
  cpu?: number | string;
  /** Extra environment variables. */
  env?: Record<string, string>;
}

/**
 * Starts `argv` in its own session (so its whole tree can be killed), optionally pinned.
 *
 * @example
 * ```ts
 * import { start } from "./procs.ts";
 * const proc = start(["sleep", "10"]);
 * await proc.stop();
 * ```
 */
export function start(argv: string[], options: StartOptions = {}): Proc {
  const prefix: string[] = [];
  if (pinning.setsid) prefix.push("setsid");
  if (pinning.taskset && options.cpu !== undefined) prefix.push("taskset", "-c", `${options.cpu}`);
  const [cmd, ...args] = [...prefix, ...argv];
  const command = new Deno.Command(cmd!, {
    args,
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: options.env ?? {},
  });
  const proc = new Proc(command.spawn(), pinning.setsid);
  live.add(proc);
  return proc;
}

/**
 * Runs `argv` to completion (killed after `timeoutMs`); returns its exit code and output.
 *
 * @example
 * ```ts
 * import { runToEnd } from "./procs.ts";
 * const r = await runToEnd(["wrk", "-v"], { timeoutMs: 10_000 });
 * ```
 */
export async function runToEnd(
  argv: string[],
  options: StartOptions & { timeoutMs: number },
): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = start(argv, options);
  const timer = setTimeout(() => proc.signal("SIGKILL"), options.timeoutMs);
  try {
    const status = await proc.status;
    await proc.outputDone;
    return { code: status.code, stdout: proc.stdout, stderr: proc.stderr };
  } finally {
    clearTimeout(timer);
    await proc.stop();
  }
}

/**
 * Stops every live process (SIGTERM, then SIGKILL).
 *
 * @example
 * ```ts
 * import { stopAll } from "./procs.ts";
 * await stopAll();
 * ```
 */
export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((p) => p.stop()));
}

/**
 * SIGKILLs every live process group and waits (at most a second) for them to be reaped.
 *
 * @example
 * ```ts
 * import { killAllNow } from "./procs.ts";
 * Deno.addSignalListener("SIGINT", async () => { await killAllNow(); Deno.exit(130); });
 * ```
 */
export async function killAllNow(): Promise<void> {
  for (const p of live) p.signal("SIGKILL");
  const reaped = Promise.all([...live].map((p) => p.status));
  await Promise.race([reaped, new Promise((r) => setTimeout(r, 1000))]);
}

/**
 * A TCP port free on 127.0.0.1 right now.
 *
 * @example
 * ```ts
 * import { freePort } from "./procs.ts";
 * const port = freePort();
 * ```
 */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/**
 * `true` when `argv` runs and exits with status 0.
 *
 * @example
 * ```ts
 * import { canRun } from "./procs.ts";
 * await canRun(["taskset", "-c", "1", "true"]);
 * ```
 */
export async function canRun(argv: string[]): Promise<boolean> {
  try {
    const out = await new Deno.Command(argv[0]!, {
      args: argv.slice(1),
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success;
  } catch {
    return false;
  }
}

/** The CPUs of a `taskset -c` list (`0`, `0-3`, `0,2`). */
function cpuList(list: string): number[] {
  return list.split(",").flatMap((part) => {
    const [a, b] = part.split("-").map(Number);
    if (b === undefined) return [a!];
    return Array.from({ length: b - a! + 1 }, (_, i) => a! + i);
  });
}

/** The CPUs sharing a physical core with `cpu` (itself included), from sysfs. */
function smtSiblings(cpu: number): number[] {
  let list = "";
  try {
    list = Deno.readTextFileSync(`/sys/devices/system/cpu/cpu${cpu}/topology/thread_siblings_list`);
  } catch {
    return [cpu];
  }
  return list.trim().split(",").flatMap((part) => {
    const [a, b] = part.split("-").map(Number);
    if (b === undefined) return [a!];
    return Array.from({ length: b - a! + 1 }, (_, i) => a! + i);
  });
}

/**
 * Finds out whether processes can get their own session (`setsid`) and be pinned to
 * `serverCpu` (one CPU or a `taskset -c` list) and `clientCpu` (`taskset`), warning about
 * what is not possible; sets
 * {@link pinning}.
 *
 * @example
 * ```ts
 * import { detectPinning, pinning } from "./procs.ts";
 * await detectPinning(0, 1);
 * pinning.taskset; // true on a machine with 2 CPUs and util-linux
 * ```
 */
export async function detectPinning(
  serverCpu: number | string,
  clientCpu: number,
): Promise<void> {
  const setsid = findOnPath("setsid") !== null && (await canRun(["setsid", "true"]));
  const serverCpus = cpuList(String(serverCpu));
  let taskset = false;
  if (serverCpus.includes(clientCpu)) {
    log(`warning: server and client share CPU ${serverCpu}; running unpinned`);
  } else if (findOnPath("taskset") === null) {
    log("warning: taskset not found (util-linux); running unpinned, numbers will be noisier");
  } else if (
    !(await canRun(["taskset", "-c", `${serverCpu}`, "true"])) ||
    !(await canRun(["taskset", "-c", `${clientCpu}`, "true"]))
  ) {
    log(
      `warning: cannot pin to CPUs ${serverCpu} and ${clientCpu} ` +
        `(${navigator.hardwareConcurrency} CPU(s) available); running unpinned`,
    );
  } else {
    taskset = true;
    if (serverCpus.some((cpu) => smtSiblings(cpu).includes(clientCpu))) {
      log(
        `warning: CPUs ${serverCpu} and ${clientCpu} are hyperthreads of one core; ` +
          "server and client will compete for it (choose others with --server-cpu/--client-cpu)",
      );
    }
  }
  pinning.setsid = setsid;
  pinning.taskset = taskset;
}
