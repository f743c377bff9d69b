/**
 * `_cp_config`: config attached to tree nodes, classes and handlers, merged by the dispatcher
 * into `request.config`.
 *
 * @module
 */

import type { ConfigDict } from "./types.ts";

/** The decorator contexts config-setting decorators accept. */
export type ConfigDecoratorContext =
  | ClassMethodDecoratorContext
  | ClassDecoratorContext
  | ClassFieldDecoratorContext;

/**
 * A decorator that adds config entries to what it decorates: a method (its `_cp_config`), a
 * class (the `_cp_config` of its instances) or a plain function or object when called directly.
 */
export type ConfigDecorator = <T>(target: T, context?: ConfigDecoratorContext) => T;

/**
 * Adds `entries` to the `_cp_config` of `target`. A class gets them on its prototype, so that
 * its instances (the nodes of the tree) carry them; entries inherited from a parent class are
 * kept, not modified.
 *
 * @example Using `mergeCpConfig`
 * ```ts
 * import { mergeCpConfig } from "./mod.ts";
 * function page() { return "hi"; }
 * mergeCpConfig(page, { "response.stream": true });
 * ```
 */
export function mergeCpConfig(
  target: unknown,
  entries: ConfigDict,
  context?: ConfigDecoratorContext,
): void {
  refuseLegacyDecorator(context, "a config or tool decorator");
  if (target === null || (typeof target !== "object" && typeof target !== "function")) {
    throw new TypeError(`Config can only be attached to functions, classes and objects.`);
  }
  let holder = target as { _cp_config?: ConfigDict };
  const isClass = context?.kind === "class" ||
    (context === undefined && typeof target === "function" &&
      /^class[\s{]/.test(Function.prototype.toString.call(target)));
  if (isClass) holder = (target as { prototype: { _cp_config?: ConfigDict } }).prototype;
  holder._cp_config = { ...holder._cp_config, ...entries };
}

/**
 * `@cpConfig({...})`: CherryPy's `@cherrypy.config(**kw)` decorator. Adds config entries to a
 * method or class (also reachable as `cherrypy.config({...})` used as a decorator).
 *
 * @example Using `cpConfig`
 * ```ts
 * import { cpConfig, expose } from "../../mod.ts";
 * class Root {
 *   @expose
 *   @cpConfig({ "response.stream": true })
 *   *big() { yield "a"; yield "b"; }
 * }
 * ```
 */
export function cpConfig(entries: ConfigDict): ConfigDecorator {
  return <T>(target: T, context?: ConfigDecoratorContext): T => {
    mergeCpConfig(target, entries, context);
    return target;
  };
}

/**
 * Throws when a decorator was called the legacy way (TypeScript's `experimentalDecorators`:
 * the prototype, the member's name and its descriptor), saying what to change; does nothing for
 * a standard decorator context or a plain call without one.
 *
 * @example A standard decorator's context passes
 * ```ts
 * import { refuseLegacyDecorator } from "../../mod.ts";
 * refuseLegacyDecorator(undefined, "expose"); // a plain call: fine
 * ```
 */
export function refuseLegacyDecorator(context: unknown, what: string): void {
  if (context === undefined || (typeof context === "object" && context !== null)) return;
  throw new TypeError(
    `${what} was called as a legacy decorator (TypeScript's experimentalDecorators): ` +
      'cherrypy-ts uses standard decorators. Remove "experimentalDecorators" from ' +
      "tsconfig.json (TypeScript 5 and later compile decorators as standard ones), or call " +
      "expose(fn) on plain functions.",
  );
}
