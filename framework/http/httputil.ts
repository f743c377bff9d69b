/**
 * HTTP helpers: status codes and reason phrases, header-name casing, query strings, paths.
 *
 * @module
 */

import { remember } from "./_remember.ts";

/** Reason phrases and the longer messages of error pages, by status code (CherryPy's table). */
export const responseCodes: Readonly<Record<number, readonly [string, string]>> = {
  100: ["Continue", "Request received, please continue"],
  101: ["Switching Protocols", "Switching to new protocol; obey Upgrade header"],
  102: ["Processing", ""],
  103: ["Early Hints", ""],
  200: ["OK", "Request fulfilled, document follows"],
  201: ["Created", "Document created, URL follows"],
  202: ["Accepted", "Request accepted, processing continues off-line"],
  203: ["Non-Authoritative Information", "Request fulfilled from cache"],
  204: ["No Content", "Request fulfilled, nothing follows"],
  205: ["Reset Content", "Clear input form for further input"],
  206: ["Partial Content", "Partial content follows"],
  207: ["Multi-Status", ""],
  208: ["Already Reported", ""],
  226: ["IM Used", ""],
  300: ["Multiple Choices", "Object has several resources -- see URI list"],
  301: ["Moved Permanently", "Object moved permanently -- see URI list"],
  302: ["Found", "Object moved temporarily -- see URI list"],
  303: ["See Other", "Object moved -- see Method and URL list"],
  304: ["Not Modified", "Document has not changed since given time"],
  305: ["Use Proxy", "You must use proxy specified in Location to access this resource"],
  307: ["Temporary Redirect", "Object moved temporarily -- see URI list"],
  308: ["Permanent Redirect", "Object moved permanently -- see URI list"],
  400: ["Bad Request", "Bad request syntax or unsupported method"],
  401: ["Unauthorized", "No permission -- see authorization schemes"],
  402: ["Payment Required", "No payment -- see charging schemes"],
  403: ["Forbidden", "Request forbidden -- authorization will not help"],
  404: ["Not Found", "Nothing matches the given URI"],
  405: ["Method Not Allowed", "Specified method is invalid for this resource"],
  406: ["Not Acceptable", "URI not available in preferred format"],
  407: ["Proxy Authentication Required", "You must authenticate with this proxy before proceeding"],
  408: ["Request Timeout", "Request timed out; try again later"],
  409: ["Conflict", "Request conflict"],
  410: ["Gone", "URI no longer exists and has been permanently removed"],
  411: ["Length Required", "Client must specify Content-Length"],
  412: ["Precondition Failed", "Precondition in headers is false"],
  413: ["Request Entity Too Large", "Entity is too large"],
  414: ["Request-URI Too Long", "URI is too long"],
  415: ["Unsupported Media Type", "Entity body in unsupported format"],
  416: ["Requested Range Not Satisfiable", "Cannot satisfy request range"],
  417: ["Expectation Failed", "Expect condition could not be satisfied"],
  418: ["I'm a Teapot", "Server refuses to brew coffee because it is a teapot."],
  421: ["Misdirected Request", "Server is not able to produce a response"],
  422: ["Unprocessable Entity", ""],
  423: ["Locked", ""],
  424: ["Failed Dependency", ""],
  425: ["Too Early", ""],
  426: ["Upgrade Required", ""],
  428: ["Precondition Required", "The origin server requires the request to be conditional"],
  429: [
    "Too Many Requests",
    'The user has sent too many requests in a given amount of time ("rate limiting")',
  ],
  431: [
    "Request Header Fields Too Large",
    "The server is unwilling to process the request because its header fields are too large",
  ],
  451: [
    "Unavailable For Legal Reasons",
    "The server is denying access to the resource as a consequence of a legal demand",
  ],
  500: [
    "Internal Server Error",
    "The server encountered an unexpected condition which prevented it from fulfilling the request.",
  ],
  501: ["Not Implemented", "Server does not support this operation"],
  502: ["Bad Gateway", "Invalid responses from another server/proxy"],
  503: [
    "Service Unavailable",
    "The server is currently unable to handle the request due to a temporary overloading or maintenance of the server.",
  ],
  504: ["Gateway Timeout", "The gateway server did not receive a timely response"],
  505: ["HTTP Version Not Supported", "Cannot fulfill request"],
  506: ["Variant Also Negotiates", ""],
  507: ["Insufficient Storage", ""],
  508: ["Loop Detected", ""],
  510: ["Not Extended", ""],
  511: [
    "Network Authentication Required",
    "The client needs to authenticate to gain network access",
  ],
};

/**
 * Parses a status (`404`, `"404"`, `"404 Gone Fishing"`) into `[code, reason, message]`.
 * Throws a `RangeError` for anything that is not a status between 100 and 599.
 *
 * @example Using `validStatus`
 * ```ts
 * import { validStatus } from "./mod.ts";
 * validStatus(404); // [404, "Not Found", "Nothing matches the given URI"]
 * validStatus("200 Fine"); // [200, "Fine", "Request fulfilled, document follows"]
 * ```
 */
export function validStatus(status: number | string | null | undefined): [number, string, string] {
  if (!status) status = 200;
  let code: number;
  let reason: string | undefined;
  if (typeof status === "number") {
    code = status;
  } else {
    const text = status.trim();
    const space = text.indexOf(" ");
    const codeText = space < 0 ? text : text.slice(0, space);
    if (space >= 0) reason = text.slice(space + 1).trim() || undefined;
    code = /^\d+$/.test(codeText) ? Number(codeText) : NaN;
    if (Number.isNaN(code)) {
      // CherryPy names the code as Python's repr does: in single quotes.
      const quoted = `'${codeText.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
      throw new RangeError(`Illegal response status from server (${quoted} is non-numeric).`);
    }
  }
  if (!Number.isInteger(code) || code < 100 || code > 599) {
    throw new RangeError(`Illegal response status from server (${code} is out of range).`);
  }
  const known = responseCodes[code];
  return [code, reason ?? known?.[0] ?? "", known?.[1] ?? ""];
}

const titleCache = new Map<string, string>();

/**
 * `content-type` → `Content-Type`: the header-name casing CherryPy uses.
 *
 * @example Using `titleCaseHeader`
 * ```ts
 * import { titleCaseHeader } from "./mod.ts";
 * titleCaseHeader("x-forwarded-for"); // "X-Forwarded-For"
 * ```
 */
export function titleCaseHeader(name: string): string {
  let title = titleCache.get(name);
  if (title === undefined) {
    title = name.toLowerCase().replace(/(^|[^a-z0-9])([a-z])/g, (_, p, c) => p + c.toUpperCase());
    if (titleCache.size < 1000) titleCache.set(name, title);
  }
  return title;
}

/**
 * Query and body parameters: a string, an array of strings for repeated keys, or (from a
 * multipart body) a `Part` for a file upload.
 */
export type Params = Record<string, unknown>;

function decodeQueryPart(text: string, latin1 = false): string {
  const plus = text.includes("+") ? text.replaceAll("+", " ") : text;
  if (!plus.includes("%")) return plus;
  if (!latin1) return decodeURIComponent(plus);
  // ISO-8859-1: each escaped byte is one character.
  return plus.replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/**
 * Parses a query string (or a urlencoded body) the way CherryPy does: pairs separated by `&`
 * or `;`, `+` as space, percent-decoding as UTF-8, repeated keys collected into arrays, blank
 * values kept, a key without `=` given the value `""`, an image map's `x,y` as `x` and `y`;
 * `encoding` `latin1` decodes escapes as ISO-8859-1. Throws a `URIError` for bad
 * percent-encoding.
 *
 * @example Using `parseQueryString`
 * ```ts
 * import { parseQueryString } from "./mod.ts";
 * parseQueryString("a=1&b=2;a=3&c"); // { a: ["1", "3"], b: "2", c: "" }
 * ```
 */
export function parseQueryString(qs: string, encoding = "utf8"): Params {
  const params: Params = Object.create(null);
  if (qs === "") return params;
  // The coordinates an `<img ismap>` sends (`?223,114`) are the parameters x and y.
  const ismap = /^(\d+),(\d+)$/.exec(qs);
  if (ismap !== null) {
    params["x"] = String(Number(ismap[1]));
    params["y"] = String(Number(ismap[2]));
    return params;
  }
  const latin1 = /^(latin-?1|iso-?8859-1|iso_8859_1|l1)$/i.test(encoding);
  for (const pair of qs.split(/[&;]/)) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const key = decodeQueryPart(eq < 0 ? pair : pair.slice(0, eq), latin1);
    const value = eq < 0 ? "" : decodeQueryPart(pair.slice(eq + 1), latin1);
    const existing = params[key];
    if (existing === undefined) params[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else params[key] = [existing, value];
  }
  return params;
}

/**
 * Percent-decodes a request path as UTF-8 (as ISO-8859-1 when the bytes are not UTF-8, like
 * CherryPy), keeping `%2F` encoded so that an encoded slash never splits a path segment.
 * Throws a `URIError` for bad percent-encoding.
 *
 * @example Using `decodePath`
 * ```ts
 * import { decodePath } from "./mod.ts";
 * decodePath("/a%20b/c%2Fd"); // "/a b/c%2Fd"
 * ```
 */
export function decodePath(path: string): string {
  if (!path.includes("%")) return path;
  const parts = path.split(/%2[fF]/);
  try {
    return parts.map(decodeURIComponent).join("%2F");
  } catch (e) {
    // Well-formed escapes that are not UTF-8: CherryPy keeps the path as ISO-8859-1.
    if (/%(?![0-9a-fA-F]{2})/.test(path)) throw e;
    const latin1 = (p: string) =>
      p.replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    return parts.map(latin1).join("%2F");
  }
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };

/**
 * Escapes `&`, `<` and `>` for HTML text (quotes are left alone, as Python's
 * `html.escape(s, quote=False)` does).
 *
 * @example Using `escapeHtml`
 * ```ts
 * import { escapeHtml } from "./mod.ts";
 * escapeHtml("<b>&"); // "&lt;b&gt;&amp;"
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>]/g, (c) => HTML_ESCAPES[c]!);
}

/** One RFC 2047 encoded word: `=?charset?q|b?text?=`. */
const ENCODED_WORD = /=\?([^?\s]+)\?([qQbB])\?([^?\s]*)\?=/g;

function wordBytes(encoding: string, text: string): Uint8Array {
  if (encoding === "b" || encoding === "B") {
    const binary = atob(
      text.replace(/[^A-Za-z0-9+/]/g, "").padEnd(Math.ceil(text.length / 4) * 4, "="),
    );
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  }
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "_") out.push(32);
    else if (c === "=" && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      out.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(c.charCodeAt(0) & 0xff);
  }
  return Uint8Array.from(out);
}

/**
 * Decodes the RFC 2047 encoded words of a header value (CherryPy's `decode_TEXT`), as the
 * framework does for every request header that contains `=?`. Whitespace between two encoded
 * words is dropped; a word in an unknown charset, or that does not decode, is kept as it is.
 *
 * @example Using `decodeText`
 * ```ts
 * import { decodeText } from "./httputil.ts";
 * decodeText("=?utf-8?q?f=C3=BCr?="); // "für"
 * ```
 */
export function decodeText(value: string): string {
  if (!value.includes("=?")) return value;
  let out = "";
  let last = 0;
  let previousWordEnd = -1;
  for (const m of value.matchAll(ENCODED_WORD)) {
    const between = value.slice(last, m.index);
    if (!(previousWordEnd === last && /^[ \t]*$/.test(between))) out += between;
    let decoded: string;
    try {
      decoded = new TextDecoder(m[1]!.toLowerCase(), { fatal: true }).decode(
        wordBytes(m[2]!, m[3]!),
      );
    } catch {
      decoded = m[0];
    }
    out += decoded;
    last = m.index + m[0].length;
    previousWordEnd = last;
  }
  return out + value.slice(last);
}

/** Header values {@link encodeHeaderValue} found clean (nothing to drop or encode). */
const CLEAN_VALUES = new Set<string>();

/**
 * A header value as it goes on the wire (CherryPy's `HeaderMap.encode`): control characters
 * are dropped, and a value with characters beyond ISO-8859-1 becomes one RFC 2047 encoded
 * word (`=?utf-8?b?...?=`).
 *
 * @example Using `encodeHeaderValue`
 * ```ts
 * import { encodeHeaderValue } from "./httputil.ts";
 * encodeHeaderValue("\u212bngstr\xf6m"); // "=?utf-8?b?4oSrbmdzdHLDtm0=?="
 * ```
 */
export function encodeHeaderValue(value: string): string {
  // Most values repeat from response to response (the content type, `Server`, a length):
  // those seen clean are remembered (a few hundred at most).
  if (CLEAN_VALUES.has(value)) return value;
  if (!/[^\x20-\x7e\x80-\xff]/.test(value)) {
    remember(CLEAN_VALUES, value, 128);
    return value;
  }
  // deno-lint-ignore no-control-regex
  const clean = value.replace(/[\x00-\x1f\x7f]/g, "");
  if (!/[^\x20-\xff]/.test(clean)) return clean;
  const bytes = new TextEncoder().encode(clean);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return `=?utf-8?b?${btoa(binary)}?=`;
}
