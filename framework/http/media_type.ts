/**
 * `MediaType`: a header value with parameters (`multipart/form-data; boundary=XyZ`), parsed as
 * Python's `cgi.parse_header` does.
 *
 * @module
 */

/**
 * A header value with parameters, such as a Content-Type (`value` is the media type;
 * parameter names are lower-cased, quoted values unquoted).
 *
 * @example Using `MediaType`
 * ```ts
 * import { MediaType } from "./mod.ts";
 * const ct = MediaType.parse('multipart/form-data; boundary="XyZ"');
 * ct.value; // "multipart/form-data"
 * ct.params.boundary; // "XyZ"
 * ```
 */
export class MediaType {
  /**
   * Creates the value.
   *
   * @example Using `constructor`
   * ```ts
   * import { MediaType } from "./mod.ts";
   * const ct = new MediaType("text/plain", { charset: "utf-8" });
   * ```
   */
  constructor(value: string, params: Readonly<Record<string, string>> = {}) {
    this.value = value;
    this.params = params;
  }

  /** The value before the parameters (`"text/plain"`). */
  readonly value: string;
  /** The parameters, by lower-cased name. */
  readonly params: Readonly<Record<string, string>>;

  /**
   * Parses `text` (`token; name=value; ...`), as Python's `cgi.parse_header` does.
   *
   * @example Using `parse`
   * ```ts
   * import { MediaType } from "./mod.ts";
   * MediaType.parse("text/html; charset=UTF-8").params.charset; // "UTF-8"
   * ```
   */
  static parse(text: string): MediaType {
    const pieces: string[] = [];
    let start = 0;
    let quoted = false;
    for (let i = 0; i <= text.length; i++) {
      const c = text[i];
      if (c === "\\" && quoted) i++;
      else if (c === '"') quoted = !quoted;
      else if (i === text.length || (c === ";" && !quoted)) {
        pieces.push(text.slice(start, i).trim());
        start = i + 1;
      }
    }
    const params: Record<string, string> = Object.create(null);
    for (const piece of pieces.slice(1)) {
      const eq = piece.indexOf("=");
      if (eq < 0) continue;
      let value = piece.slice(eq + 1).trim();
      if (value.length >= 2 && value[0] === '"' && value[value.length - 1] === '"') {
        value = value.slice(1, -1).replaceAll("\\\\", "\\").replaceAll('\\"', '"');
      }
      params[piece.slice(0, eq).trim().toLowerCase()] = value;
    }
    return new MediaType(pieces[0] ?? "", params);
  }

  /**
   * The first element of a header that may list several (CherryPy's `headers.elements`), or
   * `null` when the header is empty.
   *
   * @example Using `fromHeader`
   * ```ts
   * import { MediaType } from "./mod.ts";
   * MediaType.fromHeader("form-data; name=\"a\"")?.params.name; // "a"
   * ```
   */
  static fromHeader(text: string | null): MediaType | null {
    if (!text) return null;
    const elements = text.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/).map((e) => MediaType.parse(e));
    let best = elements[0]!;
    for (const e of elements) if (e.value >= best.value) best = e;
    return best;
  }

  /** `value;name=value...`, as CherryPy prints it. */
  toString(): string {
    return this.value + Object.entries(this.params).map(([k, v]) => `;${k}=${v}`).join("");
  }
}
