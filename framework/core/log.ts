/**
 * Logging in CherryPy's formats: an error log (`[21/Nov/2026:13:44:17] ENGINE Bus STARTED`)
 * to standard error and an access log (`127.0.0.1 - - [...] "GET / HTTP/1.1" 200 12 "" "curl"`)
 * to standard output, each optionally to a file too.
 *
 * @module
 */

import { type Request, requestLineSource } from "./request.ts";
import type { Response } from "./response.ts";
import { formatTraceback } from "../../bus/mod.ts";
import { platform } from "../../platform/mod.ts";
import { callableFacade } from "./_facade.ts";
import { appendAccessParts, appendLogLine, type RequestLineParts } from "./log_files.ts";

/** What {@link escapeLogValue} changes: `"`, control characters and anything past ASCII. */
// deno-lint-ignore no-control-regex
const NEEDS_ESCAPE = /["\x00-\x1f\x7f-\uffff]/;

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad = (n: number) => (n < 10 ? "0" + n : String(n));

let cachedSecond = -1;
let cachedStamp = "";

/**
 * The log timestamp `[23/Nov/2026:09:10:17]`, in local time (computed once per second).
 *
 * @example Using `logTime`
 * ```ts
 * import { logTime } from "./mod.ts";
 * console.log(logTime()); // "[23/Nov/2026:09:10:17]"
 * ```
 */
export function logTime(now: number = Date.now()): string {
  const second = Math.floor(now / 1000);
  if (second !== cachedSecond) {
    const d = new Date(second * 1000);
    cachedStamp = `[${pad(d.getDate())}/${MONTHS[d.getMonth()]}/${d.getFullYear()}:` +
      `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}]`;
    cachedSecond = second;
  }
  return cachedStamp;
}

/**
 * Escapes a value for the access log as CherryPy does: `"` becomes `\"`, and whitespace and
 * non-printable characters are written as in Python's `repr` of their UTF-8 bytes (`\n`,
 * `\t`, `\xhh`); a backslash stays as it is.
 *
 * @example Using `escapeLogValue`
 * ```ts
 * import { escapeLogValue } from "./mod.ts";
 * escapeLogValue('say "hi"\n'); // 'say \\"hi\\"\\n'
 * ```
 */
export function escapeLogValue(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  // As CherryPy writes it: `"` is escaped, then the UTF-8 bytes go through Python's `repr`
  // (whose escaped backslashes are then undone); `'` is escaped only when `"` is there too.
  const escapeQuote = value.includes('"') && value.includes("'");
  let out = "";
  for (const byte of new TextEncoder().encode(value)) {
    if (byte === 0x22) out += '\\"';
    else if (byte === 0x27 && escapeQuote) out += "\\'";
    else if (byte === 0x0a) out += "\\n";
    else if (byte === 0x0d) out += "\\r";
    else if (byte === 0x09) out += "\\t";
    else if (byte < 0x20 || byte >= 0x7f) out += "\\x" + byte.toString(16).padStart(2, "0");
    else out += String.fromCharCode(byte);
  }
  return out;
}

/**
 * The time as RFC 3339 in UTC, to the second (`2019-12-31T17:23:45Z`): the `{z}` of
 * {@link LogManager.access_log_format} (CherryPy's `LazyRfc3339UtcTime`).
 *
 * @example Using `rfc3339UtcTime`
 * ```ts
 * import { rfc3339UtcTime } from "./mod.ts";
 * rfc3339UtcTime(Date.UTC(2019, 11, 31, 17, 23, 45)); // "2019-12-31T17:23:45Z"
 * ```
 */
export function rfc3339UtcTime(now: number = Date.now()): string {
  return new Date(Math.floor(now / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** CherryPy's default access-log format (the combined log format). */
const COMBINED_FORMAT = '{h} {l} {u} {t} "{r}" {s} {b} "{f}" "{a}"';

// The combined line's start (`host - login [time] "`) and end (`"referer" "agent"`) of the
// last request: a client's requests on one connection share them, so that most lines are
// joined from a few pieces, without escaping anything again.
let lastHost = "";
let lastLogin = "";
let lastStamp = "";
let lastStart = "";
let lastReferer = "";
let lastAgent = "";
let lastEnd = "";

// The parts of the combined line of the request being logged, set by `combinedParts`.
/** The request line, or the native request it is made of (see `requestLineSource`). */
let partLine: string | RequestLineParts = "";
let partCode = 0;
let partLength = "-";

/**
 * Sets the parts of a request's combined-format line, stamped with the time its response began
 * (`response.time`, as Apache's `%t`): `lastStart`, then `partLine` (the request line),
 * `partCode`, `partLength`, then `lastEnd`. `lastStart` and `lastEnd` are escaped; the request
 * line and the length are escaped by whoever writes them.
 */
function combinedParts(request: Request, response: Response, len: string | null): void {
  const remote = request.remote;
  const host = remote.name || remote.ip;
  const login = request.login || "-";
  const stamp = logTime(response.time * 1000);
  if (host !== lastHost || login !== lastLogin || stamp !== lastStamp) {
    lastStart = escapeLogValue(host) + " - " + (login === "-" ? "-" : escapeLogValue(login)) +
      " " + stamp + ' "';
    lastHost = host;
    lastLogin = login;
    lastStamp = stamp;
  }
  const referer = request.header("referer") ?? "";
  const agent = request.header("user-agent") ?? "";
  if (referer !== lastReferer || agent !== lastAgent) {
    lastEnd = '"' + escapeLogValue(referer) + '" "' + escapeLogValue(agent) + '"';
    lastReferer = referer;
    lastAgent = agent;
  }
  // (Escaped by whoever writes it: the request line rarely needs it.)
  partLine = requestLineSource(request) ?? request.request_line;
  partCode = response.code;
  partLength = len || "-";
}

/** {@link partLine} as one string. */
function joinedLine(): string {
  const line = partLine;
  return typeof line === "string" ? line : `${line.method} ${line.target} ${line.protocol}`;
}

/** Severity levels (Python logging's numbers). */
export const levels = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40, CRITICAL: 50 } as const;

/** A function given every log record; plug other loggers in with {@link LogManager.handlers}. */
export type LogHandler = (record: LogRecord) => void;

/** One log record. */
export interface LogRecord {
  /** `"error"` for the error log, `"access"` for the access log. */
  readonly kind: "error" | "access";
  /** The formatted line, without a trailing newline. */
  readonly line: string;
  /** Severity (see {@link levels}); access records are INFO. */
  readonly severity: number;
}

/**
 * A pair of logs, error and access, as CherryPy's `LogManager`: written to the screen when
 * {@link LogManager.screen} is on (error log to stderr, access log to stdout) and appended to
 * `error_file` / `access_file` when those are set (through a buffer written out at least once a
 * second and when the process ends; see `log_files.ts`).
 *
 * @example Using `LogManager`
 * ```ts
 * import { LogManager } from "../../mod.ts";
 * const log = new LogManager();
 * log.screen = false;
 * log.error("Something happened", "APP", 30);
 * ```
 */
export class LogManager {
  /** Write to standard error/output. */
  screen: boolean;
  /** A file the error log is appended to (`""`: none). */
  error_file = "";
  /** A file the access log is appended to (`""`: none). */
  access_file = "";
  /** Records below this severity are not written. */
  level: number = levels.INFO;
  /**
   * The access-log line (CherryPy's `LogManager.access_log_format`): `{h}` remote host, `{l}`
   * `-`, `{u}` login, `{t}` local time, `{r}` request line, `{s}` status code, `{b}` response
   * length, `{f}` Referer, `{a}` User-Agent, `{o}` Host, `{i}` the request's unique id, `{z}`
   * the UTC time in RFC 3339. Every value is escaped as CherryPy escapes it. A log with a
   * parent (an application's) uses its parent's format unless given its own.
   */
  get access_log_format(): string {
    return this.#format ?? this.parent?.access_log_format ?? COMBINED_FORMAT;
  }
  set access_log_format(value: string) {
    this.#format = value;
  }
  #format: string | undefined;
  /** Extra handlers, called with every record written. */
  readonly handlers: LogHandler[] = [];
  /** The log records also go to (an application's log sends them to the global log). */
  readonly parent: LogManager | null;

  /** Creates a log; `screen` defaults to on for a log without a parent. */
  constructor(options: { parent?: LogManager | null; screen?: boolean } = {}) {
    this.parent = options.parent ?? null;
    this.screen = options.screen ?? this.parent === null;
  }

  /** Writes `msg` to the error log: `[time] CONTEXT msg`, with a traceback when given. */
  error(msg = "", context = "", severity: number = levels.INFO, traceback: unknown = false): void {
    if (severity < this.level) return;
    let line = context ? `${logTime()} ${context} ${msg}` : `${logTime()}  ${msg}`;
    if (traceback !== false && traceback !== undefined && traceback !== null) {
      line += "\n" + formatTraceback(traceback);
    }
    this.#emit("error", line, severity);
  }

  /** `true` when an access-log line would be written anywhere (lets callers skip building it). */
  wantsAccess(): boolean {
    return this.screen || this.access_file !== "" || this.handlers.length > 0 ||
      (this.parent !== null && this.parent.wantsAccess());
  }

  /**
   * Writes the access-log line of a finished request in CherryPy's format (the combined log
   * format: remote host, login, time, request line, status, length, referer, user agent), as
   * CherryPy's `LogManager.access()` does. Builds nothing when no access log is written.
   */
  access(request: Request, response: Response): void {
    if (!this.wantsAccess()) return;
    const len = response.headers.get("Content-Length");
    const format = this.access_log_format;
    if (format === COMBINED_FORMAT) {
      combinedParts(request, response, len);
      // Only files take the line: its parts go to them as bytes, no line is built.
      if (this.#filesOnly()) this.#appendParts();
      else {
        this.#emit(
          "access",
          lastStart + escapeLogValue(joinedLine()) + '" ' + partCode + " " +
            escapeLogValue(partLength) + " " + lastEnd,
          levels.INFO,
        );
      }
      // (The native request is not kept past its line.)
      partLine = "";
      return;
    }
    const atoms: Record<string, () => string> = {
      h: () => request.remote.name || request.remote.ip,
      l: () => "-",
      u: () => request.login || "-",
      t: () => logTime(response.time * 1000),
      r: () => request.request_line,
      s: () => String(response.code),
      b: () => len || "-",
      f: () => request.header("referer") ?? "",
      a: () => request.header("user-agent") ?? "",
      o: () => request.header("host") ?? "-",
      i: () => request.unique_id,
      z: () => rfc3339UtcTime(),
    };
    this.accessLine(
      format.replace(/\{(\w)\}/g, (all, key: string) => {
        const atom = atoms[key];
        return atom === undefined ? all : escapeLogValue(atom());
      }),
    );
  }

  /** Whether access lines go to files only, here and up the chain (no screen, no handlers). */
  #filesOnly(): boolean {
    return !this.screen && this.handlers.length === 0 &&
      (this.parent === null || this.parent.#filesOnly());
  }

  /** Appends the parts set by `combinedParts` to the access files, here and up the chain. */
  #appendParts(): void {
    const file = this.access_file;
    if (
      file &&
      !appendAccessParts(file, lastStart, partLine, partCode, partLength, lastEnd)
    ) {
      const line = escapeLogValue(joinedLine());
      const length = escapeLogValue(partLength);
      appendAccessParts(file, lastStart, line, partCode, length, lastEnd, true);
    }
    if (this.parent !== null) this.parent.#appendParts();
  }

  /** Writes a preformatted access-log line. */
  accessLine(line: string): void {
    this.#emit("access", line, levels.INFO);
  }

  /** Writes a formatted record to this log's outputs (and its parent's). */
  emitRecord(kind: "error" | "access", line: string, severity: number): void {
    this.#emit(kind, line, severity);
  }

  #emit(kind: "error" | "access", line: string, severity: number): void {
    if (this.screen) {
      if (kind === "error") platform.writeStderr(line + "\n");
      else platform.writeStdout(line + "\n");
    }
    const file = kind === "error" ? this.error_file : this.access_file;
    if (file) appendLogLine(file, line + "\n");
    if (this.handlers.length > 0) {
      const record: LogRecord = { kind, line, severity };
      for (const handler of this.handlers) handler(record);
    }
    this.parent?.emitRecord(kind, line, severity);
  }
}

/** Options of a call to the global log: `cherrypy.log(msg, { traceback: error })`. */
export interface LogCallOptions {
  /** The context word (`"ENGINE"`, `"HTTP"`); default none. */
  context?: string;
  /** The severity (default INFO). */
  severity?: number;
  /** An error whose traceback follows the message; `true` for the error being handled. */
  traceback?: unknown;
}

/** `cherrypy.log`: a {@link LogManager} that can also be called to write to the error log. */
export type CallableLog = LogManager & {
  (msg?: string, options?: LogCallOptions): void;
  (msg: string, context: string, severity?: number, traceback?: unknown): void;
};

/**
 * Makes `manager` callable as `cherrypy.log(msg, ...)`. During a request the record goes to
 * the application's log (which passes it on to the global one), as CherryPy does.
 *
 * @example Using `callableLog`
 * ```ts
 * import { LogManager } from "../../mod.ts";
 * import { callableLog } from "./mod.ts";
 * const log = callableLog(new LogManager(), () => ({ log: null, error: undefined }));
 * log("Something happened", { severity: 30 });
 * log.screen = false;
 * ```
 */
export function callableLog(
  manager: LogManager,
  current: () => { log: LogManager | null; error: unknown },
): CallableLog {
  const call = (msg = "", second?: string | LogCallOptions, severity?: number, tb?: unknown) => {
    const options: LogCallOptions = typeof second === "object" && second !== null
      ? second
      : { context: second ?? "", severity: severity ?? levels.INFO, traceback: tb ?? false };
    const where = current();
    let traceback = options.traceback ?? false;
    if (traceback === true) traceback = where.error ?? false;
    (where.log ?? manager).error(msg, options.context ?? "", options.severity, traceback);
  };
  return callableFacade(call, manager, LogManager.prototype) as CallableLog;
}
