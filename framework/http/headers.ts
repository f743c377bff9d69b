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
  // Lines beyond the first of a name (added by `append`); while 0, every name has one line.
  #extra = 0;

  /** Creates the map from `[name, value]` pairs; a repeated name keeps the last value. */
  constructor(entries?: Iterable<readonly [string, string]>) {
    const from = cloning;
    if (from !== null) {
      cloning = null;
      this.#keys = from.#keys.slice();
      this.#pairs = from.#pairs.slice();
      this.#extra = from.#extra;
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
    return new HeaderMap();
  }

  /** The value of `name` (the lines of an appended header joined by `", "`), or `null`. */
  get(name: string): string | null {
    const key = lowerName(name);
    const at = this.#keys.indexOf(key);
    if (at < 0) return null;
    let value = this.#pairs[at]![1];
    if (this.#extra > 0) {
      for (let i = at + 1; i < this.#keys.length; i++) {
        if (this.#keys[i] === key) value += ", " + this.#pairs[i]![1];
      }
    }
    return value;
  }

  /** Sets `name` to `value`, replacing any earlier value (every line of it). */
  set(name: string, value: string): this {
    const key = lowerName(name);
    const pair: [string, string] = [titleCaseHeader(name), String(value)];
    const at = this.#keys.indexOf(key);
    if (at < 0) {
      this.#keys.push(key);
      this.#pairs.push(pair);
    } else {
      this.#pairs[at] = pair;
      if (this.#extra > 0) this.#removeAfter(at, key);
    }
    return this;
  }

  /**
   * Adds a line for `name` after any it has: the header is sent once per value (as several
   * `WWW-Authenticate` challenges are), and {@link HeaderMap.get} joins them with `", "`.
   *
   * @example Two challenges, sent as two header lines
   * ```ts
   * import { HeaderMap } from "./mod.ts";
   * const h = new HeaderMap();
   * h.append("WWW-Authenticate", 'Digest realm="r", algorithm=SHA-256');
   * h.append("WWW-Authenticate", 'Digest realm="r", algorithm=MD5');
   * h.toArray().length; // 2
   * ```
   */
  append(name: string, value: string): this {
    if (!this.has(name)) return this.set(name, value);
    this.#keys.push(lowerName(name));
    this.#pairs.push([titleCaseHeader(name), String(value)]);
    this.#extra++;
    return this;
  }

  /** Removes the lines of `key` after index `at`. */
  #removeAfter(at: number, key: string): void {
    for (let i = this.#keys.length - 1; i > at; i--) {
      if (this.#keys[i] === key) {
        this.#keys.splice(i, 1);
        this.#pairs.splice(i, 1);
        this.#extra--;
      }
    }
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

  /** Removes `name` (every line of it); `true` when it was set. */
  delete(name: string): boolean {
    const key = lowerName(name);
    const at = this.#keys.indexOf(key);
    if (at < 0) return false;
    if (this.#extra > 0) this.#removeAfter(at, key);
    this.#keys.splice(at, 1);
    this.#pairs.splice(at, 1);
    return true;
  }

  /** Removes every header. */
  clear(): void {
    this.#keys = [];
    this.#pairs = [];
    this.#extra = 0;
  }

  /** The number of headers (of names: the lines of an appended header count once). */
  get size(): number {
    return this.#keys.length - this.#extra;
  }

  /** Title-Cased names (each once). */
  *keys(): IterableIterator<string> {
    const pairs = this.#pairs.slice();
    const keys = this.#extra > 0 ? this.#keys.slice() : null;
    for (let i = 0; i < pairs.length; i++) {
      if (keys === null || keys.indexOf(keys[i]!) === i) yield pairs[i]![0];
    }
  }

  /** `[name, value]` pairs with Title-Cased names (one per line of an appended header). */
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

  /** A plain object `{ "Content-Type": "text/plain", ... }` (appended lines joined by `", "`). */
  toObject(): Record<string, string> {
    if (this.#extra === 0) return Object.fromEntries(this.#pairs);
    const out: Record<string, string> = {};
    for (const name of this.keys()) out[name] = this.get(name)!;
    return out;
  }
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
