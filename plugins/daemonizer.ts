/**
 * `Daemonizer`: detaches the site from the terminal that started it.
 *
 * @module
 */

import { type Bus, states } from "../bus/mod.ts";
import { platform } from "../platform/mod.ts";
import { processState } from "./_state.ts";
import { priority, SimplePlugin } from "./simple_plugin.ts";

/** Set in the daemon's environment: the file it reports its start-up to. */
export const DAEMON_ENV = "CHERRYPY_TS_DAEMON_STATUS";

/**
 * At start (priority 65, before the PID file and the server), runs the program again as a
 * daemon: a new process in a new session, with no controlling terminal, umask 0, and its
 * standard streams on `stdin`, `stdout` and `stderr` (default `/dev/null`). The launching
 * process waits until the daemon's engine is STARTED, then exits 0.
 *
 * JavaScript runtimes cannot `fork()`, so where CherryPy forks twice, cherrypy-ts starts a
 * detached copy of the program (same command line, working directory and environment) and
 * the copy continues the start. That makes the launcher's exit code meaningful, which
 * CherryPy's is not: 0 means the daemon is serving; the daemon's own exit code (70 when a
 * start listener failed) when it died while starting; 1 when it could not be started.
 *
 * @example The classic daemon
 * ```ts
 * import { Daemonizer, engine, PIDFile } from "../mod.ts";
 * new Daemonizer(engine, "/dev/null", "/var/log/site.log", "/var/log/site.log").subscribe();
 * new PIDFile(engine, "/var/run/site.pid").subscribe();
 * ```
 */
export class Daemonizer extends SimplePlugin {
  /** Where the daemon's standard input comes from. */
  stdin: string;
  /** Where the daemon's standard output goes (appended). */
  stdout: string;
  /** Where the daemon's standard error goes (appended). */
  stderr: string;
  /** `true` once this process is the daemon. */
  finalized = false;

  /** Creates the plugin for `bus`; call `subscribe()` to use it. */
  constructor(bus: Bus, stdin = "/dev/null", stdout = "/dev/null", stderr = "/dev/null") {
    super(bus);
    this.stdin = stdin;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** `true` when this process is a daemon started by a Daemonizer. */
  static isDaemon(): boolean {
    return platform.getEnv(DAEMON_ENV) !== undefined;
  }

  /** Daemonizes: in the launcher, starts the daemon and exits; in the daemon, settles in. */
  async start(): Promise<void> {
    if (processState.role === "worker") return; // the main process is the daemon
    if (this.finalized) {
      this.bus.log("Already deamonized.");
      return;
    }
    const statusFile = platform.getEnv(DAEMON_ENV);
    if (statusFile !== undefined) {
      this.#settle(statusFile);
      return;
    }
    await this.#launch();
  }

  /** In the daemon: umask 0, report to the launcher once the engine is STARTED. */
  #settle(statusFile: string): void {
    // A later restart (SIGHUP) runs the program afresh, which daemonizes again, as in CherryPy.
    platform.deleteEnv(DAEMON_ENV);
    platform.umask(0);
    this.finalized = true;
    processState.daemonized = true;
    this.bus.log(`Daemonized to PID: ${platform.pid()}`);
    void this.bus.wait([states.STARTED, states.STOPPING, states.EXITING]).then(() => {
      const report = this.bus.state === states.STARTED ? "started" : "failed";
      try {
        platform.writeFileSync(statusFile, `${report} ${platform.pid()}\n`);
      } catch (e) {
        this.bus.log("Could not report to the launching process.", 30, e);
      }
    });
  }

  /** In the launcher: start the daemon, wait for its report, exit. */
  async #launch(): Promise<void> {
    const dir = await platform.makeTempDir("cherrypy-ts-daemon-");
    const statusFile = `${dir}/status`;
    const argv = platform.commandLine();
    let code = 1;
    try {
      this.bus.log("Starting the daemon process.");
      const child = platform.spawn({
        command: platform.execPath(),
        args: argv.slice(1),
        env: { ...platform.envObject(), [DAEMON_ENV]: statusFile },
        stdin: { path: this.stdin },
        stdout: { path: this.stdout, append: true },
        stderr: { path: this.stderr, append: true },
        detached: true,
      });
      child.unref();
      code = await waitForReport(statusFile, child.status, child.pid, (m) => this.bus.log(m));
    } catch (e) {
      this.bus.log("Could not start the daemon process.", 40, e);
      code = 1;
    } finally {
      await platform.removeDir(dir).catch(() => {});
    }
    platform.exit(code);
  }
}
priority(65)(Daemonizer.prototype.start); // CherryPy's start.priority = 65

/** Polls the daemon's status file; resolves to the launcher's exit code. */
async function waitForReport(
  statusFile: string,
  status: Promise<{ code: number | null; signal: string | null }>,
  pid: number,
  log: (msg: string) => void,
): Promise<number> {
  let ended: { code: number | null; signal: string | null } | undefined;
  status.then((s) => ended = s, () => ended = { code: 1, signal: null });
  for (;;) {
    const info = platform.statSync(statusFile);
    if (info !== null && info.size > 0) {
      const report = platform.readTextFileSync(statusFile);
      if (report.startsWith("started")) {
        log(`Daemon process ${pid} started.`);
        return 0;
      }
      log(`Daemon process ${pid} failed to start; see its log.`);
      // It is exiting; pass its exit code (70 for a failed start listener) on.
      const final = await Promise.race([
        status.catch(() => null),
        new Promise<null>((r) => setTimeout(() => r(null), 5000)),
      ]);
      return typeof final?.code === "number" && final.code !== 0 ? final.code : 1;
    }
    if (ended !== undefined) {
      log(`Daemon process ${pid} ended while starting (${ended.code ?? ended.signal}).`);
      return typeof ended.code === "number" && ended.code !== 0 ? ended.code : 1;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
