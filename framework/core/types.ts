/**
 * The shapes the request-serving layers share: config entries, page handlers, and what a
 * dispatcher reads from and sets on a request, with the count that tells dispatchers when what
 * they remembered about paths is stale. Leaves of the framework: they import only HTTP helpers.
 *
 * @module
 */

import type { Params } from "../http/httputil.ts";

/** Config entries by key (`"tools.encode.on"`). */
export type ConfigDict = Record<string, unknown>;

/** The page handler chosen for a request: called with no arguments, it produces the body. */
export interface PageHandler {
  /** Produces the response body (or throws an HTTP error). */
  (): unknown;
  /** The handler function found in the tree. */
  readonly callable?: (...args: unknown[]) => unknown;
}

/** What a dispatcher needs from the request it dispatches. */
export interface DispatchTarget {
  /** The application whose tree is walked. */
  readonly app: {
    readonly root: unknown;
    readonly config: Record<string, ConfigDict>;
    globalConfig(): ConfigDict;
  } | null;
  /** Set to the handler found (a {@link NotFound} thrower when none). */
  handler: PageHandler | null;
  /** Set to the merged config for the path. */
  config: ConfigDict;
  /** Set to whether the handler was reached as an index. */
  is_index: boolean | null;
  /** The mount point, for NotFound messages. */
  readonly script_name: string;
  /** The HTTP method (`"GET"`), for dispatchers that choose by method. */
  readonly method: string;
  /** The request parameters; dispatchers may add path variables to them. */
  params: Params;
  /** One request header's value, or `null` (for dispatchers that choose by host). */
  header(name: string): string | null;
}

/**
 * Anything that can serve as `request.dispatch`: an object whose `dispatch(pathInfo, request)`
 * sets `request.handler` and `request.config` (and, when it knows, `request.is_index`).
 *
 * @example A dispatcher that answers every path with one page
 * ```ts
 * import { type DispatcherLike } from "./mod.ts";
 * import { pageHandler } from "../dispatch/mod.ts";
 * const single: DispatcherLike = {
 *   dispatch(_pathInfo, request) {
 *     request.config = {};
 *     request.handler = pageHandler(() => "always this", null, []);
 *   },
 * };
 * ```
 */
export interface DispatcherLike {
  /** Sets `request.handler` and `request.config` for `pathInfo`. */
  dispatch(pathInfo: string, request: DispatchTarget): void;
}

let generation = 0;

/**
 * Forgets what dispatchers remembered about paths. The framework calls it whenever config
 * changes or an application is mounted; call it yourself after changing an object tree
 * while the site is serving (adding or removing handlers at run time).
 *
 * @example Using `invalidateDispatch`
 * ```ts
 * import { invalidateDispatch } from "../../mod.ts";
 * const root: Record<string, unknown> = {};
 * root.late = () => "added later";
 * invalidateDispatch();
 * ```
 */
export function invalidateDispatch(): void {
  generation++;
}

/** How many times {@link invalidateDispatch} was called: dispatchers compare it with theirs. */
export function dispatchGeneration(): number {
  return generation;
}
