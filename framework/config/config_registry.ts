/**
 * The names a config file may use for things that are not literals.
 *
 * CherryPy evaluates `request.dispatch: cherrypy.dispatch.MethodDispatcher()` by importing
 * Python modules. Here every such name comes from an explicit registry: a config file can only
 * reach what the application (or the framework) registered, and nothing is ever evaluated as
 * code.
 *
 * @module
 */

const IDENTIFIER = /^[\p{L}_][\p{L}\p{N}_]*$/u;
const RESERVED = new Set(["True", "False", "None", "true", "false", "null"]);
// Property names that lead into JavaScript's object machinery rather than to a registered thing.
const FORBIDDEN = new Set(["constructor", "__proto__", "prototype"]);
const MISSING: unique symbol = Symbol("missing");

/** Reads own (or inherited, below Object/Function) member `name` of `value`. */
function member(value: unknown, name: string): unknown {
  if (FORBIDDEN.has(name)) return MISSING;
  if (value === null || (typeof value !== "object" && typeof value !== "function")) {
    return MISSING;
  }
  for (
    let p: object | null = value;
    p !== null && p !== Object.prototype && p !== Function.prototype;
    p = Object.getPrototypeOf(p)
  ) {
    if (Object.hasOwn(p, name)) return Reflect.get(value, name);
  }
  return MISSING;
}

/**
 * A set of dotted names (`cherrypy.dispatch.Dispatcher`) and the values they stand for.
 * `resolve` finds a name exactly, or through the longest registered prefix followed by
 * member lookups: with `myapp.models` registered as an object, `myapp.models.User` is its
 * `User` member.
 *
 * @example Registering a class for config files
 * ```ts
 * import { ConfigRegistry } from "./config_registry.ts";
 * import { parseConfig } from "./mod.ts";
 * class Pool {
 *   constructor(readonly size = 4) {}
 * }
 * const registry = new ConfigRegistry();
 * registry.register("myapp.Pool", Pool);
 * const conf = parseConfig("[db]\npool = myapp.Pool(8)\n", "app.conf", registry);
 * (conf.db?.pool as Pool).size; // 8
 * ```
 */
export class ConfigRegistry {
  readonly #values = new Map<string, unknown>();

  /** Creates a registry holding `entries`. */
  constructor(entries: Iterable<readonly [string, unknown]> = []) {
    for (const [name, value] of entries) this.register(name, value);
  }

  /**
   * Makes `name` (dot-separated identifiers) stand for `value`; registering a name again
   * replaces its value. A class (declared with `class`) is constructed with `new` when a config
   * value calls it; any other function is called.
   */
  register(name: string, value: unknown): void {
    const parts = name.split(".");
    if (!parts.every((p) => IDENTIFIER.test(p))) {
      throw new TypeError(
        `Cannot register ${
          JSON.stringify(name)
        }: a config name is identifiers joined by dots, such as "cherrypy.dispatch.Dispatcher".`,
      );
    }
    if (RESERVED.has(name)) {
      throw new TypeError(`Cannot register ${JSON.stringify(name)}: it is a literal.`);
    }
    this.#values.set(name, value);
  }

  /** Whether `name` resolves (see {@link ConfigRegistry.resolve}). */
  has(name: string): boolean {
    return this.#find(name) !== MISSING;
  }

  /** The value `name` stands for; throws when nothing was registered under it. */
  resolve(name: string): unknown {
    const found = this.#find(name);
    if (found === MISSING) {
      throw new Error(
        `Unknown config name ${JSON.stringify(name)}: register it first, with ` +
          `configRegistry.register(${JSON.stringify(name)}, value).`,
      );
    }
    return found;
  }

  /** The registered names, sorted. */
  names(): string[] {
    return [...this.#values.keys()].sort();
  }

  #find(name: string): unknown {
    const parts = name.split(".");
    for (let n = parts.length; n > 0; n--) {
      const prefix = parts.slice(0, n).join(".");
      if (!this.#values.has(prefix)) continue;
      let value: unknown = this.#values.get(prefix);
      for (const part of parts.slice(n)) {
        value = member(value, part);
        if (value === MISSING) return MISSING;
      }
      return value;
    }
    return MISSING;
  }
}

// ---- Python builtins, as far as config files use them ------------------------------------------

type Dict = Record<string, unknown>;

const isDict = (v: unknown): v is Dict =>
  v !== null && typeof v === "object" && !Array.isArray(v) &&
  Object.getPrototypeOf(v) === Object.prototype;

function describe(v: unknown): string {
  if (v === null) return "None";
  if (Array.isArray(v)) return "a list";
  if (isDict(v)) return "a dict";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

const DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz";

function int(x: unknown = 0, base: unknown = 10): number {
  const b = isDict(base) ? base["base"] ?? 10 : base;
  if (typeof x === "boolean") return Number(x);
  if (typeof x === "number") {
    if (!Number.isFinite(x)) throw new TypeError(`int() cannot convert ${x}`);
    return Math.trunc(x);
  }
  if (typeof x !== "string") {
    throw new TypeError(`int() takes a string or number, not ${describe(x)}`);
  }
  if (typeof b !== "number" || !Number.isInteger(b) || b < 2 || b > 36) {
    throw new TypeError("int() base must be an integer from 2 to 36");
  }
  let text = x.trim().toLowerCase();
  const sign = text.startsWith("-") ? -1 : 1;
  if (/^[-+]/.test(text)) text = text.slice(1);
  const prefix = ({ 16: "0x", 8: "0o", 2: "0b" } as Record<number, string>)[b];
  if (prefix !== undefined && text.startsWith(prefix)) text = text.slice(2).replace(/^_/, "");
  const digits = DIGITS.slice(0, b);
  const valid = text !== "" && !/^_|_$|__/.test(text) &&
    [...text].every((c) => c === "_" || digits.includes(c));
  if (!valid) throw new TypeError(`invalid literal for int() with base ${b}: ${JSON.stringify(x)}`);
  return sign * parseInt(text.replaceAll("_", ""), b);
}

function float(x: unknown = 0): number {
  if (typeof x === "boolean" || typeof x === "number") return Number(x);
  if (typeof x !== "string") {
    throw new TypeError(`float() takes a string or number, not ${describe(x)}`);
  }
  const text = x.trim().toLowerCase().replaceAll(/(?<=\d)_(?=\d)/g, "");
  const special = /^([-+]?)(inf|infinity|nan)$/.exec(text);
  if (special) return special[2] === "nan" ? NaN : (special[1] === "-" ? -Infinity : Infinity);
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/.test(text)) {
    throw new TypeError(`could not convert string to float: ${JSON.stringify(x)}`);
  }
  return Number(text);
}

function str(x: unknown = ""): string {
  if (typeof x === "string") return x;
  if (typeof x === "boolean") return x ? "True" : "False";
  if (x === null) return "None";
  if (typeof x === "number") {
    if (Number.isNaN(x)) return "nan";
    return Number.isFinite(x) ? String(x) : (x > 0 ? "inf" : "-inf");
  }
  throw new TypeError(`str() takes a string, number, boolean or None here, not ${describe(x)}`);
}

function bool(x: unknown = false): boolean {
  if (Array.isArray(x)) return x.length > 0;
  if (isDict(x)) return Object.keys(x).length > 0;
  return Boolean(x);
}

function list(x: unknown = []): unknown[] {
  if (Array.isArray(x)) return [...x];
  if (typeof x === "string") return [...x];
  if (isDict(x)) return Object.keys(x);
  throw new TypeError(`list() takes a list, string or dict, not ${describe(x)}`);
}

function dict(...sources: unknown[]): Dict {
  const out: Dict = {};
  for (const source of sources) {
    const entries = isDict(source) ? Object.entries(source) : source;
    if (!Array.isArray(entries)) {
      throw new TypeError(`dict() takes dicts or lists of pairs, not ${describe(source)}`);
    }
    for (const pair of entries) {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new TypeError("dict() takes lists of [key, value] pairs");
      }
      Object.defineProperty(out, String(pair[0]), {
        value: pair[1],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return out;
}

/**
 * The registry config files resolve names in. It starts with the Python builtins `int`, `float`, `str`, `bool`, `list`, `tuple` and `dict` (simple
 * conversions with Python's rules for numbers, strings, booleans, lists and dicts); other parts
 * of the framework (the dispatchers register `cherrypy.dispatch`) and applications register more.
 *
 * @example Making an application class available to config files
 * ```ts
 * import { configRegistry } from "../../mod.ts";
 * import { parseConfig } from "./mod.ts";
 * class Store {
 *   constructor(readonly path: string) {}
 * }
 * configRegistry.register("myapp.Store", Store);
 * parseConfig('[/]\nstore = myapp.Store("/var/data")\n')["/"]?.store; // a Store
 * ```
 */
export const configRegistry: ConfigRegistry = new ConfigRegistry([
  ["int", int],
  ["float", float],
  ["str", str],
  ["bool", bool],
  ["list", list],
  ["tuple", list],
  ["dict", dict],
]);
