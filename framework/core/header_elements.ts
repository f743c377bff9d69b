/**
 * Header elements: the comma-separated values of headers such as Accept and Accept-Charset,
 * sorted by quality (a malformed `q` is the client's error, answered 400).
 *
 * @module
 */

import { HTTPError } from "./errors.ts";
import { MediaType } from "../http/media_type.ts";

/** One element of a comma-separated header: `value;param=x;q=0.5`. */
export interface HeaderElement {
  /** The element's value (`"text/html"`, `"utf-8"`). */
  value: string;
  /** Its parameters, names lower-cased. */
  params: Readonly<Record<string, string>>;
  /** The `q` parameter as a number (1 when absent). */
  qvalue: number;
}

/**
 * Splits a header into its elements, sorted by descending `q` as CherryPy's
 * `header_elements` does (stable for equal `q`). An invalid `q` is a 400.
 *
 * @example Using `headerElements`
 * ```ts
 * import { headerElements } from "./header_elements.ts";
 * headerElements("iso-8859-5;q=0.5, utf-8").map((e) => e.value); // ["utf-8", "iso-8859-5"]
 * ```
 */
export function headerElements(header: string | null): HeaderElement[] {
  if (header === null || header.trim() === "") return [];
  const out: HeaderElement[] = [];
  for (const raw of header.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)) {
    const { value, params } = MediaType.parse(raw);
    if (value === "") continue;
    let qvalue = 1;
    if ("q" in params) {
      qvalue = Number(params["q"]);
      if (!Number.isFinite(qvalue) || params["q"]!.trim() === "") {
        throw new HTTPError(400, `Malformed HTTP header: \`${raw.trim()}\``);
      }
    }
    out.push({ value, params, qvalue });
  }
  return out.map((e, i) => [e, i] as const).sort((a, b) => b[0].qvalue - a[0].qvalue || a[1] - b[1])
    .map(([e]) => e);
}
