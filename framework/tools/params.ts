/**
 * The `params` tool: converts request parameters (strings) to the types a page handler wants,
 * before it is called, answering 400 when a value does not convert.
 *
 * CherryPy reads the conversions from the handler's Python annotations (`limit: int`).
 * JavaScript keeps no types at run time, so they are declared explicitly, in either or both
 * of two ways:
 *
 * - on the handler, with {@link annotate} (`@annotate({ limit: int })`), which records them
 *   where CherryPy looks (`handler.__annotations__`);
 * - in config, with the tool's `types` option (`tools.params.types`), a map of parameter names
 *   to converters, which adds to (and overrides) the handler's.
 *
 * A converter is any function from the parameter's value (a string, or a list of strings
 * when the parameter was repeated, or a file part) to the converted value; it may be async.
 * {@link int}, {@link float} and {@link str} behave as Python's builtins do. A converter that
 * rejects its input throws {@link ValueError} (or whatever `tools.params.exception` names):
 * the client gets `tools.params.error` (400) with the error's message.
 *
 * @module
 */

import { HTTPError } from "../core/errors.ts";
import { configRegistry } from "../config/config_registry.ts";
import { pyRepr, pyTypeName } from "../http/_pyrepr.ts";
import { currentServing } from "../core/serving.ts";
import { debugLog } from "./_debug.ts";

/** Turns one request parameter's value into what the handler takes. */
export type Converter<T = unknown> = (value: unknown) => T | Promise<T>;

/** A class of errors (or a list of them) the `params` tool turns into an HTTP error. */
// deno-lint-ignore no-explicit-any
export type ErrorClass = abstract new (...args: any[]) => unknown;

/**
 * Python's `ValueError`: the argument has the right type but an unusable value (`int("abc")`).
 * The error the `params` tool turns into a 400 by default.
 *
 * @example A converter that rejects bad input
 * ```ts
 * import { ValueError } from "./params.ts";
 * const positive = (v: unknown) => {
 *   const n = Number(v);
 *   if (!(n > 0)) throw new ValueError(`not a positive number: ${v}`);
 *   return n;
 * };
 * ```
 */
export class ValueError extends Error {
  /** Creates the error. */
  constructor(message = "") {
    super(message);
    this.name = "ValueError";
  }
}

function typeName(value: unknown): string {
  if (Array.isArray(value)) return "list";
  return pyTypeName(value) ?? "NoneType";
}

/**
 * Python's `int()`: a string of decimal digits (with an optional sign, surrounding
 * whitespace and `_` between digits) or a number (truncated) as an integer. Another string
 * is a {@link ValueError} (`invalid literal for int() with base 10: 'x'`); a list or object
 * a `TypeError`.
 *
 * @example Using `int`
 * ```ts
 * import { int } from "./params.ts";
 * int(" 42 "); // 42
 * ```
 */
export function int(value: unknown): number {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) {
      throw new (Number.isNaN(value) ? ValueError : RangeError)(
        `cannot convert float ${Number.isNaN(value) ? "NaN" : "infinity"} to integer`,
      );
    }
    return Math.trunc(value);
  }
  if (typeof value === "boolean") return Number(value);
  if (typeof value === "bigint") return Number(value);
  if (typeof value !== "string") {
    throw new TypeError(
      "int() argument must be a string, a bytes-like object or a real number, not " +
        `'${typeName(value)}'`,
    );
  }
  const text = value.trim();
  if (!/^[-+]?[0-9](?:_?[0-9])*$/.test(text)) {
    throw new ValueError(`invalid literal for int() with base 10: ${pyRepr(value)}`);
  }
  return Number(text.replaceAll("_", ""));
}

/**
 * Python's `float()`: a decimal string (`"1.5"`, `"-2e3"`, `"inf"`, `"nan"`) or a number.
 * Another string is a {@link ValueError} (`could not convert string to float: 'x'`); a list or
 * object a `TypeError`.
 *
 * @example Using `float`
 * ```ts
 * import { float } from "./params.ts";
 * float("2.5"); // 2.5
 * ```
 */
export function float(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return Number(value);
  if (typeof value !== "string") {
    throw new TypeError(
      `float() argument must be a string or a real number, not '${typeName(value)}'`,
    );
  }
  const text = value.trim().toLowerCase();
  const special = /^([-+]?)(inf|infinity|nan)$/.exec(text);
  if (special) {
    if (special[2] === "nan") return NaN;
    return special[1] === "-" ? -Infinity : Infinity;
  }
  if (
    !/^[-+]?(?:[0-9](?:_?[0-9])*(?:\.(?:[0-9](?:_?[0-9])*)?)?|\.[0-9](?:_?[0-9])*)(?:e[-+]?[0-9](?:_?[0-9])*)?$/
      .test(text)
  ) {
    throw new ValueError(`could not convert string to float: ${pyRepr(value)}`);
  }
  return Number(text.replaceAll("_", ""));
}

/**
 * Python's `str()` for parameters: a string as it is, anything else as Python writes it
 * (a list of values as `['a', 'b']`).
 *
 * @example Using `str`
 * ```ts
 * import { str } from "./params.ts";
 * str(["a", "b"]); // "['a', 'b']"
 * ```
 */
export function str(value: unknown): string {
  return typeof value === "string" ? value : pyRepr(value);
}

/** A function carrying conversions for the `params` tool (CherryPy's annotations). */
export interface Annotated {
  /** The converters, by parameter name. */
  __annotations__?: Record<string, Converter>;
}

/**
 * Declares the conversions of a page handler's parameters, for the `params` tool (the
 * TypeScript twin of Python's `def resource(self, limit: int)`): records them as the
 * handler's `__annotations__`. The tool still has to be on for the handler.
 *
 * @example A handler taking a number
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * const { annotate, int } = cherrypy.lib.cptools;
 * class Root {
 *   @cherrypy.expose
 *   @cherrypy.tools.params()
 *   @annotate({ limit: int })
 *   resource(limit?: number) {
 *     return typeof limit; // "number" for /resource?limit=10
 *   }
 * }
 * ```
 */
export function annotate(
  types: Readonly<Record<string, Converter>>,
): <F>(target: F, context?: ClassMethodDecoratorContext | ClassFieldDecoratorContext) => F {
  checkConverters(types, "annotate()");
  return <F>(target: F): F => {
    if (typeof target !== "function") {
      throw new TypeError("annotate() decorates functions and methods (page handlers).");
    }
    const fn = target as unknown as Annotated;
    fn.__annotations__ = { ...fn.__annotations__, ...types };
    return target;
  };
}

function checkConverters(
  types: unknown,
  where: string,
): asserts types is Record<string, Converter> {
  if (types === null || typeof types !== "object" || Array.isArray(types)) {
    throw new TypeError(
      `${where} takes an object mapping parameter names to converters ({ limit: int }); got ` +
        `${pyRepr(types)}.`,
    );
  }
  for (const [name, conv] of Object.entries(types)) {
    if (typeof conv !== "function") {
      throw new TypeError(
        `${where}: the converter for parameter ${pyRepr(name)} must be a function; got ` +
          `${pyRepr(conv)}.`,
      );
    }
  }
}

/** The `params` tool's options (`tools.params.*`). */
export interface ParamsOptions {
  /**
   * The errors that mean "bad value": a class, or a list of classes (default
   * {@link ValueError}). Others go on (a 500).
   */
  exception?: ErrorClass | readonly ErrorClass[];
  /** The status answered for a bad value (400). */
  error?: number | string;
  /** Converters by parameter name, added to (and overriding) the handler's annotations. */
  types?: Readonly<Record<string, Converter>>;
  /** Log the conversions (context `TOOLS.PARAMS`). */
  debug?: boolean;
}

/**
 * The `params` tool's callable (`before_handler`, priority 15): replaces each request
 * parameter that has a converter with the converter's result. A converter error of the
 * `exception` class becomes an `HTTPError(error)` with the error's message.
 *
 * @example Converters from config
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * const { int, float } = cherrypy.lib.cptools;
 * const conf = {
 *   "/search": {
 *     "tools.params.on": true,
 *     "tools.params.types": { limit: int, min_price: float },
 *   },
 * };
 * ```
 */
export function convertParams(options: ParamsOptions = {}): Promise<void> | void {
  const { request } = currentServing();
  const callable = request.handler?.callable as Annotated | undefined;
  const types: Record<string, Converter> = { ...callable?.__annotations__ };
  if (options.types !== undefined && options.types !== null) {
    checkConverters(options.types, "tools.params.types");
    Object.assign(types, options.types);
  }
  const given = options.exception ?? ValueError;
  const classes = Array.isArray(given) ? given : [given];
  for (const cls of classes) {
    if (typeof cls !== "function") {
      throw new TypeError(
        `tools.params.exception must be an error class (or a list of them); got ${pyRepr(cls)}.`,
      );
    }
  }
  const status = options.error ?? 400;
  const fail = (e: unknown): never => {
    if (classes.some((cls) => e instanceof cls)) {
      throw new HTTPError(status, e instanceof Error ? e.message : String(e));
    }
    throw e;
  };
  const params = request.params;
  const pending: Promise<void>[] = [];
  try {
    for (const key of Object.keys(types)) {
      if (!(key in params)) continue;
      const converted = types[key]!(params[key]);
      debugLog(options.debug, () => `Converted ${pyRepr(key)}`, "TOOLS.PARAMS");
      if (converted instanceof Promise) {
        pending.push(converted.then((v) => void (params[key] = v as never)));
      } else params[key] = converted as never;
    }
  } catch (e) {
    fail(e);
  }
  if (pending.length > 0) return Promise.all(pending).then(() => undefined, fail);
}

configRegistry.register("ValueError", ValueError);
configRegistry.register("TypeError", TypeError);
