/**
 * Records and maps that count their changes, so that what is derived from them (the tree's
 * mount points, an application's prepared tool hooks, the request-scope namespaces) is checked
 * with one comparison per request.
 *
 * @module
 */

/** A record, and how many times it was changed. */
export interface Watched<T> {
  /** The record: read and write it as any object. */
  readonly record: Record<string, T>;
  /** Bumped by every property set, definition or deletion. */
  readonly changes: { readonly count: number };
}

/**
 * Makes a watched record holding `initial`'s entries.
 *
 * @example Using `watchedRecord`
 * ```ts
 * import { watchedRecord } from "./_watched.ts";
 * const { record, changes } = watchedRecord<number>({ a: 1 });
 * record.b = 2;
 * changes.count; // 1
 * ```
 */
export function watchedRecord<T>(initial: Record<string, T> = {}): Watched<T> {
  const changes = { count: 0 };
  const record = new Proxy({ ...initial }, {
    set(target, key, value) {
      changes.count++;
      return Reflect.set(target, key, value);
    },
    defineProperty(target, key, descriptor) {
      changes.count++;
      return Reflect.defineProperty(target, key, descriptor);
    },
    deleteProperty(target, key) {
      changes.count++;
      return Reflect.deleteProperty(target, key);
    },
  });
  return { record, changes };
}

/**
 * A `Map` that counts its changes (`set`, `delete`, `clear`).
 *
 * @example Using `CountingMap`
 * ```ts
 * import { CountingMap } from "./_watched.ts";
 * const map = new CountingMap<string, number>();
 * map.set("a", 1);
 * map.changes; // 1
 * ```
 */
export class CountingMap<K, V> extends Map<K, V> {
  /** Bumped by every change. */
  changes = 0;
  /** Sets `key`, counting the change. */
  override set(key: K, value: V): this {
    this.changes++;
    return super.set(key, value);
  }
  /** Deletes `key`, counting the change. */
  override delete(key: K): boolean {
    this.changes++;
    return super.delete(key);
  }
  /** Empties the map, counting the change. */
  override clear(): void {
    this.changes++;
    super.clear();
  }
}
