/**
 * The text rules of cookies, as Python's `http.cookies` applies them: which keys are legal,
 * how values are quoted and unquoted, the `expires` date format, the pattern that splits a
 * `Cookie` request header, and the Python spellings (`repr`, `str`, `strip`, truthiness) that
 * error messages and `Set-Cookie` values are built from.
 *
 * @module
 */

import { remember } from "./_remember.ts";

/** Characters a key or value may contain without quoting (RFC 2068 token characters). */
const LEGAL = "A-Za-z0-9!#$%&'*+\\-.^_`|~:";
const LEGAL_KEY = new RegExp(`^[${LEGAL}]+$`);
/** Characters that force quotes but are written as they are inside them. */
const PLAIN_IN_QUOTES = new Set([..." ()/<=>?@[]{}"]);

/**
 * Whether `key` is a legal cookie name: one or more token characters.
 *
 * @example Checking names
 * ```ts
 * import { isLegalKey } from "./_cookie_text.ts";
 * isLegalKey("session_id"); // true
 * isLegalKey("a b"); // false
 * ```
 */
export function isLegalKey(key: string): boolean {
  if (LEGAL_KEYS.has(key)) return true;
  if (!LEGAL_KEY.test(key)) return false;
  remember(LEGAL_KEYS, key, 64);
  return true;
}

/** Names found legal lately (a site's requests carry the same few). */
const LEGAL_KEYS = new Set<string>();

/**
 * Quotes a value for a `Set-Cookie` header: token-only values stay bare; anything else is
 * wrapped in double quotes, with `"` and `\` backslash-escaped and every other character below
 * U+0100 outside the token set and `" ()/<=>?@[]{}"` written as a three-digit octal escape.
 *
 * @example Quoting
 * ```ts
 * import { quote } from "./_cookie_text.ts";
 * quote("abc"); // "abc"
 * quote("a b;c"); // "\"a b\\073c\""
 * ```
 */
export function quote(text: string): string {
  if (isLegalKey(text)) return text;
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === "\\") out += "\\" + ch;
    else if (code < 256 && !PLAIN_IN_QUOTES.has(ch) && !isLegalKey(ch)) {
      out += "\\" + code.toString(8).padStart(3, "0");
    } else out += ch;
  }
  return out + '"';
}

const UNQUOTE_ESCAPE = /\\(?:([0-3][0-7][0-7])|([^\n]))/g;

/**
 * Undoes {@link quote}: a value wrapped in double quotes loses them and its `\ooo` and `\x`
 * escapes; any other value is returned unchanged.
 *
 * @example Unquoting
 * ```ts
 * import { unquote } from "./_cookie_text.ts";
 * unquote('"a\\073b"'); // "a;b"
 * unquote("plain"); // "plain"
 * ```
 */
export function unquote(text: string): string {
  if (text.length < 2 || !text.startsWith('"') || !text.endsWith('"')) return text;
  return text.slice(1, -1).replace(
    UNQUOTE_ESCAPE,
    (_m, octal: string | undefined, ch: string | undefined) =>
      octal !== undefined ? String.fromCharCode(parseInt(octal, 8)) : ch ?? "",
  );
}

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * The `expires` date `offsetSeconds` from `nowMs`, as `Wdy, DD Mon YYYY HH:MM:SS GMT`
 * (whole seconds, rounded down).
 *
 * @example A fixed instant
 * ```ts
 * import { cookieDate } from "./_cookie_text.ts";
 * cookieDate(3600, Date.UTC(2025, 0, 1)); // "Wed, 01 Jan 2025 01:00:00 GMT"
 * ```
 */
export function cookieDate(offsetSeconds = 0, nowMs: number = Date.now()): string {
  const d = new Date(Math.floor(nowMs / 1000 + offsetSeconds) * 1000);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${WEEKDAYS[d.getUTCDay()]}, ${two(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ` +
    `${String(d.getUTCFullYear()).padStart(4, " ")} ${two(d.getUTCHours())}:` +
    `${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} GMT`;
}

/**
 * One `key[=value]` item of a `Cookie` header, matched at `lastIndex` (sticky). Group 1 is the
 * key, group 2 the raw value (absent for a bare key). Whitespace is ASCII whitespace only, and
 * the end may come before one final newline, as in the pattern of Python's `http.cookies`.
 *
 * @example Matching the first item
 * ```ts
 * import { COOKIE_ITEM } from "./_cookie_text.ts";
 * COOKIE_ITEM.lastIndex = 0;
 * const m = COOKIE_ITEM.exec("a=1; b=2"); // m[1] === "a", m[2] === "1"
 * ```
 */
export const COOKIE_ITEM: RegExp = new RegExp(
  "[ \\t\\n\\r\\f\\v]*" +
    "([\\w!#%&'~`><@,:/$*+\\-.^|)(?}{=]+?)" +
    "(?:[ \\t\\n\\r\\f\\v]*=[ \\t\\n\\r\\f\\v]*(" +
    '"(?:[^\\\\"]|\\\\[^\\n])*"' +
    "|\\w{3},[ \\t\\n\\r\\f\\v][\\w \\t\\n\\r\\f\\v-]{9,11}[ \\t\\n\\r\\f\\v][\\d:]{8}" +
    "[ \\t\\n\\r\\f\\v]GMT" +
    "|[\\w!#%&'~`><@,:/$*+\\-.^|)(?}{=\\[\\]]*" +
    "))?" +
    "[ \\t\\n\\r\\f\\v]*(?:[ \\t\\n\\r\\f\\v]+|;|$|(?=\\n$))",
  "y",
);

/**
 * A value as Python's `str()` writes it: `None`, `True`, `False`, `inf`, `nan`, or the text.
 *
 * @example Python spellings
 * ```ts
 * import { pyStr } from "./_cookie_text.ts";
 * pyStr(null); // "None"
 * pyStr(true); // "True"
 * pyStr(3600); // "3600"
 * ```
 */
export function pyStr(value: string | number | boolean | null): string {
  if (value === null) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "nan";
    if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  }
  return String(value);
}

/**
 * Python's truthiness for an attribute value: `""`, `0`, `false` and `null` are false.
 *
 * @example Flags
 * ```ts
 * import { pyTruthy } from "./_cookie_text.ts";
 * pyTruthy(""); // false
 * pyTruthy("yes"); // true
 * ```
 */
export function pyTruthy(value: string | number | boolean | null): boolean {
  return value !== "" && value !== 0 && value !== false && value !== null;
}

const PY_SPACE = "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029" +
  "\\u202f\\u205f\\u3000";
const PY_STRIP = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, "g");

/**
 * Removes leading and trailing whitespace as Python's `str.strip()` does (its whitespace set
 * includes U+001C-U+001F and U+0085, and excludes U+FEFF).
 *
 * @example Stripping a header value
 * ```ts
 * import { pyStrip } from "./_cookie_text.ts";
 * pyStrip("  a=b\u00a0"); // "a=b"
 * ```
 */
export function pyStrip(text: string): string {
  // Usually nothing to strip: the ends are visible ASCII.
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(text.length - 1);
  if (first > 0x20 && first < 0x7f && last > 0x20 && last < 0x7f) return text;
  return text.replace(PY_STRIP, "");
}

/**
 * Compares two strings by code point, as Python sorts them.
 *
 * @example Sorting names
 * ```ts
 * import { compareCodePoints } from "./_cookie_text.ts";
 * ["b", "B", "a"].sort(compareCodePoints); // ["B", "a", "b"]
 * ```
 */
export function compareCodePoints(a: string, b: string): number {
  const x = [...a], y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i]?.codePointAt(0) ?? 0) - (y[i]?.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}
