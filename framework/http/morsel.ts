/**
 * One cookie, as Python's `http.cookies.Morsel` holds it: name, value, the value as written on
 * the wire, and the attributes `expires`, `path`, `comment`, `domain`, `max-age`, `secure`,
 * `httponly`, `version` and `samesite`; plus {@link CookieError} and its messages.
 * {@link Morsel.outputString} writes the `Set-Cookie` value exactly as Python does.
 *
 * @example A cookie for the whole site, for an hour
 * ```ts
 * import { SimpleCookie } from "../core/mod.ts";
 * const morsel = new SimpleCookie().set("theme", "dark");
 * morsel.path = "/";
 * morsel.maxAge = 3600;
 * morsel.outputString(); // "theme=dark; Max-Age=3600; Path=/"
 * ```
 *
 * @module
 */

import { cookieDate, isLegalKey, pyStr, pyTruthy, quote } from "./_cookie_text.ts";
import { pyRepr } from "./_pyrepr.ts";

/**
 * A stored attribute value: what was assigned (a string or number), `true` for a flag given
 * bare in a `Cookie` header (`; secure`), `null` for a bare `$Attr` in one. `""` means unset.
 */
export type MorselValue = string | number | boolean | null;

/** The attribute names a morsel accepts (lower case; lookups ignore case). */
export type MorselAttribute =
  | "expires"
  | "path"
  | "comment"
  | "domain"
  | "max-age"
  | "secure"
  | "httponly"
  | "version"
  | "samesite";

/** Attribute name → how `Set-Cookie` spells it. */
const SPELLING: Readonly<Record<MorselAttribute, string>> = {
  expires: "expires",
  path: "Path",
  comment: "Comment",
  domain: "Domain",
  "max-age": "Max-Age",
  secure: "Secure",
  httponly: "HttpOnly",
  version: "Version",
  samesite: "SameSite",
};
const ATTRIBUTES = Object.keys(SPELLING) as MorselAttribute[];
/** `Set-Cookie` writes attributes sorted by name. */
const OUTPUT_ORDER = [...ATTRIBUTES].sort();
/**
 * The attributes written as bare flags (`Secure`, `HttpOnly`).
 *
 * @example Using `COOKIE_FLAGS`
 * ```ts
 * import { COOKIE_FLAGS } from "./morsel.ts";
 * COOKIE_FLAGS.has("secure"); // true
 * ```
 */
export const COOKIE_FLAGS: ReadonlySet<MorselAttribute> = new Set(["secure", "httponly"]);

/**
 * The attribute `name` stands for (any case), or `undefined` when it is not one.
 *
 * @example Using `reservedAttribute`
 * ```ts
 * import { reservedAttribute } from "./morsel.ts";
 * reservedAttribute("Max-Age"); // "max-age"
 * ```
 */
export function reservedAttribute(name: string): MorselAttribute | undefined {
  const lower = name.toLowerCase();
  return Object.hasOwn(SPELLING, lower) ? lower as MorselAttribute : undefined;
}

/** A value Python treats as an `int` (`bool` included). */
function isInt(value: MorselValue): value is number | boolean {
  return typeof value === "boolean" || (typeof value === "number" && Number.isInteger(value));
}

/**
 * Builds the message of a {@link CookieError}; a bad `Cookie` request header is answered
 * `400 Bad Request` with this message.
 *
 * - `"invalid-attribute"`: `Invalid attribute 'port'` (an attribute name outside the nine)
 * - `"illegal-key"`: `Illegal key 'a b'` (a cookie name that is not a token)
 * - `"reserved-key"`: `Attempt to set a reserved key 'path'` (a cookie named like an attribute)
 *
 * Names are quoted as Python's `repr()` quotes them.
 *
 * @example The 400 message for `Cookie: a=b; $Port=80`
 * ```ts
 * import { cookieErrorMessage } from "./morsel.ts";
 * cookieErrorMessage("invalid-attribute", "port"); // "Invalid attribute 'port'"
 * ```
 */
export function cookieErrorMessage(
  kind: "invalid-attribute" | "illegal-key" | "reserved-key",
  name: string,
): string {
  const prefix = kind === "invalid-attribute"
    ? "Invalid attribute"
    : kind === "illegal-key"
    ? "Illegal key"
    : "Attempt to set a reserved key";
  return `${prefix} ${pyRepr(name)}`;
}

/**
 * A bad cookie name, attribute name or `Cookie` header.
 *
 * @example Catching a bad name
 * ```ts
 * import { CookieError } from "./morsel.ts";
 * import { SimpleCookie } from "../core/mod.ts";
 * try {
 *   new SimpleCookie().set("a b", "x");
 * } catch (e) {
 *   if (e instanceof CookieError) console.log(e.message); // Illegal key 'a b'
 * }
 * ```
 */
export class CookieError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "CookieError";
  }
}

/**
 * One cookie: name, value, wire value and attributes. Attributes read and write as
 * properties (`maxAge` for `max-age`) or by name through {@link Morsel.get} and
 * {@link Morsel.set}, which accept any letter case and reject unknown names.
 * An attribute equal to `""` is unset and left out of `Set-Cookie`.
 *
 * @example Attributes
 * ```ts
 * import { Morsel } from "./morsel.ts";
 * const m = new Morsel();
 * m.setValue("id", "42", "42");
 * m.path = "/";
 * m.set("max-age", 3600).set("HttpOnly", true);
 * m.outputString(); // "id=42; HttpOnly; Max-Age=3600; Path=/"
 * ```
 */
export class Morsel {
  #key = "";
  #value = "";
  #codedValue = "";
  #attrs: Record<MorselAttribute, MorselValue> = {
    expires: "",
    path: "",
    comment: "",
    domain: "",
    "max-age": "",
    secure: "",
    httponly: "",
    version: "",
    samesite: "",
  };

  /** The attribute names, in Python's order: expires, path, comment, domain, max-age, ... */
  static readonly attributeNames: readonly MorselAttribute[] = ATTRIBUTES;

  /** The cookie's name. */
  get key(): string {
    return this.#key;
  }
  /** The cookie's value (unquoted). */
  get value(): string {
    return this.#value;
  }
  /** The value as written in headers (quoted when needed). */
  get codedValue(): string {
    return this.#codedValue;
  }
  /** Python's spelling of {@link Morsel.codedValue}. */
  get coded_value(): string {
    return this.#codedValue;
  }

  /**
   * Sets name, value and wire value (Python's `Morsel.set`). Throws {@link CookieError} when
   * `key` is an attribute name or not a legal token.
   *
   * @example Setting by hand
   * ```ts
   * import { Morsel } from "./morsel.ts";
   * const m = new Morsel();
   * m.setValue("a", "x y", '"x y"');
   * ```
   */
  setValue(key: string, value: string, codedValue: string): void {
    if (reservedAttribute(key)) throw new CookieError(cookieErrorMessage("reserved-key", key));
    if (!isLegalKey(key)) throw new CookieError(cookieErrorMessage("illegal-key", key));
    this.#key = key;
    this.#value = value;
    this.#codedValue = codedValue;
  }

  /**
   * Whether `name` is one of the attribute names (any case).
   *
   * @example Using `isReservedKey`
   * ```ts
   * import { Morsel } from "./morsel.ts";
   * new Morsel().isReservedKey("Max-Age"); // true
   * ```
   */
  isReservedKey(name: string): boolean {
    return reservedAttribute(name) !== undefined;
  }

  /**
   * The stored value of attribute `name` (any case); `""` when unset. Throws
   * {@link CookieError} for an unknown name.
   *
   * @example Using `get`
   * ```ts
   * import { Morsel } from "./morsel.ts";
   * new Morsel().set("max-age", 60).get("Max-Age"); // 60
   * ```
   */
  get(name: string): MorselValue {
    return this.#attrs[this.#attribute(name)];
  }

  /**
   * Sets attribute `name` (any case) and returns the morsel. Throws {@link CookieError}
   * (`Invalid attribute 'x'`) for a name outside the nine.
   *
   * @example Using `set`
   * ```ts
   * import { Morsel } from "./morsel.ts";
   * new Morsel().set("path", "/").set("secure", true);
   * ```
   */
  set(name: string, value: MorselValue): this {
    this.#attrs[this.#attribute(name)] = value;
    return this;
  }

  /**
   * Sets several attributes at once; nothing changes if any name is unknown.
   *
   * @example Using `update`
   * ```ts
   * import { Morsel } from "./morsel.ts";
   * new Morsel().update({ path: "/", "max-age": 60 });
   * ```
   */
  update(values: Readonly<Record<string, MorselValue>>): this {
    const checked = Object.entries(values).map(([k, v]) => [this.#attribute(k), v] as const);
    for (const [k, v] of checked) this.#attrs[k] = v;
    return this;
  }

  /**
   * The attributes and their stored values, in {@link Morsel.attributeNames} order.
   *
   * @example Using `attributes`
   * ```ts
   * import { Morsel } from "./morsel.ts";
   * const set = [...new Morsel().set("path", "/").attributes()].filter(([, v]) => v !== "");
   * ```
   */
  attributes(): IterableIterator<[MorselAttribute, MorselValue]> {
    return ATTRIBUTES.map((a): [MorselAttribute, MorselValue] => [a, this.#attrs[a]]).values();
  }

  /**
   * An independent copy.
   *
   * @example Using `copy`
   * ```ts
   * import { Morsel } from "./morsel.ts";
   * const copy = new Morsel().set("path", "/").copy();
   * ```
   */
  copy(): Morsel {
    const m = new Morsel();
    m.#key = this.#key;
    m.#value = this.#value;
    m.#codedValue = this.#codedValue;
    m.#attrs = { ...this.#attrs };
    return m;
  }

  /** `expires`: a date string sent as given, or a number of seconds from now (0: now). */
  get expires(): string | number {
    return this.#textOrNumber("expires");
  }
  set expires(value: string | number) {
    this.#attrs.expires = value;
  }
  /** `Path`. */
  get path(): string {
    return this.#text("path");
  }
  set path(value: string) {
    this.#attrs.path = value;
  }
  /** `Comment` (quoted when needed). */
  get comment(): string {
    return this.#text("comment");
  }
  set comment(value: string) {
    this.#attrs.comment = value;
  }
  /** `Domain`. */
  get domain(): string {
    return this.#text("domain");
  }
  set domain(value: string) {
    this.#attrs.domain = value;
  }
  /** `Max-Age`, in seconds (the `max-age` attribute). */
  get maxAge(): string | number {
    return this.#textOrNumber("max-age");
  }
  set maxAge(value: string | number) {
    this.#attrs["max-age"] = value;
  }
  /** The `Secure` flag. */
  get secure(): boolean {
    return pyTruthy(this.#attrs.secure);
  }
  set secure(value: boolean) {
    this.#attrs.secure = value;
  }
  /** The `HttpOnly` flag. */
  get httponly(): boolean {
    return pyTruthy(this.#attrs.httponly);
  }
  set httponly(value: boolean) {
    this.#attrs.httponly = value;
  }
  /** `Version`. */
  get version(): string | number {
    return this.#textOrNumber("version");
  }
  set version(value: string | number) {
    this.#attrs.version = value;
  }
  /** `SameSite` (`Strict`, `Lax` or `None`). */
  get samesite(): string {
    return this.#text("samesite");
  }
  set samesite(value: string) {
    this.#attrs.samesite = value;
  }

  /**
   * The `Set-Cookie` value: `name=value` then the set attributes, sorted by name, joined by
   * `"; "`. `attrs` limits the attributes written. A whole-number `expires` becomes the date
   * that many seconds from now; `Secure` and `HttpOnly` appear when truthy.
   *
   * @example Using `outputString`
   * ```ts
   * import { SimpleCookie } from "../core/mod.ts";
   * const m = new SimpleCookie().set("a", "b").set("path", "/").set("secure", true);
   * m.outputString(); // "a=b; Path=/; Secure"
   * m.outputString(["path"]); // "a=b; Path=/"
   * ```
   */
  outputString(attrs?: Iterable<string>): string {
    const wanted = attrs === undefined ? undefined : new Set(attrs);
    const parts = [`${this.#key}=${this.#codedValue}`];
    for (const name of OUTPUT_ORDER) {
      const value = this.#attrs[name];
      if (value === "" || (wanted && !wanted.has(name))) continue;
      const label = SPELLING[name];
      if (name === "expires" && isInt(value)) {
        parts.push(`${label}=${cookieDate(Number(value))}`);
      } else if (name === "max-age" && isInt(value)) parts.push(`${label}=${Number(value)}`);
      else if (name === "comment" && typeof value === "string") {
        parts.push(`${label}=${quote(value)}`);
      } else if (COOKIE_FLAGS.has(name)) {
        if (pyTruthy(value)) parts.push(label);
      } else parts.push(`${label}=${pyStr(value)}`);
    }
    return parts.join("; ");
  }

  /**
   * The whole header line, `Set-Cookie: <value>` (Python's `Morsel.output`).
   *
   * @example Using `output`
   * ```ts
   * import { SimpleCookie } from "../core/mod.ts";
   * new SimpleCookie().set("a", "b").output(); // "Set-Cookie: a=b"
   * ```
   */
  output(attrs?: Iterable<string>, header = "Set-Cookie:"): string {
    return `${header} ${this.outputString(attrs)}`;
  }

  /** The header line, as {@link Morsel.output} gives it. */
  toString(): string {
    return this.output();
  }

  #attribute(name: string): MorselAttribute {
    const attr = reservedAttribute(name);
    if (!attr) throw new CookieError(cookieErrorMessage("invalid-attribute", name.toLowerCase()));
    return attr;
  }

  #text(name: MorselAttribute): string {
    const value = this.#attrs[name];
    return typeof value === "string" ? value : pyStr(value);
  }

  #textOrNumber(name: MorselAttribute): string | number {
    const value = this.#attrs[name];
    return typeof value === "string" || typeof value === "number" ? value : pyStr(value);
  }
}
