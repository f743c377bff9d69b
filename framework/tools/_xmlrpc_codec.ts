/**
 * XML-RPC's wire format (xmlrpc.com/spec), written and read as Python's `xmlrpc.client` does
 * (`dumps` and `loads`), byte for byte where both are given the same values. No dependency: the
 * reader is a small, linear XML parser that accepts what XML-RPC uses (elements, text, CDATA,
 * comments, the five named entities and character references) and refuses the rest (`DOCTYPE`
 * and entity declarations, so no entity expansion).
 *
 * Values map as follows: `string` ↔ `<string>`; integers in the 32-bit range (and `bigint`s)
 * → `<int>`, other numbers → `<double>`; `<int>`, `<i4>`, `<i8>`... → `number` (a `bigint`
 * beyond 2^53); `boolean` ↔ `<boolean>`; `null` ↔ `<nil/>` (when allowed); arrays ↔
 * `<array>`; plain objects (and `Map`s, and other objects' own fields) → `<struct>` → plain
 * objects; `Uint8Array` ↔ `<base64>`; {@link DateTime} (or a `Date`, in UTC) →
 * `<dateTime.iso8601>` → {@link DateTime}.
 *
 * @module
 */

import { pyRepr } from "../http/_pyrepr.ts";

/**
 * An XML-RPC fault: returned by a method (or raised as an error) it becomes the
 * `<fault>` response, which Python's client raises as `xmlrpc.client.Fault`.
 *
 * @example Returning a fault from an XML-RPC method
 * ```ts
 * import { Fault } from "./_xmlrpc_codec.ts";
 * function withdraw(amount: number) {
 *   if (amount > 100) return new Fault(4, "insufficient funds");
 *   return true;
 * }
 * ```
 */
export class Fault extends Error {
  /** The fault code. */
  faultCode: number;
  /** The fault's text. */
  faultString: string;

  /** Creates the fault; its message reads as Python's `str()` of it (`<Fault 1: 'why'>`). */
  constructor(faultCode: number, faultString: string) {
    super(`<Fault ${faultCode}: ${pyRepr(faultString)}>`);
    this.name = "Fault";
    this.faultCode = faultCode;
    this.faultString = faultString;
  }
}

/**
 * What could not be read as an XML-RPC message (malformed XML, unknown tags, bad values).
 *
 * @example Telling a bad document from a fault
 * ```ts
 * import { XMLRPCParseError } from "./_xmlrpc_codec.ts";
 * import { loads } from "./_xmlrpc_loads.ts";
 * try {
 *   loads("<methodCall><oops>");
 * } catch (e) {
 *   if (e instanceof XMLRPCParseError) console.log(`not XML-RPC: ${e.message}`);
 * }
 * ```
 */
export class XMLRPCParseError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "XMLRPCParseError";
  }
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/**
 * An XML-RPC `dateTime.iso8601` value, kept as its text (`20031007T08:01:00`), as Python's
 * `xmlrpc.client.DateTime` keeps it.
 *
 * @example Using `DateTime`
 * ```ts
 * import { DateTime } from "./_xmlrpc_codec.ts";
 * new DateTime([2003, 10, 7, 8, 1, 0]).value; // "20031007T08:01:00"
 * new DateTime(new Date(Date.UTC(2003, 9, 7, 8, 1))).value; // the same
 * ```
 */
export class DateTime {
  /** The value as sent (`YYYYMMDDTHH:MM:SS`). */
  readonly value: string;

  /**
   * From a `Date` (its UTC fields), from `[year, month, day, hour, minute, second]` (as
   * Python's time tuples), or from the text itself.
   */
  constructor(value: Date | string | readonly number[]) {
    if (value instanceof Date) {
      if (Number.isNaN(value.getTime())) throw new RangeError("DateTime: invalid Date");
      this.value = `${pad(value.getUTCFullYear(), 4)}${pad(value.getUTCMonth() + 1)}` +
        `${pad(value.getUTCDate())}T${pad(value.getUTCHours())}:${pad(value.getUTCMinutes())}:` +
        pad(value.getUTCSeconds());
    } else if (typeof value === "string") {
      this.value = value;
    } else {
      const [y = 0, mo = 1, d = 1, h = 0, mi = 0, s = 0] = value;
      this.value = `${pad(y, 4)}${pad(mo)}${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}`;
    }
  }

  /** The value as a `Date` (read as UTC); throws when the text is not a date. */
  toDate(): Date {
    const m = /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):?(\d{2}):?(\d{2})/.exec(this.value);
    if (m === null) throw new RangeError(`DateTime: not a date: ${pyRepr(this.value)}`);
    const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    return new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  }

  /** Whether `other` (a DateTime or its text) is the same value. */
  equals(other: DateTime | string): boolean {
    return this.value === (typeof other === "string" ? other : other.value);
  }

  /** The text. */
  toString(): string {
    return this.value;
  }
}

// ---- writing -------------------------------------------------------------------------------

const MAXINT = 2 ** 31 - 1;
const MININT = -(2 ** 31);
// Characters XML 1.0 cannot carry at all (not even as references), and lone surrogates.
const NOT_XML =
  /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\uD800-\uDBFF\uDC00-\uDFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** `&`, `<` and `>` escaped (Python's `xmlrpc.client.escape`). */
function escape(s: string): string {
  if (NOT_XML.test(s)) {
    const bad = NOT_XML.exec(s)![0].codePointAt(0)!;
    throw new TypeError(
      `cannot marshal a string holding U+${bad.toString(16).toUpperCase().padStart(4, "0")}: ` +
        "XML cannot carry it",
    );
  }
  if (!/[&<>]/.test(s)) return s;
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/**
 * A number as Python's `repr()` of a float writes it: the shortest text that reads back the
 * same, in exponent form below 1e-4 and from 1e16 (`1e+16`, `1.5e-05`, `3.0`, `nan`, `inf`).
 *
 * @example Using `pyFloatRepr`
 * ```ts
 * import { pyFloatRepr } from "./_xmlrpc_codec.ts";
 * pyFloatRepr(1e16); // "1e+16"
 * pyFloatRepr(3); // "3.0"
 * ```
 */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const sign = x < 0 ? "-" : "";
  const [mant, e] = Math.abs(x).toExponential().split("e") as [string, string];
  const digits = mant.replace(".", "");
  const exp = Number(e);
  if (exp < -4 || exp >= 16) {
    const m = digits.length === 1 ? digits : `${digits[0]}.${digits.slice(1)}`;
    const ee = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : String(Math.abs(exp));
    return `${sign}${m}e${exp < 0 ? "-" : "+"}${ee}`;
  }
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
  const frac = digits.slice(exp + 1);
  return `${sign}${intPart}.${frac || "0"}`;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Base64 in lines of 76 characters, each ending with `\n` (Python's `encodebytes`). */
function encodeBase64Lines(bytes: Uint8Array): string {
  let out = "";
  let line = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!, b = bytes[i + 1], c = bytes[i + 2];
    line += B64[a >> 2]! + B64[((a & 3) << 4) | ((b ?? 0) >> 4)]! +
      (b === undefined ? "=" : B64[((b & 15) << 2) | ((c ?? 0) >> 6)]!) +
      (c === undefined ? "=" : B64[c & 63]!);
    if (line.length === 76) {
      out += line + "\n";
      line = "";
    }
  }
  return line ? out + line + "\n" : out;
}

type Write = (s: string) => void;

function dumpValue(value: unknown, write: Write, allowNone: boolean, memo: Set<object>): void {
  if (value === null || value === undefined) {
    if (!allowNone) throw new TypeError("cannot marshal None unless allow_none is enabled");
    write("<value><nil/></value>");
  } else if (typeof value === "boolean") {
    write(`<value><boolean>${value ? 1 : 0}</boolean></value>\n`);
  } else if (typeof value === "number") {
    if (Number.isInteger(value) && value >= MININT && value <= MAXINT) {
      write(`<value><int>${value === 0 ? 0 : value}</int></value>\n`);
    } else write(`<value><double>${pyFloatRepr(value)}</double></value>\n`);
  } else if (typeof value === "bigint") {
    if (value > BigInt(MAXINT) || value < BigInt(MININT)) {
      throw new RangeError("int exceeds XML-RPC limits");
    }
    write(`<value><int>${value}</int></value>\n`);
  } else if (typeof value === "string") {
    write(`<value><string>${escape(value)}</string></value>\n`);
  } else if (value instanceof Uint8Array || value instanceof ArrayBuffer) {
    const bytes = value instanceof ArrayBuffer ? new Uint8Array(value) : value;
    write(`<value><base64>\n${encodeBase64Lines(bytes)}</base64></value>\n`);
  } else if (value instanceof DateTime || value instanceof Date) {
    const text = value instanceof DateTime ? value.value : new DateTime(value).value;
    write(`<value><dateTime.iso8601>${escape(text)}</dateTime.iso8601></value>\n`);
  } else if (typeof value === "object") {
    if (memo.has(value)) {
      throw new TypeError(
        `cannot marshal recursive ${Array.isArray(value) ? "sequences" : "dictionaries"}`,
      );
    }
    memo.add(value);
    if (Array.isArray(value)) {
      write("<value><array><data>\n");
      for (const v of value) dumpValue(v, write, allowNone, memo);
      write("</data></array></value>\n");
    } else {
      const entries = value instanceof Fault
        ? [["faultCode", value.faultCode], ["faultString", value.faultString]] as const
        : value instanceof Map
        ? [...value.entries()]
        : Object.entries(value);
      write("<value><struct>\n");
      for (const [k, v] of entries) {
        if (typeof k !== "string") throw new TypeError("dictionary key must be string");
        write(`<member>\n<name>${escape(k)}</name>\n`);
        dumpValue(v, write, allowNone, memo);
        write("</member>\n");
      }
      write("</struct></value>\n");
    }
    memo.delete(value);
  } else {
    throw new TypeError(`cannot marshal ${typeof value} objects`);
  }
}

/** Options of {@link dumps}. */
export interface DumpsOptions {
  /** Make a `<methodCall>` of this method. */
  methodname?: string;
  /** Make a `<methodResponse>` (implied by a {@link Fault}). */
  methodresponse?: boolean;
  /** The encoding the XML declaration names (`"utf-8"`, the default, names none). */
  encoding?: string;
  /** Allow `null` (`<nil/>`, an extension); otherwise it is a `TypeError`. */
  allow_none?: boolean;
}

/**
 * Python's `xmlrpc.client.dumps`: `params` (a list of values, or a {@link Fault}) as an
 * XML-RPC request, response, or (with neither `methodname` nor `methodresponse`) a bare
 * `<params>` element.
 *
 * @example A response
 * ```ts
 * import { dumps } from "./_xmlrpc_codec.ts";
 * dumps([42], { methodresponse: true });
 * // "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><int>42</int>..."
 * ```
 */
export function dumps(params: readonly unknown[] | Fault, options: DumpsOptions = {}): string {
  const parts: string[] = [];
  const write: Write = (s) => void parts.push(s);
  const allowNone = Boolean(options.allow_none);
  let response = Boolean(options.methodresponse);
  if (params instanceof Fault) {
    response = true;
    write("<fault>\n");
    dumpValue(params, write, allowNone, new Set());
    write("</fault>\n");
  } else {
    if (!Array.isArray(params)) throw new TypeError("dumps() takes a list of params or a Fault");
    if (response && params.length !== 1) {
      throw new TypeError("response tuple must be a singleton");
    }
    write("<params>\n");
    for (const v of params) {
      write("<param>\n");
      dumpValue(v, write, allowNone, new Set());
      write("</param>\n");
    }
    write("</params>\n");
  }
  const data = parts.join("");
  const encoding = options.encoding ?? "utf-8";
  const header = encoding !== "utf-8"
    ? `<?xml version='1.0' encoding='${encoding}'?>\n`
    : "<?xml version='1.0'?>\n";
  if (options.methodname !== undefined) {
    return `${header}<methodCall>\n<methodName>${escape(options.methodname)}</methodName>\n` +
      `${data}</methodCall>\n`;
  }
  if (response) return `${header}<methodResponse>\n${data}</methodResponse>\n`;
  return data;
}

/**
 * The bytes of an XML-RPC document whose declaration names `encoding`: UTF-8 as it is; for any
 * other (ASCII-compatible) encoding, the characters beyond ASCII as character references, so
 * that the bytes are right whichever the encoding.
 *
 * @example A Latin-1 response
 * ```ts
 * import { dumps, encodeDocument } from "./_xmlrpc_codec.ts";
 * const xml = dumps(["café"], { methodresponse: true, encoding: "iso-8859-1" });
 * encodeDocument(xml, "iso-8859-1"); // ...<string>caf&#233;</string>...
 * ```
 */
export function encodeDocument(text: string, encoding = "utf-8"): Uint8Array {
  const name = encoding.toLowerCase().replace(/[_\s]/g, "-");
  if (name === "utf-8" || name === "utf8") return new TextEncoder().encode(text);
  if (/^(utf-?16|utf-?32|ucs-?2|ucs-?4)/.test(name)) {
    throw new TypeError(
      `XML-RPC responses are written in UTF-8 or an ASCII-compatible encoding, not ${encoding}.`,
    );
  }
  // deno-lint-ignore no-control-regex
  const ascii = text.replace(/[^\x00-\x7f]/gu, (c) => `&#${c.codePointAt(0)};`);
  return new TextEncoder().encode(ascii);
}
