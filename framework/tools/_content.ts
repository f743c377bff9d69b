/**
 * What the content tools share: a response body read as byte chunks whatever its form, the
 * `debug` log lines, `Vary` and the elements of list headers.
 *
 * @module
 */

import { platform } from "../../platform/mod.ts";
import { toBytes } from "../http/_bytes.ts";
import { MediaType } from "../http/media_type.ts";
import type { Request } from "../core/request.ts";
import type { Response } from "../core/response.ts";

/**
 * `true` for a body with nothing to send (Python's `not response.body`): nothing, an empty
 * string or byte array, or an empty array.
 */
export function isEmptyBody(body: unknown): boolean {
  if (body === null || body === undefined) return true;
  if (typeof body === "string" || body instanceof Uint8Array) return body.length === 0;
  return Array.isArray(body) && body.length === 0;
}

/**
 * `true` when the body can be read without waiting (a string, bytes, or a sync iterable
 * such as an array or a generator).
 */
export function isSyncBody(body: unknown): boolean {
  if (body === null || body === undefined) return true;
  if (typeof body === "string" || body instanceof Uint8Array) return true;
  if (typeof body !== "object") return false;
  return typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] !== "function" &&
    typeof (body as Iterable<unknown>)[Symbol.iterator] === "function";
}

/**
 * The body as byte chunks, as they come: strings as UTF-8, bytes as they are, the items of
 * sync and async iterables (a `ReadableStream` is one). Stopping early stops the source too.
 */
export async function* bodyChunks(body: unknown): AsyncGenerator<Uint8Array, void, undefined> {
  if (body === null || body === undefined) return;
  if (typeof body === "string") {
    if (body.length > 0) yield platform.encodeUtf8(body);
    return;
  }
  if (body instanceof Uint8Array) {
    if (body.length > 0) yield body;
    return;
  }
  if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function") {
    for await (const chunk of body as AsyncIterable<unknown>) yield toBytes(chunk);
    return;
  }
  if (typeof (body as Iterable<unknown>)[Symbol.iterator] === "function") {
    for (const chunk of body as Iterable<unknown>) yield toBytes(chunk);
    return;
  }
  yield toBytes(body);
}

/** Writes a tool's `debug` line to the application's error log (CherryPy's `cherrypy.log`). */
export function debugLog(request: Request, context: string, message: string): void {
  request.app?.log.error(message, context);
}

/**
 * The string form of each element of a comma-separated header, parameters included (Python's
 * `[str(e) for e in headers.elements(name)]`): `W/"x"`, `max-age=60`, `no-cache`.
 */
export function elementStrings(header: string | null): string[] {
  if (header === null || header.trim() === "") return [];
  const out: string[] = [];
  for (const raw of header.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)) {
    const { value, params } = MediaType.parse(raw);
    out.push(value + Object.entries(params).map(([k, v]) => `;${k}=${v}`).join(""));
  }
  return out;
}

/** The values of the elements of a comma-separated header (`no-cache`, `Accept-Encoding`). */
export function elementValues(header: string | null): string[] {
  if (header === null || header.trim() === "") return [];
  return header.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/).map((raw) => MediaType.parse(raw).value)
    .filter((v) => v !== "");
}

/**
 * Adds `name` to the response's `Vary` header unless it is there (CherryPy's
 * `cherrypy.lib.set_vary_header`).
 *
 * @example Using `setVaryHeader`
 * ```ts
 * import { response } from "../../mod.ts";
 * import { setVaryHeader } from "./_content.ts";
 * setVaryHeader(response, "Accept-Language"); // Vary: ..., Accept-Language
 * ```
 */
export function setVaryHeader(response: Response, name: string): void {
  const varies = (response.headers.get("Vary") ?? "").split(",").map((v) => v.trim())
    .filter((v) => v !== "");
  if (!varies.includes(name)) varies.push(name);
  response.headers.set("Vary", varies.join(", "));
}
