/**
 * Route patterns for the `RoutesDispatcher`: `/library/:id/book/{book}` compiled to a regular
 * expression that matches a whole path and captures its variables.
 *
 * | in a route           | matches                                                         |
 * | -------------------- | --------------------------------------------------------------- |
 * | `/library/`          | itself, case-sensitively                                        |
 * | `:name` or `{name}`  | one or more characters other than `/` (as few as the rest allows) |
 * | `{name:regex}`       | `regex` (a JavaScript regular expression, braces allowed)       |
 * | `*name`              | one or more characters, `/` included (the rest of a path)       |
 *
 * A variable name is letters, digits and `_` (not `__proto__`). A `requirements` entry replaces the expression
 * of the variable it names. A route without a leading `/` gets one. A trailing `/` is part of
 * the route: `/a/:id` does not match `/a/1/`.
 *
 * @module
 */

/** A compiled route. */
export interface RoutePattern {
  /** The route as written. */
  readonly source: string;
  /** The expression that matches a whole path. */
  readonly regex: RegExp;
  /** The variable names, in order. */
  readonly names: readonly string[];
  /** The route's literal text and variables, in order (what {@link buildRoute} fills in). */
  readonly parts: readonly (string | RouteVariable)[];
}

/** A variable of a compiled route. */
export interface RouteVariable {
  /** Its name. */
  readonly name: string;
  /** `true` for `*name`, whose value may hold `/`. */
  readonly rest: boolean;
  /** Matches a whole value the variable accepts. */
  readonly accepts: RegExp;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const SEGMENT = "[^/]+?";
const REST = ".+";

function escapeLiteral(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

function routeError(route: string, message: string): SyntaxError {
  return new SyntaxError(`Bad route ${JSON.stringify(route)}: ${message}`);
}

function checkExpression(route: string, name: string, expression: string): void {
  try {
    new RegExp(expression);
  } catch (e) {
    throw routeError(
      route,
      `the expression for ${JSON.stringify(name)} is not a valid regular expression ` +
        `(${(e as Error).message}).`,
    );
  }
}

/**
 * Compiles `route` (see the module doc for the syntax); `requirements` gives variables their
 * own expressions. Throws a `SyntaxError` naming the route when it cannot be compiled.
 *
 * @example Using `compileRoute`
 * ```ts
 * import { compileRoute, matchRoute } from "./mod.ts";
 * const route = compileRoute("/library/:id/book/{book:\\d+}");
 * matchRoute(route, "/library/12/book/15"); // { id: "12", book: "15" }
 * matchRoute(route, "/library/12/book/x"); // null
 * ```
 */
export function compileRoute(
  route: string,
  requirements: Readonly<Record<string, string | RegExp>> = {},
): RoutePattern {
  const path = route.startsWith("/") ? route : "/" + route;
  const names: string[] = [];
  const parts: (string | RouteVariable)[] = [];
  let regex = "^";
  let literal = "";
  const addVariable = (name: string, expression: string) => {
    if (names.includes(name)) {
      throw routeError(route, `the variable ${JSON.stringify(name)} appears twice.`);
    }
    if (name === "__proto__") throw routeError(route, "a variable may not be named __proto__.");
    const required = requirements[name];
    const chosen = required === undefined
      ? expression
      : typeof required === "string"
      ? required
      : required.source;
    checkExpression(route, name, chosen);
    regex += escapeLiteral(literal) + `(?<__v${names.length}>${chosen})`;
    if (literal !== "") parts.push(literal);
    parts.push({ name, rest: expression === REST, accepts: new RegExp(`^(?:${chosen})$`) });
    literal = "";
    names.push(name);
  };
  let i = 0;
  while (i < path.length) {
    const c = path[i]!;
    if (c === ":" || c === "*") {
      const name = NAME.exec(path.slice(i + 1))?.[0];
      if (name === undefined) {
        throw routeError(route, `'${c}' at offset ${i} must be followed by a variable name.`);
      }
      addVariable(name, c === ":" ? SEGMENT : REST);
      i += 1 + name.length;
    } else if (c === "{") {
      let depth = 1;
      let j = i + 1;
      for (; j < path.length && depth > 0; j++) {
        if (path[j] === "\\") j++;
        else if (path[j] === "{") depth++;
        else if (path[j] === "}") depth--;
      }
      if (depth > 0) throw routeError(route, `the '{' at offset ${i} is never closed.`);
      const body = path.slice(i + 1, j - 1);
      const colon = body.indexOf(":");
      const name = colon < 0 ? body : body.slice(0, colon);
      if (NAME.exec(name)?.[0] !== name) {
        throw routeError(route, `${JSON.stringify(name)} is not a variable name.`);
      }
      addVariable(name, colon < 0 ? SEGMENT : body.slice(colon + 1));
      i = j;
    } else {
      literal += c;
      i++;
    }
  }
  for (const name of Object.keys(requirements)) {
    if (!names.includes(name)) {
      throw routeError(route, `the requirement ${JSON.stringify(name)} names no variable.`);
    }
  }
  regex += escapeLiteral(literal) + "$";
  if (literal !== "") parts.push(literal);
  return { source: route, regex: new RegExp(regex), names, parts };
}

/**
 * The path `route` matches with `vars` as its variables (each value percent-encoded; a
 * `*name` value keeps its `/`). Throws a `TypeError` naming the variable when one is missing
 * or has a value its expression does not accept.
 *
 * @example Using `buildRoute`
 * ```ts
 * import { buildRoute, compileRoute } from "./mod.ts";
 * const route = compileRoute("/library/:id/book/{book:\\d+}");
 * buildRoute(route, { id: "a b", book: 15 }); // "/library/a%20b/book/15"
 * ```
 */
export function buildRoute(route: RoutePattern, vars: Readonly<Record<string, unknown>>): string {
  let path = "";
  for (const part of route.parts) {
    if (typeof part === "string") {
      path += part;
      continue;
    }
    const raw = vars[part.name];
    if (raw === undefined || raw === null) {
      throw new TypeError(
        `Cannot build route ${JSON.stringify(route.source)}: no value for ${
          JSON.stringify(part.name)
        }.`,
      );
    }
    const value = String(raw);
    if (!part.accepts.test(value) || (!part.rest && value.includes("/"))) {
      throw new TypeError(
        `Cannot build route ${JSON.stringify(route.source)}: ${JSON.stringify(value)} is not ` +
          `a value ${JSON.stringify(part.name)} accepts.`,
      );
    }
    path += part.rest
      ? value.split("/").map(encodeURIComponent).join("/")
      : encodeURIComponent(value);
  }
  return path.startsWith("/") ? path : "/" + path;
}

/**
 * The variables of `path` when it matches `route` entirely, else `null`.
 *
 * @example Using `matchRoute`
 * ```ts
 * import { compileRoute, matchRoute } from "./mod.ts";
 * matchRoute(compileRoute("/files/*path"), "/files/a/b.txt"); // { path: "a/b.txt" }
 * ```
 */
export function matchRoute(route: RoutePattern, path: string): Record<string, string> | null {
  const m = route.regex.exec(path);
  if (m === null) return null;
  const vars: Record<string, string> = {};
  route.names.forEach((name, i) => {
    vars[name] = m.groups?.[`__v${i}`] ?? "";
  });
  return vars;
}
