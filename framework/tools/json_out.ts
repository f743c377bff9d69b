/**
 * The `json_out` tool (CherryPy's `jsontools.json_out`): what the page handler returns is sent
 * as JSON, written as CherryPy writes it (`{"key": "value"}`).
 *
 * @module
 */

import { platform } from "../../platform/mod.ts";
import { callApplication, currentServing, selfFollowing } from "../core/serving.ts";
import { checkBoolean, refuse } from "./_check.ts";
import { debugLog } from "./_content.ts";
import { encodeJson } from "./_json.ts";
import type { Request } from "../core/request.ts";
import type { Tool } from "./tools.ts";

/**
 * The default JSON handler (CherryPy's `json_handler`): calls the page handler, kept as
 * `request._json_inner_handler`, and encodes what it returns (once it resolves, for an async
 * handler) as UTF-8 JSON bytes. Values JSON cannot hold (functions, maps, sets, byte arrays,
 * iterators) are a `TypeError`, so a 500.
 *
 * @example A handler of one's own that wraps the default
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * import { jsonHandler } from "./json_out.ts";
 * async function envelope() {
 *   const inner = cherrypy.request._json_inner_handler as () => unknown;
 *   cherrypy.request._json_inner_handler = async () => ({ data: await inner() });
 *   return await jsonHandler();
 * }
 * const conf = { "/": { "tools.json_out.on": true, "tools.json_out.handler": envelope } };
 * ```
 */
export function jsonHandler(): Uint8Array | Promise<Uint8Array> {
  const value = innerValue(currentServing().request);
  if (value instanceof Promise) return value.then((v) => platform.encodeUtf8(encodeJson(v)));
  return platform.encodeUtf8(encodeJson(value));
}

/** What the page handler kept by the tool returns. */
function innerValue(request: Request): unknown {
  const inner = request._json_inner_handler as (() => unknown) | undefined;
  if (typeof inner !== "function") {
    throw new TypeError("jsonHandler runs as the json_out tool's handler: turn the tool on.");
  }
  return callApplication(inner, undefined, []);
}

/**
 * The `json_out` tool's options (`tools.json_out.*`), as CherryPy's `json_out` takes them.
 *
 * @example Another Content-Type
 * ```ts
 * import type { JsonOutOptions } from "./json_out.ts";
 * const options: JsonOutOptions = { content_type: "application/problem+json" };
 * ```
 */
export interface JsonOutOptions {
  /** The response's Content-Type (`"application/json"`); `null` leaves it alone. */
  content_type?: string | null;
  /**
   * The handler run in place of the page handler (default {@link jsonHandler}); it finds the
   * page handler as `cherrypy.request._json_inner_handler`.
   */
  handler?: () => unknown;
  /** Log what the tool does (context `TOOLS.JSON_OUT`). */
  debug?: boolean;
}

/**
 * Checks the `json_out` tool's options that are present; the error names the option.
 *
 * @example Using `checkJsonOutOptions`
 * ```ts
 * import { checkJsonOutOptions } from "./json_out.ts";
 * checkJsonOutOptions({ content_type: null }); // fine: the Content-Type is left alone
 * ```
 */
export function checkJsonOutOptions(options: Record<string, unknown>): void {
  const ct = options["content_type"];
  if ("content_type" in options && ct !== null && (typeof ct !== "string" || ct === "")) {
    refuse("json_out", "content_type", "a media type, or null", ct);
  }
  if ("handler" in options && typeof options["handler"] !== "function") {
    refuse("json_out", "handler", "a function", options["handler"]);
  }
  checkBoolean("json_out", options, "debug");
}

/**
 * What {@link jsonHandler} sends, as the JSON text itself: the server encodes it with the
 * response head, which spares a copy. Its bytes are the same (the text is ASCII), unless the
 * encode tool encodes every type (below).
 */
function jsonText(request: Request): string | Promise<string> {
  const value = innerValue(request);
  return value instanceof Promise ? value.then(encodeJson) : encodeJson(value);
}

/**
 * `true` when the request's encode tool encodes text of any type (`text_only` off): it would
 * re-encode JSON text in its charset, where CherryPy passes the handler's UTF-8 bytes through.
 */
function encodesAll(request: Request): boolean {
  return request.toolmaps["tools"]?.["encode"]?.["text_only"] === false;
}

/**
 * The `json_out` tool's callable (`before_handler`, priority 30): replaces the page handler by
 * `handler` and sets the Content-Type. Does nothing when another tool (the cache) already
 * answered the request.
 *
 * @example Encode the response (docs §4.8.2)
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * class Root {
 *   @cherrypy.expose
 *   @cherrypy.tools.json_out()
 *   index() {
 *     return { key: "value" }; // sent as {"key": "value"}
 *   }
 * }
 * ```
 */
export function jsonOut(this: Tool | void, options: JsonOutOptions = {}): void {
  const { request, response } = currentServing();
  const inner = request.handler;
  // The caching tool sets the handler to null when it answered from the cache.
  if (inner === null) return;
  checkJsonOutOptions(options as Record<string, unknown>);
  const handler = options.handler ?? jsonHandler;
  if (options.debug) {
    debugLog(
      request,
      "TOOLS.JSON_OUT",
      `Replacing ${inner.name || "the handler"} with JSON handler`,
    );
  }
  request._json_inner_handler = inner;
  request.handler = selfFollowing(
    options.handler === undefined && !encodesAll(request)
      ? () => jsonText(request)
      : () => callApplication(handler, undefined, []),
  );
  const contentType = options.content_type === undefined
    ? "application/json"
    : options.content_type;
  if (contentType !== null) {
    if (options.debug) {
      debugLog(request, "TOOLS.JSON_OUT", `Setting Content-Type to ${contentType}`);
    }
    response.headers.set("Content-Type", contentType);
  }
}
