/**
 * HTTP Digest authentication's arithmetic: the `Authorization: Digest ...` header parsed and
 * checked (CherryPy's `HttpDigestAuthorization`), the request digest (RFC 2617 and RFC 7616),
 * nonces, and the `WWW-Authenticate` challenge.
 *
 * @module
 */

import { platform } from "../../platform/mod.ts";
import { charsetDeclaration, constantTimeEqual, decodeCredentials, headerBytes } from "./_auth.ts";

/**
 * The digest algorithms understood (RFC 2617's MD5 and MD5-sess, as CherryPy; RFC 7616's
 * SHA-256 and SHA-512-256 and their `-sess` variants, beyond CherryPy).
 *
 * @example Is an algorithm known?
 * ```ts
 * import { validAlgorithms } from "./auth_digest.ts";
 * validAlgorithms.includes("SHA-256"); // true
 * ```
 */
export const validAlgorithms: readonly DigestAlgorithm[] = Object.freeze([
  "MD5",
  "MD5-sess",
  "SHA-256",
  "SHA-256-sess",
  "SHA-512-256",
  "SHA-512-256-sess",
]);

/**
 * The quality-of-protection values understood.
 *
 * @example Using `validQops`
 * ```ts
 * import { validQops } from "./auth_digest.ts";
 * validQops; // ["auth", "auth-int"]
 * ```
 */
export const validQops: readonly string[] = Object.freeze(["auth", "auth-int"]);

/**
 * One of {@link validAlgorithms}.
 *
 * @example Using `DigestAlgorithm`
 * ```ts
 * import type { DigestAlgorithm } from "./auth_digest.ts";
 * const offered: DigestAlgorithm[] = ["SHA-256", "MD5"];
 * ```
 */
export type DigestAlgorithm =
  | "MD5"
  | "MD5-sess"
  | "SHA-256"
  | "SHA-256-sess"
  | "SHA-512-256"
  | "SHA-512-256-sess";

/**
 * The hash function of a digest algorithm (the algorithm without `-sess`).
 *
 * @example Using `DigestHashName`
 * ```ts
 * import type { DigestHashName } from "./auth_digest.ts";
 * const hash: DigestHashName = "SHA-256";
 * ```
 */
export type DigestHashName = "MD5" | "SHA-256" | "SHA-512-256";

const PLATFORM_HASH = { "MD5": "md5", "SHA-256": "sha256", "SHA-512-256": "sha512-256" } as const;

/** The hex length of each hash function's digest (the length of its HA1). */
export const HEX_LENGTH: Readonly<Record<DigestHashName, number>> = Object.freeze({
  "MD5": 32,
  "SHA-256": 64,
  "SHA-512-256": 64,
});

/**
 * The algorithm named `name` (any case, as clients send it), or `null` when it is not one of
 * {@link validAlgorithms}.
 *
 * @example Using `algorithmNamed`
 * ```ts
 * import { algorithmNamed } from "./auth_digest.ts";
 * algorithmNamed("md5-SESS"); // "MD5-sess"
 * algorithmNamed("SHA"); // null
 * ```
 */
export function algorithmNamed(name: string): DigestAlgorithm | null {
  const upper = name.toUpperCase();
  return validAlgorithms.find((a) => a.toUpperCase() === upper) ?? null;
}

/** The hash function of `algorithm` (`"SHA-256"` for `"SHA-256-sess"`). */
export function hashOf(algorithm: DigestAlgorithm): DigestHashName {
  return algorithm.replace(/-sess$/, "") as DigestHashName;
}

/**
 * The lower-case hex digest of `data` with a digest hash function (a string is hashed as
 * UTF-8, as CherryPy does).
 *
 * @example HA1 of the docs' user
 * ```ts
 * import { digestHash } from "./auth_digest.ts";
 * digestHash("MD5", "jon:localhost:secret"); // 32 hex digits
 * digestHash("SHA-256", "jon:localhost:secret"); // 64 hex digits
 * ```
 */
export function digestHash(hash: DigestHashName, data: string | Uint8Array): string {
  return platform.hash(PLATFORM_HASH[hash], data);
}

/**
 * A nonce for `s` (the realm) under the secret `key`: `"<timestamp>:<hmac>"`, where the HMAC
 * (SHA-256, keyed with `key`) covers the timestamp and `s`, so that the server can check it was
 * made here, and when, without keeping it. CherryPy's nonce is an MD5 of the same parts.
 *
 * @example A nonce, and its check
 * ```ts
 * import { HttpDigestAuthorization, synthesizeNonce } from "./auth_digest.ts";
 * const nonce = synthesizeNonce("localhost", "a565c27146791cfb");
 * const auth = new HttpDigestAuthorization(
 *   `Digest username="jon", realm="localhost", nonce="${nonce}", uri="/", response="0"`,
 *   "GET",
 * );
 * auth.validateNonce("localhost", "a565c27146791cfb"); // true
 * ```
 */
export function synthesizeNonce(s: string, key: string, timestamp?: number | string): string {
  const ts = String(timestamp ?? Math.floor(Date.now() / 1000));
  return `${ts}:${platform.hmac("sha256", key, `${ts}:${s}`)}`;
}

/** Options of {@link wwwAuthenticate}. */
export interface ChallengeOptions {
  /** The algorithm offered (`"MD5"`). */
  algorithm?: DigestAlgorithm;
  /** The nonce (a new one by default). */
  nonce?: string;
  /** The quality of protection offered (`"auth"`). */
  qop?: string;
  /** Tell the client its nonce was stale (it retries without asking the user). */
  stale?: boolean;
  /** The charset declared (`charset="UTF-8"`; nothing for ISO-8859-1). */
  accept_charset?: string;
  /** Offer RFC 7616's hashed user names (`userhash=true`). */
  userhash?: boolean;
}

/**
 * A `WWW-Authenticate` Digest challenge, in CherryPy's form:
 * `Digest realm="R", nonce="N", algorithm="MD5", qop="auth"`, then `stale="true"` when
 * asked, the charset, and `userhash=true` when asked.
 *
 * @example The challenge of the docs' digest example
 * ```ts
 * import { wwwAuthenticate } from "./auth_digest.ts";
 * wwwAuthenticate("localhost", "a565c27146791cfb", { algorithm: "SHA-256" });
 * // 'Digest realm="localhost", nonce="...", algorithm="SHA-256", qop="auth", charset="UTF-8"'
 * ```
 */
export function wwwAuthenticate(
  realm: string,
  key: string,
  options: ChallengeOptions = {},
): string {
  const qop = options.qop ?? "auth";
  const algorithm = options.algorithm ?? "MD5";
  if (!validQops.includes(qop)) throw new Error(`Unsupported value for qop: '${qop}'`);
  if (!validAlgorithms.includes(algorithm)) {
    throw new Error(`Unsupported value for algorithm: '${algorithm}'`);
  }
  const nonce = options.nonce ?? synthesizeNonce(realm, key);
  return `Digest realm="${realm}", nonce="${nonce}", algorithm="${algorithm}", qop="${qop}"` +
    (options.stale ? ', stale="true"' : "") +
    charsetDeclaration(options.accept_charset ?? "UTF-8") +
    (options.userhash ? ", userhash=true" : "");
}

/**
 * Splits a comma-separated list whose items may hold quoted strings (Python's
 * `urllib.request.parse_http_list`): a backslash in a quoted string escapes the next character.
 */
export function parseHttpList(s: string): string[] {
  const out: string[] = [];
  let part = "";
  let escape = false;
  let quote = false;
  for (const ch of s) {
    if (escape) {
      part += ch;
      escape = false;
    } else if (quote) {
      if (ch === "\\") escape = true;
      else {
        if (ch === '"') quote = false;
        part += ch;
      }
    } else if (ch === ",") {
      out.push(part);
      part = "";
    } else {
      if (ch === '"') quote = true;
      part += ch;
    }
  }
  if (part) out.push(part);
  return out.map((p) => p.trim());
}

/**
 * `key=value` items as a map (Python's `parse_keqv_list`, with names in lower case, as RFC 7616
 * has them case-insensitive): surrounding quotes are removed. An item without `=` is an error.
 */
export function parseKeqvList(items: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const item of items) {
    if (item === "") continue;
    const eq = item.indexOf("=");
    if (eq < 0) throw new Error(`Not a key=value item: ${JSON.stringify(item)}`);
    let value = item.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
      value = value.slice(1, -1);
    }
    out.set(item.slice(0, eq).trim().toLowerCase(), value);
  }
  return out;
}

/** RFC 8187's `charset'language'pct-encoded` (the `username*` parameter). */
function decodeExtValue(value: string): string {
  const m = /^(UTF-8|ISO-8859-1)'[^']*'((?:%[0-9A-Fa-f]{2}|[A-Za-z0-9!#$&+\-.^_`|~])*)$/i
    .exec(value);
  if (m === null) throw new Error(`Malformed username*: ${JSON.stringify(value)}`);
  const bytes: number[] = [];
  const text = m[2]!;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "%") {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(text.charCodeAt(i));
  }
  const raw = Uint8Array.from(bytes);
  if (m[1]!.toUpperCase() === "ISO-8859-1") return decodeCredentials(raw, "ISO-8859-1");
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(raw);
  } catch {
    throw new Error("username* is not valid UTF-8");
  }
}

function errmsg(s: string): string {
  return `Digest Authorization header: ${s}`;
}

/** Options of {@link HttpDigestAuthorization}. */
export interface DigestAuthorizationOptions {
  /** Log each step (context `TOOLS.AUTH_DIGEST`). */
  debug?: boolean;
  /** The charset the header is decoded with before falling back to ISO-8859-1 (`UTF-8`). */
  accept_charset?: string;
  /** Where the debug lines go. */
  trace?: (msg: string) => void;
}

/**
 * A parsed `Authorization: Digest ...` header (CherryPy's `HttpDigestAuthorization`): its
 * parameters, checked for the ones RFC 2617 requires, and the digest the client should have
 * sent. The header is decoded with `accept_charset` (falling back to ISO-8859-1). Throws an
 * `Error` saying what is wrong when the header is not a valid Digest authorization.
 *
 * @example The response a client computes
 * ```ts
 * import { digestHash, HttpDigestAuthorization } from "./auth_digest.ts";
 * const auth = new HttpDigestAuthorization(
 *   'Digest username="jon", realm="localhost", nonce="1:x", uri="/area", ' +
 *     'response="0", qop=auth, nc=00000001, cnonce="abc"',
 *   "GET",
 * );
 * const ha1 = digestHash("MD5", "jon:localhost:secret");
 * auth.requestDigest(ha1); // the "response" the client should send
 * ```
 */
export class HttpDigestAuthorization {
  /** The scheme, in lower case. */
  static readonly scheme = "digest";
  /** The request method the digest covers. */
  readonly http_method: string;
  /** The whole header, decoded. */
  readonly auth_header: string;
  /** `realm`. */
  readonly realm: string;
  /** `username` (or the decoded `username*`; a hash when {@link userhash} is true). */
  readonly username: string;
  /** `nonce`. */
  readonly nonce: string;
  /** `uri`: the request target the digest covers. */
  readonly uri: string;
  /** `method`, when given (not used: the request's method is). */
  readonly method: string | null;
  /** `response`: the client's digest. */
  readonly response: string;
  /** `algorithm` (`MD5` when absent). */
  readonly algorithm: DigestAlgorithm;
  /** `cnonce`. */
  readonly cnonce: string | null;
  /** `opaque`. */
  readonly opaque: string | null;
  /** `qop`. */
  readonly qop: string | null;
  /** `nc`, the nonce count. */
  readonly nc: string | null;
  /** `userhash=true`: {@link username} is `H(username:realm)` (RFC 7616). */
  readonly userhash: boolean;
  readonly #debug: boolean;
  readonly #trace: (msg: string) => void;

  /** `true` when `header`'s scheme is Digest. */
  static matches(header: string): boolean {
    const space = header.indexOf(" ");
    return (space < 0 ? header : header.slice(0, space)).toLowerCase() === this.scheme;
  }

  /** Parses and checks `header` for a request with method `httpMethod`. */
  constructor(header: string, httpMethod: string, options: DigestAuthorizationOptions = {}) {
    this.http_method = httpMethod;
    this.#debug = options.debug ?? false;
    this.#trace = options.trace ?? (() => {});
    if (!HttpDigestAuthorization.matches(header)) {
      throw new Error('Authorization scheme is not "Digest"');
    }
    const bytes = headerBytes(header);
    this.auth_header = bytes === null
      ? header
      : decodeCredentials(bytes, options.accept_charset ?? "UTF-8");
    const space = this.auth_header.indexOf(" ");
    if (space < 0) throw new Error(errmsg("no parameters."));
    const params = parseKeqvList(parseHttpList(this.auth_header.slice(space + 1)));
    const get = (k: string) => params.get(k) ?? null;

    let username = get("username");
    const extended = get("username*");
    if (extended !== null) {
      if (username !== null) throw new Error(errmsg("both username and username* are present."));
      username = decodeExtValue(extended);
    }
    this.realm = get("realm") ?? "";
    this.username = username ?? "";
    this.nonce = get("nonce") ?? "";
    this.uri = get("uri") ?? "";
    this.method = get("method");
    this.response = get("response") ?? "";
    this.cnonce = get("cnonce");
    this.opaque = get("opaque");
    this.qop = get("qop");
    this.nc = get("nc");
    const userhash = (get("userhash") ?? "false").toLowerCase();
    if (userhash !== "true" && userhash !== "false") {
      throw new Error(errmsg(`Unsupported value for userhash: '${userhash}'`));
    }
    this.userhash = userhash === "true";

    const algorithm = (get("algorithm") ?? "MD5").toUpperCase();
    const known = algorithmNamed(algorithm);
    if (known === null) {
      throw new Error(errmsg(`Unsupported value for algorithm: '${algorithm}'`));
    }
    this.algorithm = known;
    if (!(this.username && this.realm && this.nonce && this.uri && this.response)) {
      throw new Error(errmsg("Not all required parameters are present."));
    }
    if (this.qop) {
      if (!validQops.includes(this.qop)) {
        throw new Error(errmsg(`Unsupported value for qop: '${this.qop}'`));
      }
      if (!(this.cnonce && this.nc)) {
        throw new Error(errmsg("If qop is sent then cnonce and nc MUST be present"));
      }
    } else if (this.cnonce || this.nc) {
      throw new Error(errmsg("If qop is not sent, neither cnonce nor nc can be present"));
    }
  }

  /** `authorization : <header>` (for the debug log). */
  toString(): string {
    return `authorization : ${this.auth_header}`;
  }

  /** The hash function of {@link algorithm}. */
  get hash(): DigestHashName {
    return hashOf(this.algorithm);
  }

  /**
   * `true` when the nonce was made by {@link synthesizeNonce} with `s` and `key` (its
   * timestamp cannot have been changed).
   */
  validateNonce(s: string, key: string): boolean {
    const colon = this.nonce.indexOf(":");
    const timestamp = colon < 0 ? "" : this.nonce.slice(0, colon);
    const valid = /^\d{1,15}$/.test(timestamp) &&
      constantTimeEqual(synthesizeNonce(s, key, timestamp), this.nonce);
    if (this.#debug) this.#trace(`validate_nonce: ${valid ? "True" : "False"}`);
    return valid;
  }

  /** `true` when the (validated) nonce is older than `maxAgeSeconds` (600: ten minutes). */
  isNonceStale(maxAgeSeconds = 600): boolean {
    const timestamp = Number(this.nonce.slice(0, this.nonce.indexOf(":")));
    if (Number.isFinite(timestamp) && timestamp + maxAgeSeconds > Date.now() / 1000) return false;
    if (this.#debug) this.#trace("nonce is stale");
    return true;
  }

  /** H(A2) (RFC 2617 §3.2.2.3): `H(method:uri)`, with `:H(entity-body)` for `auth-int`. */
  HA2(entityBody: string | Uint8Array = ""): string {
    const a2 = this.qop === "auth-int"
      ? `${this.http_method}:${this.uri}:${digestHash(this.hash, entityBody)}`
      : `${this.http_method}:${this.uri}`;
    return digestHash(this.hash, a2);
  }

  /**
   * The request digest (RFC 2617 §3.2.2.1, RFC 7616 §3.4.1) for the user's `ha1`
   * (`H(username:realm:password)`); `entityBody` is the request body, for `auth-int`.
   */
  requestDigest(ha1: string, entityBody: string | Uint8Array = ""): string {
    const ha2 = this.HA2(entityBody);
    const req = this.qop
      ? `${this.nonce}:${this.nc}:${this.cnonce}:${this.qop}:${ha2}`
      : `${this.nonce}:${ha2}`;
    const a1 = this.algorithm.endsWith("-sess")
      ? digestHash(this.hash, `${ha1}:${this.nonce}:${this.cnonce}`)
      : ha1;
    return digestHash(this.hash, `${a1}:${req}`);
  }
}
