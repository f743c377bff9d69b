/**
 * Redirects: `HTTPRedirect` (3xx to the client) and `InternalRedirect` (serve another path
 * of the application in place of this one, without telling the client).
 *
 * @module
 */

import { CherryPyException } from "./errors.ts";
import { escapeHtml } from "../http/httputil.ts";
import { currentServing } from "./serving.ts";
import { url, urljoin } from "./url.ts";

const MESSAGES: Record<number, string> = {
  300: "This resource can be found at ",
  301: "This resource has permanently moved to ",
  302: "This resource resides temporarily at ",
  303: "This resource can be found at ",
  307: "This resource has moved temporarily to ",
  308: "This resource has been moved to ",
};

const NOT_MODIFIED_CLEANED = [
  "Allow",
  "Content-Encoding",
  "Content-Language",
  "Content-Length",
  "Content-Location",
  "Content-MD5",
  "Content-Range",
  "Content-Type",
  "Expires",
  "Last-Modified",
];

/** Python's `saxutils.quoteattr`: the value quoted for an HTML attribute. */
function quoteAttr(value: string): string {
  let v = escapeHtml(value).replaceAll("\n", "&#10;").replaceAll("\r", "&#13;").replaceAll(
    "\t",
    "&#9;",
  );
  if (v.includes('"')) {
    if (v.includes("'")) v = `"${v.replaceAll('"', "&quot;")}"`;
    else v = `'${v}'`;
  } else v = `"${v}"`;
  return v;
}

/** Resolves `ref` against the absolute URL `base`. */
function absolute(base: string, ref: string): string {
  // Tabs and line breaks are dropped from a URL, as Python's URL parsing drops them (no header
  // injection through a redirect target).
  ref = ref.replace(/[\t\r\n]/g, "");
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(ref)) return ref;
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*:)(\/\/[^/?#]*)?(.*)$/.exec(base);
  if (m === null) return urljoin(base, ref);
  const scheme = m[1]!;
  if (ref.startsWith("//")) return scheme + ref;
  return scheme + (m[2] ?? "") + urljoin(m[3] || "/", ref);
}

/**
 * Sends the client elsewhere: raise it from a handler or tool. URLs are made absolute against
 * the current URL. The default status is 303 on HTTP/1.1 and 302 on HTTP/1.0.
 *
 * @example Using `HTTPRedirect`
 * ```ts
 * import { HTTPRedirect } from "../../mod.ts";
 * function old() {
 *   throw new HTTPRedirect("/new", 301);
 * }
 * ```
 */
export class HTTPRedirect extends CherryPyException {
  /** The absolute URLs (the first one goes into `Location`). */
  readonly urls: string[];
  /** The 3xx status. */
  readonly status: number;

  /** Creates the redirect to `urls` (one URL or a list). */
  constructor(urls: string | string[], status?: number, encoding = "utf-8") {
    const { request } = currentServing();
    const current = url();
    const list = (typeof urls === "string" ? [urls] : urls).map((u) => absolute(current, u));
    let code: number;
    if (status === undefined || status === null) {
      code = request.protocol[0] > 1 || (request.protocol[0] === 1 && request.protocol[1] >= 1)
        ? 303
        : 302;
    } else {
      code = Number(status);
      if (!Number.isInteger(code) || code < 300 || code > 399) {
        throw new RangeError("status must be between 300 and 399.");
      }
    }
    super(list.join(" "));
    this.name = "HTTPRedirect";
    this.urls = list;
    this.status = code;
    void encoding;
  }

  /** Makes the current response this redirect (status, `Location`, a short HTML note). */
  setResponse(): void {
    const { response } = currentServing();
    const h = response.headers;
    response.status = this.status;
    const message = MESSAGES[this.status];
    if (message !== undefined) {
      h.set("Content-Type", "text/html;charset=utf-8");
      h.set("Location", this.urls[0]!);
      response.body = this.urls.map((u) =>
        `${message}<a href=${quoteAttr(u)}>${escapeHtml(u)}</a>.`
      ).join("<br />\n");
      h.delete("Content-Length");
    } else if (this.status === 304) {
      for (const name of NOT_MODIFIED_CLEANED) h.delete(name);
      response.body = null;
    } else if (this.status === 305) {
      h.set("Location", this.urls[0]!);
      response.body = null;
    } else {
      throw new RangeError(`The ${this.status} status code is unknown.`);
    }
  }
}

/**
 * Serves another path of the application in place of the current one: the request is run
 * again, as a GET without a body, for `path` (relative to the current path) and its query
 * string. `request.prev` is the request that redirected. Visiting the same URL twice in one
 * chain is an error (a loop), unless `request.recursive_redirect` is on.
 *
 * @example Using `InternalRedirect`
 * ```ts
 * import { InternalRedirect } from "../../mod.ts";
 * function legacy() {
 *   throw new InternalRedirect("/current?from=legacy");
 * }
 * ```
 */
export class InternalRedirect extends CherryPyException {
  /** The path to serve (absolute within the application). */
  readonly path: string;
  /** Its query string. */
  readonly query_string: string;

  /** Creates the redirect. */
  constructor(path: string, queryString = "") {
    const { request } = currentServing();
    let qs = queryString;
    const q = path.indexOf("?");
    if (q >= 0) {
      qs = path.slice(q + 1);
      path = path.slice(0, q);
    }
    const resolved = urljoin(request.path_info, path);
    super(resolved);
    this.name = "InternalRedirect";
    this.path = resolved;
    this.query_string = qs;
  }
}
