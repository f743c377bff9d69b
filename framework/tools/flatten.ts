/**
 * The `flatten` tool: lets a handler's output nest generators (a generator that yields
 * generators): the body becomes one flat stream of chunks.
 *
 * @module
 */

import { currentServing } from "../core/serving.ts";

/** The `flatten` tool's options (`tools.flatten.*`). */
export interface FlattenOptions {
  /** Log how many chunks the body had (context `TOOLS.FLATTEN`). */
  debug?: boolean;
}

/**
 * `true` for iterators (what Python's `is_iterator` accepts: an object that is its own
 * iterator, such as a generator), sync or async; `false` for strings, bytes and arrays.
 *
 * @example Using `isIterator`
 * ```ts
 * import { isIterator } from "./flatten.ts";
 * isIterator((function* () {})()); // true
 * isIterator(["a"]); // false
 * ```
 */
export function isIterator(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  const v = value as Partial<Iterable<unknown> & AsyncIterable<unknown>>;
  if (typeof v[Symbol.iterator] === "function") return v[Symbol.iterator]!() === value;
  if (typeof v[Symbol.asyncIterator] === "function") return v[Symbol.asyncIterator]!() === value;
  return false;
}

async function* flattener(
  input: Iterable<unknown> | AsyncIterable<unknown>,
  count: { chunks: number },
): AsyncGenerator<unknown> {
  for await (const x of input as AsyncIterable<unknown>) {
    if (isIterator(x)) yield* flattener(x as Iterable<unknown>, count);
    else {
      count.chunks++;
      yield x;
    }
  }
}

/**
 * The `flatten` tool's callable (`before_finalize`, priority 50): replaces `response.body`
 * with a stream that walks nested iterators depth first.
 *
 * @example A handler yielding generators
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * class Root {
 *   *part() { yield "con"; yield "tent"; }
 *   @cherrypy.expose
 *   @cherrypy.tools.flatten()
 *   *page() { yield this.part(); }
 * }
 * ```
 */
export function flatten(options: FlattenOptions = {}): void {
  const { request, response } = currentServing();
  const body = response.body;
  const source = body === null || body === undefined
    ? []
    : typeof body === "object" && (Symbol.iterator in body || Symbol.asyncIterator in body)
    ? body as Iterable<unknown>
    : [body];
  const count = { chunks: 0 };
  // The log is taken now: the stream may be read after the request's context is gone.
  const log = options.debug ? request.app?.log : undefined;
  async function* flat(): AsyncGenerator<unknown> {
    yield* flattener(source, count);
    log?.error(`Flattened ${count.chunks} chunks`, "TOOLS.FLATTEN");
  }
  response.body = flat();
}
