/**
 * The `auth_digest` tool: HTTP Digest authentication, as CherryPy's `cherrypy.lib.auth_digest`
 * does it (RFC 2617: MD5 and MD5-sess, qop `auth` and `auth-int`), plus what RFC 7616 added
 * and CherryPy lacks: the SHA-256 and SHA-512-256 algorithms (and their `-sess` variants),
 * several challenges in one 401 (one per offered algorithm, the preferred first), hashed user
 * names (`userhash`) and `username*`.
 *
 * A request without a Digest `Authorization` header, with a nonce this server did not make,
 * for an unknown user, or with a wrong digest gets `401` and the challenge(s). A header that
 * cannot be parsed (a required parameter missing, an unknown algorithm or qop, qop without
 * cnonce and nc) is a `400`. A right digest whose nonce is more than 600 seconds old gets a
 * 401 with `stale="true"`, so that the client retries with a new nonce without asking the user.
 * Success sets `request.login`.
 *
 * @module
 */

import type { RequestBody } from "../body/body.ts";
import { HTTPError } from "../core/errors.ts";
import type { HookOptions } from "../core/hooks.ts";
import type { Request } from "../core/request.ts";
import { currentServing } from "../core/serving.ts";
import {
  checkBoolean,
  checkCharset,
  checkFunction,
  checkRealm,
  checkRequired,
  constantTimeEqual,
  shown,
  trace,
} from "./_auth.ts";
import {
  algorithmNamed,
  type DigestAlgorithm,
  digestHash,
  type DigestHashName,
  hashOf,
  HEX_LENGTH,
  HttpDigestAuthorization,
  parseHttpList,
  parseKeqvList,
  synthesizeNonce,
  wwwAuthenticate,
} from "./_digest.ts";
import type { GetHa1, Ha1 } from "./_digest_stores.ts";
import { Tool, type ToolCallable } from "./tools.ts";

export {
  algorithmNamed,
  type ChallengeOptions,
  type DigestAlgorithm,
  type DigestAuthorizationOptions,
  digestHash,
  type DigestHashName,
  HttpDigestAuthorization,
  synthesizeNonce,
  validAlgorithms,
  validQops,
  wwwAuthenticate,
} from "./_digest.ts";
export {
  type GetHa1,
  getHa1Dict,
  getHa1DictPlain,
  getHa1FileHtdigest,
  type Ha1,
} from "./_digest_stores.ts";

/**
 * Finds the user name behind a hashed one (RFC 7616 `userhash`): `userhash` is
 * `H(username:realm)` in hex with `algorithm`'s hash function.
 *
 * @example Using `GetUsername`
 * ```ts
 * import { digestHash, type GetUsername } from "./auth_digest.ts";
 * const users = ["jon", "ada"];
 * const getUsername: GetUsername = (realm, userhash, algorithm) =>
 *   users.find((u) => digestHash(algorithm, `${u}:${realm}`) === userhash) ?? null;
 * ```
 */
export type GetUsername = (
  realm: string,
  userhash: string,
  algorithm: DigestHashName,
) => string | null | undefined | Promise<string | null | undefined>;

/** The `auth_digest` tool's options (`tools.auth_digest.*`). */
export interface DigestAuthOptions {
  /** The realm named in the challenge (no `"` in it). */
  realm: string;
  /** Looks up users' HA1s. */
  get_ha1: GetHa1;
  /** A secret known only to the server, that nonces are signed with. */
  key: string;
  /** Log each step to the error log (context `TOOLS.AUTH_DIGEST`). */
  debug?: boolean;
  /** The charset the header is decoded with before falling back to ISO-8859-1 (`utf-8`). */
  accept_charset?: string;
  /**
   * The algorithm(s) the 401 offers, the preferred first, one challenge each (`"MD5"`, as
   * CherryPy; `["SHA-256", "MD5"]` serves clients of both). A response may use an offered
   * algorithm or its `-sess` twin.
   */
  algorithm?: DigestAlgorithm | DigestAlgorithm[];
  /** Offer hashed user names (`userhash=true`, RFC 7616). */
  userhash?: boolean;
  /** Finds the user behind a hashed user name (default: through `get_ha1.usernames`). */
  get_username?: GetUsername;
  /**
   * Check that the header's `uri` is the request's target (`true`, as RFC 7616 requires);
   * turn off behind a proxy that rewrites paths.
   */
  check_uri?: boolean;
}

const CONTEXT = "TOOLS.AUTH_DIGEST";
const MAX_NONCE_AGE = 600;

/** The algorithms a config offers, in order. */
function offered(options: DigestAuthOptions): DigestAlgorithm[] {
  const a = options.algorithm ?? "MD5";
  return (Array.isArray(a) ? a : [a]).map((x) => algorithmNamed(x)!);
}

function respond401(options: DigestAuthOptions, stale = false): never {
  const { response } = currentServing();
  const charset = options.accept_charset ?? "utf-8";
  const nonce = synthesizeNonce(options.realm, options.key);
  let first = true;
  for (const algorithm of offered(options)) {
    const header = wwwAuthenticate(options.realm, options.key, {
      algorithm,
      nonce,
      stale,
      accept_charset: charset,
      userhash: options.userhash ?? false,
    });
    if (options.debug) trace(CONTEXT, header);
    if (first) response.headers.set("WWW-Authenticate", header);
    else response.headers.append("WWW-Authenticate", header);
    first = false;
  }
  throw new HTTPError(401, "You are not authorized to access that resource");
}

/** The path-and-query of a request target or `uri` (an absolute URI loses its scheme and host). */
function originForm(target: string): string {
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/.exec(target);
  if (m === null) return target;
  const rest = target.slice(m[0].length);
  return rest === "" || rest[0] === "?" ? "/" + rest : rest;
}

// The request bodies read for `auth-int` before the body processors ran.
const entityBodies = new WeakMap<Request, Uint8Array>();

/** Reads the whole body and puts it back, for `auth-int` (bounded by the body size limits). */
async function readEntity(body: RequestBody): Promise<Uint8Array> {
  const bytes = await body.fp.read();
  body.fp.unread(bytes);
  return bytes;
}

async function captureEntity(): Promise<void> {
  const { request } = currentServing();
  if (request.body !== undefined) entityBodies.set(request, await readEntity(request.body));
}

/** The entity body an `auth-int` digest covers. */
function entityBody(request: Request): Uint8Array | Promise<Uint8Array> {
  const captured = entityBodies.get(request);
  if (captured !== undefined) return captured;
  return request.body === undefined ? new Uint8Array(0) : readEntity(request.body);
}

/** The user name behind `auth.username` (hashed when `auth.userhash`), or `null`. */
async function findUser(
  options: DigestAuthOptions,
  auth: HttpDigestAuthorization,
): Promise<string | null> {
  const { realm, get_ha1 } = options;
  const hash = auth.hash;
  if (options.get_username) return (await options.get_username(realm, auth.username, hash)) ?? null;
  if (typeof get_ha1.usernames !== "function") return null;
  const wanted = auth.username.toLowerCase();
  for (const name of await get_ha1.usernames(realm)) {
    if (constantTimeEqual(digestHash(hash, `${name}:${realm}`), wanted)) return name;
  }
  return null;
}

/** The HA1 `get_ha1` gives for `username`, checked against the hash function's length. */
function checkedHa1(ha1: Ha1, hash: DigestHashName, debug: boolean): string | null {
  if (ha1 === null || ha1 === undefined) return null;
  if (typeof ha1 !== "string" || ha1.length !== HEX_LENGTH[hash]) {
    if (debug) {
      trace(CONTEXT, `get_ha1 gave no ${hash} hash (${HEX_LENGTH[hash]} hex digits) for the user`);
    }
    return null;
  }
  return ha1.toLowerCase();
}

/** The request target, as the request line has it. */
function requestTarget(request: Request): string | null {
  const line = request.request_line;
  const first = line.indexOf(" ");
  const last = line.lastIndexOf(" ");
  return first < 0 || last <= first ? null : line.slice(first + 1, last);
}

/**
 * The `auth_digest` tool's callable (`before_handler`, priority 1; CherryPy's `digest_auth`).
 *
 * @example The docs' digest configuration
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * const USERS = { jon: "secret" };
 * const conf = {
 *   "/protected/area": {
 *     "tools.auth_digest.on": true,
 *     "tools.auth_digest.realm": "localhost",
 *     "tools.auth_digest.get_ha1": cherrypy.lib.auth_digest.getHa1DictPlain(USERS),
 *     "tools.auth_digest.key": "a565c27146791cfb",
 *   },
 * };
 * ```
 */
export async function digestAuth(options: DigestAuthOptions): Promise<void> {
  const { realm, key, debug = false } = options;
  const { request } = currentServing();
  const header = request.header("authorization");
  if (header === null || !HttpDigestAuthorization.matches(header)) respond401(options);

  let auth: HttpDigestAuthorization;
  try {
    auth = new HttpDigestAuthorization(header, request.method, {
      debug,
      accept_charset: options.accept_charset ?? "utf-8",
      trace: (msg) => trace(CONTEXT, msg),
    });
  } catch (e) {
    if (debug) trace(CONTEXT, (e as Error).message);
    throw new HTTPError(400, "The Authorization header could not be parsed.");
  }
  if (debug) trace(CONTEXT, String(auth));

  if (options.check_uri !== false) {
    const target = requestTarget(request);
    if (target !== null && originForm(auth.uri) !== originForm(target)) {
      if (debug) trace(CONTEXT, `uri ${auth.uri} is not the request target ${target}`);
      throw new HTTPError(400, "The Authorization header's uri is not the requested URI.");
    }
  }

  if (!auth.validateNonce(realm, key)) respond401(options);

  const accepted = offered(options).map(hashOf);
  if (!accepted.includes(auth.hash)) {
    if (debug) trace(CONTEXT, `algorithm ${auth.algorithm} was not offered`);
    respond401(options);
  }

  const username = auth.userhash ? await findUser(options, auth) : auth.username;
  if (username === null) respond401(options);

  const ha1 = checkedHa1(await options.get_ha1(realm, username, auth.hash), auth.hash, debug);
  if (ha1 === null) respond401(options);

  const body = auth.qop === "auth-int" ? await entityBody(request) : "";
  const digest = auth.requestDigest(ha1, body);
  if (!constantTimeEqual(digest, auth.response.toLowerCase())) respond401(options);

  if (debug) trace(CONTEXT, "digest matches auth.response");
  // The nonce's lifetime (ten minutes, as CherryPy) is checked once the digest is known right:
  // the client then retries with a new nonce without asking its user again.
  if (auth.isNonceStale(MAX_NONCE_AGE)) respond401(options, true);

  request.login = username;
  if (debug) trace(CONTEXT, `authentication of ${username} successful`);
}

const DIGEST_OPTIONS = new Set([
  "on",
  "priority",
  "realm",
  "get_ha1",
  "key",
  "debug",
  "accept_charset",
  "algorithm",
  "userhash",
  "get_username",
  "check_uri",
]);

/** Checks the options of `auth_digest` that are present. */
function checkDigestOptions(options: HookOptions): void {
  for (const key of Object.keys(options)) {
    if (!DIGEST_OPTIONS.has(key)) {
      throw new Error(
        `tools.auth_digest has no option ${shown(key)}; its options are ${
          [...DIGEST_OPTIONS].filter((k) => k !== "on" && k !== "priority").join(", ")
        }.`,
      );
    }
  }
  if ("realm" in options) checkRealm("auth_digest", options["realm"]);
  checkFunction("auth_digest", options, "get_ha1");
  checkFunction("auth_digest", options, "get_username");
  if ("key" in options && (typeof options["key"] !== "string" || options["key"] === "")) {
    throw new TypeError(
      `tools.auth_digest.key must be a non-empty string (a secret the server signs nonces ` +
        `with); got ${shown(options["key"])}.`,
    );
  }
  if ("accept_charset" in options) checkCharset("auth_digest", options["accept_charset"]);
  for (const flag of ["debug", "userhash", "check_uri"]) checkBoolean("auth_digest", options, flag);
  if ("algorithm" in options) {
    const value = options["algorithm"];
    const list = Array.isArray(value) ? value : [value];
    if (list.length === 0 || !list.every((a) => typeof a === "string" && algorithmNamed(a))) {
      throw new Error(
        `tools.auth_digest.algorithm must be one of MD5, MD5-sess, SHA-256, SHA-256-sess, ` +
          `SHA-512-256, SHA-512-256-sess, or a list of them (the preferred first); got ` +
          `${shown(value)}.`,
      );
    }
  }
}

/** `true` when `header` is a Digest authorization asking for `auth-int` (its body is needed). */
function wantsEntity(header: string | null): boolean {
  if (header === null || !HttpDigestAuthorization.matches(header)) return false;
  const space = header.indexOf(" ");
  if (space < 0) return false;
  try {
    return parseKeqvList(parseHttpList(header.slice(space + 1))).get("qop") === "auth-int";
  } catch {
    return false;
  }
}

/**
 * The `auth_digest` tool (`cherrypy.tools.auth_digest`): {@link digestAuth} at
 * `before_handler`, priority 1. For a request whose digest covers its body (`qop=auth-int`),
 * the body is also read (and put back for the body processors) at `before_request_body`.
 *
 * @example Offer SHA-256 first, and MD5 for older clients
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * const conf = {
 *   "/": {
 *     "tools.auth_digest.on": true,
 *     "tools.auth_digest.realm": "localhost",
 *     "tools.auth_digest.get_ha1": cherrypy.lib.auth_digest.getHa1DictPlain({ jon: "secret" }),
 *     "tools.auth_digest.key": "a565c27146791cfb",
 *     "tools.auth_digest.algorithm": ["SHA-256", "MD5"],
 *   },
 * };
 * ```
 */
export class AuthDigestTool extends Tool {
  /** Creates the tool. */
  constructor() {
    super("before_handler", digestAuth as unknown as ToolCallable, { priority: 1 });
  }

  /** Checks the options that are present (see {@link Tool.checkOptions}). */
  override checkOptions(options: HookOptions): void {
    checkDigestOptions(options);
  }

  /** The hook, once the request's options are complete and valid. */
  override _hookFor(entries: HookOptions): ReturnType<Tool["_hookFor"]> {
    const options = { ...entries };
    delete options["on"];
    checkDigestOptions(options);
    checkRequired("auth_digest", options, ["realm", "get_ha1", "key"]);
    return super._hookFor(entries);
  }

  /** Attaches the hook, and the body reader for `auth-int` requests. */
  override _setup(): void {
    super._setup();
    const { request } = currentServing();
    if (request.body !== undefined && wantsEntity(request.header("authorization"))) {
      request.hooks.attach("before_request_body", captureEntity, { priority: 0 });
    }
  }
}
