/**
 * `SignalHandler`: turns operating-system signals into bus channels.
 *
 * @module
 */

import type { Bus, Listener } from "../bus/mod.ts";
import { isDeno, platform } from "../platform/mod.ts";
import { processState } from "./_state.ts";

/**
 * Maps signals to bus channels of the same name (`SIGTERM`, `SIGHUP`, `SIGUSR1`, ...) and
 * subscribes a listener to each. The default {@link SignalHandler.handlers}:
 *
 * | signal  | does |
 * |---------|------|
 * | SIGTERM | `bus.exit()` |
 * | SIGHUP  | `bus.restart()` when daemonized, else `bus.exit()` |
 * | SIGUSR1 | `bus.graceful()` |
 *
 * Change `handlers` before {@link SignalHandler.subscribe}, or call
 * {@link SignalHandler.setHandler} at any time.
 *
 * @example Handle SIGUSR2 too
 * ```ts
 * import { Bus } from "../mod.ts";
 * import { SignalHandler } from "../mod.ts";
 * const bus = new Bus();
 * const signals = new SignalHandler(bus);
 * signals.handlers.SIGUSR2 = () => bus.log("SIGUSR2 received");
 * signals.subscribe();
 * ```
 */
export class SignalHandler {
  /** The bus the signals are published on. */
  readonly bus: Bus;
  /** Listener per signal name, subscribed by {@link SignalHandler.subscribe}. */
  handlers: Record<string, Listener>;
  /** The process id at construction, used to tell whether the process was daemonized. */
  readonly startupPid: number;
  readonly #native = new Map<string, () => void>();
  readonly #subscribed = new Map<string, Listener>();

  /** Creates the handler for `bus` with the default handlers; nothing is installed yet. */
  constructor(bus: Bus) {
    this.bus = bus;
    this.startupPid = platform.pid();
    this.handlers = {
      SIGTERM: () => bus.exit(),
      SIGHUP: () => this.handleSIGHUP(),
      SIGUSR1: () => bus.graceful(),
      // On Deno SIGUSR1 also opens V8's inspector (Deno 2.9.2 and later, on 127.0.0.1:9229):
      // SIGUSR2 makes the engine graceful without it (docs/runtimes.md).
      ...(isDeno ? { SIGUSR2: () => bus.graceful() } : {}),
    };
  }

  /**
   * `true` when this process runs as a daemon: a `Daemonizer` made it one (or its pid changed
   * since start-up, CherryPy's test after forking), and its stdin is not a terminal.
   */
  isDaemonized(): boolean {
    return (processState.daemonized || platform.pid() !== this.startupPid) && !platform.isatty(0);
  }

  /**
   * SIGHUP: restart when daemonized, otherwise exit; with worker processes (`Workers`), replace
   * them one by one instead.
   */
  handleSIGHUP(): Promise<void> {
    if (processState.reload !== undefined) {
      this.bus.log("SIGHUP caught. Replacing the workers.");
      return processState.reload();
    }
    if (this.isDaemonized()) {
      this.bus.log("SIGHUP caught while daemonized. Restarting.");
      return this.bus.restart();
    }
    this.bus.log("SIGHUP caught but not daemonized. Exiting.");
    return this.bus.exit();
  }

  /** Installs every entry of {@link SignalHandler.handlers}; signals this system lacks are skipped. */
  subscribe(): void {
    for (const [signal, listener] of Object.entries(this.handlers)) {
      try {
        this.setHandler(signal, listener);
      } catch (e) {
        if (!(e instanceof SignalError)) throw e;
      }
    }
  }

  /** Removes the installed signal listeners, restoring the runtime's default behaviour. */
  unsubscribe(): void {
    for (const [signal, native] of this.#native) {
      this.bus.log(`Restoring the default handler for ${signal}.`);
      platform.removeSignalListener(signal, native);
    }
    this.#native.clear();
    for (const [signal, listener] of this.#subscribed) this.bus.unsubscribe(signal, listener);
    this.#subscribed.clear();
  }

  /** The signal name for a name or a number (`15` → `"SIGTERM"` on Linux). */
  static signalName(signal: string | number): string | undefined {
    if (typeof signal === "string") {
      return platform.signalNumber(signal) !== undefined || platform.hasSignal(signal)
        ? signal
        : undefined;
    }
    return platform.signalName(signal);
  }

  /**
   * Listens for `signal` (a name such as `"SIGTERM"` or a number) and publishes the channel of
   * the same name when it arrives; subscribes `listener` to that channel when given. Throws a
   * {@link SignalError} for a signal this system or runtime cannot deliver.
   */
  setHandler(signal: string | number, listener?: Listener): void {
    const name = SignalHandler.signalName(signal);
    if (name === undefined || !platform.hasSignal(name)) {
      throw new SignalError(
        `${String(signal)} is not a signal this ${platform.name} process can listen for.`,
      );
    }
    if (!this.#native.has(name)) {
      const native = () => this.#handleSignal(name);
      platform.addSignalListener(name, native);
      this.#native.set(name, native);
    }
    if (listener !== undefined) {
      const previous = this.#subscribed.get(name);
      if (previous !== undefined && previous !== listener) this.bus.unsubscribe(name, previous);
      this.bus.log(`Listening for ${name}.`);
      this.bus.subscribe(name, listener);
      this.#subscribed.set(name, listener);
    }
  }

  #handleSignal(name: string): void {
    this.bus.log(`Caught signal ${name}.`);
    if ((name === "SIGTERM" || name === "SIGINT") && this.bus.exiting) {
      // A second request to stop while stopping: something hangs; end the process now.
      this.bus.log(`${name} received again while exiting: ending the process now.`, 30);
      this.bus.forceExit();
      return;
    }
    this.bus.publish(name).catch((e) => {
      this.bus.log(`Error handling signal ${name}.`, 40, e);
    });
  }
}

/** Raised by {@link SignalHandler.setHandler} for a signal that cannot be listened for. */
export class SignalError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "SignalError";
  }
}
