/**
 * The grammar of config values: CherryPy's `unrepr` subset of Python expressions (literals,
 * lists, tuples, dicts, unary `-`, `+`, `*`, subscripts, names and calls), plus
 * JavaScript's `true`/`false`/`null` and `{key: value}` objects. Parsing builds a tree;
 * nothing is evaluated here.
 *
 * @module
 */

import { type Token, tokenize, ValueProblem } from "./_config_lexer.ts";

/** What a value must look like, for messages. */
export const EXPECTED =
  'expected a literal (number, "string", True/False/None, [list], {dict}) or a registered ' +
  "name such as cherrypy.dispatch.MethodDispatcher()";

/** One argument of a call: `x`, `*xs`, `name=x` or `**dict`. */
export interface Argument {
  /** The argument's form. */
  form: "positional" | "spread" | "keyword" | "keywords";
  /** The keyword, for the `keyword` form. */
  keyword: string;
  /** The argument's expression. */
  value: Expr;
}

/** A parsed value expression; `pos` is its offset in the value text. */
export type Expr =
  | { type: "literal"; value: unknown; pos: number }
  | { type: "name"; name: string; pos: number }
  | { type: "list"; items: Expr[]; pos: number }
  | { type: "dict"; entries: Array<[Expr, Expr]>; pos: number }
  | { type: "negate"; operand: Expr; pos: number }
  | { type: "add" | "multiply"; left: Expr; right: Expr; pos: number }
  | { type: "call"; callee: Expr; args: Argument[]; pos: number; text: string }
  | { type: "index"; target: Expr; index: Expr; pos: number };

const LITERAL_NAMES: Record<string, unknown> = {
  True: true,
  False: false,
  None: null,
  true: true,
  false: false,
  null: null,
};
const UNSUPPORTED = new Set([
  "-",
  "/",
  "//",
  "%",
  "**",
  "@",
  "<",
  ">",
  "==",
  "!=",
  "<=",
  ">=",
  "&",
  "|",
  "^",
  "<<",
  ">>",
  "and",
  "or",
  "if",
  "else",
  "in",
  "is",
  "not",
  "for",
  "lambda",
]);

class Parser {
  readonly #tokens: Token[];
  readonly #src: string;
  #i = 0;

  constructor(src: string) {
    this.#src = src;
    this.#tokens = tokenize(src);
  }

  #peek(): Token {
    return this.#tokens[this.#i] as Token;
  }

  #next(): Token {
    const token = this.#peek();
    if (token.kind !== "end") this.#i++;
    return token;
  }

  #isOp(value: string, offset = 0): boolean {
    const token = this.#tokens[this.#i + offset];
    return token?.kind === "op" && token.value === value;
  }

  #eat(value: string): boolean {
    if (!this.#isOp(value)) return false;
    this.#i++;
    return true;
  }

  #fail(expected: string): never {
    const token = this.#peek();
    const found = token.kind === "end" ? "the end of the value" : `'${token.text}'`;
    if (UNSUPPORTED.has(token.text) && token.kind !== "string" && this.#i > 0) {
      throw new ValueProblem(
        `${found} is not supported: config values combine values only with + and *`,
        token.pos,
      );
    }
    throw new ValueProblem(`${expected}, found ${found}`, token.pos, "syntax");
  }

  #expect(value: string, expected: string): void {
    if (!this.#eat(value)) this.#fail(expected);
  }

  /** The whole value: one expression, or a bare tuple `a, b`. */
  parse(): Expr {
    if (this.#peek().kind === "end") this.#fail(EXPECTED);
    const first = this.#expr();
    let result = first;
    if (this.#isOp(",")) {
      const items = [first];
      while (this.#eat(",") && this.#peek().kind !== "end") items.push(this.#expr());
      result = { type: "list", items, pos: first.pos };
    }
    if (this.#peek().kind !== "end") this.#fail("expected the end of the value");
    return result;
  }

  #expr(): Expr {
    let left = this.#product();
    while (this.#isOp("+")) {
      const pos = this.#next().pos;
      left = { type: "add", left, right: this.#product(), pos };
    }
    return left;
  }

  #product(): Expr {
    let left = this.#unary();
    while (this.#isOp("*")) {
      const pos = this.#next().pos;
      left = { type: "multiply", left, right: this.#unary(), pos };
    }
    return left;
  }

  #unary(): Expr {
    if (this.#isOp("-")) {
      const token = this.#next();
      return { type: "negate", operand: this.#unary(), pos: token.pos };
    }
    if (this.#isOp("+")) {
      throw new ValueProblem("unary + is not supported (write the number alone)", this.#peek().pos);
    }
    return this.#postfix();
  }

  #postfix(): Expr {
    let node = this.#primary();
    for (;;) {
      if (this.#isOp("(")) {
        const pos = this.#next().pos;
        const args = this.#arguments();
        const text = this.#src.slice(node.pos, (this.#tokens[this.#i - 1] as Token).pos + 1);
        node = { type: "call", callee: node, args, pos, text };
      } else if (this.#isOp("[")) {
        const pos = this.#next().pos;
        const index = this.#expr();
        this.#expect("]", "expected ']' after a subscript");
        node = { type: "index", target: node, index, pos };
      } else if (this.#isOp(".")) {
        throw new ValueProblem(
          "attribute access is only supported within a registered name (a.b.c)",
          this.#peek().pos,
        );
      } else {
        return node;
      }
    }
  }

  #primary(): Expr {
    const token = this.#peek();
    if (token.kind === "number" || token.kind === "string") {
      this.#next();
      return { type: "literal", value: token.value, pos: token.pos };
    }
    if (token.kind === "name") return this.#name();
    if (this.#eat("[")) return { type: "list", items: this.#items("]"), pos: token.pos };
    if (this.#eat("(")) {
      if (this.#eat(")")) return { type: "list", items: [], pos: token.pos };
      const first = this.#expr();
      if (this.#eat(")")) return first;
      this.#expect(",", "expected ',' or ')' in a tuple");
      return { type: "list", items: [first, ...this.#items(")")], pos: token.pos };
    }
    if (this.#eat("{")) return this.#dict(token.pos);
    return this.#fail(EXPECTED);
  }

  #name(): Expr {
    const first = this.#next();
    let name = first.value as string;
    while (this.#isOp(".")) {
      this.#next();
      const part = this.#peek();
      if (part.kind !== "name") this.#fail(`expected a name after '${name}.'`);
      name += "." + this.#next().value;
    }
    if (Object.hasOwn(LITERAL_NAMES, name)) {
      return { type: "literal", value: LITERAL_NAMES[name], pos: first.pos };
    }
    if (UNSUPPORTED.has(name)) {
      throw new ValueProblem(`'${name}' is not supported in config values`, first.pos);
    }
    return { type: "name", name, pos: first.pos };
  }

  /** Items up to `close` (the opening bracket is already read); a trailing comma is fine. */
  #items(close: string): Expr[] {
    const items: Expr[] = [];
    while (!this.#eat(close)) {
      if (this.#isOp("*")) {
        throw new ValueProblem(
          "unpacking (*x) is only supported in call arguments",
          this.#peek().pos,
        );
      }
      items.push(this.#expr());
      if (!this.#eat(",")) {
        this.#expect(close, `expected ',' or '${close}' after an item`);
        break;
      }
    }
    return items;
  }

  #dict(pos: number): Expr {
    const entries: Array<[Expr, Expr]> = [];
    while (!this.#eat("}")) {
      if (this.#isOp("**")) {
        throw new ValueProblem(
          "unpacking (**x) is only supported in call arguments",
          this.#peek().pos,
        );
      }
      let key: Expr;
      const token = this.#peek();
      if (token.kind === "name" && this.#isOp(":", 1)) {
        this.#next(); // a bare word before ':' is a string key, as in JavaScript
        key = { type: "literal", value: token.value, pos: token.pos };
      } else {
        key = this.#expr();
      }
      if (!this.#eat(":")) {
        if (this.#isOp(",") || this.#isOp("}")) {
          throw new ValueProblem("sets ({a, b}) are not supported; use a list [a, b]", pos);
        }
        this.#fail("expected ':' after a dict key");
      }
      entries.push([key, this.#expr()]);
      if (!this.#eat(",")) {
        this.#expect("}", "expected ',' or '}' after a dict entry");
        break;
      }
    }
    return { type: "dict", entries, pos };
  }

  #arguments(): Argument[] {
    const args: Argument[] = [];
    const keywords = new Set<string>();
    let afterKeyword = false;
    let afterKeywords = false;
    while (!this.#eat(")")) {
      const pos = this.#peek().pos;
      let arg: Argument;
      if (this.#eat("**")) {
        arg = { form: "keywords", keyword: "", value: this.#expr() };
        afterKeywords = true;
      } else if (this.#eat("*")) {
        if (afterKeywords) {
          throw new ValueProblem("*args cannot follow **kwargs", pos, "syntax");
        }
        arg = { form: "spread", keyword: "", value: this.#expr() };
      } else if (this.#peek().kind === "name" && this.#isOp("=", 1)) {
        const keyword = this.#next().value as string;
        this.#next();
        if (keywords.has(keyword)) {
          throw new ValueProblem(`keyword argument '${keyword}' repeated`, pos, "syntax");
        }
        keywords.add(keyword);
        arg = { form: "keyword", keyword, value: this.#expr() };
        afterKeyword = true;
      } else {
        if (afterKeyword || afterKeywords) {
          throw new ValueProblem(
            "a positional argument cannot follow keyword arguments",
            pos,
            "syntax",
          );
        }
        arg = { form: "positional", keyword: "", value: this.#expr() };
      }
      args.push(arg);
      if (!this.#eat(",")) {
        this.#expect(")", "expected ',' or ')' after an argument");
        break;
      }
    }
    return args;
  }
}

/**
 * Parses a config value into an expression tree; throws {@link ValueProblem} when it is not
 * one.
 *
 * @example Using `parseValue`
 * ```ts
 * import { parseValue } from "./_config_syntax.ts";
 * parseValue("60 * 60").type; // "multiply"
 * ```
 */
export function parseValue(src: string): Expr {
  return new Parser(src).parse();
}
