/**
 * Tokens of config values: numbers, strings, names and punctuation, in the union of
 * Python's and JavaScript's literal syntax.
 *
 * @module
 */

/** A problem in a config value, at character offset `pos` of the value text. */
export class ValueProblem extends Error {
  /** Where in the value the problem is. */
  readonly pos: number;
  /**
   * `syntax`: the value could not be read at all; `name`: it names something not registered;
   * `refused`: it was read, but uses something config values do not support.
   */
  readonly kind: "syntax" | "name" | "refused";
  /** For a `name` problem about one undotted word: that word. */
  readonly word: string | undefined;

  /**
   * Creates the problem.
   *
   * @example Using `constructor`
   * ```ts
   * import { ValueProblem } from "./_config_lexer.ts";
   * new ValueProblem("unterminated string", 4, "syntax").pos; // 4
   * ```
   */
  constructor(
    message: string,
    pos: number,
    kind: "syntax" | "name" | "refused" = "refused",
    options?: ErrorOptions & { word?: string },
  ) {
    super(message, options);
    this.name = "ValueProblem";
    this.pos = pos;
    this.kind = kind;
    this.word = options?.word;
  }
}

/** One token of a value. `text` is the source text, `pos` its offset. */
export type Token =
  | { kind: "number"; value: number; text: string; pos: number }
  | { kind: "string"; value: string; text: string; pos: number }
  | { kind: "name"; value: string; text: string; pos: number }
  | { kind: "op"; value: string; text: string; pos: number }
  | { kind: "end"; value: ""; text: ""; pos: number };

const NAME = /[\p{L}_][\p{L}\p{N}_]*/uy;
const NUMBERISH =
  /(?:0[xXoObB][0-9a-zA-Z_]*|[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9_]*)?[\p{L}\p{N}_]*/uy;
const D = "[0-9](?:_?[0-9])*";
const DECIMAL = new RegExp(`^(?:${D}(?:\\.(?:${D})?)?|\\.${D})(?:[eE][-+]?${D})?$`);
const RADIX: Record<string, [RegExp, number]> = {
  x: [/^0[xX](?:_?[0-9a-fA-F])+$/, 16],
  o: [/^0[oO](?:_?[0-7])+$/, 8],
  b: [/^0[bB](?:_?[01])+$/, 2],
};
const STRING_PREFIXES = new Set(["r", "u", "b", "f", "br", "rb", "fr", "rf"]);
const OPERATORS = ["**", "//", "==", "!=", "<=", ">=", "->", ":=", "<<", ">>"];
const SIMPLE_ESCAPES: Record<string, string> = {
  "\\": "\\",
  "'": "'",
  '"': '"',
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\n": "",
};

function number(text: string, pos: number): number {
  const radix = RADIX[text[1]?.toLowerCase() ?? ""];
  if (text[0] === "0" && radix !== undefined) {
    if (radix[0].test(text)) return parseInt(text.slice(2).replaceAll("_", ""), radix[1]);
  } else if (DECIMAL.test(text)) {
    if (/^0+[1-9][0-9_]*$/.test(text.replaceAll("_", ""))) {
      throw new ValueProblem(
        `leading zeros are not allowed in ${text} (write ${text.replace(/^[0_]+/, "")}, or 0o${
          text.replace(/^[0_]+/, "")
        } for an octal number)`,
        pos,
      );
    }
    return Number(text.replaceAll("_", ""));
  }
  if (/^[0-9.][0-9_.]*(?:[eE][-+]?[0-9_]+)?[jJ]$/.test(text)) {
    throw new ValueProblem(`complex numbers such as ${text} are not supported`, pos);
  }
  throw new ValueProblem(`invalid number ${text}`, pos, "syntax");
}

function hexEscape(src: string, at: number, digits: number, pos: number): [string, number] {
  const hex = src.slice(at, at + digits);
  if (hex.length < digits || !/^[0-9a-fA-F]+$/.test(hex)) {
    throw new ValueProblem(`truncated \\${src[at - 1]} escape in a string`, pos, "syntax");
  }
  const code = parseInt(hex, 16);
  if (code > 0x10ffff) throw new ValueProblem(`illegal Unicode character \\U${hex}`, pos, "syntax");
  return [String.fromCodePoint(code), at + digits];
}

/** Reads the escape after the backslash at `src[i - 1]`; returns the text and the next offset. */
function escape(src: string, i: number, pos: number): [string, number] {
  const c = src[i] ?? "";
  const simple = SIMPLE_ESCAPES[c];
  if (simple !== undefined) return [simple, i + 1];
  if (c === "x") return hexEscape(src, i + 1, 2, pos);
  if (c === "U") return hexEscape(src, i + 1, 8, pos);
  if (c === "u" && src[i + 1] === "{") {
    const close = src.indexOf("}", i);
    const hex = close < 0 ? "" : src.slice(i + 2, close);
    if (!/^[0-9a-fA-F]{1,6}$/.test(hex) || parseInt(hex, 16) > 0x10ffff) {
      throw new ValueProblem("invalid \\u{...} escape in a string", pos, "syntax");
    }
    return [String.fromCodePoint(parseInt(hex, 16)), close + 1];
  }
  if (c === "u") return hexEscape(src, i + 1, 4, pos);
  if (c === "N") throw new ValueProblem("\\N{...} escapes are not supported", pos);
  const octal = /^[0-7]{1,3}/.exec(src.slice(i, i + 3));
  if (octal) return [String.fromCodePoint(parseInt(octal[0], 8)), i + octal[0].length];
  return ["\\" + c, i + 1]; // Python keeps unknown escapes as written
}

/** Reads the string literal whose opening quote is at `i`. */
function string(src: string, i: number, prefix: string, pos: number): [string, number] {
  const p = prefix.toLowerCase();
  if (p.includes("b")) {
    throw new ValueProblem("bytes literals (b'...') are not supported; use a string", pos);
  }
  if (p.includes("f")) throw new ValueProblem("f-strings are not supported", pos);
  const raw = p.includes("r");
  const quote = src[i] as string;
  const triple = src.startsWith(quote.repeat(3), i);
  let j = i + (triple ? 3 : 1);
  let out = "";
  for (;;) {
    if (j >= src.length || (!triple && src[j] === "\n")) {
      throw new ValueProblem("unterminated string", pos, "syntax");
    }
    if (triple ? src.startsWith(quote.repeat(3), j) : src[j] === quote) {
      return [out, j + (triple ? 3 : 1)];
    }
    if (src[j] === "\\") {
      if (j + 1 >= src.length) throw new ValueProblem("unterminated string", pos, "syntax");
      if (raw) {
        out += src.slice(j, j + 2);
        j += 2;
      } else {
        const [text, next] = escape(src, j + 1, pos);
        out += text;
        j = next;
      }
    } else {
      out += src[j];
      j++;
    }
  }
}

/**
 * Splits a value into tokens. Whitespace (newlines included), `\`-newline and `#` comments
 * separate tokens; adjacent string literals join into one, as in Python.
 *
 * @example Using `tokenize`
 * ```ts
 * import { tokenize } from "./_config_lexer.ts";
 * tokenize("[1, 'a']").map((t) => t.kind); // ["op", "number", "op", "string", "op", "end"]
 * ```
 */
export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/.test(c) || (c === "\\" && src[i + 1] === "\n")) {
      i += c === "\\" ? 2 : 1;
      continue;
    }
    if (c === "#") {
      const nl = src.indexOf("\n", i);
      i = nl < 0 ? src.length : nl;
      continue;
    }
    const pos = i;
    NAME.lastIndex = i;
    NUMBERISH.lastIndex = i;
    const name = /[0-9]/.test(c) ? null : NAME.exec(src);
    let prefix = "";
    if (
      name && STRING_PREFIXES.has(name[0].toLowerCase()) && /['"]/.test(src[NAME.lastIndex] ?? "")
    ) {
      prefix = name[0];
      i = NAME.lastIndex;
    } else if (name) {
      tokens.push({ kind: "name", value: name[0], text: name[0], pos });
      i = NAME.lastIndex;
      continue;
    }
    const quote = src[i] as string;
    if (quote === "'" || quote === '"') {
      const [value, end] = string(src, i, prefix, pos);
      const last = tokens.at(-1);
      if (last?.kind === "string") {
        last.value += value;
        last.text = src.slice(last.pos, end);
      } else {
        tokens.push({ kind: "string", value, text: src.slice(pos, end), pos });
      }
      i = end;
      continue;
    }
    const num = NUMBERISH.exec(src);
    if (num) {
      tokens.push({ kind: "number", value: number(num[0], pos), text: num[0], pos });
      i = NUMBERISH.lastIndex;
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i)) ?? c;
    tokens.push({ kind: "op", value: op, text: op, pos });
    i += op.length;
  }
  tokens.push({ kind: "end", value: "", text: "", pos: src.length });
  return tokens;
}
