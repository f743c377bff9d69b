/**
 * Header elements: the comma-separated values of headers such as Accept and Accept-Charset,
 * sorted by quality (a malformed `q` is the client's error, answered 400).
 *
 * @module
 */

import { HTTPError } from "./errors.ts";
import { MediaType } from "../http/media_type.ts";
import { HeaderMap } from "../http/headers.ts";

/** One element of a comma-separated header: `value;param=x;q=0.5`. */
export interface HeaderElement {
  /** The element's value (`"text/html"`, `"utf-8"`). */
  value: string;
  /** Its parameters, names lower-cased (`q` last, as given). */
  params: Readonly<Record<string, string>>;
  /** The `q` parameter as a number (1 when absent). */
  qvalue: number;
  /** `value;param=x;q=0.5`, as CherryPy shows an element. */
  toString(): string;
}

function elementText(this: HeaderElement): string {
  let text = this.value;
  for (const [k, v] of Object.entries(this.params)) text += `;${k}=${v}`;
  return text;
}

/**
 * Splits a header into its elements, sorted as CherryPy's `header_elements` sorts them: for
 * `Accept*` and `TE` (the default `fieldName`), by descending `q`, then descending text; for
 * any other header, by descending value. An invalid `q` is a 400.
 *
 * @example Using `headerElements`
 * ```ts
 * import { headerElements } from "./header_elements.ts";
 * headerElements("iso-8859-5;q=0.5, utf-8").map((e) => e.value); // ["utf-8", "iso-8859-5"]
 * headerElements("audio/*; q=0.2, audio/basic").map(String); // ["audio/basic", "audio/*;q=0.2"]
 * ```
 */
export function headerElements(header: string | null, fieldName = "Accept"): HeaderElement[] {
  if (header === null || header.trim() === "") return [];
  const accept = /^accept/i.test(fieldName) || fieldName.toLowerCase() === "te";
  const out: HeaderElement[] = [];
  for (const raw of header.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)) {
    const parsed = MediaType.parse(raw);
    const value = parsed.value;
    if (value === "") continue;
    let params = parsed.params;
    let qvalue = 1;
    if (accept && "q" in params) {
      qvalue = Number(params["q"]);
      if (!Number.isFinite(qvalue) || params["q"]!.trim() === "") {
        throw new HTTPError(400, `Malformed HTTP header: \`${raw.trim()}\``);
      }
      const { q, ...rest } = params;
      params = { ...rest, q: q! };
    }
    out.push({ value, params, qvalue, toString: elementText });
  }
  const texts = out.map(String);
  const order = out.map((_, i) => i);
  if (accept) {
    order.sort((a, b) =>
      out[b]!.qvalue - out[a]!.qvalue ||
      (texts[a]! < texts[b]! ? 1 : texts[a]! > texts[b]! ? -1 : 0)
    );
  } else {
    order.sort((a, b) => {
      const [x, y] = [out[a]!.value, out[b]!.value];
      return x < y ? 1 : x > y ? -1 : 0;
    });
  }
  return order.map((i) => out[i]!);
}

/**
 * The headers of `cherrypy.request` and `cherrypy.response`: a {@link HeaderMap} that also
 * splits a header into its elements (CherryPy's `HeaderMap.elements`).
 *
 * @example Using `CPHeaderMap`
 * ```ts
 * import { CPHeaderMap } from "./header_elements.ts";
 * const h = new CPHeaderMap([["Accept", "text/*, text/html;level=1"]]);
 * h.elements("Accept").map(String); // ["text/html;level=1", "text/*"]
 * ```
 */
export class CPHeaderMap extends HeaderMap {
  /** The elements of header `name`, sorted as CherryPy sorts them (`[]` when it is absent). */
  elements(name: string): HeaderElement[] {
    return headerElements(this.get(name), name);
  }
}
