/**
 * `popargs`: names the path segments the tree cannot match (`/nirvana/albums/nevermind`),
 * turning them into request parameters.
 *
 * @module
 */

import { isClass } from "./_classes.ts";
import { getAttr } from "./dispatch.ts";
import { currentServing } from "../core/serving.ts";

/** The options `popargs` takes after the names. */
export interface PopargsOptions {
  /**
   * What handles the request once the segments are popped: an object (the next node, the
   * popped values going to `request.params`), or a function or class, called (or
   * instantiated) with the popped values as one object, whose result is the next node and
   * which receives the values instead of `request.params`. Default: the decorated object.
   */
  handler?: unknown;
}

/**
 * What `popargs` returns: a class decorator that gives the class a `_cp_dispatch` method,
 * and that `_cp_dispatch` method itself, for `_cp_dispatch = popargs("year")` in a class body.
 */
export interface Popargs {
  /** Used as a class decorator: installs itself as the class's `_cp_dispatch`. */
  // deno-lint-ignore no-explicit-any
  <C extends abstract new (...args: any[]) => unknown>(cls: C, context?: ClassDecoratorContext): C;
  /** Used as `_cp_dispatch`: pops segments of `vpath` and returns the next node. */
  (this: unknown, vpath: string[]): unknown;
}

const DISPATCH_METHOD = "_cp_dispatch";

function setParams(values: Record<string, string>): void {
  const params = currentServing().request.params;
  for (const [name, value] of Object.entries(values)) params[name] = value;
}

/**
 * Builds a `_cp_dispatch` that pops the next path segments into `request.params` under
 * `names`, in order (fewer when the path is shorter). Then it returns `options.handler` when
 * given; otherwise the next segment, if any, is looked up on the object itself (untranslated),
 * else the object itself handles the request (its `index`, with the popped values as keyword
 * parameters).
 *
 * Exposed attributes of the class take precedence: with an exposed `list`, `/list` calls it
 * instead of popping `list` (the dispatcher only calls `_cp_dispatch` for names it cannot
 * find).
 *
 * @example The docs' band and album (`/nirvana/albums/nevermind/`)
 * ```ts
 * import { expose, popargs } from "../../mod.ts";
 *
 * @popargs("album_title")
 * class Album {
 *   @expose
 *   index(band_name: string, album_title: string) {
 *     return `About ${album_title} by ${band_name}...`;
 *   }
 * }
 *
 * @popargs("band_name")
 * class Band {
 *   albums = new Album();
 *   @expose
 *   index(band_name: string) { return `About ${band_name}...`; }
 * }
 * ```
 *
 * @example As a class member, and with a handler
 * ```ts
 * import { expose, popargs } from "../../mod.ts";
 *
 * class Day {
 *   @expose
 *   index(year: string, month: string, day: string) { return `${year}-${month}-${day}`; }
 * }
 * class Blog {
 *   _cp_dispatch = popargs("year", "month", "day", { handler: new Day() });
 * }
 * ```
 */
export function popargs(...args: (string | PopargsOptions)[]): Popargs {
  const names: string[] = [];
  let handler: unknown = undefined;
  args.forEach((arg, i) => {
    if (typeof arg === "string") {
      names.push(arg);
    } else if (i === args.length - 1 && arg !== null && typeof arg === "object") {
      for (const key of Object.keys(arg)) {
        if (key !== "handler") {
          throw new TypeError(`popargs() got an unexpected option '${key}'`);
        }
      }
      handler = arg.handler;
    } else {
      throw new TypeError(
        "popargs() takes parameter names (strings), then optionally { handler }; got " +
          `${JSON.stringify(arg)} at position ${i}.`,
      );
    }
  });

  function popped(this: unknown, first: unknown): unknown {
    if (typeof first === "function") {
      // Decorating a class: install as its _cp_dispatch.
      Object.defineProperty((first as { prototype: object }).prototype, DISPATCH_METHOD, {
        value: popped,
        writable: true,
        configurable: true,
        enumerable: false,
      });
      return first;
    }
    const vpath = first as string[];
    const values: Record<string, string> = {};
    for (const name of names) {
      if (vpath.length === 0) break;
      values[name] = vpath.shift()!;
    }
    if (handler !== undefined && handler !== null) {
      if (isClass(handler)) return new handler(values);
      if (typeof handler === "function") return handler(values);
      setParams(values);
      return handler;
    }
    setParams(values);
    // The object is the final node: look the next segment up directly, so that this
    // _cp_dispatch is not called for it again.
    if (vpath.length > 0) return getAttr(this, vpath.shift()!);
    return this;
  }
  return popped as Popargs;
}
