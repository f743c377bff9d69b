/**
 * The `json_in` tool (CherryPy's `jsontools.json_in`): JSON request bodies are decoded into
 * `cherrypy.request.json` before the handler runs.
 *
 * @module
 */

import type { Entity, Processor } from "../body/body.ts";
import { HTTPError } from "../core/errors.ts";
import { currentServing } from "../core/serving.ts";
import { checkBoolean, isStrings, refuse } from "./_check.ts";
import { debugLog } from "./_content.ts";
import type { Tool } from "./tools.ts";

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Reads an `application/json` body into `request.json` (CherryPy's `json_processor`). A body
 * without `Content-Length` is answered `411 Length Required`; one that is not UTF-8 JSON,
 * `400 Invalid JSON document`.
 *
 * @example A processor that keeps the default and adds a check
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * import { jsonProcessor } from "./json_in.ts";
 * async function strictProcessor(entity: cherrypy.Entity) {
 *   await jsonProcessor(entity);
 *   if (!Array.isArray(cherrypy.request.json)) throw new cherrypy.HTTPError(400, "Send a list");
 * }
 * const conf = { "/": { "tools.json_in.on": true, "tools.json_in.processor": strictProcessor } };
 * ```
 */
export async function jsonProcessor(entity: Entity): Promise<void> {
  const { request } = currentServing();
  if (!entity.headers.get("Content-Length")) throw new HTTPError(411);
  const body = await entity.fp.read();
  let text: string;
  let value: unknown;
  try {
    text = utf8.decode(body);
    value = JSON.parse(text);
  } catch {
    throw new HTTPError(400, "Invalid JSON document");
  }
  request.json = value;
}

/**
 * The `json_in` tool's options (`tools.json_in.*`), as CherryPy's `json_in` takes them.
 *
 * @example Options for a JSON API media type
 * ```ts
 * import type { JsonInOptions } from "./json_in.ts";
 * const options: JsonInOptions = { content_type: "application/vnd.api+json", force: false };
 * ```
 */
export interface JsonInOptions {
  /**
   * The media types decoded as JSON: one, or a list (`["application/json",
   * "text/javascript"]`, the default).
   */
  content_type?: string | readonly string[];
  /** Answer other media types with 415 (`true`, the default). */
  force?: boolean;
  /** The processor to use (default {@link jsonProcessor}). */
  processor?: Processor;
  /** Log what the tool does (context `TOOLS.JSON_IN`). */
  debug?: boolean;
}

const DEFAULT_TYPES: readonly string[] = Object.freeze(["application/json", "text/javascript"]);

/**
 * Checks the `json_in` tool's options that are present; the error names the option.
 *
 * @example Using `checkJsonInOptions`
 * ```ts
 * import { checkJsonInOptions } from "./json_in.ts";
 * checkJsonInOptions({ content_type: ["application/json"], force: false }); // fine
 * ```
 */
export function checkJsonInOptions(options: Record<string, unknown>): void {
  if ("content_type" in options && !isStrings(options["content_type"])) {
    refuse("json_in", "content_type", "a media type or a list of them", options["content_type"]);
  }
  checkBoolean("json_in", options, "force");
  checkBoolean("json_in", options, "debug");
  if ("processor" in options && typeof options["processor"] !== "function") {
    refuse("json_in", "processor", "a function (entity) => void", options["processor"]);
  }
}

/**
 * The `json_in` tool's callable (`before_request_body`, priority 30): makes `processor` the
 * body processor for `content_type`; with `force`, the other processors are removed and any
 * other media type is answered `415 Expected an entity of content type ...`.
 *
 * @example Decode the request (docs §4.8.1)
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * class Root {
 *   @cherrypy.expose
 *   @cherrypy.tools.json_in()
 *   index() {
 *     const data = cherrypy.request.json;
 *     return `got ${JSON.stringify(data)}`;
 *   }
 * }
 * ```
 */
export function jsonIn(this: Tool | void, options: JsonInOptions = {}): void {
  const { request } = currentServing();
  const body = request.body;
  // Methods without a body (GET, HEAD, ...) have nothing to decode.
  if (body === undefined || body === null) return;
  checkJsonInOptions(options as Record<string, unknown>);
  const given = options.content_type ?? DEFAULT_TYPES;
  const types = typeof given === "string" ? [given] : [...given];
  const processor = options.processor ?? jsonProcessor;
  if (options.force !== false) {
    if (options.debug) {
      debugLog(
        request,
        "TOOLS.JSON_IN",
        `Removing body processors ${JSON.stringify(Object.keys(body.processors))}`,
      );
    }
    body.processors = {};
    body.default_proc = new HTTPError(
      415,
      `Expected an entity of content type ${types.join(", ")}`,
    );
  }
  for (const ct of types) {
    if (options.debug) debugLog(request, "TOOLS.JSON_IN", `Adding body processor for ${ct}`);
    body.processors[ct] = processor;
  }
}
