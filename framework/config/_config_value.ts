/**
 * Evaluating config values, the way CherryPy's `unrepr` does: literals become values, tuples
 * become arrays, `+` and `*` follow Python's rules, and names come from a
 * {@link ConfigRegistry}, never from evaluating code.
 *
 * @module
 */

import { ValueProblem } from "./_config_lexer.ts";
import { type Argument, EXPECTED, type Expr, parseValue } from "./_config_syntax.ts";
import type { ConfigRegistry } from "./config_registry.ts";

const MAX_LENGTH = 10_000_000;

type Dict = Record<string, unknown>;

const isDict = (v: unknown): v is Dict =>
  v !== null && typeof v === "object" && !Array.isArray(v) &&
  Object.getPrototypeOf(v) === Object.prototype;

/** Sets an own property, even one named `__proto__`. */
function define(target: Dict, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function typeName(v: unknown): string {
  if (v === null) return "None";
  if (Array.isArray(v)) return "a list";
  if (isDict(v)) return "a dict";
  if (typeof v === "function") return "a function";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

const isNumber = (v: unknown): v is number | boolean =>
  typeof v === "number" || typeof v === "boolean";
const isCount = (v: unknown): boolean =>
  typeof v === "boolean" || (typeof v === "number" && Number.isInteger(v));

function sized<T extends string | unknown[]>(value: T, pos: number): T {
  if (value.length > MAX_LENGTH) throw new ValueProblem("the value is too large", pos);
  return value;
}

function add(a: unknown, b: unknown, pos: number): unknown {
  if (isNumber(a) && isNumber(b)) return Number(a) + Number(b);
  if (typeof a === "string" && typeof b === "string") return sized(a + b, pos);
  if (Array.isArray(a) && Array.isArray(b)) return sized([...a, ...b], pos);
  throw new ValueProblem(`cannot add ${typeName(a)} and ${typeName(b)}`, pos);
}

function repeat(seq: string | unknown[], count: number, pos: number): string | unknown[] {
  const n = Math.max(0, count);
  if (seq.length * n > MAX_LENGTH) throw new ValueProblem("the value is too large", pos);
  return typeof seq === "string" ? seq.repeat(n) : Array.from({ length: n }, () => seq).flat(1);
}

function multiply(a: unknown, b: unknown, pos: number): unknown {
  if (isNumber(a) && isNumber(b)) return Number(a) * Number(b);
  if ((typeof a === "string" || Array.isArray(a)) && isCount(b)) return repeat(a, Number(b), pos);
  if (isCount(a) && (typeof b === "string" || Array.isArray(b))) return repeat(b, Number(a), pos);
  throw new ValueProblem(`cannot multiply ${typeName(a)} by ${typeName(b)}`, pos);
}

function subscript(target: unknown, index: unknown, pos: number): unknown {
  if (Array.isArray(target) || typeof target === "string") {
    const items = typeof target === "string" ? [...target] : target;
    if (!isCount(index)) {
      throw new ValueProblem(`indexes must be integers, not ${typeName(index)}`, pos);
    }
    const i = Number(index) < 0 ? items.length + Number(index) : Number(index);
    if (i < 0 || i >= items.length) throw new ValueProblem(`index ${index} is out of range`, pos);
    return items[i];
  }
  if (isDict(target) && (typeof index === "string" || typeof index === "number")) {
    if (!Object.hasOwn(target, String(index))) {
      throw new ValueProblem(`no key ${JSON.stringify(String(index))} in the dict`, pos);
    }
    return target[String(index)];
  }
  throw new ValueProblem(`cannot subscript ${typeName(target)} with ${typeName(index)}`, pos);
}

function isClass(f: unknown): f is new (...args: unknown[]) => unknown {
  return typeof f === "function" && /^class\b/.test(Function.prototype.toString.call(f));
}

function unknownName(name: string, registry: ConfigRegistry): string {
  const parts = name.split(".");
  if (parts.length === 1) return `'${name}' is not a registered name`;
  for (let n = parts.length - 1; n > 0; n--) {
    const prefix = parts.slice(0, n).join(".");
    if (registry.has(prefix)) {
      return `unknown name '${name}': '${prefix}' has no member '${parts[n]}'`;
    }
    const under = registry.names().filter((k) => k.startsWith(prefix + "."));
    if (under.length > 0) {
      const shown = under.slice(0, 8).join(", ") + (under.length > 8 ? ", ..." : "");
      return `unknown name '${name}' (registered under '${prefix}': ${shown})`;
    }
  }
  return `unknown name '${name}': nothing is registered under '${parts[0]}' ` +
    `(an application registers names with configRegistry.register(name, value))`;
}

class Evaluator {
  readonly registry: ConfigRegistry;

  constructor(registry: ConfigRegistry) {
    this.registry = registry;
  }

  run(node: Expr): unknown {
    switch (node.type) {
      case "literal":
        return node.value;
      case "name":
        if (!this.registry.has(node.name)) {
          const word = node.name.includes(".") ? {} : { word: node.name };
          throw new ValueProblem(unknownName(node.name, this.registry), node.pos, "name", word);
        }
        return this.registry.resolve(node.name);
      case "list":
        return node.items.map((item) => this.run(item));
      case "dict": {
        const out: Dict = {};
        for (const [keyNode, valueNode] of node.entries) {
          const key = this.run(keyNode);
          if (typeof key !== "string" && typeof key !== "number") {
            throw new ValueProblem(
              `dict keys must be strings or numbers, not ${typeName(key)}`,
              keyNode.pos,
            );
          }
          define(out, String(key), this.run(valueNode));
        }
        return out;
      }
      case "negate": {
        const v = this.run(node.operand);
        if (!isNumber(v)) throw new ValueProblem("unary - needs a number", node.pos);
        return -Number(v);
      }
      case "add":
        return add(this.run(node.left), this.run(node.right), node.pos);
      case "multiply":
        return multiply(this.run(node.left), this.run(node.right), node.pos);
      case "index":
        return subscript(this.run(node.target), this.run(node.index), node.pos);
      case "call":
        return this.call(node.callee, node.args, node.text);
    }
  }

  call(calleeNode: Expr, argNodes: Argument[], text: string): unknown {
    const callee = this.run(calleeNode);
    if (typeof callee !== "function") {
      throw new ValueProblem(`${typeName(callee)} is not callable`, calleeNode.pos);
    }
    const args: unknown[] = [];
    const keywords: Dict = {};
    for (const arg of argNodes) {
      const v = this.run(arg.value);
      if (arg.form === "positional") args.push(v);
      else if (arg.form === "keyword") define(keywords, arg.keyword, v);
      else if (arg.form === "spread") {
        if (!Array.isArray(v) && typeof v !== "string") {
          throw new ValueProblem(`*args needs a list, not ${typeName(v)}`, arg.value.pos);
        }
        args.push(...v);
      } else {
        if (!isDict(v)) {
          throw new ValueProblem(`**kwargs needs a dict, not ${typeName(v)}`, arg.value.pos);
        }
        // Keywords written out win over unpacked ones, wherever they stand (as in CherryPy).
        for (const [k, x] of Object.entries(v)) {
          if (!Object.hasOwn(keywords, k)) define(keywords, k, x);
        }
      }
    }
    if (Object.keys(keywords).length > 0) args.push(keywords);
    try {
      return isClass(callee) ? Reflect.construct(callee, args) : callee(...args);
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      throw new ValueProblem(`${text} failed: ${reason}`, calleeNode.pos, "refused", { cause: e });
    }
  }
}

/** Text without quotes or brackets: with words in it, probably meant as a string. */
const PLAIN = /^[^'"()[\]{}]*$/;

/**
 * Evaluates one config value. An empty value is the empty string, as in CherryPy. Throws
 * {@link ValueProblem} with a message saying what was expected, and how to quote the value
 * when it looks like an unquoted string.
 *
 * @example Using `readValue`
 * ```ts
 * import { readValue } from "./_config_value.ts";
 * import { configRegistry } from "../../mod.ts";
 * readValue("('GET', 'HEAD') + ('POST',)", configRegistry); // ["GET", "HEAD", "POST"]
 * ```
 */
export function readValue(text: string, registry: ConfigRegistry): unknown {
  if (text === "") return "";
  try {
    return new Evaluator(registry).run(parseValue(text));
  } catch (e) {
    if (!(e instanceof ValueProblem)) throw e;
    let message = e.message;
    if (PLAIN.test(text) && (e.kind !== "refused" || /[\p{L}_]/u.test(text))) {
      if (e.kind === "syntax") message = EXPECTED;
      message += `; to give a string, quote it: ${JSON.stringify(text)}`;
    } else if (e.word !== undefined) {
      message += ` (to give a string, quote it: ${JSON.stringify(e.word)})`;
    }
    if (message === e.message) throw e;
    throw new ValueProblem(message, e.pos, e.kind, { cause: e.cause });
  }
}
