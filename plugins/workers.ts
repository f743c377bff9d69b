/**
 * `Workers`: the engine runs the site in N worker processes that share its port, and supervises
 * them (replaces one that dies, stops them gracefully, replaces them one by one on SIGHUP).
 *
 * @module
 */

import type { Bus } from "../bus/mod.ts";
import { type ChildProcess, isDeno, platform } from "../platform/mod.ts";
import { processState } from "./_state.ts";
import { priority, SimplePlugin } from "./simple_plugin.ts";

/** The environment variable that makes a process a worker (its value: the worker's slot). */
export const WORKER_ENV = "CHERRYPY_WORKER";
/** Where a worker reports that it serves (a folder the main process watches). */
const READY_ENV = "CHERRYPY_WORKER_READY";

/** Linux's `net.ipv4.tcp_migrate_req` ("0" or "1"), or null where there is none. */
function readMigrateSetting(): string | null {
  try {
    return platform.readTextFileSync("/proc/sys/net/ipv4/tcp_migrate_req").trim();
  } catch {
    return null;
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** One running worker process. */
interface WorkerProcess {
  /** Its slot, 0 to `count - 1`. */
  readonly slot: number;
  readonly child: ChildProcess;
  /** `true` once the main process asked it to stop (its exit is then expected). */
  retiring: boolean;
  /** When it was started (ms since the epoch). */
  readonly startedAt: number;
}

/**
 * The slot of this process when it runs as a worker (`CHERRYPY_WORKER` is set), else `null`.
 *
 * @example Tell the workers apart in a handler
 * ```ts
 * import { workerSlot } from "../mod.ts";
 * const who = workerSlot() === null ? "the only process" : `worker ${workerSlot()}`;
 * ```
 */
export function workerSlot(): number | null {
  const value = platform.getEnv(WORKER_ENV);
  if (value === undefined || !/^\d+$/.test(value)) return null;
  return Number(value);
}

/**
 * Runs the site in `count` worker processes (`server.workers` or `engine.workers.count`).
 *
 * With `count` 0 (the default) nothing changes: one process serves. With `count` N, the
 * process that starts the engine becomes the main process: at `start` it runs its own program
 * again N times with `CHERRYPY_WORKER=<slot>` in the environment, and does not bind the port
 * itself. Each worker binds the same address with `SO_REUSEPORT` (the kernel spreads connections
 * over them) and serves; the main process supervises:
 *
 * - a worker that ends unexpectedly is replaced, after a delay that doubles (from 0.1 s up to
 *   10 s) while replacements keep dying within 10 s of starting;
 * - `stop` (SIGTERM, `engine.exit()`) sends SIGTERM to every worker, which drains within its
 *   `server.shutdown_timeout`, and waits for them (`stopTimeout` seconds, then SIGKILL);
 * - `graceful` (SIGUSR1) is passed on to every worker as SIGUSR1;
 * - {@link Workers.reload} (SIGHUP, and the autoreloader in the main process) replaces the
 *   workers one at a time: the new worker serves before the old one stops accepting, so the
 *   port never closes.
 *
 * A worker whose main process has gone (killed with SIGKILL) stops by itself within a second.
 *
 * @example Serve with two worker processes
 * ```ts
 * import { Bus, Workers } from "../mod.ts";
 * const bus = new Bus();
 * const workers = new Workers(bus);
 * workers.count = 2;
 * workers.subscribe();
 * ```
 */
export class Workers extends SimplePlugin {
  /** How many worker processes to run; 0 serves from this process alone. */
  count = 0;
  /** Seconds a new worker has to start serving before it is taken for failed. */
  readyTimeout = 30;
  /** Seconds the workers get to finish on `stop` before they are killed. */
  stopTimeout = 15;
  readonly #workers = new Map<number, WorkerProcess>();
  readonly #failures = new Map<number, number>();
  #readyDir: string | null = null;
  #stopping = false;
  #reloading: Promise<void> | null = null;
  #parentWatch: ReturnType<typeof setInterval> | undefined;

  /** Creates the plugin for `bus`; call `subscribe()` to use it. */
  constructor(bus: Bus) {
    super(bus);
    if (workerSlot() !== null) processState.role = "worker";
  }

  /** `"worker"` in a worker, `"main"` in a main process with workers, else `"single"`. */
  get role(): "single" | "main" | "worker" {
    return processState.role;
  }

  /** The pids of the running workers, by slot. */
  get pids(): number[] {
    return [...this.#workers.values()].filter((w) => !w.retiring).map((w) => w.child.pid);
  }

  /**
   * At `start` (priority 72: after daemonizing and the PID file, before the servers): in the
   * main process, starts the workers and waits until each listens; in a worker, watches that
   * its main process lives.
   */
  async start(): Promise<void> {
    if (processState.role === "worker") {
      this.#startAsWorker();
      return;
    }
    if (this.count <= 0) return;
    if (!Number.isInteger(this.count)) {
      throw new Error(`server.workers must be a whole number, not ${this.count}.`);
    }
    processState.role = "main";
    processState.reload = () => this.reload();
    this.#stopping = false;
    this.#readyDir = await platform.makeTempDir("cherrypy-workers-");
    this.bus.log(`Starting ${this.count} worker processes.`);
    if (readMigrateSetting() === "0") {
      this.bus.log(
        "net.ipv4.tcp_migrate_req is 0: a worker that stops may reset connections still in its " +
          "accept queue; set it to 1 for restarts that lose nothing (docs/workers.md).",
        30,
      );
    }
    const started = [];
    for (let slot = 0; slot < this.count; slot++) started.push(this.#spawn(slot));
    try {
      await Promise.all(started);
    } catch (e) {
      this.#stopping = true;
      await Promise.allSettled(started);
      await this.#stopAll();
      throw e;
    }
    this.bus.log(`Workers serving: pids ${this.pids.join(", ")}.`);
  }

  /** At `stop` (priority 25): stops every worker gracefully and waits for them. */
  async stop(): Promise<void> {
    if (this.#parentWatch !== undefined) {
      clearInterval(this.#parentWatch);
      this.#parentWatch = undefined;
    }
    if (processState.role !== "main") return;
    this.#stopping = true;
    await this.#reloading?.catch(() => {});
    await this.#stopAll();
    if (this.#readyDir !== null) await platform.removeDir(this.#readyDir).catch(() => {});
    this.#readyDir = null;
    processState.role = "single";
    processState.reload = undefined;
  }

  /**
   * At `graceful` (SIGUSR1): asks every worker to restart its apps (SIGUSR1; SIGUSR2 on Deno,
   * where SIGUSR1 would also open V8's inspector in the worker).
   */
  graceful(): void {
    if (processState.role !== "main") return;
    const signal = isDeno ? "SIGUSR2" : "SIGUSR1";
    for (const w of this.#workers.values()) if (!w.retiring) this.#signal(w, signal);
  }

  /**
   * Replaces the workers one at a time: starts a new worker for a slot, waits until it serves,
   * then stops the old one (which drains its requests). The port stays open throughout. A
   * second call while one runs waits for it.
   */
  reload(): Promise<void> {
    if (processState.role !== "main") return Promise.resolve();
    this.#reloading ??= (async () => {
      this.bus.log("Replacing the workers one by one.");
      for (const slot of [...this.#workers.keys()].sort((a, b) => a - b)) {
        if (this.#stopping) return;
        const old = this.#workers.get(slot);
        if (old === undefined) continue;
        old.retiring = true;
        try {
          await this.#spawn(slot);
        } catch (e) {
          old.retiring = false;
          this.#workers.set(slot, old);
          this.bus.log(`Worker ${slot}'s replacement failed; the old worker stays.`, 40, e);
          continue;
        }
        await this.#retire(old);
      }
      this.bus.log(`Workers replaced: pids ${this.pids.join(", ")}.`);
    })().finally(() => {
      this.#reloading = null;
    });
    return this.#reloading;
  }

  /**
   * Subscribes the plugin; in a worker also its report to the main process, at `start`
   * priority 76: once the servers listen (75), before privileges are dropped (77).
   */
  override subscribe(): void {
    super.subscribe();
    if (processState.role === "worker") this.bus.subscribe("start", this.#report);
  }

  /** Undoes {@link Workers.subscribe}. */
  override unsubscribe(): void {
    super.unsubscribe();
    this.bus.unsubscribe("start", this.#report);
  }

  readonly #report = Object.assign(async () => {
    const dir = platform.getEnv(READY_ENV);
    if (dir) await platform.writeFile(`${dir}/${platform.pid()}`, "ready\n");
  }, { priority: 76 });

  #startAsWorker(): void {
    const parent = platform.ppid();
    this.#parentWatch = setInterval(() => {
      if (platform.ppid() !== parent) {
        this.bus.log("The main process has gone; this worker stops.", 30);
        clearInterval(this.#parentWatch);
        void this.bus.exit();
      }
    }, 1000);
    platform.unrefTimer(this.#parentWatch);
  }

  /** Starts the worker for `slot` and resolves once it serves. */
  async #spawn(slot: number): Promise<void> {
    const argv = platform.reusePortCommandLine();
    const child = platform.spawn({
      command: argv[0] ?? platform.execPath(),
      args: argv.slice(1),
      env: {
        ...platform.envObject(),
        [WORKER_ENV]: String(slot),
        [READY_ENV]: this.#readyDir ?? "",
      },
      stdin: "null",
      stdout: "inherit",
      stderr: "inherit",
    });
    const worker: WorkerProcess = { slot, child, retiring: false, startedAt: Date.now() };
    let exited = false;
    void child.status.then((status) => {
      exited = true;
      this.#onExit(worker, status.code, status.signal);
    });
    const marker = `${this.#readyDir}/${child.pid}`;
    const deadline = Date.now() + this.readyTimeout * 1000;
    while (!(await platform.stat(marker))) {
      if (exited) throw new Error(`Worker ${slot} (pid ${child.pid}) ended before serving.`);
      if (Date.now() > deadline) {
        this.#signal(worker, "SIGKILL");
        throw new Error(
          `Worker ${slot} (pid ${child.pid}) did not serve within ${this.readyTimeout} s.`,
        );
      }
      await sleep(20);
    }
    await platform.remove(marker).catch(() => {});
    this.#workers.set(slot, worker);
  }

  #onExit(worker: WorkerProcess, code: number | null, signal: string | null): void {
    if (this.#workers.get(worker.slot) === worker) this.#workers.delete(worker.slot);
    if (worker.retiring || this.#stopping || processState.role !== "main") return;
    const how = signal === null ? `code ${code}` : `signal ${signal}`;
    const lived = Date.now() - worker.startedAt;
    const failures = lived < 10_000 ? (this.#failures.get(worker.slot) ?? 0) + 1 : 0;
    this.#failures.set(worker.slot, failures);
    const delay = failures === 0 ? 0 : Math.min(100 * 2 ** (failures - 1), 10_000);
    this.bus.log(
      `Worker ${worker.slot} (pid ${worker.child.pid}) ended with ${how}; ` +
        `replacing it${delay ? ` in ${delay / 1000} s` : ""}.`,
      30,
    );
    void (async () => {
      await sleep(delay);
      if (this.#stopping || processState.role !== "main" || this.#workers.has(worker.slot)) {
        return;
      }
      try {
        await this.#spawn(worker.slot);
        this.bus.log(
          `Worker ${worker.slot} replaced (pid ${this.#workers.get(worker.slot)?.child.pid}).`,
        );
      } catch (e) {
        // A replacement that ended or hung is replaced in turn when its own exit is seen.
        this.bus.log(`Worker ${worker.slot} could not be replaced.`, 40, e);
      }
    })();
  }

  /** Stops `worker` gracefully (SIGTERM), killing it after `stopTimeout` seconds. */
  async #retire(worker: WorkerProcess): Promise<void> {
    worker.retiring = true;
    this.#signal(worker, "SIGTERM");
    const timer = new Promise<"late">((r) => {
      const t = setTimeout(() => r("late"), this.stopTimeout * 1000);
      platform.unrefTimer(t);
    });
    if (await Promise.race([worker.child.status, timer]) === "late") {
      this.bus.log(`Worker ${worker.slot} (pid ${worker.child.pid}) did not stop; killing it.`, 30);
      this.#signal(worker, "SIGKILL");
      await worker.child.status;
    }
  }

  async #stopAll(): Promise<void> {
    const all = [...this.#workers.values()];
    await Promise.all(all.map((w) => this.#retire(w)));
    this.#workers.clear();
  }

  #signal(worker: WorkerProcess, signal: string): void {
    try {
      worker.child.kill(signal);
    } catch { /* already gone */ }
  }
}

priority(72)(Workers.prototype.start);
priority(25)(Workers.prototype.stop);
