/**
 * JSON text as CherryPy writes it: Python's `json.JSONEncoder()` defaults, so a page reads the
 * same byte for byte (`{"a": 1, "b": [1, 2]}`): `", "` and `": "` separators, every non-ASCII
 * character escaped (`"\u00e9"`), `NaN` and `Infinity` written as Python writes them.
 *
 * @module
 */

/** Python's repr of a float's exponent has at least two digits (`1e-07`, `1e+16`). */
function pythonNumber(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (n === Infinity) return "Infinity";
  if (n === -Infinity) return "-Infinity";
  const text = String(n);
  const e = text.indexOf("e");
  if (e < 0) return text;
  const sign = text[e + 1]!;
  const digits = text.slice(e + 2);
  return `${text.slice(0, e)}e${sign}${digits.length < 2 ? "0" + digits : digits}`;
}

const ESCAPES: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\b": "\\b",
  "\f": "\\f",
};

/** Characters Python's `json` escapes with `ensure_ascii`: all but printable ASCII. */
// deno-lint-ignore no-control-regex
const TO_ESCAPE = /[\\"\u0000-\u001f\u007f-\uffff]/g;

/** The same characters, found without the global flag's state. */
// deno-lint-ignore no-control-regex
const HAS_ESCAPE = /[\\"\u0000-\u001f\u007f-\uffff]/;

/**
 * `true` when `text` has a character {@link TO_ESCAPE} finds: short strings (most keys and
 * values) are looked at one by one, cheaper than a call of the regular expression.
 */
function needsEscape(text: string): boolean {
  const n = text.length;
  if (n > 32) return HAS_ESCAPE.test(text);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return true;
  }
  return false;
}

/** A string as Python's `json` writes it with `ensure_ascii` (the default). */
function pythonString(text: string): string {
  if (!needsEscape(text)) return '"' + text + '"';
  const escaped = text.replace(
    TO_ESCAPE,
    (ch) => ESCAPES[ch] ?? "\\u" + ch.charCodeAt(0).toString(16).padStart(4, "0"),
  );
  return '"' + escaped + '"';
}

/** The Python-style type name used in "is not JSON serializable" errors. */
function typeName(value: unknown): string {
  if (typeof value === "function") return "function";
  if (typeof value === "symbol") return "symbol";
  const tag = (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag];
  if (typeof tag === "string" && tag !== "") return tag;
  const ctor = (value as { constructor?: { name?: string } }).constructor;
  return ctor?.name || "object";
}

function notSerializable(value: unknown): TypeError {
  return new TypeError(`Object of type ${typeName(value)} is not JSON serializable`);
}

/**
 * Objects that `JSON.stringify` would silently write as `{}` and Python's encoder refuses:
 * collections other than arrays, byte arrays, iterators, promises, dates without `toJSON`.
 */
function refused(value: object): boolean {
  if (value instanceof Map || value instanceof Set || value instanceof WeakMap) return true;
  if (value instanceof WeakSet || value instanceof Promise || ArrayBuffer.isView(value)) {
    return true;
  }
  if (value instanceof ArrayBuffer) return true;
  return typeof (value as Iterable<unknown>)[Symbol.iterator] === "function" ||
    typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function";
}

/**
 * Encodes `value` as Python's `json.JSONEncoder().encode` would the same data. Objects with a
 * `toJSON` method (dates) are written as what it returns, and `undefined` object members are
 * left out (an `undefined` array item is `null`), as `JSON.stringify` does. Functions,
 * symbols, maps, sets, byte arrays, iterators and promises are refused with Python's
 * `TypeError` ("Object of type Map is not JSON serializable"); a cycle is a `TypeError` too.
 *
 * @example Python's separators and escapes
 * ```ts
 * import { encodeJson } from "./_json.ts";
 * encodeJson({ a: 1, b: [1, 2], c: "é" }); // '{"a": 1, "b": [1, 2], "c": "\\u00e9"}'
 * ```
 */
export function encodeJson(value: unknown): string {
  return encodeValue(value, "", []) ?? "null";
}

/**
 * `value` (the member `key` of its parent) as JSON text, `undefined` when it is left out;
 * `parents` holds the objects being written around it, to find a cycle.
 */
function encodeValue(v: unknown, key: string | number, parents: object[]): string | undefined {
  if (v !== null && (typeof v === "object" || typeof v === "bigint")) {
    const toJSON = (v as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") v = toJSON.call(v, String(key));
  }
  if (v === null) return "null";
  switch (typeof v) {
    case "undefined":
      return undefined;
    case "string":
      return pythonString(v);
    case "boolean":
      return v ? "true" : "false";
    case "number":
      return pythonNumber(v);
    case "bigint":
      return v.toString();
    case "function":
    case "symbol":
      throw notSerializable(v);
  }
  const obj = v as object;
  if (parents.includes(obj)) throw new TypeError("Circular reference detected");
  // (No cleanup on a throw: the whole text is abandoned with its `parents`.)
  parents.push(obj);
  let out;
  if (Array.isArray(obj)) {
    out = "[";
    for (let i = 0; i < obj.length; i++) {
      out += (i === 0 ? "" : ", ") + (encodeValue(obj[i], i, parents) ?? "null");
    }
    out += "]";
  } else {
    if (refused(obj)) throw notSerializable(obj);
    out = "{";
    const keys = Object.keys(obj);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const text = encodeValue((obj as Record<string, unknown>)[k], k, parents);
      if (text !== undefined) {
        out += (out.length === 1 ? "" : ", ") + pythonString(k) + ": " + text;
      }
    }
    out += "}";
  }
  parents.pop();
  return out;
}
