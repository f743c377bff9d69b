/**
 * Checking a built-in tool's options where they are written (decorator, mounted config) and,
 * complete, when a request first uses them: each option's kind, the unknown ones, the
 * required ones. Errors name the config key and say what it takes.
 *
 * @module
 */

import type { HookOptions } from "../core/hooks.ts";
import { shown } from "./_auth.ts";

/** Says what is wrong with an option's value (`"a string"` when it should be one), or `null`. */
export type OptionCheck = (value: unknown) => string | null;

/** A string (or `null`, the default). */
export const optionalString: OptionCheck = (v) =>
  v === null || typeof v === "string" ? null : "a string";
/** `true` or `false`. */
export const boolean: OptionCheck = (v) => typeof v === "boolean" ? null : "true or false";
/** A number at least 0. */
export const nonNegative: OptionCheck = (v) =>
  typeof v === "number" && v >= 0 ? null : "a number, 0 or more";
/** An HTTP status (a code, or `"code reason"`). */
export const status: OptionCheck = (v) =>
  (typeof v === "number" && Number.isInteger(v)) || (typeof v === "string" && /^\d{3}\b/.test(v))
    ? null
    : 'an HTTP status (403, or "403 Forbidden")';
/** A string or a list of strings. */
export const strings: OptionCheck = (v) =>
  v === null || typeof v === "string" ||
    (Array.isArray(v) && v.every((x) => typeof x === "string"))
    ? null
    : "a string or a list of strings";

/**
 * Checks the options of tool `tool` against `spec` (`on`, `priority` and `debug` are every
 * tool's); with `complete`, also that each of `required` is there.
 */
export function checkToolOptions(
  tool: string,
  options: HookOptions,
  spec: Readonly<Record<string, OptionCheck>>,
  complete = false,
  required: readonly string[] = [],
): void {
  for (const [key, value] of Object.entries(options)) {
    if (key === "on") continue;
    if (key === "priority") {
      if (typeof value !== "number") {
        throw new TypeError(`tools.${tool}.priority must be a number; got ${shown(value)}.`);
      }
      continue;
    }
    const check = key === "debug" ? boolean : Object.hasOwn(spec, key) ? spec[key] : undefined;
    if (check === undefined) {
      const known = ["debug", ...Object.keys(spec), "priority"].sort();
      throw new Error(
        `tools.${tool} has no option ${shown(key)}; its options are ${known.join(", ")}.`,
      );
    }
    const wanted = check(value);
    if (wanted !== null) {
      throw new TypeError(`tools.${tool}.${key} must be ${wanted}; got ${shown(value)}.`);
    }
  }
  if (!complete) return;
  const missing = required.filter((k) => options[k] === undefined || options[k] === null);
  if (missing.length > 0) {
    throw new Error(
      `tools.${tool} is on but has no ${missing.map((k) => `tools.${tool}.${k}`).join(", ")}: ` +
        `set ${missing.length === 1 ? "it" : "them"} in the config of this path.`,
    );
  }
}
