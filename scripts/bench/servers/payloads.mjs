/**
 * What the benchmark's apps answer, shared by every server program so that all of them send
 * the same bytes (`../targets.ts` holds the expected bodies the harness checks).
 *
 * - `hello`: `GET /` answers {@link HELLO_BODY}.
 * - `json`: `GET /json` answers `JSON.stringify(jsonPayload())`, `Content-Type: application/json`.
 * - `nested`: `GET /users/<id>/profile` answers `profileBody(id)`.
 * - `session`: `GET /session` answers the count of requests made with one session's cookie.
 * - `static_css`, `static_1mb`: `GET /static/<name>` answers the file {@link STATIC_FILES} names,
 *   from the folder `BENCH_STATIC_DIR` (the harness generates it).
 * - `json_out`: `GET /json_out` answers `jsonPayload()` as JSON, serialized by the framework.
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

/**
 * The files of the static apps, by app: their name in `BENCH_STATIC_DIR` (served as
 * `/static/<name>`) and their media type.
 */
export const STATIC_FILES = {
  static_css: { name: "style.css", type: "text/css" },
  static_1mb: { name: "big.jpg", type: "image/jpeg" },
};

/** The URL path under which the static files are served. */
export const STATIC_PREFIX = "/static";

/** The name of the session cookie of the raw servers (CherryPy's name). */
export const SESSION_COOKIE = "session_id";

const SESSION_ID = new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=([^;]*)`);

/**
 * The smallest in-memory session a raw server can keep, for the raw baselines of the `session`
 * app: a map from a random id (the `session_id` cookie) to a counter. `hit(cookieHeader)` reads
 * the id from a `Cookie` header, counts the request in that session (a new one when the id is
 * missing or unknown) and returns the id, the new count and whether the session is new.
 *
 * @example
 * ```js
 * import { rawSessions } from "./payloads.mjs";
 * const sessions = rawSessions();
 * const first = sessions.hit(null); // { id: "…", count: 1, fresh: true }
 * sessions.hit(`session_id=${first.id}`).count; // 2
 * ```
 */
export function rawSessions() {
  const counts = new Map();
  return {
    hit(cookieHeader) {
      let id = cookieHeader ? SESSION_ID.exec(cookieHeader)?.[1] : undefined;
      let count = id === undefined ? undefined : counts.get(id);
      const fresh = count === undefined;
      if (fresh) {
        id = crypto.randomUUID();
        count = 0;
      }
      count += 1;
      counts.set(id, count);
      return { id, count, fresh };
    },
  };
}
