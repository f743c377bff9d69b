/**
 * The `allow` tool: answers 405 when the request's method is not one of the given ones, and
 * always says which are (`Allow`).
 *
 * @module
 */

import { HTTPError } from "../core/errors.ts";
import { pyRepr } from "../http/_pyrepr.ts";
import { currentServing } from "../core/serving.ts";
import { debugLog } from "./_debug.ts";

/** The `allow` tool's options (`tools.allow.*`). */
export interface AllowOptions {
  /**
   * The methods allowed: one name or a list, in any case (default `["GET", "HEAD"]`). `HEAD`
   * is added when `GET` is listed.
   */
  methods?: string | readonly string[] | null;
  /** Log the decision (context `TOOLS.ALLOW`). */
  debug?: boolean;
}

/**
 * The methods `methods` allows, upper-cased, with `HEAD` when `GET` is there.
 *
 * @example Using `allowedMethods`
 * ```ts
 * import { allowedMethods } from "./allow.ts";
 * allowedMethods(["get", "post"]); // ["GET", "POST", "HEAD"]
 * ```
 */
export function allowedMethods(methods: AllowOptions["methods"]): string[] {
  const given = Array.isArray(methods) ? methods : [methods];
  const list: string[] = [];
  for (const m of given) if (m) list.push(String(m).toUpperCase());
  if (list.length === 0) return ["GET", "HEAD"];
  if (list.includes("GET") && !list.includes("HEAD")) list.push("HEAD");
  return list;
}

/**
 * The `allow` tool's callable (`on_start_resource`, priority 50): sets `Allow` to the allowed
 * methods and raises 405 when the request's method is not among them.
 *
 * @example Only POST for one handler
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * class Root {
 *   @cherrypy.expose
 *   @cherrypy.tools.allow({ methods: ["POST"] })
 *   submit() {
 *     return "thanks";
 *   }
 * }
 * ```
 */
export function allow(options: AllowOptions = {}): void {
  const { request, response } = currentServing();
  const methods = allowedMethods(options.methods);
  response.headers.set("Allow", methods.join(", "));
  const ok = methods.includes(request.method);
  debugLog(
    options.debug,
    () =>
      `request.method ${pyRepr(request.method)} ${ok ? "in" : "not in"} methods ${pyRepr(methods)}`,
    "TOOLS.ALLOW",
  );
  if (!ok) throw new HTTPError(405);
}
