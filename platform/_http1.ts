/**
 * HTTP/1.1 message syntax for the project's own HTTP/1.1 engine (`_wire.ts`): the request
 * head (request line and header fields), the framing of the request body (`Content-Length`
 * or chunked, RFC 9112 §6; the chunked decoder is `_http1_chunked.ts`), and the response head (header checks, framing
 * facts). Pure functions on strings and bytes: no sockets here.
 *
 * The rules are cheroot's where it has one (the messages of its `simple_response`s are kept),
 * and RFC 9112's strict reading where a lenient parser opens the door to request smuggling:
 * bare CR or LF, whitespace before a colon, `Transfer-Encoding` together with
 * `Content-Length`, conflicting lengths and a `Transfer-Encoding` on HTTP/1.0 are all refused.
 *
 * @module
 */

import { TOO_LARGE_BODY } from "./_body.ts";
import type { OutgoingBody, OutgoingResponse } from "./types.ts";

/** A request the server refuses before the application sees it: status and plain-text body. */
export class Refusal {
  /**
   * @param status The status to answer (`400`).
   * @param message The plain-text body (cheroot's wording).
   */
  constructor(status: number, message: string) {
    this.status = status;
    this.message = message;
  }

  /** The status to answer. */
  readonly status: number;
  /** The plain-text body. */
  readonly message: string;
}

/** How a request body is framed: none, `Content-Length` bytes, or chunked. */
export type Framing = "none" | "length" | "chunked";

/** A parsed request head. */
export interface Head {
  /** The method (`"GET"`). */
  readonly method: string;
  /** The request target as sent. */
  readonly target: string;
  /** `"HTTP/1.1"` or `"HTTP/1.0"`, as sent. */
  readonly protocol: string;
  /** `true` for HTTP/1.1, `false` for HTTP/1.0. */
  readonly http11: boolean;
  /** Header fields as a flat `[lower-case name, value, ...]` list, in order. */
  readonly fields: string[];
  /** How the body is framed. */
  readonly framing: Framing;
  /** The declared body length (with `"length"` framing). */
  readonly length: number;
  /** The connection stays open after the response (as far as the request says). */
  readonly keepAlive: boolean;
  /** `Expect: 100-continue` was sent. */
  readonly expectContinue: boolean;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Control characters a head line may not hold (HTAB aside); CR and LF count too. */
// deno-lint-ignore no-control-regex
export const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;
const DIGITS = /^[0-9]+$/;
/** A Host value (RFC 9110 §7.2): a name, an IPv4 address or a bracketed IPv6 one, and a port. */
const HOST = /^(?:[A-Za-z0-9._~!$&'()*+,;=-]*|\[[0-9A-Fa-f:.]+\])(?::[0-9]*)?$/;
const VERSION = /^HTTP\/[0-9]\.[0-9]$/;
const LOWER = /[a-z]/;
/** 1 for the characters of a token (RFC 9110 §5.6.2 `tchar`), by character code below 128. */
const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") {
  TCHAR[c.charCodeAt(0)] = 1;
}
/** Response header names found to be tokens. */
const GOOD_NAMES = new Set<string>();
/** Response header values found to be plain ASCII. */
const ASCII_VALUES = new Set<string>();
/** Host values found good (a site's requests mostly carry the same few). */
const GOOD_HOSTS = new Set<string>();

/** Adds `text` to `set` when short, starting the set over once it holds 512 strings. */
function remember(set: Set<string>, text: string): void {
  if (text.length > 128) return;
  if (set.size >= 512) set.clear();
  set.add(text);
}

const BAD_METHOD = "Malformed method name: According to RFC 2616 (section 5.1.1) and its " +
  "successors RFC 7230 (section 3.1.1) and RFC 7231 (section 4.1) method names are " +
  "case-sensitive and uppercase.";

/** `value` without leading and trailing spaces and tabs (and nothing else). */
export function trimOWS(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end) {
    const c = value.charCodeAt(start);
    if (c !== 32 && c !== 9) break;
    start++;
  }
  while (end > start) {
    const c = value.charCodeAt(end - 1);
    if (c !== 32 && c !== 9) break;
    end--;
  }
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

/**
 * `true` when `value` is a valid `Host` header value: no userinfo, path, spaces or other bytes a
 * host name cannot hold (RFC 9112 §3.2 asks for a 400 otherwise).
 */
export function validHost(value: string): boolean {
  return HOST.test(value);
}

/** `true` when the comma-separated token list `value` holds `token` (lower case). */
export function hasToken(value: string, token: string): boolean {
  const lower = value.toLowerCase();
  if (lower === token) return true;
  if (!lower.includes(token)) return false;
  return lower.split(",").some((part) => trimOWS(part) === token);
}

/**
 * The usual request line (`GET /path HTTP/1.1`: an upper-case method other than CONNECT, a
 * target of visible ASCII starting with `/` and without `#`, HTTP/1.1 or 1.0), read in one pass
 * over its bytes (`bytes[at..at + n)`, whose Latin-1 reading `text` starts with); `null` for any
 * other line, which {@link requestLine} then checks in full. It accepts only lines the full
 * check accepts, and reads them the same way.
 */
function usualRequestLine(
  text: string,
  bytes: Uint8Array,
  at: number,
  n: number,
): [string, string, string, boolean] | null {
  const end = at + n;
  let i = at;
  for (; i < end; i++) {
    const c = bytes[i]!;
    if (c < 65 || c > 90) break;
  }
  const first = i - at;
  if (first === 0 || bytes[i] !== 32 || bytes[i + 1] !== 47) return null;
  for (i += 2; i < end; i++) {
    const c = bytes[i]!;
    if (c <= 32 || c >= 127 || c === 35) break;
  }
  const space = i - at;
  if (space !== n - 9 || bytes[i] !== 32 || !text.startsWith("HTTP/1.", space + 1)) return null;
  const minor = bytes[end - 1];
  if (minor !== 49 && minor !== 48) return null;
  const method = text.slice(0, first);
  if (method === "CONNECT") return null;
  return [method, text.slice(first + 1, space), text.slice(space + 1, n), minor === 49];
}

function requestLine(line: string): Refusal | [string, string, string, boolean] {
  if (CONTROL.test(line)) {
    return new Refusal(
      400,
      /[\r\n]/.test(line) ? "HTTP requires CRLF terminators" : "Malformed Request-Line",
    );
  }
  const first = line.indexOf(" ");
  const second = first < 0 ? -1 : line.indexOf(" ", first + 1);
  if (second < 0 || line.indexOf(" ", second + 1) >= 0) {
    return new Refusal(400, "Malformed Request-Line");
  }
  const method = line.slice(0, first);
  const target = line.slice(first + 1, second);
  const protocol = line.slice(second + 1);
  let http11: boolean;
  if (protocol === "HTTP/1.1") http11 = true;
  else {
    if (!protocol.startsWith("HTTP/")) {
      return new Refusal(400, "Malformed Request-Line: bad protocol");
    }
    // RFC 9112 §2.3: HTTP-version is "HTTP/" DIGIT "." DIGIT; "HTTP/1.10" or "HTTP/01.1" is no
    // version at all (cheroot reads the digits as numbers: 505 for 1.10, 200 for 1.01).
    if (!VERSION.test(protocol)) return new Refusal(400, "Malformed Request-Line: bad version");
    // HTTP/0.9, HTTP/2.0 and HTTP/1.2 alike: cheroot answers any version above 1.1, or of
    // another major, with 505.
    if (protocol.charCodeAt(5) !== 49 || protocol.charCodeAt(7) > 49) {
      return new Refusal(505, "Cannot fulfill request");
    }
    http11 = protocol.charCodeAt(7) === 49;
  }
  if (!TOKEN.test(method)) return new Refusal(400, "Malformed Request-Line");
  if (LOWER.test(method)) return new Refusal(400, BAD_METHOD);
  if (method === "CONNECT") {
    // CONNECT names an authority (`host:port`), as cheroot requires; the request is then
    // served like any other (the application sees the path `/host:port`), never tunnelled.
    if (!AUTHORITY.test(target)) {
      return new Refusal(
        400,
        "Invalid path in Request-URI: request-target must match authority-form.",
      );
    }
    return [method, target, protocol, http11];
  }
  if (target === "" || (target.charCodeAt(0) !== 47 && !validOtherTarget(method, target))) {
    return new Refusal(
      400,
      "Invalid path in Request-URI: request-target must contain origin-form which starts " +
        'with absolute-path (URI starting with a slash "/").',
    );
  }
  if (target.includes("#")) return new Refusal(400, "Illegal #fragment in Request-URI.");
  return [method, target, protocol, http11];
}

/** The authority-form of a CONNECT request-target: `host:port` (RFC 9112 §3.2.3). */
const AUTHORITY = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~!$&'()*+,;=%-]+):[0-9]+$/;

/** Absolute-form (`http://host/path`, accepted as CherryPy does) or `OPTIONS *`. */
function validOtherTarget(method: string, target: string): boolean {
  if (target === "*") return method === "OPTIONS";
  return /^https?:\/\/[^/?#]/i.test(target);
}

/**
 * Parses a request head (`text` is everything before the blank line, read as Latin-1).
 * Returns the {@link Head}, or the {@link Refusal} to answer. `bytes`, when given, holds the
 * head's bytes from `at` (`text` is their Latin-1 reading): reading bytes is several times
 * faster than reading a string's characters, so the checks read those.
 *
 * @example Using `parseHead`
 * ```ts ignore
 * const head = parseHead("GET / HTTP/1.1\r\nHost: x", 0);
 * ```
 */
export function parseHead(
  text: string,
  maxBodySize: number,
  bytes: Uint8Array = latin1Bytes(text),
  at = 0,
): Head | Refusal {
  // One pass over the whole head for what no line may hold; when there is none (the usual
  // case), each line is read without checking its characters again.
  const clean = cleanHead(bytes, at, at + text.length);
  let eol = text.indexOf("\r\n");
  const n = eol < 0 ? text.length : eol;
  const parsed = usualRequestLine(text, bytes, at, n) ?? requestLine(text.slice(0, n));
  if (parsed instanceof Refusal) return parsed;
  const [method, target, protocol, http11] = parsed;
  const fields: string[] = [];
  let length = -1;
  let lengthValue: string | null = null;
  let transferEncoding: string | null = null;
  let connection: string | null = null;
  let expect: string | null = null;
  let hosts = 0;
  while (eol >= 0) {
    const start = eol + 2;
    eol = text.indexOf("\r\n", start);
    const end = eol < 0 ? text.length : eol;
    let name: string;
    let value: string;
    const colon = clean ? nameEnd(bytes, at + start, at + end) - at : -1;
    if (colon > 0) {
      name = text.slice(start, colon).toLowerCase();
      let from = at + colon + 1;
      let to = at + end;
      while (from < to && (bytes[from] === 32 || bytes[from] === 9)) from++;
      while (to > from && (bytes[to - 1] === 32 || bytes[to - 1] === 9)) to--;
      value = text.slice(from - at, to - at);
    } else {
      const field = checkedField(text.slice(start, end));
      if (field instanceof Refusal) return field;
      name = field[0];
      value = field[1];
    }
    fields.push(name, value);
    switch (name) {
      case "host":
        if (++hosts === 1 && !GOOD_HOSTS.has(value)) {
          if (!HOST.test(value)) return new Refusal(400, "Invalid Host header.");
          remember(GOOD_HOSTS, value);
        }
        break;
      case "content-length":
        if (lengthValue !== null && lengthValue !== value) {
          return new Refusal(400, "Malformed Content-Length Header.");
        }
        lengthValue = value;
        break;
      case "transfer-encoding":
        transferEncoding = transferEncoding === null ? value : `${transferEncoding}, ${value}`;
        break;
      case "connection":
        connection = connection === null ? value : `${connection}, ${value}`;
        break;
      case "expect":
        expect = value;
        break;
    }
  }
  if (hosts > 1) return new Refusal(400, "Multiple Host headers.");
  let framing: Framing = "none";
  if (transferEncoding !== null) {
    if (!http11) {
      return new Refusal(400, "Transfer-Encoding is not allowed in an HTTP/1.0 request.");
    }
    if (lengthValue !== null) {
      return new Refusal(
        400,
        "A request may not carry both Transfer-Encoding and Content-Length.",
      );
    }
    const codings = transferEncoding.toLowerCase().split(",").map(trimOWS);
    if (codings[codings.length - 1] !== "chunked") {
      return new Refusal(400, "Malformed Transfer-Encoding: chunked must come last.");
    }
    if (codings.length > 1) return new Refusal(501, "Unimplemented");
    framing = "chunked";
  } else if (lengthValue !== null) {
    if (!DIGITS.test(lengthValue) || lengthValue.length > 15) {
      return new Refusal(400, "Malformed Content-Length Header.");
    }
    length = Number(lengthValue);
    if (maxBodySize > 0 && length > maxBodySize) return new Refusal(413, TOO_LARGE_BODY);
    if (length > 0) framing = "length";
  }
  let expectContinue = false;
  if (expect !== null) {
    if (expect.toLowerCase() !== "100-continue") return new Refusal(417, "Expectation Failed");
    expectContinue = http11;
  }
  // After a CONNECT, a client may take the connection for a tunnel: it is not reused.
  const keepAlive = method === "CONNECT"
    ? false
    : connection === null
    ? http11
    : http11
    ? !hasToken(connection, "close")
    : hasToken(connection, "keep-alive");
  return {
    method,
    target,
    protocol,
    http11,
    fields,
    framing,
    length,
    keepAlive,
    expectContinue,
  };
}

/**
 * `text`'s Latin-1 bytes; a character past Latin-1 (which no head read from the wire has)
 * becomes 0xFF, which every check reads as the string's character: not ASCII.
 */
function latin1Bytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = Math.min(text.charCodeAt(i), 0xff);
  return bytes;
}

/** A 32-bit view of the last buffer {@link cleanHead} read (reads come from a few pools). */
let words: Int32Array<ArrayBufferLike> = new Int32Array(0);
let wordsOf: ArrayBufferLike | null = null;

/** `true` when `c`, at `i` in `bytes[start..end)`, is a control byte a head may not hold. */
function forbidden(bytes: Uint8Array, c: number, i: number, start: number, end: number): boolean {
  if (c === 9) return false;
  // CR and LF only as the CRLF pairs ending lines.
  if (c === 13) return i + 1 >= end || bytes[i + 1] !== 10;
  if (c === 10) return i === start || bytes[i - 1] !== 13;
  return c < 32 || c === 127;
}

/**
 * `true` when `bytes[start..end)` holds no control byte (HTAB aside) and no CR or LF but the
 * CRLF pairs ending its lines. Four bytes at a time: a word with no byte below 0x20 and none
 * equal to 0x7F (the usual case: only the words with a line's CRLF have one) is let through
 * with a few operations.
 */
function cleanHead(bytes: Uint8Array, start: number, end: number): boolean {
  const base = bytes.byteOffset;
  let i = start;
  // Byte by byte up to a 4-byte boundary of the buffer (and for short heads).
  for (; i < end && ((base + i) & 3) !== 0; i++) {
    const c = bytes[i]!;
    if ((c < 32 || c === 127) && forbidden(bytes, c, i, start, end)) return false;
  }
  if (end - i >= 4) {
    const buffer = bytes.buffer;
    if (wordsOf !== buffer) {
      words = new Int32Array(buffer, 0, buffer.byteLength >> 2);
      wordsOf = buffer;
    }
    const w = words;
    for (; i + 4 <= end; i += 4) {
      const x = w[(base + i) >> 2]!;
      const y = x ^ 0x7f7f7f7f;
      // Some byte is below 0x20, or is 0x7F (a zero byte of `y`): look at each.
      if ((((x - 0x20202020) & ~x) | ((y - 0x01010101) & ~y)) & 0x80808080) {
        for (let k = i; k < i + 4; k++) {
          const c = bytes[k]!;
          if ((c < 32 || c === 127) && forbidden(bytes, c, k, start, end)) return false;
        }
      }
    }
  }
  for (; i < end; i++) {
    const c = bytes[i]!;
    if ((c < 32 || c === 127) && forbidden(bytes, c, i, start, end)) return false;
  }
  return true;
}

/** Where the token at `bytes[start..end)` ends with a colon; -1 without a token and colon. */
function nameEnd(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  for (; i < end; i++) {
    const c = bytes[i]!;
    if (c >= 128 || TCHAR[c] === 0) break;
  }
  return i === start || i === end || bytes[i] !== 58 ? -1 : i;
}

/** A header line checked in full: its lower-case name and its value, or the refusal. */
function checkedField(line: string): [string, string] | Refusal {
  let colon = fieldColon(line);
  if (colon < 0) {
    if (CONTROL.test(line)) {
      return new Refusal(
        400,
        /[\r\n]/.test(line) ? "HTTP requires CRLF terminators" : "Illegal header line.",
      );
    }
    const c0 = line.charCodeAt(0);
    // obs-fold (a line starting with a space or tab continues the previous field): refused,
    // as RFC 9112 §5.2 allows; proxies disagree on how to unfold it. (cheroot 9 refuses it.)
    if (c0 === 32 || c0 === 9) return new Refusal(400, "Illegal header line.");
    colon = line.indexOf(":");
    if (colon <= 0 || !TOKEN.test(line.slice(0, colon))) {
      return new Refusal(400, "Illegal header line.");
    }
  }
  return [line.slice(0, colon).toLowerCase(), trimOWS(line.slice(colon + 1))];
}

/**
 * Where the colon of a header line is, read in one pass, when the line is a field as the full
 * check wants it (a token, a colon, then no control character but tabs); -1 otherwise, and
 * the line is then checked in full (which finds what is wrong with it).
 */
function fieldColon(line: string): number {
  const n = line.length;
  let i = 0;
  for (; i < n; i++) {
    const c = line.charCodeAt(i);
    if (c >= 128 || TCHAR[c] === 0) break;
  }
  if (i === 0 || i === n || line.charCodeAt(i) !== 58) return -1;
  for (let j = i + 1; j < n; j++) {
    const c = line.charCodeAt(j);
    if ((c < 32 && c !== 9) || c === 127) return -1;
  }
  return i;
}

const VALUE_FAST = /^[\t\x20-\x7e]*$/;
const VALUE_LATIN1 = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Checks a response header field: the name must be a token and the value may hold no control
 * characters (no response splitting). Returns `true` when the value is plain ASCII, `false`
 * when it holds Latin-1 bytes; throws a `TypeError` otherwise.
 */
export function checkField(name: string, value: string): boolean {
  // Most names and values repeat from response to response (the content type, `Server`, a
  // length): those found good are remembered (a few hundred at most; a full set starts over).
  if (!GOOD_NAMES.has(name)) {
    if (!TOKEN.test(name)) {
      throw new TypeError(`Invalid response header name: ${JSON.stringify(name)}`);
    }
    remember(GOOD_NAMES, name);
  }
  if (ASCII_VALUES.has(value)) return true;
  if (VALUE_FAST.test(value)) {
    remember(ASCII_VALUES, value);
    return true;
  }
  if (VALUE_LATIN1.test(value)) return false;
  throw new TypeError(
    `Invalid character in the value of response header ${name}: ${JSON.stringify(value)}`,
  );
}

function reasonOf(
  status: number,
  given: string | undefined,
  standard: (status: number) => string | undefined,
): string {
  if (given) {
    if (!VALUE_LATIN1.test(given)) {
      throw new TypeError(`Invalid character in the reason phrase: ${JSON.stringify(given)}`);
    }
    return given;
  }
  return standard(status) ?? "Unknown";
}

/** A Fetch `Response` as the server's own form (`Set-Cookie` headers kept apart). */
export function fromFetch(out: Response): OutgoingResponse {
  const headers: Array<[string, string]> = [];
  out.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers.push([name, value]);
  });
  for (const cookie of out.headers.getSetCookie()) headers.push(["set-cookie", cookie]);
  return { status: out.status, statusText: out.statusText, headers, body: out.body };
}

/** The response head's facts that decide how the body is framed and the connection kept. */
export interface HeadFacts {
  head: string;
  ascii: boolean;
  length: number;
  chunked: boolean;
  close: boolean;
  hasConnection: boolean;
  hasDate: boolean;
}

export function describeHeaders(
  out: OutgoingResponse,
  standardReason: (status: number) => string | undefined,
): HeadFacts {
  let head = `HTTP/1.1 ${out.status} ${reasonOf(out.status, out.statusText, standardReason)}\r\n`;
  const facts: HeadFacts = {
    head: "",
    ascii: true,
    length: -1,
    chunked: false,
    close: false,
    hasConnection: false,
    hasDate: false,
  };
  const headers = out.headers;
  for (let i = 0; i < headers.length; i++) {
    const name = headers[i]![0];
    const value = headers[i]![1];
    if (!checkField(name, value)) facts.ascii = false;
    head += name + ": " + value + "\r\n";
    switch (name.length) {
      case 4:
        if (name === "Date" || name.toLowerCase() === "date") facts.hasDate = true;
        break;
      case 10:
        if (name === "Connection" || name.toLowerCase() === "connection") {
          facts.hasConnection = true;
          if (hasToken(value, "close")) facts.close = true;
        }
        break;
      case 14:
        if (name === "Content-Length" || name.toLowerCase() === "content-length") {
          facts.length = DIGITS.test(value) ? Number(value) : -1;
        }
        break;
      case 17:
        if (name.toLowerCase() === "transfer-encoding") facts.chunked = hasToken(value, "chunked");
        break;
    }
  }
  facts.head = head;
  return facts;
}

export function isStream(body: OutgoingBody): body is AsyncIterable<Uint8Array> | ReadableStream {
  return body !== null && typeof body === "object" && !(body instanceof Uint8Array);
}

export function cancelBody(body: OutgoingBody): void {
  if (body instanceof ReadableStream) body.cancel().catch(() => {});
  else if (isStream(body)) {
    const it = (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
    it.return?.()?.catch?.(() => {});
  }
}

/** The refusal of a head over `max` bytes: 414 when its request line alone is too long, else 431. */
export function oversized(pending: Uint8Array, start: number, max: number): Refusal {
  const lineEnd = pending.indexOf(10, start);
  return lineEnd < 0 || lineEnd - start > max
    ? new Refusal(414, "The Request-URI sent with the request exceeds the maximum allowed bytes.")
    : new Refusal(431, "The headers sent with the request exceed the maximum allowed bytes.");
}

/**
 * Where the blank line ending a request head starts in `bytes` (the index of its `\r\n\r\n`),
 * searching from `from`; -1 when it has not arrived. A loop over the bytes: Deno's
 * `Buffer.indexOf` with a `Buffer` to find costs about ten times as much for a short head.
 */
export function findHeadEnd(bytes: Uint8Array, from: number): number {
  const n = bytes.length;
  for (let i = from + 3; i < n; i++) {
    if (bytes[i] === 10 && bytes[i - 2] === 10 && bytes[i - 1] === 13 && bytes[i - 3] === 13) {
      return i - 3;
    }
  }
  return -1;
}

/** `true` when a line of the incomplete head (from `start`) has a bare LF after `from`. */
export function hasBareLF(pending: Uint8Array, from: number, start: number): boolean {
  for (let lf = pending.indexOf(10, from); lf >= 0; lf = pending.indexOf(10, lf + 1)) {
    if (lf === start || pending[lf - 1] !== 13) return true;
  }
  return false;
}
