/**
 * Handler signatures: which arguments a page handler takes, read from its source once.
 *
 * TypeScript erases types, not parameter names: `fn.toString()` still shows the parameter list
 * of the JavaScript that runs (on Deno and in the npm build alike). From it we learn:
 *
 * | JavaScript parameter | CherryPy meaning |
 * |---|---|
 * | `length` | positional-or-keyword, required |
 * | `length = "8"` | positional-or-keyword, optional |
 * | `...args` | `*args`: extra path segments |
 * | `{ a, b = 2, ...kwargs }` | keyword-only `a` (required), `b` (optional); `...kwargs` is `**kwargs` |
 *
 * @module
 */

/** One named parameter. */
export interface ParamSpec {
  /** The parameter's name; `null` for an array pattern (positional only). */
  readonly name: string | null;
  /** `true` when the parameter has a default value. */
  readonly optional: boolean;
}

/** One slot of a handler's argument list. */
export type Slot =
  | { readonly kind: "positional"; readonly param: ParamSpec }
  | { readonly kind: "keywords"; readonly keys: readonly ParamSpec[]; readonly varkw: boolean };

/** What a handler accepts. */
export interface Signature {
  /** The declared parameters in order, rest parameter excluded. */
  readonly slots: readonly Slot[];
  /** `true` when there is a rest parameter (`...args`). */
  readonly varargs: boolean;
  /** `true` when the source could not be read (native or bound functions): anything goes. */
  readonly opaque: boolean;
}

const OPAQUE: Signature = { slots: [], varargs: true, opaque: true };
const cache = new WeakMap<object, Signature>();

/**
 * The signature of `fn`, parsed once and cached.
 *
 * @example Using `signatureOf`
 * ```ts
 * import { signatureOf } from "./mod.ts";
 * const sig = signatureOf(function generate(length = "8") { return length; });
 * sig.slots.length; // 1
 * ```
 */
// deno-lint-ignore ban-types
export function signatureOf(fn: Function): Signature {
  let sig = cache.get(fn);
  if (sig === undefined) {
    const declared = (fn as { _cp_signature?: Signature })._cp_signature;
    sig = declared ?? parseSignature(Function.prototype.toString.call(fn));
    cache.set(fn, sig);
  }
  return sig;
}

/** Scans past a string, template or comment starting at `i`; returns the index after it. */
function skipLiteral(src: string, i: number): number {
  const c = src[i];
  if (c === '"' || c === "'") {
    for (i++; i < src.length && src[i] !== c; i++) if (src[i] === "\\") i++;
    return i + 1;
  }
  if (c === "`") {
    for (i++; i < src.length && src[i] !== "`"; i++) {
      if (src[i] === "\\") i++;
      else if (src[i] === "$" && src[i + 1] === "{") i = skipBalanced(src, i + 1) - 1;
    }
    return i + 1;
  }
  if (c === "/" && src[i + 1] === "/") {
    const end = src.indexOf("\n", i);
    return end < 0 ? src.length : end + 1;
  }
  if (c === "/" && src[i + 1] === "*") {
    const end = src.indexOf("*/", i + 2);
    return end < 0 ? src.length : end + 2;
  }
  return i;
}

/** Given `src[open]` is an opening bracket, returns the index after its closing bracket. */
function skipBalanced(src: string, open: number): number {
  let depth = 0;
  for (let i = open; i < src.length;) {
    const next = skipLiteral(src, i);
    if (next !== i) {
      i = next;
      continue;
    }
    const c = src[i];
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return src.length;
}

/** Splits `text` at top-level commas. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length;) {
    const next = skipLiteral(text, i);
    if (next !== i) {
      i = next;
      continue;
    }
    const c = text[i];
    if (c === "(" || c === "[" || c === "{") {
      i = skipBalanced(text, i);
      continue;
    }
    if (c === ",") {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
    i++;
  }
  parts.push(text.slice(start));
  return parts.map((p) => stripComments(p).trim()).filter((p) => p !== "");
}

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, " ").replace(/\/\/[^\n]*/g, " ");
}

/** The position of the first top-level `=` that is a default (not `==`, `=>`). */
function defaultIndex(text: string): number {
  for (let i = 0; i < text.length;) {
    const next = skipLiteral(text, i);
    if (next !== i) {
      i = next;
      continue;
    }
    const c = text[i];
    if (c === "(" || c === "[" || c === "{") {
      i = skipBalanced(text, i);
      continue;
    }
    if (c === "=" && text[i + 1] !== "=" && text[i + 1] !== ">") return i;
    i++;
  }
  return -1;
}

function parseObjectPattern(body: string): Slot {
  const keys: ParamSpec[] = [];
  let varkw = false;
  for (const entry of splitTopLevel(body)) {
    if (entry.startsWith("...")) {
      varkw = true;
      continue;
    }
    const eq = defaultIndex(entry);
    const target = eq < 0 ? entry : entry.slice(0, eq);
    const colon = target.indexOf(":");
    const key = (colon < 0 ? target : target.slice(0, colon)).trim().replace(/^["']|["']$/g, "");
    keys.push({ name: key, optional: eq >= 0 });
  }
  return { kind: "keywords", keys, varkw };
}

/** Finds the parameter list of a function's source: `[start, end)` inside the parentheses. */
function paramListBounds(src: string): [number, number] | "single" | null {
  for (let i = 0; i < src.length;) {
    const next = skipLiteral(src, i);
    if (next !== i) {
      i = next;
      continue;
    }
    const c = src[i];
    if (c === "(") return [i + 1, skipBalanced(src, i) - 1];
    if (c === "[") { // a computed method name
      i = skipBalanced(src, i);
      continue;
    }
    if (c === "=" && src[i + 1] === ">") return "single";
    if (c === "{") return null;
    i++;
  }
  return null;
}

/**
 * Parses a function's source text into a {@link Signature}. Unreadable sources (native code,
 * bound functions, classes) give an opaque signature that accepts anything.
 *
 * @example Using `parseSignature`
 * ```ts
 * import { parseSignature } from "./mod.ts";
 * parseSignature("page(a, b = 1, ...rest) {}").varargs; // true
 * ```
 */
export function parseSignature(src: string): Signature {
  if (src.includes("[native code]") || /^class\b/.test(src)) return OPAQUE;
  const bounds = paramListBounds(src);
  if (bounds === null) return OPAQUE;
  let params: string[];
  if (bounds === "single") {
    const head = src.slice(0, src.indexOf("=>")).trim().replace(/^async\s+/, "");
    params = [head];
  } else {
    params = splitTopLevel(src.slice(bounds[0], bounds[1]));
  }
  const slots: Slot[] = [];
  let varargs = false;
  for (const param of params) {
    if (param.startsWith("...")) {
      varargs = true;
      continue;
    }
    const eq = defaultIndex(param);
    const target = (eq < 0 ? param : param.slice(0, eq)).trim();
    if (target.startsWith("{")) {
      slots.push(parseObjectPattern(target.slice(1, skipBalanced(target, 0) - 1)));
    } else if (target.startsWith("[")) {
      slots.push({ kind: "positional", param: { name: null, optional: eq >= 0 } });
    } else {
      slots.push({ kind: "positional", param: { name: target, optional: eq >= 0 } });
    }
  }
  return { slots, varargs, opaque: false };
}
