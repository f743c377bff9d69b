/**
 * The `proxy` tool: behind a reverse proxy (nginx, Apache, lighttpd), makes `request.base`
 * (and so `cherrypy.url()` and redirects) the address the client used, and `request.remote.ip`
 * the client's address, from the headers the proxy adds (`X-Forwarded-Host`,
 * `X-Forwarded-Proto`, `X-Forwarded-For`).
 *
 * @module
 */

import { HTTPError } from "../core/errors.ts";
import { pyRepr } from "../http/_pyrepr.ts";
import { Host } from "../core/request.ts";
import { currentServing } from "../core/serving.ts";
import { debugLog } from "./_debug.ts";

/** The `proxy` tool's options (`tools.proxy.*`). */
export interface ProxyOptions {
  /**
   * The base to use (`"http://www.example.com"`, or without the scheme), when the `local`
   * header does not give one. It must not end with a slash. With `local: ""` it may include
   * a path.
   */
  base?: string | null;
  /**
   * The request header naming the host the client asked for (`"X-Forwarded-Host"`; Squid
   * sends `"Origin"`, lighttpd `"X-Host"`); `""` to ignore.
   */
  local?: string | null;
  /** The request header naming the client's address (`"X-Forwarded-For"`); `""` to ignore. */
  remote?: string | null;
  /**
   * The request header naming the scheme the client used (`"X-Forwarded-Proto"`); a header
   * whose name contains `ssl` (`X-Forwarded-Ssl`) means https when its value is `on`; `""` to
   * ignore.
   */
  scheme?: string | null;
  /** Log what the headers said (context `TOOLS.PROXY`). */
  debug?: boolean;
}

// The schemes a web page is served under.
const SCHEME = /^https?$/i;
// An authority as a Host header holds it (a name or IPv6 literal, an optional port), optionally
// after the scheme (`http://www.example.test`, as some proxies send).
const FORWARDED_HOST =
  /^(?:https?:\/\/)?(?:[A-Za-z0-9._~!$&'()*+;=%-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]*)?$/i;

/** The authority part of an absolute URL (`http://a:8080/x` → `a:8080`). */
function netloc(url: string): string {
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(url);
  return m === null ? "" : m[1]!;
}

/**
 * The `proxy` tool's callable (`before_request_body`, priority 30): rewrites `request.base`
 * and `request.remote` from the proxy's headers.
 *
 * - The scheme is the `scheme` header's value (the first one of a list; `on` in a header
 *   whose name contains `ssl` means `https`), else the request's own.
 * - The host is the `local` header's (the first of a list), else `base`, else the request's
 *   `Host`. A host without a scheme gets the scheme above.
 * - `request.remote.ip` becomes the `remote` header's value (for `X-Forwarded-For`, the
 *   first address of the list: the client's).
 *
 * A forwarded host that is not one (spaces, a path, a user) or a forwarded scheme other than
 * `http` and `https` is answered 400: it would end up in every absolute URL and redirect of the
 * response.
 *
 * @example Behind nginx (the docs' deployment example)
 * ```ts
 * const conf = {
 *   "tools.proxy.on": true,
 *   "tools.proxy.base": "http://www.example.com",
 * };
 * ```
 */
export function proxy(options: ProxyOptions = {}): void {
  const { request } = currentServing();
  const headers = request.headers;
  const debug = options.debug;
  const schemeHeader = options.scheme === undefined ? "X-Forwarded-Proto" : options.scheme;
  const local = options.local === undefined ? "X-Forwarded-Host" : options.local;
  const remote = options.remote === undefined ? "X-Forwarded-For" : options.remote;

  let scheme: string | null = null;
  if (schemeHeader) {
    const s = headers.get(schemeHeader);
    debugLog(debug, () => `Testing scheme ${pyRepr(schemeHeader)}:${pyRepr(s)}`, "TOOLS.PROXY");
    if (s === "on" && schemeHeader.toLowerCase().includes("ssl")) scheme = "https";
    else if (s !== null && s.trim() !== "") {
      scheme = s.split(",")[0]!.trim();
      if (!SCHEME.test(scheme)) throw new HTTPError(400, `Invalid ${schemeHeader} header.`);
      scheme = scheme.toLowerCase();
    }
  }
  if (!scheme) scheme = request.base.slice(0, request.base.indexOf("://"));

  let base = options.base ?? "";
  if (local) {
    const lbase = headers.get(local);
    debugLog(debug, () => `Testing local ${pyRepr(local)}:${pyRepr(lbase)}`, "TOOLS.PROXY");
    if (lbase !== null) {
      base = lbase.split(",")[0]!.trim();
      if (base !== "" && !FORWARDED_HOST.test(base)) {
        throw new HTTPError(400, `Invalid ${local} header.`);
      }
    }
  }
  if (!base) base = headers.get("Host") ?? netloc(request.base);
  if (!base.includes("://")) base = `${scheme}://${base}`;
  request.base = base;

  if (remote) {
    let xff = headers.get(remote);
    debugLog(debug, () => `Testing remote ${pyRepr(remote)}:${pyRepr(xff)}`, "TOOLS.PROXY");
    if (xff) {
      // The first address is the client's; the others are the proxies it went through.
      if (remote.toLowerCase() === "x-forwarded-for") xff = xff.split(",")[0]!.trim();
      if (xff) {
        const r = request.remote;
        request.remote = new Host(xff, r.port, r.name);
      }
    }
  }
}
