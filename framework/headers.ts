/**
 * `HeaderMap`: CherryPy's case-insensitive header dictionary, with Title-Case names.
 *
 * @module
 */

import { titleCaseHeader } from "./httputil.ts";

/**
 * Headers by case-insensitive name. Names are kept Title-Cased (`Content-Type`), as CherryPy
 * shows them; `get`, `set`, `has` and `delete` accept any case.
 *
 * @example
 * ```ts
 * import { HeaderMap } from "./headers.ts";
 * const h = new HeaderMap();
 * h.set("content-type", "text/plain");
 * h.get("Content-Type"); // "text/plain"
 * [...h.keys()]; // ["Content-Type"]
 * ```
 */
export class HeaderMap {
  readonly #map = new Map<string, [string, string]>();

  /** Creates the map from `[name, value]` pairs; a repeated name keeps the last value. */
  constructor(entries?: Iterable<readonly [string, string]>) {
    if (entries) { for (const [k, v] of entries) this.set(k, v); }
  }

  /** The value of `name`, or `null`. */
  get(name: string): string | null {
    return this.#map.get(name.toLowerCase())?.[1] ?? null;
  }

  /** Sets `name` to `value`, replacing any earlier value. */
  set(name: string, value: string): this {
    this.#map.set(name.toLowerCase(), [titleCaseHeader(name), String(value)]);
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
    return this.#map.has(name.toLowerCase());
  }

  /** Removes `name`; `true` when it was set. */
  delete(name: string): boolean {
    return this.#map.delete(name.toLowerCase());
  }

  /** Removes every header. */
  clear(): void {
    this.#map.clear();
  }

  /** The number of headers. */
  get size(): number {
    return this.#map.size;
  }

  /** Title-Cased names. */
  *keys(): IterableIterator<string> {
    for (const [name] of this.#map.values()) yield name;
  }

  /** `[name, value]` pairs with Title-Cased names. */
  entries(): IterableIterator<[string, string]> {
    return this.#map.values();
  }

  /** Same as {@link HeaderMap.entries}. */
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.#map.values();
  }

  /** A plain object `{ "Content-Type": "text/plain", ... }`. */
  toObject(): Record<string, string> {
    return Object.fromEntries(this.#map.values());
  }
}
