/**
 * `expose`: marks methods (and classes) as reachable by URL.
 *
 * @module
 */

import { refuseLegacyDecorator } from "../core/cp_config.ts";

/** Anything `expose` can mark. */
// deno-lint-ignore ban-types
export type Exposable = Function & { exposed?: boolean };

/** The decorator contexts `expose` accepts (methods, classes, fields). */
export type DecoratorContext =
  | ClassMethodDecoratorContext
  | ClassDecoratorContext
  | ClassFieldDecoratorContext;

function aliasName(alias: string): string {
  return alias.replaceAll(".", "_");
}

function mark<T extends Exposable>(target: T, context?: DecoratorContext, aliases?: string[]): T {
  target.exposed = true;
  if (aliases && aliases.length > 0 && context?.kind === "method") {
    const name = context.name;
    context.addInitializer(function (this: unknown) {
      const proto = Object.getPrototypeOf(this) as Record<PropertyKey, unknown>;
      for (const alias of aliases) {
        const key = aliasName(alias);
        if (!Object.hasOwn(proto, key)) {
          Object.defineProperty(proto, key, {
            value: proto[name],
            writable: true,
            configurable: true,
          });
        }
      }
    });
  }
  return target;
}

/** The decorator `expose(alias)` returns. */
export type ExposeDecorator = <T extends Exposable>(target: T, context?: DecoratorContext) => T;

/**
 * Marks a page handler as reachable by URL. Use it as a decorator on methods or classes
 * (`@expose`), with aliases (`@expose("alias")`, `@expose(["a", "b"])`,
 * `@expose({ alias: "a" })`), or call it on a plain function (`expose(fn)`).
 *
 * An alias makes the method reachable under other names too; dots in an alias become
 * underscores, since the dispatcher looks up `/a.b` as `a_b`.
 *
 * @example A class with exposed methods
 * ```ts
 * import { expose } from "../../mod.ts";
 * class Root {
 *   @expose
 *   index() { return "Hello world!"; }
 *
 *   @expose(["other", "another"])
 *   page() { return "reachable at /page, /other and /another"; }
 * }
 * ```
 *
 * @example Object literals and plain functions
 * ```ts
 * import { expose } from "../../mod.ts";
 * const root = { index: expose(() => "Hello world!") };
 * ```
 */
export function expose<T extends Exposable>(target: T, context?: DecoratorContext): T;
/** `@expose("alias")`, `@expose(["a", "b"])`, `@expose({ alias })`: exposes with aliases. */
export function expose(alias: string | string[] | { alias: string | string[] }): ExposeDecorator;
/** `@expose()`: the same as `@expose`. */
export function expose(): ExposeDecorator;
export function expose(
  target?: Exposable | string | string[] | { alias: string | string[] },
  context?: DecoratorContext,
): Exposable | ExposeDecorator {
  refuseLegacyDecorator(context, "expose");
  if (typeof target === "function") return mark(target, context);
  let aliases: string[] = [];
  if (typeof target === "string") aliases = [target];
  else if (Array.isArray(target)) aliases = target;
  else if (target !== undefined && target !== null) {
    const alias = (target as { alias?: unknown }).alias;
    if (typeof alias !== "string" && !Array.isArray(alias)) {
      throw new TypeError(
        "expose takes a function or class to expose, or aliases: a string, an array of " +
          `strings or { alias }; got ${describe(target)}.`,
      );
    }
    aliases = typeof alias === "string" ? [alias] : [...alias];
  }
  return <T extends Exposable>(fn: T, ctx?: DecoratorContext) => {
    refuseLegacyDecorator(ctx, "expose");
    if (aliases.length > 0 && ctx?.kind !== "method") {
      throw new TypeError(
        `expose(${JSON.stringify(aliases)}) can only alias a class method (@expose([...]) on ` +
          "the method); for a function in an object, add the other names as properties " +
          "holding the same exposed function: { page: f, other: f }.",
      );
    }
    return mark(fn, ctx, aliases);
  };
}

function describe(value: unknown): string {
  if (typeof value !== "object" || value === null) return String(value);
  return `an object (${value.constructor?.name ?? "no class"})`;
}

/**
 * `true` when `value` was exposed (a function or class with `exposed === true`).
 *
 * @example Using `isExposed`
 * ```ts
 * import { expose, isExposed } from "../../mod.ts";
 * isExposed(expose(() => "hi")); // true
 * ```
 */
export function isExposed(value: unknown): boolean {
  return (typeof value === "function" || (typeof value === "object" && value !== null)) &&
    (value as { exposed?: unknown }).exposed === true;
}
