/**
 * `url()`: absolute URLs for paths of the current application (CherryPy's `cherrypy.url`),
 * and the URL joining it relies on.
 *
 * @module
 */

import { currentServing } from "./serving.ts";

/** Options of {@link url}. */
export interface UrlOptions {
  /** The mount point to use instead of the current application's. */
  scriptName?: string;
  /** `scheme://host` to use instead of the request's base. */
  base?: string;
  /**
   * `true` for a URL relative to the current page, `"server"` for one relative to the server
   * root (no scheme or host); default: the application's `relative_urls` (false).
   */
  relative?: boolean | "server";
}

/**
 * A query string from parameters (a list value repeats its key; a string is returned as is),
 * encoded as forms encode it (`+` for spaces).
 *
 * @example Using `encodeQuery`
 * ```ts
 * import { encodeQuery } from "./mod.ts";
 * encodeQuery({ q: "a b", tag: ["x", "y"] }); // "q=a+b&tag=x&tag=y"
 * ```
 */
export function encodeQuery(
  qs: string | Record<string, unknown> | Array<[string, unknown]>,
): string {
  if (typeof qs === "string") return qs;
  const pairs = Array.isArray(qs) ? qs : Object.entries(qs);
  const parts: string[] = [];
  for (const [k, v] of pairs) {
    for (const one of Array.isArray(v) ? v : [v]) {
      parts.push(`${encodeQueryComponent(k)}=${encodeQueryComponent(String(one))}`);
    }
  }
  return parts.join("&");
}

function encodeQueryComponent(text: string): string {
  return encodeURIComponent(text).replace(/%20/g, "+").replace(
    /[!'()*]/g,
    (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase(),
  );
}

/** Removes `.` and `..` segments from a path (`/a/./b/../c` → `/a/c`). */
function removeDotSegments(path: string): string {
  if (!path.includes(".")) return path;
  const out: string[] = [];
  const segments = path.split("/");
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const last = i === segments.length - 1;
    if (seg === ".") {
      if (last) out.push("");
    } else if (seg === "..") {
      if (out.length > 1) out.pop();
      if (last) out.push("");
    } else out.push(seg);
  }
  return out.join("/");
}

/**
 * Resolves `path` against `base` as a browser resolves a relative link (Python's `urljoin`
 * for paths): `urljoin("/a/b", "c")` is `/a/c`, `urljoin("/a/b/", "c")` is `/a/b/c`.
 *
 * @example Using `urljoin`
 * ```ts
 * import { urljoin } from "./mod.ts";
 * urljoin("/blog/2026/", "../about"); // "/blog/about"
 * ```
 */
export function urljoin(base: string, path: string): string {
  if (path === "") return base;
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(path) || path.startsWith("//")) return path;
  let joined: string;
  if (path.startsWith("/")) joined = path;
  else if (path.startsWith("?")) joined = base.replace(/\?.*$/, "") + path;
  else joined = base.slice(0, base.lastIndexOf("/") + 1) + path;
  const q = joined.search(/[?#]/);
  const [p, rest] = q < 0 ? [joined, ""] : [joined.slice(0, q), joined.slice(q)];
  return removeDotSegments(p) + rest;
}

/**
 * Joins path parts with `/`, collapsing doubled slashes (`"/"` for an empty result), as
 * CherryPy's `httputil.urljoin`.
 *
 * @example Using `joinPath`
 * ```ts
 * import { joinPath } from "./mod.ts";
 * joinPath("/app/", "/page"); // "/app/page"
 * ```
 */
export function joinPath(...parts: string[]): string {
  const joined = parts.join("/").replace(/\/\/+/g, "/");
  return joined || "/";
}

let serverBase: () => string = () => "";

/**
 * Sets where {@link url} takes its base outside a request: the site's server address
 * (`cherrypy.server.base()`, which the framework sets up).
 *
 * @example A fixed base
 * ```ts
 * import { setServerBase, url } from "./url.ts";
 * setServerBase(() => "http://www.example.test");
 * url("/a/page"); // "http://www.example.test/a/page" (outside a request)
 * ```
 */
export function setServerBase(base: () => string): void {
  serverBase = base;
}

/**
 * The absolute URL of `path` in the current application: a relative `path` is resolved
 * against the current page (`path_info`), an absolute one against the application's mount
 * point. `qs` may be a string or an object of parameters.
 *
 * @example In a handler
 * ```ts
 * import { url } from "../../mod.ts";
 * function page() {
 *   return `<a href="${url("/search", { q: "cherry" })}">search</a>`;
 * }
 * ```
 */
export function url(
  path = "",
  qs: string | Record<string, unknown> | Array<[string, unknown]> = "",
  options: UrlOptions = {},
): string {
  let query = encodeQuery(qs);
  if (query) query = "?" + query;
  const { request } = currentServing();
  let newurl: string;
  if (request.app !== null) {
    if (!path.startsWith("/")) {
      let pi = request.path_info;
      if (request.is_index === true) {
        if (!pi.endsWith("/")) pi += "/";
      } else if (request.is_index === false) {
        if (pi.endsWith("/") && pi !== "/") pi = pi.slice(0, -1);
      }
      path = path === "" ? pi : urljoin(pi, path);
    }
    const scriptName = options.scriptName ?? request.script_name;
    const base = options.base ?? request.base;
    newurl = base + scriptName + normalizeSlashes(path) + query;
  } else {
    // Outside a request: the base comes from the site's server (`cherrypy.server.base()`).
    const base = options.base ?? (request.base || serverBase());
    newurl = base + normalizeSlashes((options.scriptName ?? "") + path) + query;
  }
  newurl = normalizeDots(newurl);
  const relative = options.relative ?? request.app?.relative_urls ?? false;
  if (relative === "server") {
    newurl = "/" + newurl.split("/").slice(3).join("/");
  } else if (relative) {
    const old = url(undefined, undefined, { relative: false }).split("/").slice(0, -1);
    const parts = newurl.split("/");
    while (old.length > 0 && parts.length > 0 && old[0] === parts[0]) {
      old.shift();
      parts.shift();
    }
    newurl = [...old.map(() => ".."), ...parts].join("/");
  }
  return newurl;
}

function normalizeSlashes(path: string): string {
  return path.replace(/\/\/+/g, "/");
}

function normalizeDots(full: string): string {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/]*)(.*)$/.exec(full);
  if (m === null) return removeDotSegments(full);
  const rest = m[2]!;
  const q = rest.search(/[?#]/);
  const [p, tail] = q < 0 ? [rest, ""] : [rest.slice(0, q), rest.slice(q)];
  return m[1]! + removeDotSegments(p) + tail;
}
