/**
 * Hooks: functions attached to the eight points of the request pipeline, run in priority
 * order (lower first, default 50). When a hook fails, the remaining hooks marked `failsafe`
 * still run before the error goes on.
 *
 * The points, in the order a request meets them: `on_start_resource`,
 * `before_request_body`, `before_handler`, `before_finalize`, `on_end_resource`,
 * `on_end_request`; and on the error path `before_error_response`, `after_error_response`.
 *
 * @module
 */

import { bindServing, callApplicationWith } from "./serving.ts";

/** The hook points, in pipeline order. */
export const hookpoints = [
  "on_start_resource",
  "before_request_body",
  "before_handler",
  "before_finalize",
  "on_end_resource",
  "on_end_request",
  "before_error_response",
  "after_error_response",
] as const;

/** One of {@link hookpoints}. */
export type HookPoint = typeof hookpoints[number];

/** The options a hook is called with (a tool's config entries). */
export type HookOptions = Record<string, unknown>;

/**
 * A hook function: called with its options; may be async. A function may carry its own
 * `priority` and `failsafe` (as CherryPy reads them from the callable's attributes).
 */
export type HookCallback = ((options: HookOptions) => unknown) & {
  priority?: number;
  failsafe?: boolean;
};

/** Options of {@link HookMap.attach}: `priority`, `failsafe`, and the hook's own options. */
export interface AttachOptions {
  /** Lower runs first; defaults to the callback's `priority`, else 50. */
  priority?: number;
  /** Run even when an earlier hook at the same point failed. */
  failsafe?: boolean;
  /** Anything else is passed to the callback. */
  [option: string]: unknown;
}

/**
 * One attached hook.
 *
 * @example Using `Hook`
 * ```ts
 * import { Hook } from "./mod.ts";
 * const hook = new Hook(() => console.log("hi"), { priority: 10 });
 * await hook.call();
 * ```
 */
export class Hook {
  /** The function. */
  readonly callback: HookCallback;
  /** Runs even after an earlier hook failed. */
  readonly failsafe: boolean;
  /** Lower runs first. */
  readonly priority: number;
  /** Passed to the callback. */
  readonly options: HookOptions;

  /** Wraps `callback` with its priority, failsafe flag and options. */
  constructor(callback: HookCallback, options: AttachOptions = {}) {
    const { priority, failsafe, ...rest } = options;
    this.callback = callback;
    this.priority = priority ?? callback.priority ?? 50;
    this.failsafe = failsafe ?? callback.failsafe ?? false;
    this.options = rest;
  }

  /** Calls the function with its options (the current request follows it when it waits). */
  call(): unknown {
    return callApplicationWith(this.callback, undefined, this.options);
  }
}

/** Errors that are part of normal control flow (not logged when a hook raises them). */
export type QuietErrorTest = (error: unknown) => boolean;

const notQuiet: QuietErrorTest = () => false;
/** The map {@link HookMap.fork} is forking (read once by the constructor). */
let forking: HookMap | null = null;

/**
 * The hooks of one request, by point. `cherrypy.request.hooks.attach(point, fn, {priority})`
 * adds one (the docs' TimingTool does so from its `_setup`).
 *
 * @example Using `HookMap`
 * ```ts
 * import { HookMap } from "./mod.ts";
 * const hooks = new HookMap();
 * hooks.attach("before_finalize", () => console.log("about to finalize"), { priority: 5 });
 * await hooks.run("before_finalize");
 * ```
 */
export class HookMap {
  #points: Map<string, Hook[]>;
  /** `true` while the lists are shared with the map this one was forked from. */
  #shared = false;
  /** Counts changes (attachments), so that caches built from this map can tell it changed. */
  version = 0;
  /** Called with errors raised by hooks, unless {@link HookMap.isQuiet} says they are normal. */
  onError: ((error: unknown, point: string) => void) | null = null;
  /** Which errors are normal control flow (HTTP errors and redirects). */
  isQuiet: QuietErrorTest = notQuiet;

  /** Creates an empty map. */
  constructor() {
    const from = forking;
    if (from === null) {
      this.#points = new Map();
      return;
    }
    forking = null;
    this.#points = from.#points;
    this.#shared = true;
    from.#shared = true;
    this.onError = from.onError;
    this.isQuiet = from.isQuiet;
  }

  /** Attaches `callback` at `point`. Hooks of equal priority run in the order attached. */
  attach(point: HookPoint | string, callback: HookCallback, options: AttachOptions = {}): Hook {
    if (typeof callback !== "function") {
      throw new TypeError(
        `A hook at ${JSON.stringify(point)} must be a function; got ${typeof callback}.`,
      );
    }
    const hook = new Hook(callback, options);
    if (this.#shared) {
      const own = new Map<string, Hook[]>();
      for (const [p, l] of this.#points) own.set(p, l.slice());
      this.#points = own;
      this.#shared = false;
    }
    this.version++;
    let list = this.#points.get(point);
    if (list === undefined) this.#points.set(point, list = []);
    let at = list.length;
    while (at > 0 && list[at - 1]!.priority > hook.priority) at--;
    list.splice(at, 0, hook);
    return hook;
  }

  /** The hooks at `point`, in the order they run. */
  get(point: HookPoint | string): readonly Hook[] {
    return this.#points.get(point) ?? [];
  }

  /** The points anything was ever attached at (standard or not), in first-attached order. */
  points(): string[] {
    return [...this.#points.keys()];
  }

  /** `true` when something is attached at `point`. */
  has(point: HookPoint | string): boolean {
    const list = this.#points.get(point);
    return list !== undefined && list.length > 0;
  }

  /**
   * A copy that shares this map's lists until either is changed (cheap: the request pipeline
   * forks a prepared map for every request).
   */
  fork(): HookMap {
    forking = this;
    return new HookMap();
  }

  /** A copy (the lists are copied; the hooks are shared). */
  copy(): HookMap {
    const copy = new HookMap();
    for (const [point, list] of this.#points) copy.#points.set(point, list.slice());
    copy.onError = this.onError;
    copy.isQuiet = this.isQuiet;
    return copy;
  }

  /**
   * Runs the hooks at `point` in order. When one throws, the failsafe hooks after it still run,
   * then the first error is thrown again. Returns a promise only when a hook waits; otherwise
   * it finishes (returning `undefined`, or throwing the first error) before it returns, so the
   * pipeline pays nothing for empty points or synchronous hooks. `await hooks.run(point)`
   * works either way.
   */
  run(point: HookPoint | string): Promise<void> | undefined {
    const list = this.#points.get(point);
    if (list === undefined || list.length === 0) return undefined;
    // A shared list is copied before any change (see fork), so it can be run as it is.
    return this.#runFrom(this.#shared ? list : list.slice(), point, 0, null);
  }

  /**
   * Runs `hooks` from `from` on, synchronously while they are synchronous (failures included:
   * the failsafe hooks after one run at once). After a hook's promise, the rest runs bound to
   * the request (see `bindServing`): hooks that wait cost no async context of their own.
   */
  #runFrom(
    hooks: readonly Hook[],
    point: string,
    from: number,
    failed: { error: unknown } | null,
  ): Promise<void> | undefined {
    let failure = failed;
    for (let i = from; i < hooks.length; i++) {
      const hook = hooks[i]!;
      if (failure !== null && !hook.failsafe) continue;
      let result: unknown;
      try {
        result = hook.call();
      } catch (error) {
        failure = this.#failed(failure, error, point);
        continue;
      }
      if (result instanceof Promise) {
        const next = i + 1;
        const before = failure;
        return result.then(
          bindServing(() => this.#runFrom(hooks, point, next, before)),
          bindServing((error: unknown) =>
            this.#runFrom(hooks, point, next, this.#failed(before, error, point))
          ),
        );
      }
    }
    if (failure !== null) throw failure.error;
    return undefined;
  }

  /** Reports `error` (unless it is normal control flow); keeps the first failure. */
  #failed(
    failure: { error: unknown } | null,
    error: unknown,
    point: string,
  ): { error: unknown } {
    if (!this.isQuiet(error)) this.onError?.(error, point);
    return failure ?? { error };
  }
}
