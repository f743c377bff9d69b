/**
 * Context-local request state: `cherrypy.request` and `cherrypy.response` always name the
 * request being served by the code that reads them, across `await`, like CherryPy's
 * thread-locals.
 *
 * @module
 */

import { platform } from "../platform/mod.ts";
import type { Request } from "./request.ts";
import type { Response } from "./response.ts";

/** The request and response being served. */
export interface Serving {
  /** The current request. */
  request: Request;
  /** The current response. */
  response: Response;
}

const context = platform.createAsyncContext<Serving>();
let fallback: (() => Serving) | undefined;

/** Sets what {@link currentServing} returns outside any request (the framework does this). */
export function setFallbackServing(make: () => Serving): void {
  let cached: Serving | undefined;
  fallback = () => cached ??= make();
}

/**
 * The request and response of the calling context (or default objects outside a request).
 *
 * @example
 * ```ts
 * import { currentServing } from "./serving.ts";
 * const { request } = currentServing();
 * ```
 */
export function currentServing(): Serving {
  const current = context.get();
  if (current !== undefined) return current;
  if (fallback === undefined) throw new Error("No request is being served.");
  return fallback();
}

/** Runs `fn` with `serving` as the current request and response. */
export function runServing<R>(serving: Serving, fn: () => R): R {
  return context.run(serving, fn);
}

function contextProxy<T extends object>(pick: (s: Serving) => T): T {
  return new Proxy({} as T, {
    get(_, key) {
      const target = pick(currentServing());
      const value = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
    set(_, key, value) {
      const target = pick(currentServing());
      return Reflect.set(target, key, value, target);
    },
    has: (_, key) => Reflect.has(pick(currentServing()), key),
    ownKeys: () => Reflect.ownKeys(pick(currentServing())),
    getOwnPropertyDescriptor(_, key) {
      const d = Reflect.getOwnPropertyDescriptor(pick(currentServing()), key);
      if (d) d.configurable = true;
      return d;
    },
    getPrototypeOf: () => Reflect.getPrototypeOf(pick(currentServing())),
  });
}

/**
 * The request being served, wherever it is read from: a handler, a tool, a hook, or code they
 * await.
 *
 * @example
 * ```ts
 * import { request } from "./serving.ts";
 * function whoami() { return `You are ${request.remote.ip}`; }
 * ```
 */
export const request: Request = contextProxy((s) => s.request);

/**
 * The response being built for the current request.
 *
 * @example
 * ```ts
 * import { response } from "./serving.ts";
 * function page() { response.headers.set("X-Powered-By", "me"); return "hi"; }
 * ```
 */
export const response: Response = contextProxy((s) => s.response);
