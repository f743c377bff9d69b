/**
 * What the benchmark's apps answer, shared by every server program so that all of them send
 * the same bytes (`../targets.ts` holds the expected bodies the harness checks).
 *
 * - `hello`: `GET /` answers {@link HELLO_BODY}.
 * - `json`: `GET /json` answers `JSON.stringify(jsonPayload())`, `Content-Type: application/json`.
 * - `nested`: `GET /users/<id>/profile` answers `profileBody(id)`.
 *
 * Plain ESM JavaScript, so Node runs it as is.
 *
 * @module
 */

import { readFileSync } from "node:fs";

/**
 * The `Server` header cherrypy-ts sends (`CherryPy-TS/<version>`, the version read from
 * `deno.json`), for the raw servers that answer what the framework answers.
 */
export const SERVER_HEADER = `CherryPy-TS/${
  JSON.parse(readFileSync(new URL("../../../deno.json", import.meta.url), "utf8")).version
}`;

/** The body of the `hello` app. */
export const HELLO_BODY = "Hello world!";

/**
 * The object the `json` app serializes, built afresh for each request (as a handler would).
 *
 * @example
 * ```js
 * import { jsonPayload } from "./payloads.mjs";
 * JSON.stringify(jsonPayload()); // '{"message":"Hello world!","id":42,"tags":["small","json"]}'
 * ```
 */
export function jsonPayload() {
  return { message: "Hello world!", id: 42, tags: ["small", "json"] };
}

/**
 * The body of the `nested` app for user `id`.
 *
 * @example
 * ```js
 * import { profileBody } from "./payloads.mjs";
 * profileBody("42"); // "Profile of user 42"
 * ```
 */
export function profileBody(id) {
  return `Profile of user ${id}`;
}
