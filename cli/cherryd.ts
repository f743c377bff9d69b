#!/usr/bin/env node
/**
 * `cherryd`, CherryPy's launcher: imports the modules that mount a site's applications, reads
 * its config files, subscribes the process plugins asked for (daemonizer, PID file, signal
 * handlers) and runs the engine until it exits.
 *
 *     cherryd -c site.conf -i app -d -p /var/run/site.pid          # the npm package's bin
 *     deno run -A cli/cherryd.ts -c site.conf -i app               # from the sources
 *     bun cli/cherryd.ts -c site.conf -i app
 *
 * | option                    | what                                                          |
 * | ------------------------- | ------------------------------------------------------------- |
 * | `-c`, `--config FILE`     | a config file (repeatable): global config, and the app's when one app is mounted |
 * | `-d`                      | run as a daemon (`log.screen` off, the `Daemonizer` plugin)   |
 * | `-e`, `--environment ENV` | a config environment (`production`, `staging`, ...)           |
 * | `-i`, `--import MODULE`   | a module to import (repeatable); it mounts its apps on `tree` |
 * | `-p`, `--pidfile FILE`    | write the process id there (the `PIDFile` plugin)             |
 * | `-P`, `--Path DIR`        | a folder to look for `-i` modules in (repeatable)              |
 * | `-f`, `-s`, `-x`          | FastCGI, SCGI, CGI: not served; the error says what to use    |
 *
 * @module
 */

import { Application, config, Daemonizer, engine, PIDFile, platform, tree } from "../mod.ts";

/** The options of one `cherryd` command line. */
export interface CherrydOptions {
  /** Config files, in order (`-c`). */
  configFiles: string[];
  /** Run as a daemon (`-d`). */
  daemonize: boolean;
  /** A config environment (`-e`). */
  environment?: string;
  /** Modules to import, in order (`-i`). */
  imports: string[];
  /** The PID file (`-p`). */
  pidfile?: string;
  /** Folders searched for the `-i` modules before the working directory (`-P`). */
  paths: string[];
  /** The gateway asked for with `-f`, `-s` or `-x`. */
  gateways: Array<"fastcgi" | "scgi" | "cgi">;
  /** `-h` / `--help`. */
  help: boolean;
}

/** A command line `cherryd` cannot run: its message says what is wrong (exit status 2). */
export class UsageError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** What `cherryd --help` prints. */
export const USAGE = `Usage: cherryd [options]

Runs a CherryPy site: imports the modules that mount its applications, applies its config
files and runs the engine until it is stopped (SIGTERM, SIGINT) or restarted (SIGHUP).

Options:
  -h, --help                  show this help and exit
  -c FILE, --config=FILE      a config file (repeatable)
  -d                          run the server as a daemon
  -e ENV, --environment=ENV   apply the given config environment
  -f                          (FastCGI: not available; serve HTTP behind the proxy)
  -s                          (SCGI: not available; serve HTTP behind the proxy)
  -x                          (CGI: not available; serve HTTP behind the proxy)
  -i MODULE, --import=MODULE  a module to import (repeatable)
  -p FILE, --pidfile=FILE     store the process id in the given file
  -P DIR, --Path=DIR          a folder to find the -i modules in (repeatable)
`;

const VALUED: Record<string, "configFiles" | "environment" | "imports" | "pidfile" | "paths"> = {
  "-c": "configFiles",
  "--config": "configFiles",
  "-e": "environment",
  "--environment": "environment",
  "-i": "imports",
  "--import": "imports",
  "-p": "pidfile",
  "--pidfile": "pidfile",
  "-P": "paths",
  "--Path": "paths",
};
const GATEWAYS = { "-f": "fastcgi", "-s": "scgi", "-x": "cgi" } as const;

/**
 * Reads a `cherryd` command line (without the program): options as CherryPy's `optparse`
 * takes them (`-c FILE`, `-cFILE`, `--config FILE`, `--config=FILE`, flags grouped as `-dx`).
 *
 * @example Parse a daemon's command line
 * ```ts
 * import { parseCherrydArgs } from "./cherryd.ts";
 * const options = parseCherrydArgs(["-c", "site.conf", "-i", "app", "-d", "-p", "site.pid"]);
 * console.log(options.configFiles, options.imports, options.daemonize, options.pidfile);
 * ```
 */
export function parseCherrydArgs(argv: readonly string[]): CherrydOptions {
  const options: CherrydOptions = {
    configFiles: [],
    daemonize: false,
    imports: [],
    paths: [],
    gateways: [],
    help: false,
  };
  const take = (name: string, value: string | undefined): void => {
    if (value === undefined || value === "") {
      throw new UsageError(`${name} option requires an argument`);
    }
    const key = VALUED[name]!;
    if (key === "environment" || key === "pidfile") options[key] = value;
    else options[key].push(value);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "-h" || arg === "--help") options.help = true;
    else if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq < 0 ? arg : arg.slice(0, eq);
      if (!(name in VALUED)) throw new UsageError(`no such option: ${name}`);
      take(name, eq < 0 ? argv[++i] : arg.slice(eq + 1));
    } else if (arg.startsWith("-") && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const name = `-${arg[j]}`;
        if (name in VALUED) {
          take(name, j + 1 < arg.length ? arg.slice(j + 1) : argv[++i]);
          break;
        }
        if (name === "-d") options.daemonize = true;
        else if (name === "-h") options.help = true;
        else if (name in GATEWAYS) options.gateways.push(GATEWAYS[name as keyof typeof GATEWAYS]);
        else throw new UsageError(`no such option: ${name}`);
      }
    } else {
      throw new UsageError(
        `unexpected argument ${JSON.stringify(arg)} (config files go after -c, modules after -i)`,
      );
    }
  }
  return options;
}

const GATEWAY_NAMES = { fastcgi: "FastCGI (-f)", scgi: "SCGI (-s)", cgi: "CGI (-x)" };

/** Why the gateways asked for cannot run, or `undefined` when none was asked for. */
function gatewayRefusal(gateways: CherrydOptions["gateways"]): string | undefined {
  if (gateways.length === 0) return undefined;
  if (new Set(gateways).size > 1) {
    return "You may only specify one of the cgi, fastcgi, and scgi options.";
  }
  return `${GATEWAY_NAMES[gateways[0]!]} is not available in cherrypy-ts: run the HTTP server ` +
    "(the default) behind the front server, on a TCP port (server.socket_host, " +
    "server.socket_port) or a Unix socket (server.socket_file), and proxy to it.";
}

/** `name` taken from folder `dir`, with `.` and `..` steps resolved. */
function join(dir: string, name: string): string {
  const parts: string[] = [];
  for (const part of (name.startsWith("/") ? name : `${dir}/${name}`).split("/")) {
    if (part === "..") parts.pop();
    else if (part !== "." && part !== "") parts.push(part);
  }
  return "/" + parts.join("/");
}

function fileUrl(path: string): string {
  return "file://" + path.split("/").map(encodeURIComponent).join("/");
}

/**
 * Where module `name` (`app`, `pkg.site`, `site/app.ts`) is: the first file found in the `-P`
 * folders (the last given first, as Python's `sys.path.insert(0, ...)`), then the working
 * directory. A dotted name is a path (`pkg.site` is `pkg/site.ts`, `.js`, ...). A name that is
 * not found there is imported as it is (a package name or URL).
 */
export function resolveModule(name: string, paths: readonly string[], cwd: string): string {
  const bases = [...paths].reverse().map((p) => join(cwd, p));
  bases.push(cwd);
  const hasExtension = /\.[cm]?[jt]sx?$/.test(name);
  const stem = hasExtension || name.includes("/") ? name : name.replaceAll(".", "/");
  // Node runs JavaScript first; Deno and Bun run the TypeScript sources first.
  const order = platform.name === "node"
    ? [".js", ".mjs", ".ts", "/mod.js", "/index.js", "/mod.ts", "/index.ts"]
    : [".ts", ".js", ".mjs", "/mod.ts", "/index.ts", "/mod.js", "/index.js"];
  const suffixes = hasExtension ? [""] : order;
  for (const base of bases) {
    for (const suffix of suffixes) {
      const path = join(base, stem + suffix);
      if (platform.statSync(path)?.isFile) return fileUrl(path);
    }
  }
  if (name.startsWith(".") || name.startsWith("/")) {
    throw new Error(`Cannot import ${JSON.stringify(name)}: no such file in ${bases.join(", ")}.`);
  }
  return name;
}

function fail(message: string, code: number): never {
  platform.writeStderr(`cherryd: ${message}\n`);
  platform.exit(code);
  throw new Error(message);
}

/**
 * Runs a site as CherryPy's `cherryd` does: imports the modules, applies the config files (to
 * the global config, and to the application when exactly one is mounted) and the environment,
 * subscribes the daemonizer, the PID file and the signal handlers, starts the engine (exit
 * status 1 when it cannot start) and blocks until it exits.
 *
 * @example Run a site from a config file and a module that mounts it
 * ```ts
 * import { runCherryd } from "./cherryd.ts";
 * await runCherryd({
 *   configFiles: ["site.conf"],
 *   imports: ["app"],
 *   paths: [],
 *   daemonize: false,
 *   gateways: [],
 *   help: false,
 * });
 * ```
 */
export async function runCherryd(options: CherrydOptions): Promise<void> {
  const refusal = gatewayRefusal(options.gateways);
  if (refusal !== undefined) fail(refusal, 1);
  const cwd = platform.cwd();
  for (const name of options.imports) {
    const specifier = resolveModule(name, options.paths, cwd);
    try {
      await import(specifier);
    } catch (e) {
      const where = specifier === name
        ? `no file for it in ${[...options.paths, "."].join(", ")} and no package of that name`
        : specifier;
      fail(`cannot import ${JSON.stringify(name)} (${where}): ${(e as Error).message}`, 1);
    }
  }
  for (const file of options.configFiles) {
    config.update(file);
    const apps = Object.values(tree.apps);
    if (apps.length === 1 && apps[0] instanceof Application) apps[0].merge(file);
  }
  if (Object.keys(tree.apps).length === 0) {
    engine.log(
      "No application is mounted: the modules given with -i mount theirs with " +
        "cherrypy.tree.mount(), importing the same cherrypy-ts module as cherryd.",
      30,
    );
  }
  if (options.environment !== undefined) config.update({ environment: options.environment });
  if (options.daemonize) {
    config.update({ "log.screen": false });
    new Daemonizer(engine).subscribe();
  }
  if (options.pidfile !== undefined) new PIDFile(engine, options.pidfile).subscribe();
  engine.signals.subscribe();
  try {
    await engine.start();
  } catch {
    // The engine has logged why.
    platform.exit(1);
    return;
  }
  await engine.block();
}

/** `cherryd`'s main: parses `argv` (default: the program's arguments) and runs the site. */
export async function cherrydMain(argv: readonly string[] = platform.args()): Promise<void> {
  let options: CherrydOptions;
  try {
    options = parseCherrydArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    platform.writeStderr(USAGE.split("\n\n")[0] + "\n\n");
    fail(`error: ${e.message}`, 2);
  }
  if (options.help) {
    platform.writeStdout(USAGE);
    return;
  }
  await runCherryd(options);
}

if (platform.isMain(import.meta)) await cherrydMain();
