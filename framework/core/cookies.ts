/**
 * Cookies, as CherryPy handles them with Python's `http.cookies.SimpleCookie`:
 * `request.cookie` holds what the client sent (parsed from its `Cookie` headers) and
 * `response.cookie` what the page sends back (one `Set-Cookie` header per cookie).
 *
 * A {@link SimpleCookie} maps names to {@link Morsel}s. A morsel is one cookie: its name, its
 * value, the value as written on the wire, and the attributes `expires`, `path`, `comment`,
 * `domain`, `max-age`, `secure`, `httponly`, `version` and `samesite`. Values are quoted,
 * headers parsed and `Set-Cookie` values written exactly as Python writes them.
 *
 * @example Reading, setting and expiring
 * ```ts
 * import { SimpleCookie } from "./mod.ts";
 * const request = new SimpleCookie('theme=dark; cart="a b"');
 * request.get("cart")?.value; // "a b"
 *
 * const response = new SimpleCookie();
 * const morsel = response.set("theme", "light");
 * morsel.path = "/";
 * morsel.maxAge = 3600;
 * response.set("cart", "").expires = 0; // expire it now
 * response.output(); // ['cart=""; expires=<now>', "theme=light; Max-Age=3600; Path=/"]
 * ```
 *
 * @module
 */

import { HTTPError } from "./errors.ts";
import {
  compareCodePoints,
  COOKIE_ITEM,
  pyStr,
  pyStrip,
  quote,
  unquote,
} from "../http/_cookie_text.ts";
import {
  COOKIE_FLAGS,
  CookieError,
  Morsel,
  type MorselValue,
  reservedAttribute,
} from "../http/morsel.ts";

export {
  CookieError,
  cookieErrorMessage,
  Morsel,
  type MorselAttribute,
  type MorselValue,
} from "../http/morsel.ts";

/** One item of a `Cookie` header: a cookie (its value and coded value) or an attribute. */
type CookieItem = { attr: true; key: string; value: MorselValue } | {
  attr: false;
  key: string;
  value: [string, string];
};

const NO_ITEMS: readonly CookieItem[] = [];
/** The items of the `Cookie` headers read lately, by header (at most this many headers). */
const loadedItems = new Map<string, readonly CookieItem[]>();
const MAX_HEADERS = 512;
/** Headers longer than this are read each time (browsers send up to about 4 KB). */
const MAX_REMEMBERED = 4096;

/**
 * A set of cookies by name, like Python's `SimpleCookie`: a Map-like container of
 * {@link Morsel}s. Read with `cookie.get("name")?.value`, write with
 * `cookie.set("name", "value")` (which returns the morsel, for its attributes). Iterating
 * gives `[name, morsel]` pairs in insertion order; {@link SimpleCookie.output} sorts by name.
 *
 * @example A jar from a request header
 * ```ts
 * import { SimpleCookie } from "./mod.ts";
 * const jar = new SimpleCookie("a=1; b=2");
 * for (const [name, morsel] of jar) console.log(name, morsel.value);
 * jar.size; // 2
 * ```
 */
export class SimpleCookie implements Iterable<[string, Morsel]> {
  #morsels = new Map<string, Morsel>();

  /** Creates a jar, loading `input` (a `Cookie` header value or name → value pairs). */
  constructor(input?: string | Readonly<Record<string, string | number | Morsel>>) {
    if (input !== undefined) this.load(input);
  }

  /** How many cookies. */
  get size(): number {
    return this.#morsels.size;
  }

  /**
   * The morsel named `name`, or `undefined`.
   *
   * @example Using `get`
   * ```ts
   * import { SimpleCookie } from "./mod.ts";
   * new SimpleCookie("a=1").get("a")?.value; // "1"
   * ```
   */
  get(name: string): Morsel | undefined {
    return this.#morsels.get(name);
  }

  /**
   * Whether a cookie named `name` is here.
   *
   * @example Using `has`
   * ```ts
   * import { SimpleCookie } from "./mod.ts";
   * new SimpleCookie("a=1").has("a"); // true
   * ```
   */
  has(name: string): boolean {
    return this.#morsels.has(name);
  }

  /**
   * Sets cookie `name` to `value` and returns its morsel. An existing morsel keeps its
   * attributes. A value is quoted for the wire when it needs to be; a {@link Morsel} is stored
   * as it is. Throws {@link CookieError} for a name that is an attribute name or not a token.
   *
   * @example Using `set`
   * ```ts
   * import { SimpleCookie } from "./mod.ts";
   * const jar = new SimpleCookie();
   * jar.set("name", "value").path = "/";
   * ```
   */
  set(name: string, value: string | number | Morsel): Morsel {
    if (value instanceof Morsel) {
      this.#morsels.set(name, value);
      return value;
    }
    const [real, coded] = this.valueEncode(pyStr(value));
    return this.#store(name, real, coded);
  }

  /**
   * Removes cookie `name`; `true` if it was there.
   *
   * @example Using `delete`
   * ```ts
   * import { SimpleCookie } from "./mod.ts";
   * new SimpleCookie("a=1").delete("a"); // true
   * ```
   */
  delete(name: string): boolean {
    return this.#morsels.delete(name);
  }

  /**
   * Removes every cookie.
   *
   * @example Using `clear`
   * ```ts
   * import { SimpleCookie } from "./mod.ts";
   * new SimpleCookie("a=1").clear();
   * ```
   */
  clear(): void {
    this.#morsels.clear();
  }

  /**
   * The names, in insertion order.
   *
   * @example Using `keys`
   * ```ts
   * import { SimpleCookie } from "./mod.ts";
   * [...new SimpleCookie("b=1; a=2").keys()]; // ["b", "a"]
   * ```
   */
  keys(): IterableIterator<string> {
    return this.#morsels.keys();
  }

  /**
   * The morsels, in insertion order.
   *
   * @example Using `values`
   * ```ts
   * import { SimpleCookie } from "./mod.ts";
   * [...new SimpleCookie("a=1").values()].map((m) => m.value); // ["1"]
   * ```
   */
  values(): IterableIterator<Morsel> {
    return this.#morsels.values();
  }

  /**
   * `[name, morsel]` pairs, in insertion order.
   *
   * @example Using `entries`
   * ```ts
   * import { SimpleCookie } from "./mod.ts";
   * Object.fromEntries([...new SimpleCookie("a=1").entries()].map(([k, m]) => [k, m.value]));
   * ```
   */
  entries(): IterableIterator<[string, Morsel]> {
    return this.#morsels.entries();
  }

  /** Iterates `[name, morsel]` pairs, like a Map. */
  [Symbol.iterator](): IterableIterator<[string, Morsel]> {
    return this.#morsels.entries();
  }

  /**
   * Calls `fn` for each cookie, like `Map.prototype.forEach`.
   *
   * @example Using `forEach`
   * ```ts
   * import { SimpleCookie } from "./mod.ts";
   * new SimpleCookie("a=1").forEach((morsel, name) => console.log(name, morsel.value));
   * ```
   */
  forEach(fn: (morsel: Morsel, name: string, jar: SimpleCookie) => void): void {
    for (const [name, morsel] of this.#morsels) fn(morsel, name, this);
  }

  /**
   * The real and wire values of a value read from a header (unquoted, as sent). Override to
   * change how values are decoded.
   *
   * @example Using `valueDecode`
   * ```ts
   * import { SimpleCookie } from "./mod.ts";
   * new SimpleCookie().valueDecode('"a b"'); // ["a b", '"a b"']
   * ```
   */
  valueDecode(raw: string): [string, string] {
    return [unquote(raw), raw];
  }

  /**
   * The real and wire values of a value being set (as given, quoted). Override to change how
   * values are encoded.
   *
   * @example Using `valueEncode`
   * ```ts
   * import { SimpleCookie } from "./mod.ts";
   * new SimpleCookie().valueEncode("a b"); // ["a b", '"a b"']
   * ```
   */
  valueEncode(value: string): [string, string] {
    return [value, quote(value)];
  }

  /**
   * Adds cookies from a `Cookie` header value, or from name → value pairs.
   *
   * A header is parsed as Python's `SimpleCookie.load` does: `name=value` items separated by
   * `;` or whitespace; quoted values unquoted; `$Version` and other `$` items before the first
   * cookie ignored; `$Path`, `$Domain`, `path=`, `secure`... after a cookie set its attributes.
   * A header that is not well formed (a bare word, an attribute before any cookie, a bare
   * non-flag attribute) adds nothing. Parsing stops quietly at text it cannot read, keeping
   * what came before. An unknown `$` attribute or an illegal name throws {@link CookieError}.
   *
   * @example Using `load`
   * ```ts
   * import { SimpleCookie } from "./mod.ts";
   * const jar = new SimpleCookie();
   * jar.load('$Version=1; sid="x\\073y"; $Path=/');
   * jar.get("sid")?.value; // "x;y"
   * jar.get("sid")?.path; // "/"
   * ```
   */
  load(input: string | Readonly<Record<string, string | number | Morsel>>): void {
    if (typeof input !== "string") {
      for (const [name, value] of Object.entries(input)) this.set(name, value);
      return;
    }
    // The items of a header are the same every time it comes (a client sends the same
    // cookies with each request): they are read once, unless `valueDecode` was replaced.
    const standard = this.valueDecode === standardDecode;
    let items = standard ? loadedItems.get(input) : undefined;
    if (items === undefined) {
      items = this.#items(input);
      if (standard && input.length <= MAX_REMEMBERED) {
        if (loadedItems.size >= MAX_HEADERS) loadedItems.clear();
        loadedItems.set(input, items);
      }
    }
    let current: Morsel | undefined;
    for (const item of items) {
      if (item.attr) current?.set(item.key, item.value);
      else current = this.#store(item.key, item.value[0], item.value[1]);
    }
  }

  /** The items of a `Cookie` header, in order; none when it is not well formed. */
  #items(input: string): readonly CookieItem[] {
    const items: CookieItem[] = [];
    let seenCookie = false;
    let i = 0;
    while (i < input.length) {
      COOKIE_ITEM.lastIndex = i;
      const match = COOKIE_ITEM.exec(input);
      if (!match) break;
      const key = match[1] ?? "";
      const raw = match[2];
      i = COOKIE_ITEM.lastIndex;
      const attr = reservedAttribute(key);
      if (key.startsWith("$")) {
        if (seenCookie) items.push({ attr: true, key: key.slice(1), value: raw ?? null });
      } else if (attr) {
        if (!seenCookie) return NO_ITEMS;
        if (raw !== undefined) items.push({ attr: true, key, value: unquote(raw) });
        else if (COOKIE_FLAGS.has(attr)) items.push({ attr: true, key, value: true });
        else return NO_ITEMS;
      } else if (raw !== undefined) {
        items.push({ attr: false, key, value: this.valueDecode(raw) });
        seenCookie = true;
      } else return NO_ITEMS;
    }
    return items;
  }

  /**
   * The `Set-Cookie` header values, one per cookie, sorted by name; `attrs` limits the
   * attributes written.
   *
   * @example Using `output`
   * ```ts
   * import { SimpleCookie } from "./mod.ts";
   * const jar = new SimpleCookie();
   * jar.set("b", "2");
   * jar.set("a", "1").path = "/";
   * jar.output(); // ["a=1; Path=/", "b=2"]
   * ```
   */
  output(attrs?: Iterable<string>): string[] {
    const names = [...this.#morsels.keys()].sort(compareCodePoints);
    const wanted = attrs === undefined ? undefined : [...attrs];
    return names.map((name) => this.#morsels.get(name)?.outputString(wanted) ?? "");
  }

  /** The header lines `Set-Cookie: ...` joined by CRLF (Python's `str(cookie)`). */
  toString(): string {
    return this.output().map((value) => `Set-Cookie: ${value}`).join("\r\n");
  }

  #store(key: string, real: string, coded: string): Morsel {
    const morsel = this.#morsels.get(key) ?? new Morsel();
    morsel.setValue(key, real, coded);
    this.#morsels.set(key, morsel);
    return morsel;
  }
}

/** `valueDecode` as defined here (not overridden, not replaced since). */
const standardDecode = SimpleCookie.prototype.valueDecode;

/** Another name for {@link SimpleCookie}: the jar of `request.cookie` and `response.cookie`. */
export type CookieJar = SimpleCookie;

/**
 * Parses the values of a request's `Cookie` headers, in order, into one jar (later cookies of
 * the same name replace earlier ones). Each value is stripped first. A header that raises a
 * {@link CookieError} becomes `HTTPError(400)` with the CookieError's message, as CherryPy
 * answers it (`400 Bad Request`, "Invalid attribute 'port'" for `a=b; $Port=80`).
 *
 * @example Using `parseRequestCookies`
 * ```ts
 * import { parseRequestCookies } from "./mod.ts";
 * const jar = parseRequestCookies(["a=1; b=2", "c=3"]);
 * jar.get("c")?.value; // "3"
 * ```
 */
export function parseRequestCookies(headerValues: Iterable<string>): SimpleCookie {
  const jar = new SimpleCookie();
  for (const value of headerValues) {
    try {
      jar.load(pyStrip(value));
    } catch (e) {
      if (e instanceof CookieError) throw new HTTPError(400, e.message);
      throw e;
    }
  }
  return jar;
}
