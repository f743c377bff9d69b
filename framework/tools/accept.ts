/**
 * The `accept` tool: answers 406 unless the client accepts one of the media types the resource
 * emits (CherryPy's `cptools.accept`).
 *
 * @module
 */

import { HTTPError } from "../core/errors.ts";
import { headerElements } from "../core/header_elements.ts";
import type { HookOptions } from "../core/hooks.ts";
import { currentServing } from "../core/serving.ts";
import { checkToolOptions, strings } from "./_options.ts";
import type { Tool } from "./tools.ts";

/** Checks the `accept` tool's options (`media`: a type or a list of them). */
export function checkAcceptOptions(options: HookOptions, complete: boolean): void {
  checkToolOptions("accept", options, { media: strings }, complete);
}

/** The `accept` tool's options (`tools.accept.*`). */
export interface AcceptOptions {
  /** The media type(s) the resource emits; none: no check. */
  media?: string | readonly string[] | null;
  /** Log how the match was made (`TOOLS.ACCEPT`). */
  debug?: boolean;
}

/**
 * The client's preferred media type among `media` (the `accept` tool's callable, at
 * `on_start_resource`): the Accept header's ranges are tried in order of preference (`*\/*`,
 * `type/*` and exact types), then `media` in its order. No Accept header accepts the first.
 * When nothing matches: 406 `Your client sent this Accept header: <header>. But this resource
 * only emits these media types: <media>.`. Returns `undefined` when `media` is empty.
 *
 * @example The docs' tutorial 7: GET answers only clients that accept text/plain
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * @cherrypy.expose
 * class StringGeneratorWebService {
 *   @cherrypy.tools.accept({ media: "text/plain" })
 *   GET() { return "04A92138"; }
 * }
 * ```
 */
export function accept(this: Tool | void, options: AcceptOptions = {}): string | undefined {
  const given = options.media;
  if (!given || given.length === 0) return undefined;
  const media = typeof given === "string" ? [given] : [...given];
  const { request } = currentServing();
  const log = (msg: string) => {
    if (options.debug) request.app?.log.error(msg, "TOOLS.ACCEPT");
  };
  const header = request.header("accept");
  const ranges = headerElements(header);
  if (ranges.length === 0) {
    log("No Accept header elements");
    return media[0];
  }
  for (const element of ranges) {
    if (element.qvalue <= 0) continue;
    if (element.value === "*/*") {
      log("Match due to */*");
      return media[0];
    }
    if (element.value.endsWith("/*")) {
      const type = element.value.slice(0, -1);
      const found = media.find((m) => m.startsWith(type));
      if (found !== undefined) {
        log(`Match due to ${element.value}`);
        return found;
      }
    } else if (media.includes(element.value)) {
      log(`Match due to ${element.value}`);
      return element.value;
    }
  }
  const said = header === null
    ? "Your client did not send an Accept header."
    : `Your client sent this Accept header: ${header}.`;
  throw new HTTPError(
    406,
    `${said} But this resource only emits these media types: ${media.join(", ")}.`,
  );
}
