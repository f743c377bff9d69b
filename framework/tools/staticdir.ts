/**
 * The `staticdir` and `staticfile` tools (CherryPy's `static.staticdir` and
 * `static.staticfile`, `HandlerTool`s at `before_handler`): they answer GET and HEAD requests
 * with a file, skipping the page handler, or let the request go on to the handlers when there
 * is no such file.
 *
 * `staticdir` maps the URL below its config section to a path below its directory, and never
 * serves anything outside it: a path that climbs out (`..`, however encoded), holds a
 * backslash, or resolves through a symbolic link to a place outside the directory is refused
 * with 403 (links that stay inside are followed; `allow_outside_symlinks` lets the others be
 * followed too); a NUL byte is a file that does not exist.
 *
 * @module
 */

import { platform } from "../../platform/mod.ts";
import { HTTPError, NotFound } from "../core/errors.ts";
import { currentServing } from "../core/serving.ts";
import type { Request } from "../core/request.ts";
import { isAbsolutePath, serveFileAt } from "./static.ts";
import type { HookOptions } from "../core/hooks.ts";
import { HandlerTool, type Tool } from "./tools.ts";

/** The `staticdir` tool's options (`tools.staticdir.*`). */
export interface StaticDirOptions {
  /**
   * The config section the tool is on for (`"/static"`); set by the dispatcher from the section
   * holding `tools.staticdir.dir`. `"global"` means `/`.
   */
  section?: string;
  /** The directory to serve: absolute, or relative to `root`; `~` is the home directory. */
  dir?: string;
  /** The absolute directory a relative `dir` lies in. */
  root?: string;
  /** A regular expression the path must contain a match of, else the tool does nothing. */
  match?: string;
  /** Media types by extension without its dot (`{ gif: "image/gif" }`), over the defaults. */
  content_types?: Record<string, string> | null;
  /** The file to serve for a directory (`"index.html"`). */
  index?: string;
  /**
   * Follow symbolic links whose target lies outside `dir` (default `false`: such a path is
   * refused with 403). Links that stay inside `dir` are always followed.
   */
  allow_outside_symlinks?: boolean;
  /** Log what the tool does (context `TOOLS.STATICDIR`). */
  debug?: boolean;
}

/** The `staticfile` tool's options (`tools.staticfile.*`). */
export interface StaticFileOptions {
  /** The file to serve: absolute, or relative to `root`. */
  filename?: string;
  /** The absolute directory a relative `filename` lies in. */
  root?: string | null;
  /** A regular expression the path must contain a match of, else the tool does nothing. */
  match?: string;
  /** Media types by extension without its dot (`{ ico: "image/x-icon" }`), over the defaults. */
  content_types?: Record<string, string> | null;
  /** Log what the tool does (context `TOOLS.STATICFILE`). */
  debug?: boolean;
}

/** How an option must look: its type, or a check that throws. */
type OptionCheck = "string" | "boolean" | "regexp" | "types" | "string|null";

const STATICDIR_OPTIONS: Readonly<Record<string, OptionCheck>> = {
  section: "string",
  dir: "string",
  root: "string|null",
  match: "regexp",
  content_types: "types",
  index: "string",
  allow_outside_symlinks: "boolean",
  debug: "boolean",
};
const STATICFILE_OPTIONS: Readonly<Record<string, OptionCheck>> = {
  filename: "string",
  root: "string|null",
  match: "regexp",
  content_types: "types",
  debug: "boolean",
};

function shown(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Throws when an option given to `tool` is unknown or of the wrong kind. */
function checkStaticOptions(
  tool: string,
  known: Readonly<Record<string, OptionCheck>>,
  options: Readonly<Record<string, unknown>>,
): void {
  for (const [key, value] of Object.entries(options)) {
    if (key === "on" || key === "priority") continue;
    const check = known[key];
    if (check === undefined) {
      throw new Error(
        `tools.${tool} has no option ${shown(key)}; its options are ${
          Object.keys(known).join(", ")
        }.`,
      );
    }
    const name = `tools.${tool}.${key}`;
    if (check === "string" && typeof value !== "string") {
      throw new TypeError(`${name} must be a string; got ${shown(value)}.`);
    }
    if (check === "string|null" && value !== null && typeof value !== "string") {
      throw new TypeError(`${name} must be a string (or None); got ${shown(value)}.`);
    }
    if (check === "boolean" && typeof value !== "boolean") {
      throw new TypeError(`${name} must be true or false; got ${shown(value)}.`);
    }
    if (check === "regexp") {
      if (typeof value !== "string") {
        throw new TypeError(
          `${name} must be a regular expression (a string); got ${shown(value)}.`,
        );
      }
      try {
        new RegExp(value);
      } catch (e) {
        throw new Error(`${name} is not a valid regular expression: ${(e as Error).message}`);
      }
    }
    if (check === "types" && value !== null) {
      const ok = typeof value === "object" && !Array.isArray(value) &&
        Object.values(value as object).every((v) => typeof v === "string");
      if (!ok) {
        throw new TypeError(
          `${name} must map extensions to media types ({"gif": "image/gif"}); got ${shown(value)}.`,
        );
      }
    }
  }
}

/**
 * The `staticdir` tool: a {@link HandlerTool} whose options are checked where they are written
 * (an unknown option or one of the wrong kind is an error when the application is mounted).
 *
 * @example The tool as `cherrypy.tools` holds it
 * ```ts
 * import { StaticDirTool } from "./staticdir.ts";
 * const tool = new StaticDirTool();
 * tool.checkOptions({ dir: "/srv/static", index: "index.html" }); // fine
 * ```
 */
export class StaticDirTool extends HandlerTool {
  /** Creates the tool (hooked at `before_handler`, priority 50). */
  constructor() {
    super(staticdir);
  }

  /** Checks the options that are present (see {@link Tool.checkOptions}). */
  override checkOptions(options: HookOptions): void {
    checkStaticOptions("staticdir", STATICDIR_OPTIONS, options);
  }

  /** The tool as a page handler (see {@link HandlerTool.handler}); its options are checked. */
  override handler(options: HookOptions = {}): () => unknown {
    this.checkOptions(options);
    return super.handler(options);
  }
}

/**
 * The `staticfile` tool: a {@link HandlerTool} whose options are checked where they are
 * written.
 *
 * @example The tool as `cherrypy.tools` holds it
 * ```ts
 * import { StaticFileTool } from "./staticdir.ts";
 * const tool = new StaticFileTool();
 * tool.checkOptions({ filename: "/srv/site/favicon.ico" }); // fine
 * ```
 */
export class StaticFileTool extends HandlerTool {
  /** Creates the tool (hooked at `before_handler`, priority 50). */
  constructor() {
    super(staticfile);
  }

  /** Checks the options that are present (see {@link Tool.checkOptions}). */
  override checkOptions(options: HookOptions): void {
    checkStaticOptions("staticfile", STATICFILE_OPTIONS, options);
  }

  /** The tool as a page handler (see {@link HandlerTool.handler}); its options are checked. */
  override handler(options: HookOptions = {}): () => unknown {
    this.checkOptions(options);
    return super.handler(options);
  }
}

const STATICDIR_KEYS = new Set([
  "section",
  "dir",
  "root",
  "match",
  "content_types",
  "index",
  "allow_outside_symlinks",
  "debug",
  "priority",
]);
const STATICFILE_KEYS = new Set([
  "filename",
  "root",
  "match",
  "content_types",
  "debug",
  "priority",
]);

/** Python's TypeError for missing or unexpected arguments, as CherryPy's tools raise it. */
function checkArguments(
  fn: string,
  options: Record<string, unknown>,
  required: string[],
  known: Set<string>,
): void {
  for (const key of Object.keys(options)) {
    if (!known.has(key)) {
      throw new TypeError(`${fn}() got an unexpected keyword argument '${key}'`);
    }
  }
  const missing = required.filter((k) => options[k] === undefined || options[k] === null);
  if (missing.length > 0) {
    const names = missing.map((k) => `'${k}'`);
    const list = names.length === 1
      ? names[0]
      : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
    throw new TypeError(
      `${fn}() missing ${missing.length} required positional argument${
        missing.length === 1 ? "" : "s"
      }: ${list}`,
    );
  }
}

function log(debug: boolean | undefined, request: Request, msg: string, context: string): void {
  if (debug) request.app?.log.error(msg, context);
}

/**
 * `path` with `.`, `..` and repeated slashes resolved, lexically (Python's `normpath`).
 *
 * @example Using `normalizePath`
 * ```ts
 * import { normalizePath } from "./staticdir.ts";
 * normalizePath("/srv/static/../secret.txt"); // "/srv/secret.txt"
 * normalizePath("/srv//static/./js/"); // "/srv/static/js"
 * ```
 */
export function normalizePath(path: string): string {
  const absolute = path.startsWith("/");
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length > 0 && out.at(-1) !== "..") out.pop();
      else if (!absolute) out.push("..");
    } else out.push(part);
  }
  const joined = out.join("/");
  return absolute ? "/" + joined : joined || ".";
}

/** `true` when `path` is `dir` or lies below it (both normalized). */
function within(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith("/") ? dir : dir + "/");
}

function joinPath(dir: string, rest: string): string {
  if (isAbsolutePath(rest)) return rest;
  return dir === "" || dir.endsWith("/") || dir.endsWith("\\") ? dir + rest : `${dir}/${rest}`;
}

/** Python's `os.path.expanduser` for `~` and `~/...`. */
function expandUser(path: string): string {
  if (path !== "~" && !path.startsWith("~/")) return path;
  const home = platform.getEnv("HOME");
  return home ? home.replace(/\/+$/, "") + path.slice(1) : path;
}

/** Python's `urllib.parse.unquote`: `%XX` runs decoded as UTF-8, bad bytes as U+FFFD. */
function unquote(text: string): string {
  if (!text.includes("%")) return text;
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    const bytes = new Uint8Array(run.length / 3);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(run.slice(i * 3 + 1, i * 3 + 3), 16);
    return new TextDecoder().decode(bytes);
  });
}

/** Python's `os.path.splitext(path)[1]`: the extension of the last component, with its dot. */
function extension(path: string): string {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  if (dot <= 0 || /^\.+$/.test(name.slice(0, dot + 1))) return "";
  return name.slice(dot);
}

function matches(pattern: string | undefined, request: Request): boolean {
  return !pattern || new RegExp(pattern).test(request.path_info);
}

/** How long a static directory's resolved path is used before it is resolved again. */
const REAL_DIR_MS = 1000;
const realDirs = new Map<string, { real: string | null; at: number }>();

/** `dir` with its links resolved (remembered for up to {@link REAL_DIR_MS}; `fresh` re-resolves). */
function resolvedDir(dir: string, fresh: boolean): string | null {
  const now = Date.now();
  const known = realDirs.get(dir);
  if (!fresh && known !== undefined && now - known.at < REAL_DIR_MS) return known.real;
  const real = platform.realPathSync(dir);
  if (realDirs.size > 1000) realDirs.clear();
  realDirs.set(dir, { real, at: now });
  return real;
}

/**
 * Serves `filename` when it is a file (CherryPy's `_attempt`); `false` when there is none.
 * `checkInside` is the directory the file's resolved path must lie in (once resolved too), or
 * `null` to follow links anywhere.
 */
function attempt(
  filename: string,
  contentTypes: Record<string, string> | null | undefined,
  checkInside: string | null,
  debug: boolean | undefined,
  context: string,
): boolean {
  const { request } = currentServing();
  log(debug, request, `Attempting ${JSON.stringify(filename)}`, context);
  let contentType: string | null = null;
  if (contentTypes) {
    const type = Object.hasOwn(contentTypes, extension(filename).slice(1))
      ? contentTypes[extension(filename).slice(1)]
      : undefined;
    if (typeof type === "string") contentType = type;
  }
  let openPath = filename;
  if (checkInside !== null && !filename.includes("\0")) {
    const real = platform.realPathSync(filename);
    if (real === null) return false;
    let realDir = resolvedDir(checkInside, false);
    // A directory resolved a moment ago may have moved since (a link switched to a new
    // release): a file outside it is checked again against the directory as it is now.
    if (realDir !== null && !within(real, realDir)) realDir = resolvedDir(checkInside, true);
    if (realDir === null) return false;
    if (!within(real, realDir)) {
      log(debug, request, `${JSON.stringify(filename)} resolves outside the directory`, context);
      throw new HTTPError(403);
    }
    openPath = real;
  }
  try {
    serveFileAt(filename, openPath, contentType, null, null, debug);
    return true;
  } catch (e) {
    if (e instanceof NotFound) {
      // No such file: the request goes on, a page handler may answer it.
      log(debug, request, "NotFound", context);
      return false;
    }
    throw e;
  }
}

/**
 * The `staticdir` tool's callable: serves the file below `dir` that the URL below `section`
 * names (`index` for a directory). Returns `true` when it answered the request.
 *
 * @example The docs' static directory (§4.7.2)
 * ```ts
 * const conf = {
 *   "/": { "tools.staticdir.root": "/home/site" },
 *   "/static": { "tools.staticdir.on": true, "tools.staticdir.dir": "static" },
 * };
 * ```
 */
export function staticdir(this: Tool | void, options: StaticDirOptions): boolean {
  checkArguments(
    "staticdir",
    options as Record<string, unknown>,
    ["section", "dir"],
    STATICDIR_KEYS,
  );
  const { request } = currentServing();
  const { debug } = options;
  const context = "TOOLS.STATICDIR";
  if (request.method !== "GET" && request.method !== "HEAD") {
    log(debug, request, "request.method not GET or HEAD", context);
    return false;
  }
  if (!matches(options.match, request)) {
    log(debug, request, `request.path_info does not match ${options.match}`, context);
    return false;
  }
  let dir = expandUser(String(options.dir));
  if (!isAbsolutePath(dir)) {
    if (!options.root) {
      const msg = "Static dir requires an absolute dir (or root).";
      log(debug, request, msg, context);
      throw new Error(msg);
    }
    dir = joinPath(String(options.root), dir);
  }
  let section = String(options.section);
  if (section === "global") section = "/";
  section = section.replace(/[\\/]+$/, "");
  const branch = unquote(request.path_info.slice(section.length + 1).replace(/^[\\/]+/, ""));
  const filename = joinPath(dir, branch);
  log(debug, request, `Checking file ${JSON.stringify(filename)}`, context);
  // A NUL byte names no file; a backslash would be a separator elsewhere; a path must stay in.
  if (branch.includes("\0")) return false;
  if (branch.includes("\\") || !within(normalizePath(filename), normalizePath(dir))) {
    throw new HTTPError(403);
  }
  const checkInside = options.allow_outside_symlinks ? null : dir;
  let handled = attempt(filename, options.content_types, checkInside, debug, context);
  if (!handled && options.index) {
    handled = attempt(
      joinPath(filename, options.index),
      options.content_types,
      checkInside,
      debug,
      context,
    );
    if (handled) request.is_index = filename.endsWith("/") || filename.endsWith("\\");
  }
  return handled;
}

/**
 * The `staticfile` tool's callable: serves `filename` (relative to `root` when not absolute).
 * Returns `true` when it answered the request.
 *
 * @example The docs' single file (§4.7.1)
 * ```ts
 * const conf = {
 *   "/style.css": {
 *     "tools.staticfile.on": true,
 *     "tools.staticfile.filename": "/home/site/style.css",
 *   },
 * };
 * ```
 */
export function staticfile(this: Tool | void, options: StaticFileOptions): boolean {
  checkArguments("staticfile", options as Record<string, unknown>, ["filename"], STATICFILE_KEYS);
  const { request } = currentServing();
  const { debug } = options;
  const context = "TOOLS.STATICFILE";
  if (request.method !== "GET" && request.method !== "HEAD") {
    log(debug, request, "request.method not GET or HEAD", context);
    return false;
  }
  if (!matches(options.match, request)) {
    log(debug, request, `request.path_info does not match ${options.match}`, context);
    return false;
  }
  let filename = String(options.filename);
  if (!isAbsolutePath(filename)) {
    if (!options.root) {
      const msg = `Static tool requires an absolute filename (got '${filename}').`;
      log(debug, request, msg, context);
      throw new Error(msg);
    }
    filename = joinPath(options.root, filename);
  }
  return attempt(filename, options.content_types, null, debug, context);
}
