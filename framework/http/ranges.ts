/**
 * The `Range` request header (RFC 9110 §14): CherryPy's `httputil.get_ranges`.
 *
 * @module
 */

/** A byte range as `[start, stop)`: the bytes `start` to `stop - 1`, like a slice. */
export type ByteRange = [start: number, stop: number];

const RANGE_SPEC = /^(\d*)\s*-\s*(\d*)$/;

/**
 * The byte ranges a `Range` header asks of an entity of `length` bytes, as `[start, stop)`
 * pairs in the order asked (CherryPy's `get_ranges`):
 *
 * - `null`: ignore the header and send the whole entity. So it is for no header, a unit other
 *   than `bytes`, a malformed range, and a range whose last byte comes before its first
 *   (RFC 9110 says to ignore an invalid Range header);
 * - `[]`: no range can be satisfied (every range starts past the end; a suffix of 0 bytes; an
 *   empty entity): answer `416` with `Content-Range: bytes *\/length`;
 * - otherwise the ranges. A range's `stop` may lie past the end when the header asked for more
 *   than there is (`bytes=0-999` of 10 bytes gives `[0, 1000]`), as in CherryPy: clip it to
 *   `length`. A suffix longer than the entity (`bytes=-100` of 8) is the whole entity.
 *
 * Where CherryPy fails with a 500 (a range that is not numbers, a missing `=`, no range at all),
 * this ignores the header.
 *
 * @example Using `getRanges`
 * ```ts
 * import { getRanges } from "./ranges.ts";
 * getRanges("bytes=3-6", 8); // [[3, 7]]
 * getRanges("bytes=2-4,-1", 8); // [[2, 5], [7, 8]]
 * getRanges("bytes=-100", 8); // [[0, 8]]
 * getRanges("bytes=9-", 8); // [] (416)
 * getRanges("bytes=5-2", 8); // null (ignored)
 * ```
 */
export function getRanges(header: string | null | undefined, length: number): ByteRange[] | null {
  if (!header) return null;
  const eq = header.indexOf("=");
  if (eq < 0 || header.slice(0, eq).trim().toLowerCase() !== "bytes") return null;
  const result: ByteRange[] = [];
  let specs = 0;
  for (const element of header.slice(eq + 1).split(",")) {
    const spec = element.trim();
    if (spec === "") continue;
    specs++;
    const m = RANGE_SPEC.exec(spec);
    if (m === null) return null;
    const [, first = "", last = ""] = m;
    if (first !== "") {
      const start = Number(first);
      const stop = last === "" ? length - 1 : Number(last);
      if (start >= length) continue;
      if (stop < start) return null;
      result.push([start, stop + 1]);
    } else {
      if (last === "") return null;
      const suffix = Number(last);
      if (suffix === 0 || length <= 0) continue;
      result.push(suffix > length ? [0, length] : [length - suffix, length]);
    }
  }
  return specs === 0 ? null : result;
}
