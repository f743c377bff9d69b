/**
 * Context-local request state: `cherrypy.request` and `cherrypy.response` always name the
 * request being served by the code that reads them, across `await`, like CherryPy's
 * thread-locals.
 *
 * Three mechanisms share the work, so that a request that never waits pays nothing for the
 * async part:
 *
 * - While the framework runs a request synchronously ({@link runServing}), the request sits in
 *   a plain slot.
 * - The framework's own continuations are bound to their request ({@link bindServing}) and
 *   run in the slot again.
 * - Before calling application code that may wait (an `async` handler, hook or tool, or a
 *   function seen to return a promise: {@link callApplication}), {@link followServing} enters
 *   the runtime's async context (`AsyncLocalStorage`) for the rest of that synchronous run, so
 *   the continuations that code registers find the request there.
 *
 * When a run ends, the slot and the async context are restored, so code that runs later
 * outside the request never sees it.
 *
 * @module
 */

import { platform } from "../../platform/mod.ts";
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
/** The request of the synchronous run in progress ({@link runServing}). */
let current: Serving | undefined;
/**
 * Set once {@link followServing} entered the async context during the current run: what to
 * enter again when the run ends.
 */
let restore: { value: Serving | undefined } | null = null;

/** Sets what {@link currentServing} returns outside any request (the framework does this). */
export function setFallbackServing(make: () => Serving): void {
  let cached: Serving | undefined;
  fallback = () => cached ??= make();
}

/**
 * The request and response of the calling context (or default objects outside a request).
 *
 * @example Using `currentServing`
 * ```ts
 * import { currentServing } from "./serving.ts";
 * const { request } = currentServing();
 * ```
 */
export function currentServing(): Serving {
  if (current !== undefined) return current;
  const inContext = context.get();
  if (inContext !== undefined) return inContext;
  if (fallback === undefined) throw new Error("No request is being served.");
  return fallback();
}

/** The request being served by the caller, or `undefined` outside a request. */
export function servingNow(): Serving | undefined {
  return current ?? context.get();
}

/**
 * Runs `fn` synchronously with `serving` as the current request and response. What `fn`
 * starts asynchronously keeps them only where {@link followServing} was called first.
 */
export function runServing<R>(serving: Serving, fn: () => R): R {
  const outer = current;
  const outerRestore = restore;
  current = serving;
  restore = null;
  try {
    return fn();
  } finally {
    // `fn` may have set it (through followServing).
    const entered = restore as { value: Serving | undefined } | null;
    if (entered !== null) context.enterWith(entered.value);
    current = outer;
    restore = outerRestore;
  }
}

/**
 * Makes the current request follow every continuation registered from now until the end of
 * the current {@link runServing}: call it before starting or awaiting anything that may wait.
 * Cheap after the first call in a run; does nothing outside a request.
 *
 * @example Using `followServing`
 * ```ts
 * import { followServing } from "./serving.ts";
 * followServing();
 * await Promise.resolve(); // cherrypy.request is still this request's
 * ```
 */
export function followServing(): void {
  if (restore !== null || current === undefined) return;
  const before = context.get();
  if (before === current) return;
  restore = { value: before };
  entries++;
  context.enterWith(current);
}

let entries = 0;

/**
 * How many times {@link followServing} entered the async context so far: a request whose code
 * never waits should not add to it (the tests check that the framework keeps it so).
 *
 * @example Counting the async context's entries
 * ```ts
 * import { asyncContextEntries } from "./serving.ts";
 * const before = asyncContextEntries();
 * ```
 */
export function asyncContextEntries(): number {
  return entries;
}

/**
 * `fn`, bound to the request being served now: however late it is called, it runs with that
 * request current (synchronously, as {@link runServing}). The framework's own continuations
 * use it, so that a request waiting on the framework alone never enters the async context.
 *
 * @example Using `bindServing`
 * ```ts
 * import { bindServing } from "./serving.ts";
 * declare const step: Promise<void>;
 * step.then(bindServing(() => console.log("still the same request")));
 * ```
 */
export function bindServing<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  const serving = servingNow();
  if (serving === undefined) return fn;
  return (...args: A) => runServing(serving, () => fn(...args));
}

const AsyncFunction = (async () => {}).constructor;
const AsyncGeneratorFunction = (async function* () {}).constructor;
/**
 * What was seen of a function, kept on the function itself (a symbol-keyed property: cheaper
 * to read than a set's entry), or in {@link sealedSeen} for functions that
 * take no property: bits of {@link RETURNED_VALUE}, {@link RETURNED_PROMISE},
 * {@link FOLLOWS_ITSELF}.
 */
const SEEN: unique symbol = Symbol("cherrypy.seen");
/** A plain function seen returning something else than a promise (not followed ahead of time). */
const RETURNED_VALUE = 1;
/** A function that is not `async` but was seen to return a promise. */
const RETURNED_PROMISE = 2;
/** A framework function whose continuations carry the request themselves ({@link selfFollowing}). */
const FOLLOWS_ITSELF = 4;
const sealedSeen = new WeakMap<object, number>();

function seen(fn: object): number {
  const bits = (fn as { [SEEN]?: number })[SEEN];
  return bits !== undefined ? bits : (sealedSeen.get(fn) ?? 0);
}

function see(fn: object, bit: number): void {
  const bits = seen(fn) | bit;
  // A plain assignment: cheap on the wrappers made per request (a symbol key stays out of
  // `Object.keys`, `for...in` and JSON).
  if (Object.isExtensible(fn)) (fn as { [SEEN]?: number })[SEEN] = bits;
  else sealedSeen.set(fn, bits);
}

/**
 * Marks `fn`, a framework function that returns a promise only when it really waits, as one
 * whose continuations carry the current request themselves (with {@link bindServing}): a call
 * that waits does not make later calls enter the async context ahead of time, as an
 * application function that once returned a promise does. Returns `fn`.
 *
 * @example A hook that waits only on contention
 * ```ts
 * import { bindServing, selfFollowing } from "./serving.ts";
 * declare function tryLock(): boolean;
 * declare function waitLock(): Promise<void>;
 * const lock = selfFollowing(() => {
 *   if (tryLock()) return;
 *   return waitLock().then(bindServing(() => {}));
 * });
 * ```
 */
export function selfFollowing<F extends object>(fn: F): F {
  // Most are wrappers made just now (per request), with nothing seen yet: marked at once (an
  // extensible function was never kept in `sealedSeen`).
  if ((fn as { [SEEN]?: number })[SEEN] === undefined && Object.isExtensible(fn)) {
    (fn as { [SEEN]?: number })[SEEN] = FOLLOWS_ITSELF;
  } else see(fn, FOLLOWS_ITSELF);
  return fn;
}

/**
 * `true` when calling `fn` may leave work that waits: an `async` function or async generator
 * function, one that returned a promise before, or a plain function not called yet.
 */
export function mayWait(fn: object): boolean {
  const kind = fn.constructor;
  if (kind === AsyncFunction || kind === AsyncGeneratorFunction) return true;
  const bits = seen(fn);
  if ((bits & RETURNED_PROMISE) !== 0) return true;
  // A plain function is followed on its first call, in case it returns a promise.
  return (bits & (RETURNED_VALUE | FOLLOWS_ITSELF)) === 0;
}

/**
 * Calls `fn` (application code: a handler, hook, tool or processor) so that the current
 * request follows it across `await` when it may wait (see {@link mayWait}). A function that is
 * not `async` is followed on its first call, and from then on whenever it returned a promise.
 *
 * @example Using `callApplication`
 * ```ts
 * import { callApplication } from "./serving.ts";
 * const result = callApplication(async () => "hi", undefined, []);
 * ```
 */
export function callApplication<R>(
  fn: (...args: never[]) => R,
  thisArg: unknown,
  args: readonly unknown[],
): R {
  if (restore === null && current !== undefined && mayWait(fn)) followServing();
  return called(fn, (fn as (...args: unknown[]) => R).apply(thisArg, args as unknown[]));
}

/**
 * {@link callApplication} for a function of one argument (no argument list is made).
 *
 * @example Using `callApplicationWith`
 * ```ts
 * import { callApplicationWith } from "./serving.ts";
 * const result = callApplicationWith((name: string) => `hi ${name}`, undefined, "Ada");
 * ```
 */
export function callApplicationWith<A, R>(fn: (arg: A) => R, thisArg: unknown, arg: A): R {
  if (restore === null && current !== undefined && mayWait(fn)) followServing();
  return called(fn, fn.call(thisArg, arg));
}

/** What {@link callApplication} does with `fn`'s result: notes and follows a promise. */
function called<R>(fn: object, result: R): R {
  if (result instanceof Promise) {
    const bits = seen(fn);
    if ((bits & (FOLLOWS_ITSELF | RETURNED_PROMISE)) === 0) see(fn, RETURNED_PROMISE);
    if (restore === null) followServing();
  } else if ((seen(fn) & (RETURNED_VALUE | FOLLOWS_ITSELF)) === 0) see(fn, RETURNED_VALUE);
  return result;
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
 * @example Using `request`
 * ```ts
 * import { request } from "../../mod.ts";
 * function whoami() { return `You are ${request.remote.ip}`; }
 * ```
 */
export const request: Request = contextProxy((s) => s.request);

/**
 * The response being built for the current request.
 *
 * @example Using `response`
 * ```ts
 * import { response } from "../../mod.ts";
 * function page() { response.headers.set("X-Powered-By", "me"); return "hi"; }
 * ```
 */
export const response: Response = contextProxy((s) => s.response);
