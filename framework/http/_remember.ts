/**
 * A bounded memory of strings already checked: what a site's requests and responses repeat (a
 * content type, a cookie name) is checked once.
 *
 * @module
 */

/** The most strings a set keeps before it starts over. */
const MAX_REMEMBERED = 512;

/**
 * Adds `text` to `set` when it is at most `maxLength` long, starting the set over once it holds
 * {@link MAX_REMEMBERED} strings (a few hundred at most, whatever clients send).
 *
 * @example Remembering a checked value
 * ```ts
 * import { remember } from "./_remember.ts";
 * const good = new Set<string>();
 * remember(good, "text/html", 128);
 * good.has("text/html"); // true
 * ```
 */
export function remember(set: Set<string>, text: string, maxLength: number): void {
  if (text.length > maxLength) return;
  if (set.size >= MAX_REMEMBERED) set.clear();
  set.add(text);
}
