/**
 * The `decode` tool (CherryPy's `encoding.decode`): the charsets a request body's text is
 * decoded with.
 *
 * @module
 */

import { currentServing } from "../core/serving.ts";
import { isStrings, refuse } from "./_check.ts";
import type { Tool } from "./tools.ts";

/**
 * The `decode` tool's options (`tools.decode.*`).
 *
 * @example Only UTF-16, then UTF-8
 * ```ts
 * import type { DecodeOptions } from "./decode.ts";
 * const options: DecodeOptions = { encoding: ["utf-16", "utf-8"] };
 * ```
 */
export interface DecodeOptions {
  /**
   * The only charsets tried (one, or a list), even when the Content-Type names another;
   * `null` (the default) keeps the body's own list.
   */
  encoding?: string | readonly string[] | null;
  /**
   * Charsets tried after the body's own (one, or a list; `"utf-8"` by default); used only when
   * `encoding` is not given.
   */
  default_encoding?: string | readonly string[] | null;
}

/**
 * Checks the `decode` tool's options that are present; the error names the option.
 *
 * @example Using `checkDecodeOptions`
 * ```ts
 * import { checkDecodeOptions } from "./decode.ts";
 * checkDecodeOptions({ default_encoding: ["utf-16"] }); // fine
 * ```
 */
export function checkDecodeOptions(options: Record<string, unknown>): void {
  for (const key of ["encoding", "default_encoding"]) {
    const value = options[key];
    if (key in options && value !== null && !isStrings(value)) {
      refuse("decode", key, "a charset name or a list of them", value);
    }
  }
}

function list(value: string | readonly string[]): string[] {
  return typeof value === "string" ? [value] : [...value];
}

/**
 * The `decode` tool's callable (`before_request_body`): `encoding` replaces
 * `request.body.attempt_charsets`; otherwise `default_encoding` is added to them. A body no
 * charset decodes is answered 400, naming the charsets tried.
 *
 * @example Accept UTF-16 form posts as well
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * class Root {
 *   @cherrypy.expose
 *   @cherrypy.tools.decode({ default_encoding: ["utf-16"] })
 *   post(q: string) {
 *     return q;
 *   }
 * }
 * ```
 */
export function decode(this: Tool | void, options: DecodeOptions = {}): void {
  const body = currentServing().request.body;
  if (body === undefined || body === null) return;
  checkDecodeOptions(options as Record<string, unknown>);
  const { encoding = null, default_encoding: defaultEncoding = "utf-8" } = options;
  if (encoding !== null && encoding !== undefined) {
    body.attempt_charsets = list(encoding);
  } else if (defaultEncoding) {
    body.attempt_charsets = [
      ...body.attempt_charsets,
      ...list(defaultEncoding),
    ];
  }
}
