/**
 * A small HTTP Digest client for tests (RFC 7616), written from the RFC independently of the
 * server's code: it reads a challenge and computes the `Authorization` header.
 *
 * @module
 */
import { createHash } from "node:crypto";

const NODE_HASH: Record<string, string> = {
  "MD5": "md5",
  "SHA-256": "sha256",
  "SHA-512-256": "sha512-256",
};

/** Hex digest of UTF-8 text or bytes with a digest hash function (`MD5`, `SHA-256`, ...). */
export function h(hash: string, data: string | Uint8Array): string {
  return createHash(NODE_HASH[hash]!).update(data).digest("hex");
}

/** The parameters of one `Digest ...` challenge. */
export function parseChallenge(challenge: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([A-Za-z-]+)=(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;
  for (const m of challenge.replace(/^Digest\s+/i, "").matchAll(re)) {
    out[m[1]!.toLowerCase()] = m[2] ?? m[3]!;
  }
  return out;
}

/** What {@link authorization} needs besides the challenge. */
export interface Credentials {
  username: string;
  password: string;
  method?: string;
  uri: string;
  /** The algorithm to answer with (default: the challenge's). */
  algorithm?: string;
  qop?: "auth" | "auth-int" | null;
  body?: string | Uint8Array;
  cnonce?: string;
  nc?: string;
  /** Send `userhash=true` and the hashed user name. */
  userhash?: boolean;
  /** Send the user name as `username*` (RFC 8187). */
  extended?: boolean;
  /** Another nonce than the challenge's. */
  nonce?: string;
  /** Another realm than the challenge's (for the header and HA1). */
  realm?: string;
}

/** The `Authorization` header answering `challenge` with `creds`. */
export function authorization(challenge: string, creds: Credentials): string {
  const ch = parseChallenge(challenge);
  const algorithm = creds.algorithm ?? ch["algorithm"] ?? "MD5";
  const hash = algorithm.replace(/-sess$/i, "").toUpperCase();
  const realm = creds.realm ?? ch["realm"]!;
  const nonce = creds.nonce ?? ch["nonce"]!;
  const qop = creds.qop === undefined ? "auth" : creds.qop;
  const cnonce = creds.cnonce ?? "0a4f113b";
  const nc = creds.nc ?? "00000001";
  const method = creds.method ?? "GET";
  let ha1 = h(hash, `${creds.username}:${realm}:${creds.password}`);
  if (/-sess$/i.test(algorithm)) ha1 = h(hash, `${ha1}:${nonce}:${cnonce}`);
  const a2 = qop === "auth-int"
    ? `${method}:${creds.uri}:${h(hash, creds.body ?? "")}`
    : `${method}:${creds.uri}`;
  const ha2 = h(hash, a2);
  const response = qop
    ? h(hash, `${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`)
    : h(hash, `${ha1}:${nonce}:${ha2}`);
  const user = creds.userhash
    ? `username="${h(hash, `${creds.username}:${realm}`)}", userhash=true`
    : creds.extended
    ? `username*=UTF-8''${encodeURIComponent(creds.username)}`
    : `username="${latin1OfUtf8(creds.username)}"`;
  return `Digest ${user}, realm="${realm}", nonce="${nonce}", uri="${creds.uri}", ` +
    `algorithm=${algorithm}, response="${response}"` +
    (qop ? `, qop=${qop}, nc=${nc}, cnonce="${cnonce}"` : "");
}

/** UTF-8 bytes as one character each (what a header carries on the wire). */
export function latin1OfUtf8(s: string): string {
  return String.fromCharCode(...new TextEncoder().encode(s));
}
