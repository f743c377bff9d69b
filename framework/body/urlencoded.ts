/**
 * `application/x-www-form-urlencoded` bodies, decoded byte by byte as CherryPy does, and the
 * way body parameters are collected (repeated names become arrays).
 *
 * @module
 */

import { decodeCharset } from "./body_reader.ts";
import type { BodyParams, Entity } from "./body.ts";
import { HTTPError } from "../core/errors.ts";
import { pyRepr } from "../http/_pyrepr.ts";

/**
 * CherryPy's 400 message for content that none of `charsets` decodes.
 *
 * @example Using `undecodableMessage`
 * ```ts
 * import { undecodableMessage } from "./urlencoded.ts";
 * undecodableMessage(["utf-8"]);
 * ```
 */
export function undecodableMessage(charsets: readonly string[]): string {
  return "The request entity could not be decoded. The following charsets were attempted: " +
    `[${charsets.map(pyRepr).join(", ")}]`;
}

/**
 * Adds `value` under `key`, turning repeated keys into arrays (arrays are flattened in).
 *
 * @example Using `addParam`
 * ```ts
 * import { addParam } from "./mod.ts";
 * const params: Record<string, unknown> = { a: "0" };
 * addParam(params, "a", ["1", "2"]); // params.a: ["0", "1", "2"]
 * ```
 */
export function addParam(target: Record<string, unknown>, key: string, value: unknown): void {
  const existing = Object.hasOwn(target, key) ? target[key] : undefined;
  let next: unknown;
  if (existing === undefined) next = Array.isArray(value) ? [...value] : value;
  else {
    next = Array.isArray(existing) ? existing : [existing];
    if (Array.isArray(value)) (next as unknown[]).push(...value);
    else (next as unknown[]).push(value);
  }
  Object.defineProperty(target, key, {
    value: next,
    writable: true,
    enumerable: true,
    configurable: true,
  });
}

/** Python's `int(text, 16)` for the two characters after a `%`, or `null`. */
function hexByte(bytes: Uint8Array): number | null {
  const text = String.fromCharCode(...bytes).replace(/^[ \t\n\r\v\f]+|[ \t\n\r\v\f]+$/g, "");
  const m = /^([+-]?)([0-9a-fA-F]+)$/.exec(text);
  if (m === null) return null;
  const n = parseInt(m[2]!, 16);
  return m[1] === "-" && n !== 0 ? null : n;
}

/** CherryPy's bytes `unquote_plus`: `+` is a space; a `%` not followed by hex is dropped. */
function unquotePlus(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x2b) out.push(0x20);
    else if (b !== 0x25) out.push(b);
    else {
      let end = i + 1;
      while (end < i + 3 && end < bytes.length && bytes[end] !== 0x25) end++;
      const pair = bytes.subarray(i + 1, end).map((x) => (x === 0x2b ? 0x20 : x));
      const n = hexByte(pair);
      if (n !== null) {
        out.push(n);
        i += pair.length;
      }
    }
  }
  return Uint8Array.from(out);
}

function splitBytes(bytes: Uint8Array, sep: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let start = 0;
  for (let i = bytes.indexOf(sep); i >= 0; i = bytes.indexOf(sep, start)) {
    out.push(bytes.subarray(start, i));
    start = i + 1;
  }
  out.push(bytes.subarray(start));
  return out;
}

/**
 * The `application/x-www-form-urlencoded` processor: pairs split on `&` and `;`, `+` as a
 * space, percent-escapes decoded, then the text decoded with the first of
 * `attempt_charsets` that decodes every key and value (400 when none does). Repeated keys
 * become arrays.
 *
 * @example Using `processUrlencoded`
 * ```ts
 * import { type Entity } from "../../mod.ts";
 * import { processUrlencoded } from "./mod.ts";
 * function formsOnly(body: Entity) {
 *   body.processors = { "application/x-www-form-urlencoded": processUrlencoded };
 * }
 * ```
 */
export async function processUrlencoded(entity: Entity): Promise<void> {
  const qs = await entity.fp.read();
  const pairs: Array<[Uint8Array, Uint8Array]> = [];
  for (const chunk of splitBytes(qs, 0x26)) {
    for (const pair of splitBytes(chunk, 0x3b)) {
      if (pair.length === 0) continue;
      const eq = pair.indexOf(0x3d);
      pairs.push(
        eq < 0
          ? [unquotePlus(pair), new Uint8Array(0)]
          : [unquotePlus(pair.subarray(0, eq)), unquotePlus(pair.subarray(eq + 1))],
      );
    }
  }
  for (const charset of entity.attempt_charsets) {
    const decoded: Array<[string, string]> = [];
    for (const [k, v] of pairs) {
      const key = decodeCharset(k, charset);
      const value = key === null ? null : decodeCharset(v, charset);
      if (key === null || value === null) break;
      decoded.push([key, value]);
    }
    if (decoded.length < pairs.length) continue;
    entity.charset = charset;
    const params: BodyParams = Object.create(null);
    for (const [k, v] of decoded) addParam(params, k, v);
    for (const k of Object.keys(params)) addParam(entity.params, k, params[k]);
    return;
  }
  throw new HTTPError(400, undecodableMessage(entity.attempt_charsets));
}
