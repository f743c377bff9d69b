/**
 * Checks of the content tools' options, run where the options are written (the decorator, a
 * mounted application's config) and again when a request uses them.
 *
 * @module
 */

/** Throws a `TypeError` naming `tools.<tool>.<option>` and what it got. */
export function refuse(tool: string, option: string, expected: string, value: unknown): never {
  let got: string;
  try {
    got = typeof value === "function"
      ? `a function`
      : typeof value === "object" && value !== null && !Array.isArray(value) &&
          Object.getPrototypeOf(value) !== Object.prototype
      ? `a ${(value as object).constructor?.name ?? "object"}`
      : JSON.stringify(value) ?? String(value);
  } catch {
    got = String(value);
  }
  throw new TypeError(`tools.${tool}.${option} must be ${expected}; got ${got}.`);
}

/** Checks that `options[name]`, when present, is a boolean. */
export function checkBoolean(tool: string, options: Record<string, unknown>, name: string): void {
  if (name in options && typeof options[name] !== "boolean") {
    refuse(tool, name, "true or false", options[name]);
  }
}

/** `true` for a string, or an array of strings (non-empty strings when `nonEmpty`). */
export function isStrings(value: unknown, nonEmpty = true): value is string | string[] {
  const ok = (s: unknown) => typeof s === "string" && (!nonEmpty || s !== "");
  return ok(value) || (Array.isArray(value) && value.every(ok));
}
