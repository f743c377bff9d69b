/**
 * Python's `repr()` and `str()` of values, so that messages (the checker's, the body
 * processors', cookies', config files') read exactly as CherryPy's (`'js'`, `None`, `True`,
 * `['a', 'b']`). The one implementation of Python's string `repr` in the project.
 *
 * @module
 */

/**
 * The Python `repr()` of a value: strings quoted as Python quotes them, `null` as `None`,
 * booleans as `True`/`False`, arrays as lists and plain objects as dicts.
 *
 * @example Using `pyRepr`
 * ```ts
 * import { pyRepr } from "./_pyrepr.ts";
 * pyRepr("js"); // "'js'"
 * pyRepr(null); // "None"
 * pyRepr(["a", true]); // "['a', True]"
 * ```
 */
export function pyRepr(value: unknown): string {
  if (typeof value === "string") return reprString(value);
  if (value === null || value === undefined) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "nan";
    if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(", ")}]`;
  if (typeof value === "function") return `<function ${value.name || "<lambda>"}>`;
  if (typeof value === "object" && isPlainObject(value)) {
    const items = Object.entries(value).map(([k, v]) => `${reprString(k)}: ${pyRepr(v)}`);
    return `{${items.join(", ")}}`;
  }
  return String(value);
}

/**
 * The Python `str()` of a value: strings as they are, anything else as {@link pyRepr}.
 *
 * @example Using `pyStr`
 * ```ts
 * import { pyStr } from "./_pyrepr.ts";
 * pyStr("0.0.0.0"); // "0.0.0.0"
 * pyStr(false); // "False"
 * ```
 */
export function pyStr(value: unknown): string {
  return typeof value === "string" ? value : pyRepr(value);
}

/**
 * The Python type name of a config value (`'bool'`, `'int'`, `'float'`, `'str'`, `'list'`,
 * `'dict'`), the class name for other objects, or `null` for `null`/`undefined`.
 *
 * @example Using `pyTypeName`
 * ```ts
 * import { pyTypeName } from "./_pyrepr.ts";
 * pyTypeName(14); // "int"
 * pyTypeName(true); // "bool"
 * ```
 */
export function pyTypeName(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case "boolean":
      return "bool";
    case "number":
      return Number.isInteger(value) ? "int" : "float";
    case "string":
      return "str";
    case "function":
      return "function";
    case "object":
      if (Array.isArray(value)) return "list";
      if (isPlainObject(value)) return "dict";
      return (value as object).constructor?.name ?? "object";
    default:
      return typeof value;
  }
}

/**
 * `true` for `{...}` literals and `Object.create(null)` objects (not class instances).
 *
 * @example Using `isPlainObject`
 * ```ts
 * import { isPlainObject } from "./_pyrepr.ts";
 * isPlainObject({ a: 1 }); // true
 * isPlainObject(new Map()); // false
 * ```
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The Python type names of the boolean, number, string, array and plain-object attributes of
 * `source` (own and inherited, getters included), keyed `<namespace>.<attribute>`.
 *
 * @example Using `attributeTypes`
 * ```ts
 * import { attributeTypes } from "./_pyrepr.ts";
 * attributeTypes({ screen: true, level: 20 }, "log"); // { "log.screen": "bool", "log.level": "int" }
 * ```
 */
export function attributeTypes(source: object, namespace: string): Record<string, string> {
  const names = new Set<string>();
  for (
    let o: object | null = source;
    o !== null && o !== Object.prototype;
    o = Object.getPrototypeOf(o)
  ) {
    for (const name of Object.getOwnPropertyNames(o)) if (name !== "constructor") names.add(name);
  }
  const types: Record<string, string> = {};
  for (const name of names) {
    let value: unknown;
    try {
      value = (source as Record<string, unknown>)[name];
    } catch {
      continue;
    }
    const type = pyTypeName(value);
    if (type !== null && BUILTIN_TYPES.has(type)) types[`${namespace}.${name}`] = type;
  }
  return types;
}

const BUILTIN_TYPES = new Set(["bool", "int", "float", "str", "list", "dict"]);

const NOT_PRINTABLE = /^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Z}]$/u;

/**
 * A string as Python's `repr()` writes it: its quote choice, its escapes, and `\x`, `\u` or
 * `\U` for what Python does not print.
 */
function reprString(text: string): string {
  const q = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = q;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === q || ch === "\\") out += "\\" + ch;
    else if (ch === "\t") out += "\\t";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (code >= 0x20 && code < 0x7f) out += ch;
    else if (code < 0x100 && (code < 0x20 || NOT_PRINTABLE.test(ch))) {
      out += "\\x" + code.toString(16).padStart(2, "0");
    } else if (NOT_PRINTABLE.test(ch)) {
      out += code < 0x10000
        ? "\\u" + code.toString(16).padStart(4, "0")
        : "\\U" + code.toString(16).padStart(8, "0");
    } else out += ch;
  }
  return out + q;
}
