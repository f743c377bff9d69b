/**
 * The log files (`log.error_file`, `log.access_file`): each opened once and written through a
 * buffer, so that a request's access line costs an append to a list, not a file operation.
 *
 * - Lines are written out at least once a second, as soon as 64 KiB are waiting, when the
 *   engine stops or exits, and synchronously as the process ends (also before it replaces
 *   itself on a restart): no line is lost on SIGTERM or SIGHUP.
 * - {@link reopenLogFiles} (the engine's `graceful`, SIGUSR1) writes out what waits, closes
 *   every file and opens it again on the next line: after `logrotate` renamed the file, the
 *   new lines go to a new file of the old name.
 * - A file that cannot be opened or written is reported once on standard error; its lines are
 *   dropped until it can be written again (a log must not take the site down).
 *
 * @module
 */

import { type AppendFile, platform } from "../../platform/mod.ts";

/** How long a line may wait before it is written, in ms. */
const FLUSH_MS = 1000;
/** How many characters may wait before they are written at once. */
const FLUSH_SIZE = 65536;

/** One log file: its path, its open handle and the lines waiting for it. */
class LogFile {
  readonly path: string;
  #file: AppendFile | null = null;
  #pending: string[] = [];
  #size = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #failed = false;

  constructor(path: string) {
    this.path = path;
  }

  write(line: string): void {
    this.#pending.push(line);
    this.#size += line.length;
    if (this.#size >= FLUSH_SIZE) this.flush();
    else if (this.#timer === null) {
      this.#timer = setTimeout(() => {
        this.#timer = null;
        this.flush();
      }, FLUSH_MS);
      platform.unrefTimer(this.#timer);
    }
  }

  flush(): void {
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    if (this.#pending.length === 0) return;
    const text = this.#pending.join("");
    this.#pending = [];
    this.#size = 0;
    try {
      this.#file ??= platform.openAppendSync(this.path);
      this.#file.write(text);
      this.#failed = false;
    } catch (e) {
      this.#close();
      if (!this.#failed) {
        this.#failed = true;
        platform.writeStderr(
          `Cannot write the log file ${this.path}: ${(e as Error)?.message ?? e}. ` +
            "Its lines are dropped until it can be written again.\n",
        );
      }
    }
  }

  /** Writes out what waits and closes the file (the next line opens it again). */
  reopen(): void {
    this.flush();
    this.#close();
  }

  #close(): void {
    const file = this.#file;
    this.#file = null;
    try {
      file?.close();
    } catch { /* already gone */ }
  }
}

const files = new Map<string, LogFile>();
let hooked = false;

/**
 * Appends `line` (with its newline) to the log file `path`, through its buffer.
 *
 * @example An access line
 * ```ts
 * import { appendLogLine, flushLogFiles } from "./log_files.ts";
 * appendLogLine("/tmp/access.log", '127.0.0.1 - - [01/Jan/2027:00:00:00] "GET / HTTP/1.1" 200 5\n');
 * flushLogFiles();
 * ```
 */
export function appendLogLine(path: string, line: string): void {
  let file = files.get(path);
  if (file === undefined) {
    files.set(path, file = new LogFile(path));
    if (!hooked) {
      hooked = true;
      platform.onExit(flushLogFiles);
    }
  }
  file.write(line);
}

/**
 * Writes out every line waiting for a log file (what the engine does when it stops or exits).
 *
 * @example Before reading a log file
 * ```ts
 * import { flushLogFiles } from "./log_files.ts";
 * flushLogFiles();
 * ```
 */
export function flushLogFiles(): void {
  for (const file of files.values()) file.flush();
}

/**
 * Writes out what waits, then closes every log file; each is opened again (created when
 * missing) at its next line. The engine does this on `graceful` (SIGUSR1), for log rotation.
 *
 * @example After renaming the access log
 * ```ts
 * import { reopenLogFiles } from "./log_files.ts";
 * reopenLogFiles();
 * ```
 */
export function reopenLogFiles(): void {
  for (const file of files.values()) file.reopen();
}
