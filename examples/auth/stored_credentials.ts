/**
 * Keeping credentials without keeping passwords (docs/auth.md, "Storing passwords"):
 *
 * - `/basic/`: Basic authentication against PBKDF2 hashes (a salted, deliberately slow hash,
 *   computed with the standard Web Crypto API), checked by an async `checkpassword`.
 * - `/digest/`: Digest authentication against stored HA1s, one per hash function, offering
 *   SHA-256 first and MD5 for older clients.
 *
 *     PORT=8080 deno run -A examples/auth/stored_credentials.ts
 *     curl -u jon:secret http://127.0.0.1:8080/basic/
 *     curl --digest -u jon:secret http://127.0.0.1:8080/digest/
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

const { auth_digest } = cherrypy.lib;
const REALM = "localhost";
const ITERATIONS = 100_000;

/** A PBKDF2-SHA-256 hash of `password` with `salt`, in hex. */
export async function pbkdf2(password: string, salt: Uint8Array): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(password),
    "PBKDF2",
    false,
    ["deriveBits"],
  );
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt: salt as BufferSource, iterations: ITERATIONS },
    key,
    256,
  );
  return [...new Uint8Array(bits)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** One stored user: a random salt and the PBKDF2 hash of the password with it. */
export interface StoredUser {
  /** The salt. */
  salt: Uint8Array;
  /** The hash. */
  hash: string;
}

/** What a sign-up form would store for `password`. */
export async function storePassword(password: string): Promise<StoredUser> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return { salt, hash: await pbkdf2(password, salt) };
}

/** The Basic users (filled by {@link setUp}). */
export const USERS: Map<string, StoredUser> = new Map();

/** `checkpassword` for Basic: hashes the password sent and compares it with the stored one. */
export async function checkpassword(
  _realm: string,
  username: string,
  password: string,
): Promise<boolean> {
  const user = USERS.get(username);
  if (user === undefined) return false;
  const hash = await pbkdf2(password, user.salt);
  // Compare without stopping at the first difference.
  let diff = hash.length ^ user.hash.length;
  for (let i = 0; i < hash.length; i++) diff |= hash.charCodeAt(i) ^ user.hash.charCodeAt(i);
  return diff === 0;
}

/**
 * The Digest users: HA1s (`H(user:realm:password)`), computed once when the password was set,
 * for each hash function offered.
 */
export const HA1S: Record<string, { "MD5": string; "SHA-256": string }> = {};

/** Stores `username`'s credentials for both tools (what a sign-up would do). */
export async function setUp(username: string, password: string): Promise<void> {
  USERS.set(username, await storePassword(password));
  HA1S[username] = {
    "MD5": auth_digest.digestHash("MD5", `${username}:${REALM}:${password}`),
    "SHA-256": auth_digest.digestHash("SHA-256", `${username}:${REALM}:${password}`),
  };
}

/** A page greeting the logged-in user. */
export class Greeter {
  /** The page. */
  @cherrypy.expose
  index(): string {
    return `Hello ${cherrypy.request.login}`;
  }
}

/** The application: `/basic/` and `/digest/`, each behind its tool. */
export class Site {
  /** `/basic/`. */
  basic: Greeter = new Greeter();
  /** `/digest/`. */
  digest: Greeter = new Greeter();
}

/** The config. */
export const conf: cherrypy.AppConfig = {
  "/basic": {
    "tools.auth_basic.on": true,
    "tools.auth_basic.realm": REALM,
    "tools.auth_basic.checkpassword": checkpassword,
  },
  "/digest": {
    "tools.auth_digest.on": true,
    "tools.auth_digest.realm": REALM,
    "tools.auth_digest.get_ha1": auth_digest.getHa1Dict(HA1S),
    "tools.auth_digest.key": cherrypy.platform.getEnv("DIGEST_KEY") ?? "change me: a long secret",
    "tools.auth_digest.algorithm": ["SHA-256", "MD5"],
  },
};

if (cherrypy.isMain(import.meta)) {
  await setUp("jon", "secret");
  const port = Number(cherrypy.platform.getEnv("PORT") ?? "8080");
  cherrypy.config.update({ "server.socket_port": port, "engine.autoreload.on": false });
  await cherrypy.quickstart(new Site(), "/", conf);
}
