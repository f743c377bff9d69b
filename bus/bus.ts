/**
 * The Web Site Process Bus: one object that runs a site's life cycle.
 *
 * A bus is a state machine and a set of channels. Plugins subscribe listeners to channels;
 * the bus publishes to a channel when its state changes, and anyone may publish to a custom
 * channel.
 *
 * ```
 *  O -> STOPPED
 *  STOPPED  -> STARTING -> STARTED        start()
 *  STARTED  -> STOPPING -> STOPPED        stop()
 *  STOPPED  -> EXITING  -> (end)          exit() (calls stop() first)
 *  STARTING -> STOPPING                   a start listener failed
 * ```
 *
 * Channels: `start`, `stop`, `exit`, `graceful`, `log` and `main` exist from the start; any
 * other name is created by subscribing to it. Listeners run one by one in priority order
 * (lower first, default 50, equal priorities in subscription order); async listeners are
 * awaited before the next runs. Every listener runs even when some throw; the errors are then
 * thrown together as a {@link ChannelFailures}.
 *
 * Process endings follow CherryPy: an error while exiting, or `exit()` called while the bus was
 * still STARTING (which is what a failing start listener leads to), ends the process with
 * code 70 (EX_SOFTWARE) once the exit listeners have run.
 *
 * @example A bus with two listeners
 * ```ts
 * import { Bus } from "../mod.ts";
 * const bus = new Bus();
 * bus.subscribe("start", () => console.log("second"), 60);
 * bus.subscribe("start", () => console.log("first"), 40);
 * await bus.start();           // prints "first" then "second"
 * await bus.exit();
 * ```
 *
 * @module
 */

import { platform } from "../platform/mod.ts";
import { SystemExit } from "./interrupts.ts";

export { isInterrupt, KeyboardInterrupt, SystemExit } from "./interrupts.ts";

/** The states a {@link Bus} moves through. */
export const states = {
  STOPPED: "STOPPED",
  STARTING: "STARTING",
  STARTED: "STARTED",
  STOPPING: "STOPPING",
  EXITING: "EXITING",
} as const;

/** One of the bus {@link states}. */
export type State = typeof states[keyof typeof states];

/** A bus listener: any function, sync or async, optionally carrying its own `priority`. */
// deno-lint-ignore no-explicit-any
export type Listener = ((...args: any[]) => unknown) & { priority?: number };

/** The working directory the program started in (where a restart runs the program again). */
export const STARTUP_CWD: string = platform.cwd();

/** The exit code used when the bus must end the process after an error (EX_SOFTWARE). */
export const EX_SOFTWARE = 70;

/**
 * Several listener errors from one publish, thrown after every listener has run.
 *
 * @example Using `ChannelFailures`
 * ```ts
 * import { Bus, ChannelFailures } from "../mod.ts";
 * const bus = new Bus();
 * bus.subscribe("custom", () => { throw new Error("a"); });
 * bus.subscribe("custom", () => { throw new Error("b"); });
 * try { await bus.publish("custom"); } catch (e) {
 *   if (e instanceof ChannelFailures) console.log(e.getInstances().length); // 2
 * }
 * ```
 */
export class ChannelFailures extends Error {
  /** The text between the messages of the errors held. */
  static readonly delimiter = "\n";
  readonly #errors: unknown[] = [];

  /** Creates an empty collection. */
  constructor() {
    super("");
    this.name = "ChannelFailures";
  }

  /** Adds an error. */
  handleException(error: unknown): void {
    this.#errors.push(error);
    this.message = this.#errors.map(describeError).join(ChannelFailures.delimiter);
  }

  /** The errors held, in the order they happened. */
  getInstances(): unknown[] {
    return [...this.#errors];
  }

  /** `true` when at least one error is held. */
  get hasErrors(): boolean {
    return this.#errors.length > 0;
  }
}

/** A one-line description of an error, like Python's `repr(exc)`. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}(${JSON.stringify(error.message)})`;
  return String(error);
}

/** The text of an error with its stack, for tracebacks in the log. */
export function formatTraceback(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

function listenerName(listener: Listener): string {
  return listener.name ? `<function ${listener.name}>` : "<anonymous function>";
}

/** Options for a {@link Bus}. */
export interface BusOptions {
  /**
   * Ends the process; the bus calls it with 70 when exiting fails or when `exit()` is called
   * during STARTING. Defaults to the platform's exit. Tests pass a recorder.
   */
  exitProcess?: (code: number) => void;
}

/**
 * The Web Site Process Bus: states, channels, priorities and the life-cycle methods.
 *
 * @example Run until a signal or `exit()` ends it
 * ```ts
 * import { Bus } from "../mod.ts";
 * const bus = new Bus();
 * await bus.start();
 * setTimeout(() => bus.exit(), 100);
 * await bus.block();
 * ```
 */
export class Bus {
  /** The current state. */
  state: State = states.STOPPED;
  /** The states a bus goes through (CherryPy's `bus.states`): `bus.states.STARTED`. */
  readonly states: typeof states = states;
  /** Set by {@link Bus.restart}: the process is to be replaced once the bus has exited. */
  execv = false;
  /** Subscribed listeners by channel, in subscription order. */
  readonly listeners: Map<string, Set<Listener>> = new Map();
  readonly #priorities = new Map<string, Map<Listener, number>>();
  readonly #sorted = new Map<string, Listener[]>();
  readonly #stateWaiters = new Set<() => void>();
  readonly #exitProcess: (code: number) => void;
  #exitHookRegistered = false;
  #exiting: Promise<void> | undefined;

  /** Creates a stopped bus with the built-in channels. */
  constructor(options: BusOptions = {}) {
    this.#exitProcess = options.exitProcess ?? ((code) => platform.exit(code));
    for (const channel of ["start", "stop", "exit", "graceful", "log", "main"]) {
      this.listeners.set(channel, new Set());
    }
  }

  #setState(state: State): void {
    this.state = state;
    for (const wake of this.#stateWaiters) wake();
  }

  /**
   * Adds `callback` to `channel` at `priority` (else `callback.priority`, else 50). Subscribing
   * the same callback twice keeps one subscription with the newer priority. Without a
   * callback, returns a function that subscribes what it is given (usable as a decorator of
   * plain functions).
   */
  subscribe(channel: string, callback: Listener, priority?: number): Listener;
  /** Without a callback: returns a function that subscribes the listener it is given. */
  subscribe(channel: string, callback?: undefined, priority?: number): (cb: Listener) => Listener;
  subscribe(
    channel: string,
    callback?: Listener,
    priority?: number,
  ): Listener | ((cb: Listener) => Listener) {
    if (callback === undefined) return (cb: Listener) => this.subscribe(channel, cb, priority);
    let set = this.listeners.get(channel);
    if (set === undefined) this.listeners.set(channel, set = new Set());
    set.add(callback);
    let prio = this.#priorities.get(channel);
    if (prio === undefined) this.#priorities.set(channel, prio = new Map());
    prio.set(callback, priority ?? callback.priority ?? 50);
    this.#sorted.delete(channel);
    return callback;
  }

  /** Removes `callback` from `channel`; does nothing when it was not subscribed. */
  unsubscribe(channel: string, callback: Listener): void {
    const set = this.listeners.get(channel);
    if (set === undefined || !set.delete(callback)) return;
    this.#priorities.get(channel)?.delete(callback);
    this.#sorted.delete(channel);
  }

  /** The listeners of `channel` in the order publish runs them. */
  listenersOf(channel: string): readonly Listener[] {
    let sorted = this.#sorted.get(channel);
    if (sorted === undefined) {
      const set = this.listeners.get(channel);
      const prio = this.#priorities.get(channel);
      // Array.prototype.sort is stable: equal priorities keep subscription order.
      sorted = set === undefined
        ? []
        : [...set].sort((a, b) => (prio?.get(a) ?? 50) - (prio?.get(b) ?? 50));
      this.#sorted.set(channel, sorted);
    }
    return sorted;
  }

  /** The priority `callback` has on `channel`, or `undefined` when it is not subscribed. */
  priorityOf(channel: string, callback: Listener): number | undefined {
    return this.#priorities.get(channel)?.get(callback);
  }

  /**
   * Runs every listener of `channel` with `args`, one by one in priority order, awaiting each,
   * and resolves to their results. Errors are collected and thrown as one
   * {@link ChannelFailures} after all listeners ran (a {@link SystemExit} is re-thrown at
   * once). Publishing to a channel nobody subscribed to resolves to `[]`.
   */
  async publish(channel: string, ...args: unknown[]): Promise<unknown[]> {
    const list = this.listenersOf(channel);
    if (list.length === 0) return [];
    let failures: ChannelFailures | null = null;
    const output: unknown[] = [];
    for (const listener of list) {
      try {
        const result = listener(...args);
        output.push(result instanceof Promise ? await result : result);
      } catch (e) {
        if (e instanceof SystemExit) {
          if (failures !== null && failures.hasErrors && e.code === 0) e.code = 1;
          throw e;
        }
        (failures ??= new ChannelFailures()).handleException(e);
        if (channel !== "log") {
          this.log(`Error in '${channel}' listener ${listenerName(listener)}`, 40, e);
        }
      }
    }
    if (failures !== null && failures.hasErrors) throw failures;
    return output;
  }

  /** Publishes `msg` at `level` (default 20) on the `log` channel, with a traceback if given. */
  log(msg = "", level = 20, traceback: unknown = false): void {
    if (traceback !== false && traceback !== undefined && traceback !== null) {
      msg += "\n" + formatTraceback(traceback);
    }
    // Log listeners are expected to be synchronous; a failing one must not break its caller.
    this.publish("log", msg, level).catch(() => {});
  }

  /** Starts every service: STARTING, publish `start`, STARTED. */
  async start(): Promise<void> {
    this.#registerExitHook();
    this.#setState(states.STARTING);
    this.log("Bus STARTING");
    try {
      await this.publish("start");
      this.#setState(states.STARTED);
      this.log("Bus STARTED");
    } catch (e) {
      if (e instanceof SystemExit) throw e;
      this.log("Shutting down due to error in start listener:", 40, e);
      try {
        await this.exit();
      } catch {
        // Errors of stop and exit listeners were logged by publish.
      }
      throw e;
    }
  }

  /** Stops every service: STOPPING, publish `stop`, STOPPED. */
  async stop(): Promise<void> {
    this.#setState(states.STOPPING);
    this.log("Bus STOPPING");
    await this.publish("stop");
    this.#setState(states.STOPPED);
    this.log("Bus STOPPED");
  }

  /**
   * Stops every service and prepares the process to end: stop, then EXITING, publish `exit`.
   * An error on the way, or a call while the bus was STARTING, ends the process with code 70.
   */
  exit(): Promise<void> {
    // Concurrent calls (a signal during an exit) share the exit under way.
    return this.#exiting ??= this.#exit().finally(() => {
      this.#exiting = undefined;
    });
  }

  async #exit(): Promise<void> {
    const exitState = this.state;
    try {
      await this.stop();
      this.#setState(states.EXITING);
      this.log("Bus EXITING");
      await this.publish("exit");
      this.log("Bus EXITED");
    } catch (e) {
      this.log("Error while exiting: ending the process.", 40, e);
      this.#exitProcess(EX_SOFTWARE);
      return;
    }
    if (exitState === states.STARTING) this.#exitProcess(EX_SOFTWARE);
  }

  /** `true` while an `exit()` is under way. */
  get exiting(): boolean {
    return this.#exiting !== undefined;
  }

  /** Ends the process at once with `code` (as the bus does when exiting fails). */
  forceExit(code: number = EX_SOFTWARE): void {
    this.#exitProcess(code);
  }

  /** Stops everything and asks for the process to be replaced by a fresh one (see `block`). */
  async restart(): Promise<void> {
    this.execv = true;
    await this.exit();
  }

  /** Publishes `graceful`, which plugins answer by reloading (log files, workers, ...). */
  async graceful(): Promise<void> {
    this.log("Bus graceful");
    await this.publish("graceful");
  }

  /**
   * Resolves when the bus is in one of `state`, publishing `channel` (when given) every
   * `interval` seconds while waiting.
   */
  async wait(state: State | readonly State[], interval = 0.1, channel?: string): Promise<void> {
    const wanted: readonly State[] = typeof state === "string" ? [state] : state;
    while (!wanted.includes(this.state)) {
      await this.#sleepUntilStateChange(interval * 1000);
      if (channel !== undefined && !wanted.includes(this.state)) await this.publish(channel);
    }
  }

  #sleepUntilStateChange(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#stateWaiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#stateWaiters.add(wake);
    });
  }

  /**
   * Waits until the bus is EXITING, publishing `main` every `interval` seconds; this is what
   * keeps a site's program running. A listener error on `main` (other than a
   * {@link SystemExit}) is logged and waiting goes on; a {@link SystemExit} exits the bus and
   * is re-thrown. When {@link Bus.restart} asked for it, the process is then replaced.
   */
  async block(interval = 0.1): Promise<void> {
    // Ctrl-C while blocking shuts the bus down cleanly (a second one ends the process).
    let interrupted = false;
    const onInterrupt = () => {
      if (interrupted || this.exiting) {
        this.log("Second interrupt while exiting: ending the process now.", 30);
        this.#exitProcess(EX_SOFTWARE);
        return;
      }
      interrupted = true;
      this.log("Keyboard Interrupt: shutting down bus");
      void this.exit();
    };
    const sigint = platform.hasSignal("SIGINT");
    if (sigint) platform.addSignalListener("SIGINT", onInterrupt);
    try {
      for (;;) {
        try {
          await this.wait(states.EXITING, interval, "main");
          break;
        } catch (e) {
          if (e instanceof SystemExit) {
            this.log("SystemExit raised: shutting down bus");
            await this.exit();
            throw e;
          }
          // Errors in main listeners were logged by publish; keep waiting.
        }
      }
      // Exit listeners may still be running when the state turns EXITING.
      if (this.#exiting !== undefined) await this.#exiting;
    } finally {
      if (sigint) platform.removeSignalListener("SIGINT", onInterrupt);
    }
    this.log("Waiting for child threads to terminate...");
    if (this.execv) await this.doExecv();
  }

  /**
   * Replaces the process with a fresh run of the same program: the same command line, the
   * working directory the program started in, and the current environment. Where the runtime
   * can (`execve` through Deno's FFI, `process.execve` on newer Node), the process image is
   * replaced and keeps its pid; otherwise the new process is spawned with this one's standard
   * streams and this one exits 0. Either way every bus listener has run first (the server
   * released its port). A failure is logged and ends the process with 70.
   */
  async doExecv(): Promise<void> {
    const argv = platform.commandLine();
    this.log(`Re-spawning ${argv.join(" ")}`);
    try {
      platform.chdir(STARTUP_CWD);
      const env = platform.envObject();
      if (platform.canExecve()) {
        platform.execve(platform.execPath(), argv, env);
      }
      const child = platform.spawn({
        command: platform.execPath(),
        args: argv.slice(1),
        cwd: STARTUP_CWD,
        env,
        stdin: "inherit",
        stdout: "inherit",
        stderr: "inherit",
      });
      const early = await Promise.race([
        child.status,
        new Promise<null>((r) => setTimeout(() => r(null), 50)),
      ]);
      if (early !== null) {
        throw new Error(`the new process ended at once (${early.code ?? early.signal}).`);
      }
      child.unref();
      this.log(`Replaced by process ${child.pid}.`);
      this.#exitProcess(0);
    } catch (e) {
      this.log("Restart failed: the process could not be replaced.", 40, e);
      this.#exitProcess(EX_SOFTWARE);
    }
  }

  /**
   * Starts the bus, calling `func(...args)` once it is STARTED. Resolves to what `func`
   * returns; `func` runs after `start()` returns.
   */
  async startWithCallback<A extends unknown[], R>(
    func: (...args: A) => R,
    ...args: A
  ): Promise<Awaited<R>> {
    const started = this.wait(states.STARTED).then(() => func(...args));
    await this.start();
    return await started;
  }

  #registerExitHook(): void {
    if (this.#exitHookRegistered) return;
    this.#exitHookRegistered = true;
    platform.onBeforeExit(() => {
      if (this.state === states.EXITING) return;
      this.log(
        `The main program is ending, but the Bus is in the ${this.state} state; ` +
          "shutting it down automatically now. You must call exit() before the program ends.",
        30,
      );
      void this.exit();
    });
  }
}
