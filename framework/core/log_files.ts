/**
 * The log files (`log.error_file`, `log.access_file`): each opened once and written through a
 * buffer, so that a request's access line costs copying its bytes, not a file operation. The
 * lines are encoded into the buffer as they come: no string outlives its request (lines kept
 * as strings until a write would survive the young generation's collections, and cost the
 * collector more than the encoding).
 *
 * - Lines are written out at least once a second, when the next line does not fit in the
 *   64 KiB buffer, when the engine stops or exits, and synchronously as the process ends (also before it replaces
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
/** How many bytes may wait before they are written at once. */
const FLUSH_SIZE = 65536;

const encoder = new TextEncoder();

/**
 * Copies `text` into `buffer` at `at`, one byte per character, and returns where it ends; `-1`
 * when `text` has a character the access log escapes (a control character, anything past
 * ASCII, or `quote`).
 */
function copyPrintable(buffer: Uint8Array, at: number, text: string, quote: number): number {
  for (let i = 0, n = text.length; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === quote) return -1;
    buffer[at++] = c;
  }
  return at;
}

/**
 * Copies `bytes` into `buffer` at `at` and returns where they end: byte by byte when they are
 * short (an access line's start and end), where `set` costs more than the loop.
 */
function copyBytes(buffer: Uint8Array, at: number, bytes: Uint8Array): number {
  const n = bytes.length;
  if (n > 64) {
    buffer.set(bytes, at);
    return at + n;
  }
  for (let i = 0; i < n; i++) buffer[at++] = bytes[i]!;
  return at;
}

/**
 * A request line as its three parts (a native request is one), written with a space between
 * each: what the access log takes instead of the joined line when it has them.
 */
export interface RequestLineParts {
  /** `GET`. */
  readonly method: string;
  /** `/path?qs`. */
  readonly target: string;
  /** `HTTP/1.1`. */
  readonly protocol: string;
}

/** The length of `line` once written. */
function lineLength(line: string | RequestLineParts): number {
  return typeof line === "string"
    ? line.length
    : line.method.length + line.target.length + line.protocol.length + 2;
}

/** Copies `line` as {@link copyPrintable} does (its parts with a space between each). */
function copyLine(
  buffer: Uint8Array,
  at: number,
  line: string | RequestLineParts,
  quote: number,
): number {
  if (typeof line === "string") return copyPrintable(buffer, at, line, quote);
  at = copyPrintable(buffer, at, line.method, quote);
  if (at < 0) return -1;
  buffer[at++] = 0x20;
  at = copyPrintable(buffer, at, line.target, quote);
  if (at < 0) return -1;
  buffer[at++] = 0x20;
  return copyPrintable(buffer, at, line.protocol, quote);
}

/** One log file: its path, its open handle and the lines waiting for it. */
class LogFile {
  readonly path: string;
  #file: AppendFile | null = null;
  /** The bytes waiting, at the start of `#buffer`. */
  #buffer: Uint8Array = new Uint8Array(FLUSH_SIZE);
  #used = 0;
  #startText = "";
  #startBytes = new Uint8Array(0);
  #endText = "";
  #endBytes = new Uint8Array(0);
  #timer: ReturnType<typeof setTimeout> | null = null;
  #failed = false;

  constructor(path: string) {
    this.path = path;
  }

  write(line: string): void {
    // (A UTF-8 character takes at most 3 bytes per UTF-16 unit.)
    if (line.length * 3 > this.#buffer.length - this.#used) {
      this.flush();
      if (line.length * 3 > this.#buffer.length) {
        this.#writeOut(encoder.encode(line));
        return;
      }
    }
    const buffer = this.#buffer;
    let at = this.#used;
    // ASCII (every access line: its values are escaped) byte for byte; from the first other
    // character on, through the encoder.
    let i = 0;
    for (const n = line.length; i < n; i++) {
      const c = line.charCodeAt(i);
      if (c > 0x7f) break;
      buffer[at++] = c;
    }
    if (i < line.length) {
      at += encoder.encodeInto(i === 0 ? line : line.slice(i), buffer.subarray(at)).written;
    }
    this.#used = at;
    this.#schedule();
  }

  /**
   * Appends a combined access line from its parts: `start`, `line`, `" `, `code`, ` `,
   * `length`, ` `, `end` and a newline. `start` and `end` (ASCII) change rarely (a client's
   * requests share them): their bytes are kept from the last line. Returns `false`, writing
   * nothing, when `line` or `length` has a character the log escapes (`"`, a control character,
   * anything past ASCII): the caller escapes them and calls again with `escaped` (an escaped
   * value is ASCII, its `"` written as `\"`).
   */
  writeParts(
    start: string,
    line: string | RequestLineParts,
    code: number,
    length: string,
    end: string,
    escaped = false,
  ): boolean {
    // After escaping, a `"` is part of a `\"`.
    const quote = escaped ? -1 : 0x22;
    if (start !== this.#startText) {
      this.#startBytes = encoder.encode(start);
      this.#startText = start;
    }
    if (end !== this.#endText) {
      this.#endBytes = encoder.encode(end);
      this.#endText = end;
    }
    const startBytes = this.#startBytes;
    const endBytes = this.#endBytes;
    // A status code of three digits (every code a response can have) is written digit by digit.
    const codeText = code >= 100 && code <= 999 ? null : String(code);
    const size = startBytes.length + lineLength(line) + (codeText === null ? 3 : codeText.length) +
      length.length + endBytes.length + 5;
    if (size > this.#buffer.length - this.#used) this.flush();
    // A line longer than the buffer goes out on its own, from a buffer of its size.
    const alone = size > this.#buffer.length;
    const buffer = alone ? new Uint8Array(size) : this.#buffer;
    let at = copyBytes(buffer, alone ? 0 : this.#used, startBytes);
    at = copyLine(buffer, at, line, quote);
    if (at < 0) return false;
    buffer[at++] = 0x22; // "
    buffer[at++] = 0x20;
    if (codeText === null) {
      buffer[at++] = 0x30 + ((code / 100) | 0);
      buffer[at++] = 0x30 + (((code / 10) | 0) % 10);
      buffer[at++] = 0x30 + (code % 10);
    } else at = copyPrintable(buffer, at, codeText, quote);
    buffer[at++] = 0x20;
    at = copyPrintable(buffer, at, length, quote);
    if (at < 0) return false;
    buffer[at++] = 0x20;
    at = copyBytes(buffer, at, endBytes);
    buffer[at++] = 0x0a;
    if (alone) this.#writeOut(buffer.subarray(0, at));
    else {
      this.#used = at;
      this.#schedule();
    }
    return true;
  }

  #schedule(): void {
    if (this.#timer === null) {
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
    if (this.#used === 0) return;
    const bytes = this.#buffer.subarray(0, this.#used);
    this.#used = 0;
    this.#writeOut(bytes);
  }

  #writeOut(bytes: Uint8Array): void {
    try {
      this.#file ??= platform.openAppendSync(this.path);
      this.#file.write(bytes);
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
  logFile(path).write(line);
}

function logFile(path: string): LogFile {
  let file = files.get(path);
  if (file === undefined) {
    files.set(path, file = new LogFile(path));
    if (!hooked) {
      hooked = true;
      platform.onExit(flushLogFiles);
    }
  }
  return file;
}

/**
 * Appends a combined-format access line to the log file `path` from its parts: `start`
 * (`host - login [time] "`, escaped), the request line (or its three parts), the status code,
 * the length (or `-`) and `end` (`"referer" "agent"`, escaped). What {@link appendLogLine}
 * does with the joined line, without joining it. Returns `false`, writing nothing, when the request line or the
 * length needs escaping (see `escapeLogValue`): escape them and call again with `escaped`.
 *
 * @example An access line from its parts
 * ```ts
 * import { appendAccessParts, flushLogFiles } from "./log_files.ts";
 * appendAccessParts("/tmp/access.log", '127.0.0.1 - - [01/Jan/2027:00:00:00] "', "GET / HTTP/1.1", 200, "5", '"" "curl"');
 * flushLogFiles();
 * ```
 *
 * @example The request line as its parts
 * ```ts
 * import { appendAccessParts } from "./log_files.ts";
 * const line = { method: "GET", target: "/", protocol: "HTTP/1.1" };
 * appendAccessParts("/tmp/access.log", '127.0.0.1 - - [01/Jan/2027:00:00:00] "', line, 200, "5", '"" "curl"');
 * ```
 */
export function appendAccessParts(
  path: string,
  start: string,
  line: string | RequestLineParts,
  code: number,
  length: string,
  end: string,
  escaped = false,
): boolean {
  return logFile(path).writeParts(start, line, code, length, end, escaped);
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
