/**
 * The checks around a benchmark run: before the load, that a server answers its app as expected
 * (status, body, media type), so that a broken server cannot look fast; for a session app, the
 * priming of the session whose cookie the load generator then sends, and after the load, that
 * the session's counter advanced with the requests.
 *
 * @module
 */

import type { AppSpec } from "./targets.ts";

/**
 * The share of the requests under which a session counter is reported as having lost updates
 * (see {@link sessionProblem}).
 */
export const LOST_UPDATES_BELOW = 0.9;

/** What the harness prepared for the apps: the static files, when a static app is selected. */
export interface Fixtures {
  /** The folder of the generated files, or `null`. */
  readonly staticDir: string | null;
  /** Their bytes, by file name. */
  readonly files: ReadonlyMap<string, Uint8Array>;
}

/** What a checked response held. */
export interface Checked {
  /** The counter a session app answered, else `null`. */
  readonly counter: number | null;
  /** Its `Set-Cookie` headers. */
  readonly cookies: string[];
}

/** The media type of a `Content-Type` value, without parameters, lower-cased. */
export function mediaType(value: string): string {
  return value.split(";")[0]!.trim().toLowerCase();
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** What the body of `spec` must be, in words; `null` when `bytes` is it. */
function bodyMismatch(
  spec: AppSpec,
  bytes: Uint8Array,
  text: string,
  fixtures: Fixtures,
): string | null {
  if (spec.body !== undefined) return text === spec.body ? null : JSON.stringify(spec.body);
  if (spec.bodyPattern !== undefined) {
    return spec.bodyPattern.test(text) ? null : `a body matching ${spec.bodyPattern}`;
  }
  if (spec.json !== undefined) {
    const expected = JSON.stringify(spec.json);
    let parsed: string | null = null;
    try {
      parsed = JSON.stringify(JSON.parse(text));
    } catch {
      // not JSON
    }
    return parsed === expected ? null : `JSON equal to ${expected}`;
  }
  if (spec.file !== undefined) {
    const expected = fixtures.files.get(spec.file);
    if (expected === undefined) return `the file ${spec.file} (not generated)`;
    return sameBytes(bytes, expected) ? null : `the ${expected.length} bytes of ${spec.file}`;
  }
  return null;
}

/**
 * Requests `url` once (with `cookie`, when given) and checks the answer against `spec`: status
 * 200, the body, the media type. Throws what was wrong.
 */
export async function checkResponse(
  url: string,
  spec: AppSpec,
  fixtures: Fixtures,
  cookie: string | null = null,
): Promise<Checked> {
  const client = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
  try {
    const res = await fetch(url, {
      client,
      headers: cookie === null ? {} : { cookie },
      signal: AbortSignal.timeout(10_000),
    });
    const bytes = new Uint8Array(await res.arrayBuffer());
    const text = spec.file === undefined ? new TextDecoder().decode(bytes) : "";
    const type = res.headers.get("content-type") ?? "";
    const mismatch = bodyMismatch(spec, bytes, text, fixtures);
    if (res.status !== 200 || mismatch !== null) {
      const got = spec.file === undefined
        ? JSON.stringify(text.slice(0, 200))
        : `${bytes.length} bytes`;
      throw new Error(
        `GET ${url} answered ${res.status} ${got}, expected 200 ` +
          `${mismatch ?? "and the body it sent"}`,
      );
    }
    if (spec.contentType !== null && mediaType(type) !== spec.contentType) {
      throw new Error(`GET ${url} answered Content-Type ${type}, expected ${spec.contentType}`);
    }
    return { counter: spec.session ? Number(text) : null, cookies: res.headers.getSetCookie() };
  } finally {
    client.close();
  }
}

/**
 * Primes a session for a session app: one request without a cookie, whose `Set-Cookie`
 * pairs become the `Cookie` header of every later request; then a second request with it,
 * which must answer the next count. Returns the cookie and that count.
 */
export async function primeSession(
  url: string,
  spec: AppSpec,
  fixtures: Fixtures,
): Promise<{ cookie: string; counter: number }> {
  const first = await checkResponse(url, spec, fixtures);
  const pairs = first.cookies.map((c) => c.split(";")[0]!.trim()).filter((p) => p.includes("="));
  if (pairs.length === 0) {
    throw new Error(`GET ${url} set no cookie: there is no session to send back`);
  }
  const cookie = pairs.join("; ");
  const second = await checkResponse(url, spec, fixtures, cookie);
  if (second.counter !== first.counter! + 1) {
    throw new Error(
      `GET ${url} with Cookie: ${cookie} answered ${second.counter} after ${first.counter}: ` +
        "the session was not kept",
    );
  }
  return { cookie, counter: second.counter! };
}

/**
 * The sanity check of a session run, from how far the counter advanced over the warm-up and the
 * measured run and how many requests the load generator counted in them. Returns the problem,
 * or `null`:
 *
 * - It may advance a little more than the requests counted (those still in flight when the load
 *   generator stopped were served too: at most one per connection and run), never further.
 * - It must advance: when it did not, the requests did not reach the primed session (the cookie
 *   was ignored, or each request started a session of its own).
 * - It may advance less: a server whose session store has no lock loses the updates that
 *   concurrent requests of one session make (each reads the same count, and the last write
 *   wins). That is reported ({@link LOST_UPDATES_BELOW}), not a failure.
 *
 * @example
 * ```ts
 * import { sessionProblem } from "./checks.ts";
 * sessionProblem(10_020, 10_000, 50, 2); // null
 * sessionProblem(0, 10_000, 50, 2); // "the session counter did not advance ..."
 * ```
 */
export function sessionProblem(
  advanced: number,
  requests: number,
  connections: number,
  runs: number,
): string | null {
  const most = requests + connections * runs + 1;
  if (advanced > most) {
    return `the session counter advanced by ${advanced}, more than the ${requests} requests made`;
  }
  if (advanced <= 0 && requests > 0) {
    return `the session counter did not advance over ${requests} requests: ` +
      "they did not reach the primed session";
  }
  return null;
}
