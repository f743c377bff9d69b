/**
 * Bytes from what handlers return: strings, byte arrays and (sync) iterables of them.
 *
 * @module
 */

import { platform } from "../../platform/mod.ts";

/** An empty byte array. */
export const EMPTY_BYTES: Uint8Array = new Uint8Array(0);

/**
 * Joins `chunks` into one array (no copy for a single chunk).
 *
 * @example Using `concatBytes`
 * ```ts
 * import { concatBytes } from "./_bytes.ts";
 * concatBytes([new Uint8Array([1]), new Uint8Array([2, 3])]); // Uint8Array [1, 2, 3]
 * ```
 */
export function concatBytes(chunks: readonly Uint8Array[], total?: number): Uint8Array {
  if (chunks.length === 0) return EMPTY_BYTES;
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total ?? chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

/** One chunk of a body as bytes (strings as UTF-8). */
export function toBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === "string") return platform.encodeUtf8(chunk);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  throw new TypeError(
    `Page handlers must return strings, bytes or iterables of them; got ${typeof chunk}.`,
  );
}

/** A body that needs no waiting (not async-iterable) as one byte array. */
export function collapseSync(body: unknown): Uint8Array {
  if (body === null || body === undefined) return EMPTY_BYTES;
  if (typeof body === "string" || body instanceof Uint8Array) return toBytes(body);
  if (typeof (body as Iterable<unknown>)[Symbol.iterator] === "function") {
    const chunks: Uint8Array[] = [];
    for (const chunk of body as Iterable<unknown>) chunks.push(toBytes(chunk));
    return concatBytes(chunks);
  }
  return toBytes(body);
}
