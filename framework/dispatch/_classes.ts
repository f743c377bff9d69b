/**
 * Telling classes from plain functions, for APIs that instantiate classes and call functions.
 *
 * @module
 */

/** `true` when `value` is a class (declared with `class`), not a plain function. */
// deno-lint-ignore no-explicit-any
export function isClass(value: unknown): value is new (...args: any[]) => unknown {
  return typeof value === "function" &&
    /^class[\s{]/.test(Function.prototype.toString.call(value));
}

/**
 * `true` when `value` is what `name` names on every object or function (`toString`, `call`,
 * ...), so that URLs cannot reach JavaScript's built-in methods.
 */
export function isBuiltinMember(name: string, value: unknown): boolean {
  return value === (Object.prototype as unknown as Record<string, unknown>)[name] ||
    value === (Function.prototype as unknown as Record<string, unknown>)[name];
}
