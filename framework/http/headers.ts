/**
 * `HeaderMap`: CherryPy's case-insensitive header dictionary, with Title-Case names.
 *
 * @module
 */

import { titleCaseHeader } from "./httputil.ts";

/** The map {@link HeaderMap.clone} is copying (read once by the constructor). */
let cloning: HeaderMap | null = null;

/**
 * Headers by case-insensitive name. Names are kept Title-Cased (`Content-Type`), as CherryPy
 * shows them; `get`, `set`, `has` and `delete` accept any case.
 *
 * @example Using `HeaderMap`
 * ```ts
 * import { HeaderMap } from "./mod.ts";
 * const h = new HeaderMap();
 * h.set("content-type", "text/plain");
 * h.get("Content-Type"); // "text/plain"
 * [...h.keys()]; // ["Content-Type"]
 * ```
 */
export class HeaderMap {
  // Small maps, so two parallel arrays searched linearly: cheaper to make, copy and read than
  // a Map. `#keys` holds the lower-cased names, `#pairs` the `[Title-Name, value]` pairs.
  #keys: string[];
  #pairs: Array<[string, string]>;

  /** Creates the map from `[name, value]` pairs; a repeated name keeps the last value. */
  constructor(entries?: Iterable<readonly [string, string]>) {
    const from = cloning;
    if (from !== null) {
      cloning = null;
      this.#keys = from.#keys.slice();
      this.#pairs = from.#pairs.slice();
      return;
    }
    this.#keys = [];
    this.#pairs = [];
    if (entries) { for (const [k, v] of entries) this.set(k, v); }
  }

  /**
   * A copy of this map (cheap: the `[name, value]` pairs are shared, and never changed in
   * place).
   */
  clone(): HeaderMap {
    cloning = this;
    return new (this.constructor as new () => HeaderMap)();
  }

  /** The value of `name`, or `null`. */
  get(name: string): string | null {
    const at = this.#keys.indexOf(lowerName(name));
    return at < 0 ? null : this.#pairs[at]![1];
  }

  /**
   * Sets `name` to `value`, replacing any earlier value. Bytes are taken as ISO-8859-1 text
   * (CherryPy accepts header values given as bytes).
   */
  set(name: string, value: string | Uint8Array): this {
    const key = lowerName(name);
    const text = typeof value === "string"
      ? value
      : value instanceof Uint8Array
      ? latin1(value)
      : String(value);
    const pair: [string, string] = [titleCaseHeader(name), text];
    const at = this.#keys.indexOf(key);
    if (at < 0) {
      this.#keys.push(key);
      this.#pairs.push(pair);
    } else {
      this.#pairs[at] = pair;
    }
    return this;
  }

  /** Sets `name` only when it has no value yet. */
  setDefault(name: string, value: string): string {
    const existing = this.get(name);
    if (existing !== null) return existing;
    this.set(name, value);
    return value;
  }

  /** `true` when `name` is set. */
  has(name: string): boolean {
    return this.#keys.indexOf(lowerName(name)) >= 0;
  }

  /** Removes `name`; `true` when it was set. */
  delete(name: string): boolean {
    const at = this.#keys.indexOf(lowerName(name));
    if (at < 0) return false;
    this.#keys.splice(at, 1);
    this.#pairs.splice(at, 1);
    return true;
  }

  /** Removes every header. */
  clear(): void {
    this.#keys = [];
    this.#pairs = [];
  }

  /** The number of headers. */
  get size(): number {
    return this.#keys.length;
  }

  /** Title-Cased names. */
  *keys(): IterableIterator<string> {
    for (const [name] of this.#pairs.slice()) yield name;
  }

  /** `[name, value]` pairs with Title-Cased names. */
  entries(): IterableIterator<[string, string]> {
    return this.#pairs.slice().values();
  }

  /** Same as {@link HeaderMap.entries}. */
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  /** The `[name, value]` pairs as an array of their own (the caller may change it). */
  toArray(): Array<[string, string]> {
    return this.#pairs.slice();
  }

  /** A plain object `{ "Content-Type": "text/plain", ... }`. */
  toObject(): Record<string, string> {
    return Object.fromEntries(this.#pairs);
  }
}

/** `bytes` as ISO-8859-1 text (one character per byte). */
function latin1(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 4096) {
    text += String.fromCharCode(...bytes.subarray(i, i + 4096));
  }
  return text;
}

const lowerCache = new Map<string, string>();

/** `name` in lower case, remembered for the names seen most. */
function lowerName(name: string): string {
  let lower = lowerCache.get(name);
  if (lower === undefined) {
    lower = name.toLowerCase();
    if (lowerCache.size < 1000) lowerCache.set(name, lower);
  }
  return lower;
}
