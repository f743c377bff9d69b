/**
 * What the checker reports about `tools.staticdir` and `tools.staticfile` settings, and the
 * config a request for a path would see.
 *
 * @module
 */

import { platform } from "../../platform/mod.ts";
import { pyRepr } from "../http/_pyrepr.ts";
import type { Application } from "../app/application.ts";
import type { ConfigDict, Dispatcher } from "../dispatch/dispatch.ts";
import { Request } from "../core/request.ts";

/**
 * The config in effect for `path` in `app`: what a request for it would see (site-wide
 * config, app sections down the path, `_cp_config` of the nodes), found with the app's
 * dispatcher on a request-less `Request`; if the dispatcher fails, the site-wide config and
 * the app sections down the path.
 *
 * @example Using `configFor`
 * ```ts
 * import { configFor } from "./_static_paths.ts";
 * import { LogManager, Tree } from "../../mod.ts";
 * const tree = new Tree({ globalConfig: () => ({}), log: new LogManager() });
 * const app = tree.mount({}, "", { "/static": { "tools.staticdir.on": true } });
 * configFor(app, "/static/dummy.html")["tools.staticdir.on"]; // true
 * ```
 */
export function configFor(app: Application, path: string): ConfigDict {
  const request = new Request();
  request.app = app;
  request.script_name = app.script_name;
  try {
    const dispatch = app.findConfig(path, "request.dispatch", request.dispatch);
    if (typeof (dispatch as { dispatch?: unknown } | null)?.dispatch === "function") {
      (dispatch as Dispatcher).dispatch(path, request);
      return request.config;
    }
  } catch {
    // Fall back to the sections alone.
  }
  const conf: ConfigDict = { ...app.globalConfig(), ...app.config["/"] };
  let trail = "";
  for (const atom of path.split("/").filter((a) => a !== "")) {
    trail += "/" + atom;
    Object.assign(conf, app.config[trail]);
  }
  return conf;
}

/**
 * What is wrong with a `tools.staticdir` root and dir (`""` when nothing): dir not set,
 * relative without a root, absolute despite a root, or not an existing path.
 *
 * @example Using `staticDirProblems`
 * ```ts
 * import { staticDirProblems } from "./_static_paths.ts";
 * staticDirProblems(null, "static"); // "dir is a relative path and no root provided."
 * ```
 */
export function staticDirProblems(root: unknown, dir: unknown): string {
  if (dir === null || dir === undefined) return "tools.staticdir.dir is not set.";
  const d = String(dir);
  let msg = "";
  let fulldir = "";
  if (isAbsolutePath(d)) {
    fulldir = d;
    if (root) {
      msg = "dir is an absolute path, even though a root is provided.";
      const testdir = joinPath(String(root), d.slice(1));
      if (pathExists(testdir)) {
        msg += `\nIf you meant to serve the filesystem folder at ${
          pyRepr(testdir)
        }, remove the leading slash from dir.`;
      }
    }
  } else if (!root) {
    msg = "dir is a relative path and no root provided.";
  } else {
    fulldir = joinPath(String(root), d);
    if (!isAbsolutePath(fulldir)) msg = `${pyRepr(fulldir)} is not an absolute path.`;
  }
  if (fulldir && !pathExists(fulldir)) {
    if (msg) msg += "\n";
    msg += `${pyRepr(fulldir)} (root + dir) is not an existing filesystem path.`;
  }
  return msg;
}

/**
 * What is wrong with a `tools.staticfile` root and filename (`""` when nothing): filename not
 * set, or relative without a root (the tool would fail on every request).
 *
 * @example Using `staticFileProblems`
 * ```ts
 * import { staticFileProblems } from "./_static_paths.ts";
 * staticFileProblems(null, "favicon.ico"); // "filename is a relative path and no root provided."
 * ```
 */
export function staticFileProblems(root: unknown, filename: unknown): string {
  if (filename === null || filename === undefined) return "tools.staticfile.filename is not set.";
  if (!isAbsolutePath(String(filename)) && !root) {
    return "filename is a relative path and no root provided.";
  }
  return "";
}

function isAbsolutePath(p: string): boolean {
  return p.startsWith("/") || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith("\\\\");
}

function joinPath(root: string, rest: string): string {
  if (isAbsolutePath(rest)) return rest;
  return root === "" || root.endsWith("/") ? root + rest : `${root}/${rest}`;
}

function pathExists(p: string): boolean {
  try {
    return platform.statSync(p) !== null;
  } catch {
    return false;
  }
}
