/**
 * `PIDFile`: writes the process id to a file while the site runs.
 *
 * @module
 */

import type { Bus } from "../bus/mod.ts";
import { platform } from "../platform/mod.ts";
import { processState } from "./_state.ts";
import { priority, SimplePlugin } from "./simple_plugin.ts";

/**
 * Writes `"<pid>\n"` to `pidfile` at start (priority 70, after daemonizing, so it names the
 * daemon) and removes it at exit. Refuses to start when the file already names another live
 * process: the site is probably running already (CherryPy overwrites it silently).
 *
 * @example Using `PIDFile`
 * ```ts
 * import { engine, PIDFile } from "../mod.ts";
 * new PIDFile(engine, "/var/run/mysite.pid").subscribe();
 * ```
 */
export class PIDFile extends SimplePlugin {
  /** The file's path. */
  readonly pidfile: string;
  /** `true` once the file was written. */
  finalized = false;

  /** Creates the plugin for `bus`; call `subscribe()` to use it. */
  constructor(bus: Bus, pidfile: string) {
    super(bus);
    this.pidfile = pidfile;
  }

  /** Writes the PID file (refusing when it names another running process). */
  start(): void {
    if (processState.role === "worker") return; // the file names the main process
    const pid = platform.pid();
    if (this.finalized) {
      this.bus.log(`PID ${pid} already written to '${this.pidfile}'.`);
      return;
    }
    const existing = this.#readPid();
    if (
      existing !== null && existing !== pid &&
      platform.isProcessAlive(existing)
    ) {
      throw new Error(
        `PID file '${this.pidfile}' names process ${existing}, which is running: is the site ` +
          "already started? Stop it, or remove the file if that process is something else.",
      );
    }
    platform.writeFileSync(this.pidfile, `${pid}\n`);
    this.bus.log(`PID ${pid} written to '${this.pidfile}'.`);
    this.finalized = true;
  }

  /** Removes the PID file, when it is this process's (never another running site's). */
  exit(): void {
    try {
      if (this.#readPid() !== platform.pid()) return;
      platform.removeSync(this.pidfile);
      this.bus.log(`PID file removed: '${this.pidfile}'.`);
    } catch {
      // Like CherryPy: a PID file that cannot be removed does not stop the exit.
    }
  }

  #readPid(): number | null {
    try {
      const text = platform.readTextFileSync(this.pidfile).trim();
      return /^\d+$/.test(text) ? Number(text) : null;
    } catch {
      return null;
    }
  }
}
priority(70)(PIDFile.prototype.start); // CherryPy's start.priority = 70
