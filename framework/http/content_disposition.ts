/**
 * The `Content-Disposition` response header with a file name (RFC 6266, appendix D): an ASCII
 * `filename` every client understands, and `filename*` with the exact UTF-8 name when the two
 * differ.
 *
 * @module
 */

/** Characters Python's `urllib.parse.quote` leaves as they are (RFC 5987 `attr-char`s all). */
const UNRESERVED = /[A-Za-z0-9_.~-]/;

/** Percent-encodes `text` as UTF-8, as `filename*` needs (`%E2%98%83` for `☃`). */
function quoteUtf8(text: string): string {
  let out = "";
  for (const byte of new TextEncoder().encode(text)) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x80 && UNRESERVED.test(ch)
      ? ch
      : "%" + byte.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

/**
 * `disposition; filename="<ascii>"`, plus `; filename*=UTF-8''<percent-encoded>` when the name
 * is not plain ASCII (CherryPy's `_make_content_disposition`). The ASCII name is the NFKC form
 * of `name` (`ﬁ` becomes `fi`) with what is not ASCII dropped (`é`, `☃`). Unlike CherryPy,
 * control characters are dropped too and `"` and `\` are escaped, so that no file name can
 * break the header; such a name gets `filename*` as well.
 *
 * @example Using `contentDisposition`
 * ```ts
 * import { contentDisposition } from "./content_disposition.ts";
 * contentDisposition("attachment", "report.pdf"); // 'attachment; filename="report.pdf"'
 * contentDisposition("attachment", "snow☃.html");
 * // "attachment; filename=\"snow.html\"; filename*=UTF-8''snow%E2%98%83.html"
 * ```
 */
export function contentDisposition(disposition: string, name: string): string {
  const ascii = name.normalize("NFKC").replace(/[^\x20-\x7e]/g, "")
    .replace(/["\\]/g, (c) => "\\" + c);
  let header = `${disposition}; filename="${ascii}"`;
  if (ascii !== name) header += `; filename*=UTF-8''${quoteUtf8(name)}`;
  return header;
}
