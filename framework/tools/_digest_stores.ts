/**
 * The credential stores of the `auth_digest` tool (CherryPy's `get_ha1_*` helpers): tables of
 * plain passwords or of HA1s, and Apache `htdigest` files.
 *
 * @module
 */

import { platform } from "../../platform/mod.ts";
import { digestHash, type DigestHashName, HEX_LENGTH } from "./_digest.ts";

/**
 * What a `get_ha1` function may return: the HA1 hex string, or nothing for an unknown user.
 *
 * @example Using `Ha1`
 * ```ts
 * import type { Ha1 } from "./auth_digest.ts";
 * const unknown: Ha1 = null;
 * ```
 */
export type Ha1 = string | null | undefined;

/**
 * Looks up a user's HA1, `H(username:realm:password)` in hex, with the hash function of the
 * request's algorithm (`"MD5"` unless the client chose SHA-256 or SHA-512-256); `null` for an
 * unknown user. A function written for CherryPy (two arguments, MD5) works unchanged for MD5.
 * It may carry `usernames(realm)`, the user names it knows, so that hashed user names
 * (RFC 7616 `userhash`) can be found; the helpers of this module do.
 *
 * @example HA1s kept in a database
 * ```ts
 * import type { GetHa1 } from "./auth_digest.ts";
 * const table = new Map([["jon", { md5: "…32 hex digits…", sha256: "…64 hex digits…" }]]);
 * const getHa1: GetHa1 = (_realm, username, algorithm = "MD5") => {
 *   const row = table.get(username);
 *   return row === undefined ? null : algorithm === "MD5" ? row.md5 : row.sha256;
 * };
 * ```
 */
export type GetHa1 =
  & ((realm: string, username: string, algorithm?: DigestHashName) => Ha1 | Promise<Ha1>)
  & { usernames?: (realm: string) => Iterable<string> | Promise<Iterable<string>> };

/**
 * A `get_ha1` over a table of user names and plain passwords (CherryPy's
 * `get_ha1_dict_plain`): the HA1 is computed for the request's algorithm. An empty password
 * never matches.
 *
 * @example The docs' users
 * ```ts
 * import { getHa1DictPlain } from "./auth_digest.ts";
 * const getHa1 = getHa1DictPlain({ jon: "secret" });
 * getHa1("localhost", "jon"); // MD5("jon:localhost:secret") in hex
 * getHa1("localhost", "jon", "SHA-256"); // SHA-256("jon:localhost:secret") in hex
 * getHa1("localhost", "ada"); // null
 * ```
 */
export function getHa1DictPlain(userPasswordDict: Readonly<Record<string, string>>): GetHa1 {
  const getHa1: GetHa1 = (realm, username, algorithm = "MD5") => {
    const password = Object.hasOwn(userPasswordDict, username)
      ? userPasswordDict[username]
      : undefined;
    return password ? digestHash(algorithm, `${username}:${realm}:${password}`) : null;
  };
  getHa1.usernames = () => Object.keys(userPasswordDict);
  return getHa1;
}

/**
 * A `get_ha1` over a table of user names and HA1s (CherryPy's `get_ha1_dict`), so that no
 * password is kept. A value is a hex HA1 (32 digits for MD5, 64 for SHA-256 or SHA-512-256:
 * used for the algorithm of its length), or an object with one per hash function.
 *
 * @example HA1s computed once, kept instead of passwords
 * ```ts
 * import { digestHash, getHa1Dict } from "./auth_digest.ts";
 * const getHa1 = getHa1Dict({
 *   jon: {
 *     "MD5": digestHash("MD5", "jon:localhost:secret"),
 *     "SHA-256": digestHash("SHA-256", "jon:localhost:secret"),
 *   },
 * });
 * getHa1("localhost", "jon", "SHA-256"); // the SHA-256 HA1
 * ```
 */
export function getHa1Dict(
  userHa1Dict: Readonly<Record<string, string | Partial<Record<DigestHashName, string>>>>,
): GetHa1 {
  const getHa1: GetHa1 = (_realm, username, algorithm) => {
    const value = Object.hasOwn(userHa1Dict, username) ? userHa1Dict[username] : undefined;
    if (value === undefined || value === null) return null;
    if (typeof value === "string") {
      return algorithm === undefined || value.length === HEX_LENGTH[algorithm] ? value : null;
    }
    return value[algorithm ?? "MD5"] ?? null;
  };
  getHa1.usernames = () => Object.keys(userHa1Dict);
  return getHa1;
}

/** The `user:realm:ha1` lines of an htdigest file. */
async function htdigestLines(filename: string): Promise<Array<[string, string, string]>> {
  const text = await platform.readTextFile(filename);
  const out: Array<[string, string, string]> = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trimEnd();
    if (line === "") continue;
    const fields = line.split(":");
    if (fields.length !== 3) {
      throw new Error(
        `${filename}, line ${i + 1}: an htdigest line is user:realm:hash; this one has ` +
          `${fields.length} field${fields.length === 1 ? "" : "s"}.`,
      );
    }
    out.push(fields as [string, string, string]);
  }
  return out;
}

/**
 * A `get_ha1` reading a file of `user:realm:HA1` lines, as Apache's `htdigest` writes them
 * (CherryPy's `get_ha1_file_htdigest`). The file is read at each lookup, so that changes take
 * effect at once. Lines with a 64-digit HA1 serve SHA-256 (or SHA-512-256) requests.
 *
 * @example Users kept in an htdigest file
 * ```ts
 * import { getHa1FileHtdigest } from "./auth_digest.ts";
 * const conf = {
 *   "/": {
 *     "tools.auth_digest.on": true,
 *     "tools.auth_digest.realm": "wonderland",
 *     "tools.auth_digest.get_ha1": getHa1FileHtdigest("/etc/myapp/htdigest"),
 *     "tools.auth_digest.key": "a565c27146791cfb",
 *   },
 * };
 * ```
 */
export function getHa1FileHtdigest(filename: string): GetHa1 {
  const getHa1: GetHa1 = async (realm, username, algorithm) => {
    for (const [u, r, ha1] of await htdigestLines(filename)) {
      if (u !== username || r !== realm) continue;
      if (algorithm === undefined || ha1.length === HEX_LENGTH[algorithm]) return ha1;
    }
    return null;
  };
  getHa1.usernames = async (realm) =>
    (await htdigestLines(filename)).filter(([, r]) => r === realm).map(([u]) => u);
  return getHa1;
}
