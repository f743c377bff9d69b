/**
 * The `auth_basic` tool: HTTP Basic authentication (RFC 7617), as CherryPy's
 * `cherrypy.lib.auth_basic` does it.
 *
 * A request without credentials, with another scheme, or with credentials that
 * `checkpassword(realm, username, password)` refuses gets `401` and
 * `WWW-Authenticate: Basic realm="<realm>", charset="UTF-8"`. Credentials that cannot be read
 * (no space after the scheme, bad base64, no `:`) are a `400 Bad Request`. Accepted credentials
 * set `request.login` to the user name.
 *
 * Credentials are decoded with `accept_charset` (UTF-8 by default), falling back to ISO-8859-1,
 * then NFC-normalized, as CherryPy does.
 *
 * @module
 */

import { HTTPError } from "../core/errors.ts";
import type { HookOptions } from "../core/hooks.ts";
import { bindServing, currentServing } from "../core/serving.ts";
import {
  charsetDeclaration,
  checkBoolean,
  checkCharset,
  checkFunction,
  checkRealm,
  checkRequired,
  constantTimeEqual,
  decodeCredentials,
  shown,
  trace,
} from "./_auth.ts";
import { Tool, type ToolCallable } from "./tools.ts";

/**
 * Checks a user name and password: true (or a promise of true) accepts them. `realm` is the
 * tool's realm.
 *
 * @example A check against a table of password hashes
 * ```ts
 * import type { CheckPassword } from "./auth_basic.ts";
 * import { platform } from "../../platform/mod.ts";
 * const hashes: Record<string, string> = { jon: platform.hash("sha256", "secret") };
 * const check: CheckPassword = (_realm, user, password) =>
 *   Object.hasOwn(hashes, user) && hashes[user] === platform.hash("sha256", password);
 * ```
 */
export type CheckPassword = (
  realm: string,
  username: string,
  password: string,
) => boolean | Promise<boolean>;

/** The `auth_basic` tool's options (`tools.auth_basic.*`). */
export interface BasicAuthOptions {
  /** The realm named in the challenge (no `"` in it). */
  realm: string;
  /** Checks the credentials the client sent. */
  checkpassword: CheckPassword;
  /** Log each step to the error log (context `TOOLS.AUTH_BASIC`). */
  debug?: boolean;
  /** The charset credentials are decoded with before falling back to ISO-8859-1 (`utf-8`). */
  accept_charset?: string;
}

/**
 * A `checkpassword` over a table of user names and plain passwords (CherryPy's
 * `checkpassword_dict`). An empty password never matches. The comparison takes the same time
 * wherever the passwords differ, and whether the user exists or not.
 *
 * @example Protect a path with a table of users
 * ```ts
 * import { checkpasswordDict } from "./auth_basic.ts";
 * const conf = {
 *   "/protected": {
 *     "tools.auth_basic.on": true,
 *     "tools.auth_basic.realm": "earth",
 *     "tools.auth_basic.checkpassword": checkpasswordDict({ bird: "bebop", ornette: "wayout" }),
 *   },
 * };
 * ```
 */
export function checkpasswordDict(
  userPasswordDict: Readonly<Record<string, string>>,
): CheckPassword {
  return function checkpassword(_realm: string, user: string, password: string): boolean {
    const known = Object.hasOwn(userPasswordDict, user) ? userPasswordDict[user] : undefined;
    // Compare against something even for unknown users, so that timing does not tell.
    const same = constantTimeEqual(known ?? "\0", password);
    return typeof known === "string" && known !== "" && same;
  };
}

// Python's non-strict base64 decoding (`base64.b64decode(s)`, as CherryPy calls it): characters
// outside the alphabet are skipped, decoding stops at a complete padding, and a last group of
// one character or one without its padding is an error.
const B64 = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) {
  B64["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".charCodeAt(i)] = i;
}

function b64decode(text: string): Uint8Array {
  const out: number[] = [];
  let quad = 0;
  let left = 0;
  let pads = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x3d) {
      if (quad >= 2 && quad + ++pads >= 4) return Uint8Array.from(out);
      continue;
    }
    const v = ch < 128 ? B64[ch]! : -1;
    if (v < 0) continue;
    pads = 0;
    if (quad === 0) {
      left = v;
    } else if (quad === 1) {
      out.push(((left << 2) | (v >> 4)) & 0xff);
      left = v & 0x0f;
    } else if (quad === 2) {
      out.push(((left << 4) | (v >> 2)) & 0xff);
      left = v & 0x03;
    } else {
      out.push(((left << 6) | v) & 0xff);
    }
    quad = (quad + 1) % 4;
  }
  if (quad !== 0) throw new Error(quad === 1 ? "one base64 character too many" : "no padding");
  return Uint8Array.from(out);
}

/** `user:password` from a Basic `params` (400 when it cannot be read). */
function credentials(params: string, charset: string): [string, string] {
  // deno-lint-ignore no-control-regex
  if (!/^[\x00-\x7f]*$/.test(params)) throw new HTTPError(400, "Bad Request");
  let bytes: Uint8Array;
  try {
    bytes = b64decode(params);
  } catch {
    throw new HTTPError(400, "Bad Request");
  }
  const text = decodeCredentials(bytes, charset).normalize("NFC");
  const colon = text.indexOf(":");
  if (colon < 0) throw new HTTPError(400, "Bad Request");
  return [text.slice(0, colon), text.slice(colon + 1)];
}

function unauthorized(realm: string, charset: string): never {
  currentServing().response.headers.set(
    "WWW-Authenticate",
    `Basic realm="${realm}"${charsetDeclaration(charset)}`,
  );
  throw new HTTPError(401, "You are not authorized to access that resource");
}

/**
 * The `auth_basic` tool's callable (`before_handler`, priority 1; CherryPy's `basic_auth`).
 * Returns a promise only when `checkpassword` does.
 *
 * @example Switch the tool on for a path
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * const conf = {
 *   "/protected/area": {
 *     "tools.auth_basic.on": true,
 *     "tools.auth_basic.realm": "localhost",
 *     "tools.auth_basic.checkpassword": cherrypy.lib.auth_basic.checkpasswordDict({ jon: "secret" }),
 *   },
 * };
 * ```
 */
export function basicAuth(options: BasicAuthOptions): void | Promise<void> {
  const { realm, checkpassword, debug = false } = options;
  const charset = options.accept_charset ?? "utf-8";
  const { request } = currentServing();
  const header = request.header("authorization");
  if (header !== null) {
    const space = header.indexOf(" ");
    if (space < 0) throw new HTTPError(400, "Bad Request");
    if (header.slice(0, space).toLowerCase() === "basic") {
      const [username, password] = credentials(header.slice(space + 1), charset);
      const accept = (ok: unknown) => {
        if (!ok) {
          if (debug) trace("TOOLS.AUTH_BASIC", "Auth failed");
          return unauthorized(realm, charset);
        }
        if (debug) trace("TOOLS.AUTH_BASIC", "Auth succeeded");
        request.login = username;
      };
      const ok = checkpassword(realm, username, password);
      return ok instanceof Promise ? ok.then(bindServing(accept)) : accept(ok);
    }
  }
  unauthorized(realm, charset);
}

/** Checks the options of `auth_basic` that are present. */
function checkBasicOptions(options: HookOptions): void {
  if ("realm" in options) checkRealm("auth_basic", options["realm"]);
  checkFunction("auth_basic", options, "checkpassword");
  if ("accept_charset" in options) checkCharset("auth_basic", options["accept_charset"]);
  checkBoolean("auth_basic", options, "debug");
  for (const key of Object.keys(options)) {
    if (!BASIC_OPTIONS.has(key)) {
      throw new Error(
        `tools.auth_basic has no option ${shown(key)}; its options are ${
          [...BASIC_OPTIONS].join(", ")
        }.`,
      );
    }
  }
}

const BASIC_OPTIONS = new Set([
  "on",
  "realm",
  "checkpassword",
  "debug",
  "accept_charset",
  "priority",
]);

/**
 * The `auth_basic` tool (`cherrypy.tools.auth_basic`): {@link basicAuth} at `before_handler`,
 * priority 1. Its options are checked where they are written (decorator, mounted config), and
 * again, complete, when a request first uses them.
 *
 * @example Protect a handler with the decorator
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * class Root {
 *   @cherrypy.expose
 *   @cherrypy.tools.auth_basic({
 *     realm: "localhost",
 *     checkpassword: (_realm: string, user: string, password: string) =>
 *       user === "jon" && password === "secret",
 *   })
 *   secret() {
 *     return `Hello ${cherrypy.request.login}`;
 *   }
 * }
 * ```
 */
export class AuthBasicTool extends Tool {
  /** Creates the tool. */
  constructor() {
    super("before_handler", basicAuth as unknown as ToolCallable, { priority: 1 });
  }

  /** Checks the options that are present (see {@link Tool.checkOptions}). */
  override checkOptions(options: HookOptions): void {
    checkBasicOptions(options);
  }

  /** The hook, once the request's options are complete and valid. */
  override _hookFor(entries: HookOptions): ReturnType<Tool["_hookFor"]> {
    const options = { ...entries };
    delete options["on"];
    checkBasicOptions(options);
    checkRequired("auth_basic", options, ["realm", "checkpassword"]);
    return super._hookFor(entries);
  }
}
