/**
 * A callable facade: a function that also reads and writes the properties of an object, so
 * that one export can be both (`cherrypy.config(...)` and `cherrypy.config.update(...)`).
 *
 * @module
 */

/** Returns `call`, whose property reads and writes go to `target` (methods bound to it). */
export function callableFacade<T extends object, F extends (...args: never[]) => unknown>(
  call: F,
  target: T,
  prototype: object,
): T & F {
  return new Proxy(call, {
    get(_, key) {
      const value = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
    set: (_, key, value) => Reflect.set(target, key, value, target),
    has: (_, key) => Reflect.has(target, key),
    getPrototypeOf: () => prototype,
  }) as T & F;
}
