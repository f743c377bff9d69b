/**
 * What the `auth_basic` and `auth_digest` tools share: checking their options, decoding
 * credentials with the configured charset, comparing secrets in constant time, and the debug
 * log.
 *
 * @module
 */

import { platform } from "../../platform/mod.ts";
import { decodeCharset, latin1 } from "../body/body_reader.ts";
import { currentServing } from "../core/serving.ts";
import type { HookOptions } from "../core/hooks.ts";
import { decoderFor, normalizeCharset } from "../http/charsets.ts";

/** The charset credentials fall back to when the configured one cannot decode them. */
export const FALLBACK_CHARSET = "ISO-8859-1";

/** A short, readable rendering of a config value for error messages. */
export function shown(value: unknown): string {
  if (typeof value === "function") return `a function (${value.name || "anonymous"})`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Throws when `value` (option `key` of tool `tool`) is not a realm that can be quoted. */
export function checkRealm(tool: string, value: unknown): void {
  if (typeof value !== "string") {
    throw new TypeError(`tools.${tool}.realm must be a string; got ${shown(value)}.`);
  }
  if (value.includes('"')) {
    throw new Error(
      `tools.${tool}.realm cannot contain the " (quote) character: the realm is sent quoted in ` +
        `the WWW-Authenticate header. Got ${shown(value)}.`,
    );
  }
  // deno-lint-ignore no-control-regex
  if (/[\x00-\x1f\x7f\\]/.test(value)) {
    throw new Error(
      `tools.${tool}.realm cannot contain control characters or a backslash (it is sent in ` +
        `the WWW-Authenticate header). Got ${shown(value)}.`,
    );
  }
}

/** Throws when `value` is not a charset this runtime can decode credentials with. */
export function checkCharset(tool: string, value: unknown): void {
  if (typeof value !== "string" || value.trim() === "") {
    throw new TypeError(
      `tools.${tool}.accept_charset must be the name of a charset ("UTF-8", "ISO-8859-1"); ` +
        `got ${shown(value)}.`,
    );
  }
  const name = normalizeCharset(value);
  if (name !== "iso-8859-1" && name !== "us-ascii" && decoderFor(value) === null) {
    throw new Error(
      `tools.${tool}.accept_charset names a charset this runtime cannot decode: ` +
        `${shown(value)}. Use "UTF-8" (the default) or "ISO-8859-1".`,
    );
  }
}

/** Throws when option `key` is present and not a function. */
export function checkFunction(tool: string, options: HookOptions, key: string): void {
  if (key in options && typeof options[key] !== "function") {
    throw new TypeError(`tools.${tool}.${key} must be a function; got ${shown(options[key])}.`);
  }
}

/** Throws when option `key` is present and not a boolean. */
export function checkBoolean(tool: string, options: HookOptions, key: string): void {
  if (key in options && typeof options[key] !== "boolean") {
    throw new TypeError(`tools.${tool}.${key} must be true or false; got ${shown(options[key])}.`);
  }
}

/** Throws when one of `keys` is missing from the merged options of a request's tool. */
export function checkRequired(tool: string, options: HookOptions, keys: string[]): void {
  const missing = keys.filter((k) => options[k] === undefined || options[k] === null);
  if (missing.length > 0) {
    throw new Error(
      `tools.${tool} is on but has no ${missing.map((k) => `tools.${tool}.${k}`).join(", ")}: ` +
        `set ${missing.length === 1 ? "it" : "them"} in the config of this path.`,
    );
  }
}

/**
 * The bytes of a header value as the server read it (each character one byte, ISO-8859-1);
 * `null` when a character is beyond one byte.
 */
export function headerBytes(value: string): Uint8Array | null {
  const out = new Uint8Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c > 0xff) return null;
    out[i] = c;
  }
  return out;
}

/** `bytes` decoded with `charset`, or with ISO-8859-1 when `charset` cannot decode them. */
export function decodeCredentials(bytes: Uint8Array, charset: string): string {
  return decodeCharset(bytes, charset) ?? latin1(bytes);
}

/** `, charset="UTF-8"` for the challenge, or nothing for ISO-8859-1 (as CherryPy writes it). */
export function charsetDeclaration(charset: string): string {
  const upper = charset.toUpperCase();
  return upper === FALLBACK_CHARSET ? "" : `, charset="${upper}"`;
}

/**
 * Compares two secrets in time that does not depend on where they differ, nor on their
 * lengths: both are hashed (SHA-256) and the digests compared in full.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = platform.hash("sha256", a);
  const y = platform.hash("sha256", b);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x.charCodeAt(i) ^ y.charCodeAt(i);
  return diff === 0;
}

/** Writes `msg` to the application's error log under `context` (the tools' `debug` option). */
export function trace(context: string, msg: string): void {
  currentServing().request.app?.log.error(msg, context);
}
