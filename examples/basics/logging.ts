/**
 * Logging (docs §4.3): the error log and the access log, `cherrypy.log(...)`, log files,
 * disabling the logs, and playing along with the application's other loggers.
 *
 *     deno run -A examples/basics/logging.ts
 *     curl http://127.0.0.1:8080/           # "hello world"; logs boom, bam and bang
 *     curl http://127.0.0.1:8080/kaboom     # logs "kaboom!" with the error's traceback
 *
 * The framework keeps two logs: the access log (one line per request, in the common log
 * format) and the error log (errors and application messages, written with `cherrypy.log`).
 * `log.access_file` and `log.error_file` append them to files; `log.screen` writes them to
 * standard output and standard error.
 *
 * CherryPy's sample configures Python's `logging` module so that the access log goes to
 * `access.log`, the error log to the console and `errors.log`, and the application's own
 * loggers (`root`, `db`) to the console. Here the application's loggers are a small
 * {@link Logger} class, and the framework's records are routed by a log handler
 * (`cherrypy.log.handlers`), which receives every line of both logs: see {@link routeLogs}.
 * CherryPy also unsubscribes `log.reopen_files` from `graceful`; there is nothing to
 * unsubscribe here, since log files are opened for each line written.
 *
 * @twin §4.3 #1, §4.3 #2, §4.3.1 #1, §4.3.2 #1
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** Python's `logging` time stamp: `2026-11-23 09:10:17,123`, local time. */
function asctime(date: Date = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())} ` +
    `${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())},` +
    p(date.getMilliseconds(), 3);
}

/**
 * A named application logger writing `asctime [LEVEL] name: message` lines (the docs'
 * "standard" format) to `write` (standard output by default).
 */
export class Logger {
  /** Where formatted lines go. */
  write: (line: string) => void;

  /** The logger's name. */
  readonly name: string;

  /** Creates the logger called `name`. */
  constructor(name: string, write?: (line: string) => void) {
    this.name = name;
    this.write = write ?? ((line) => cherrypy.platform.writeStdout(line + "\n"));
  }

  /** Logs `message` at level INFO. */
  info(message: string): void {
    this.write(`${asctime()} [INFO] ${this.name}: ${message}`);
  }
}

/** The application's root logger (`logging.getLogger()`). */
export const logger: Logger = new Logger("root");
/** The database layer's logger (`logging.getLogger('db')`). */
export const dbLogger: Logger = new Logger("db");

/** Global config that turns off the framework's own log outputs (docs §4.3.1). */
export const NO_FRAMEWORK_LOG_OUTPUT: Record<string, unknown> = {
  "log.screen": false,
  "log.access_file": "",
  "log.error_file": "",
};

/** Where {@link routeLogs} sends the framework's records. */
export interface LogRoutes {
  /** The access log's file (the docs' `cherrypy_access` handler). */
  accessFile: string;
  /** The error log's file (the docs' `cherrypy_error` handler). */
  errorFile: string;
  /** The console (the docs' `cherrypy_console` handler); standard output by default. */
  console?: (line: string) => void;
}

/**
 * Routes the records of `log` (the framework's global log by default) as the docs'
 * `LOG_CONF` does: access lines to `accessFile`, error lines to the console and `errorFile`.
 * Lines are written as the framework formatted them (the docs' "void" formatter).
 */
export function routeLogs(routes: LogRoutes, log: cherrypy.LogManager = cherrypy.log): void {
  const toConsole = routes.console ?? ((line) => cherrypy.platform.writeStdout(line + "\n"));
  log.handlers.push((record) => {
    if (record.kind === "access") {
      cherrypy.platform.appendFileSync(routes.accessFile, record.line + "\n");
    } else {
      toConsole(record.line);
      cherrypy.platform.appendFileSync(routes.errorFile, record.line + "\n");
    }
  });
}

/** The application. */
export class Root {
  /** `/`: logs one message with each logger. */
  @cherrypy.expose
  index(): string {
    logger.info("boom");
    dbLogger.info("bam");
    cherrypy.log("bang");
    return "hello world";
  }

  /** `/kaboom`: logs an error with its traceback, and carries on. */
  @cherrypy.expose
  kaboom(): string {
    try {
      JSON.parse("{not json");
    } catch (error) {
      // CherryPy's traceback=True means "the exception being handled"; JavaScript has no
      // such thing, so the error is passed.
      cherrypy.log("kaboom!", { traceback: error });
    }
    return "logged";
  }
}

if (cherrypy.isMain(import.meta)) {
  cherrypy.log("hello there");
  cherrypy.config.update(NO_FRAMEWORK_LOG_OUTPUT);
  routeLogs({ accessFile: "access.log", errorFile: "errors.log" });
  await cherrypy.quickstart(new Root());
}
