import { test } from "node:test";
import assert from "node:assert/strict";
import "../../../mod.ts"; // the whole framework: the dispatchers register cherrypy.dispatch
import { ConfigRegistry } from "../../../framework/config/config_registry.ts";
import { ConfigFileError, parseConfig } from "../../../framework/config/mod.ts";
import { failure } from "./_failure.ts";

/** The value of `k` in `[s]` for a one-line value. */
function value(text: string, registry?: ConfigRegistry): unknown {
  return parseConfig(`[s]\nk = ${text}\n`, "v.conf", registry)["s"]?.["k"];
}

test("numbers in Python and JavaScript forms", () => {
  const cases: Array<[string, number]> = [
    ["0", 0],
    ["42", 42],
    ["-7", -7],
    ["--7", 7],
    ["1.5", 1.5],
    [".5", 0.5],
    ["5.", 5],
    ["1e3", 1000],
    ["1E-3", 0.001],
    ["-1.5e3", -1500],
    ["1_000_000", 1000000],
    ["0x1F", 31],
    ["0o17", 15],
    ["0b101", 5],
    ["00", 0],
    ["007.5", 7.5],
  ];
  for (const [text, expected] of cases) assert.equal(value(text), expected, text);
});

test("strings: both quotes, triple quotes, prefixes, escapes, adjacent literals", () => {
  const cases: Array<[string, string]> = [
    ['"postgres"', "postgres"],
    ["'postgres'", "postgres"],
    ['"it\'s"', "it's"],
    ["'say \"hi\"'", 'say "hi"'],
    ['"a\\tb\\nc"', "a\tb\nc"],
    ['"\\x41\\101\\u00e9\\U0001F600"', "AAé😀"],
    ['"\\u{1F600}"', "😀"],
    ['"\\ud83d\\ude00"', "😀"],
    ['"\\d+"', "\\d+"],
    ["r'\\n\\d'", "\\n\\d"],
    ['u"x"', "x"],
    ['"""tri"ple"""', 'tri"ple'],
    ["'''one'''", "one"],
    ['"a" "b" \'c\'', "abc"],
    ['"#not a comment"', "#not a comment"],
    ['"%%"', "%"],
    ['""', ""],
  ];
  for (const [text, expected] of cases) assert.equal(value(text), expected, text);
});

test("True/False/None, true/false/null, and an empty value", () => {
  assert.equal(value("True"), true);
  assert.equal(value("False"), false);
  assert.equal(value("None"), null);
  assert.equal(value("true"), true);
  assert.equal(value("false"), false);
  assert.equal(value("null"), null);
  assert.equal(parseConfig("[s]\nk =\nj:\n")["s"]?.["k"], "");
  assert.equal(parseConfig("[s]\nk =\nj:\n")["s"]?.["j"], "");
});

test("lists, tuples, dicts and JSON objects", () => {
  assert.deepEqual(value("[1, 'a', [True, None]]"), [1, "a", [true, null]]);
  assert.deepEqual(value("[1, 2,]"), [1, 2]);
  assert.deepEqual(value("[]"), []);
  assert.deepEqual(value("(1, 2)"), [1, 2]);
  assert.deepEqual(value("(1,)"), [1]);
  assert.deepEqual(value("()"), []);
  assert.equal(value("(1)"), 1);
  assert.deepEqual(value("'GET', 'HEAD'"), ["GET", "HEAD"]);
  assert.deepEqual(value("'GET',"), ["GET"]);
  assert.deepEqual(value("{'a': 1, \"b\": [2]}"), { a: 1, b: [2] });
  assert.deepEqual(value('{"a": {"b": null, "c": true}}'), { a: { b: null, c: true } });
  assert.deepEqual(value("{a: 1, b_2: 'x'}"), { a: 1, b_2: "x" });
  assert.deepEqual(value("{1: 'one', 2.5: 'x'}"), { "1": "one", "2.5": "x" });
  assert.deepEqual(value("{}"), {});
  const proto = value('{"__proto__": 1}') as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(proto), Object.prototype);
  assert.deepEqual(Object.keys(proto), ["__proto__"]);
});

test("unary minus, + and * follow Python's rules", () => {
  assert.equal(value("60 * 60 * 24"), 86400);
  assert.equal(value("1 + 2 * 3"), 7);
  assert.equal(value("(1 + 2) * 3"), 9);
  assert.equal(value("-2 * 3"), -6);
  assert.equal(value("-(1 + 2)"), -3);
  assert.equal(value("True + 1"), 2);
  assert.equal(value("'ab' * 3"), "ababab");
  assert.equal(value("3 * 'ab'"), "ababab");
  assert.equal(value("'ab' * -1"), "");
  assert.equal(value("'/home' + '/site'"), "/home/site");
  assert.deepEqual(value("[1] + [2]"), [1, 2]);
  assert.deepEqual(value("(1, 2) + (3,)"), [1, 2, 3]);
  assert.deepEqual(value("[0] * 3"), [0, 0, 0]);
  assert.deepEqual(value("[[1]] * 2"), [[1], [1]]);
  assert.equal(value("[10, 20, 30][-1]"), 30);
  assert.equal(value("{'a': 5}['a']"), 5);
  assert.equal(value("'abc'[1]"), "b");
  assert.equal(value("8080  # the port"), 8080);
});

test("Python builtins int, float, str, bool, list, tuple, dict", () => {
  assert.equal(value("int('42')"), 42);
  assert.equal(value("int(' -42 ')"), -42);
  assert.equal(value("int('ff', 16)"), 255);
  assert.equal(value("int('0x1f', base=16)"), 31);
  assert.equal(value("int(3.9)"), 3);
  assert.equal(value("float('1.5')"), 1.5);
  assert.equal(value("float('inf')"), Infinity);
  assert.equal(value("float('-inf')"), -Infinity);
  assert.equal(value("str(5) + 'px'"), "5px");
  assert.equal(value("str(None)"), "None");
  assert.equal(value("bool(0)"), false);
  assert.equal(value("bool([])"), false);
  assert.equal(value("bool('x')"), true);
  assert.deepEqual(value("list('ab')"), ["a", "b"]);
  assert.deepEqual(value("tuple([1, 2])"), [1, 2]);
  assert.deepEqual(value("dict(a=1, b=[2])"), { a: 1, b: [2] });
  assert.deepEqual(value("dict([['a', 1]], b=2)"), { a: 1, b: 2 });
  assert.match(
    failure("[s]\nk = int('12abc')\n").message,
    /int\('12abc'\) failed: invalid literal/,
  );
});

test("names and calls resolve through the registry, never eval", () => {
  class Point {
    readonly x: number;
    readonly y: number;
    readonly opts?: Record<string, unknown> | undefined;
    constructor(x: number, y: number, opts?: Record<string, unknown>) {
      this.x = x;
      this.y = y;
      this.opts = opts;
    }
  }
  const calls: unknown[][] = [];
  const registry = new ConfigRegistry();
  registry.register("geo.Point", Point);
  registry.register("geo.make", (...args: unknown[]) => {
    calls.push(args);
    return "made";
  });
  registry.register("geo.ORIGIN", { x: 0, y: 0, nested: { deep: "yes" } });
  registry.register("geo.shapes", { Point, sides: [3, 4] });
  const p = value("geo.Point(1, -2)", registry) as Point;
  assert.ok(p instanceof Point);
  assert.deepEqual([p.x, p.y, p.opts], [1, -2, undefined]);
  const q = value("geo.Point(*[3, 4], color='red', **{'size': 2, 'color': 'blue'})", registry);
  assert.deepEqual((q as Point).opts, { color: "red", size: 2 });
  assert.equal(value("geo.make('a', flag=True)", registry), "made");
  assert.deepEqual(calls, [["a", { flag: true }]]);
  assert.equal(value("geo.ORIGIN.nested.deep", registry), "yes");
  assert.ok(value("geo.shapes.Point(0, 0)", registry) instanceof Point);
  assert.equal(value("geo.shapes.sides[1]", registry), 4);
  assert.ok(registry.has("geo.shapes.Point"));
  assert.ok(!registry.has("geo.shapes.constructor"));
  assert.ok(!registry.has("geo.ORIGIN.toString"));
  assert.ok(!registry.has("geo.shapes.__proto__"));
  assert.ok(!registry.has("geo.Point.prototype"));
  assert.throws(() => registry.resolve("geo.missing"), /Unknown config name "geo.missing"/);
  assert.throws(() => registry.register("not a name", 1), /identifiers joined by dots/);
  assert.throws(() => registry.register("True", 1), /literal/);
  assert.deepEqual(registry.names(), ["geo.ORIGIN", "geo.Point", "geo.make", "geo.shapes"]);
  registry.register("geo.make", 5);
  assert.equal(registry.resolve("geo.make"), 5);
  // Nothing outside the registry is reachable.
  for (const text of ["globalThis", "process.exit(1)", "Deno.exit(1)", "eval('1')"]) {
    assert.throws(() => value(text, registry), ConfigFileError, text);
  }
});

test("value errors name the file, line, section and key, and say what was expected", () => {
  const e = failure("[global]\nx = 1\n\n[/static]\ntools.staticdir.root: foo bar\n");
  assert.ok(e instanceof Error);
  assert.equal(e.name, "ConfigFileError");
  assert.deepEqual([e.file, e.line, e.section, e.key], [
    "site.conf",
    5,
    "/static",
    "tools.staticdir.root",
  ]);
  assert.equal(
    e.message,
    "site.conf:5: [/static] tools.staticdir.root: cannot read value 'foo bar': expected a " +
      'literal (number, "string", True/False/None, [list], {dict}) or a registered name such ' +
      'as cherrypy.dispatch.MethodDispatcher(); to give a string, quote it: "foo bar"',
  );
  assert.ok(e.reason.startsWith("cannot read value 'foo bar'"));
  const cases: Array<[string, RegExp]> = [
    [
      "production",
      /'production' is not a registered name; to give a string, quote it: "production"/,
    ],
    ["/home/site", /expected a literal .*; to give a string, quote it: "\/home\/site"/],
    ["[a, 'b']", /'a' is not a registered name \(to give a string, quote it: "a"\)/],
    ["cherrypy.dispatch.NoSuchDispatcher()", /has no member 'NoSuchDispatcher'/],
    ["myapp.Thing()", /nothing is registered under 'myapp'.*configRegistry\.register/],
    ["cherrypy.dispatch.Dispatcher.nope", /'cherrypy\.dispatch\.Dispatcher' has no member 'nope'/],
    ["[1, 2", /expected ',' or '\]' after an item, found the end of the value/],
    ["{'a' 1}", /expected ':' after a dict key, found '1'/],
    ["{1, 2}", /sets \(\{a, b\}\) are not supported/],
    ['"abc', /unterminated string/],
    ["'a\\xZZ'", /truncated \\x escape/],
    ["b'x'", /bytes literals/],
    ["f'x'", /f-strings are not supported/],
    ["1j", /complex numbers/],
    ["007", /leading zeros are not allowed in 007 \(write 7, or 0o7/],
    ["5px", /expected a literal/],
    ["60 - 1", /'-' is not supported: config values combine values only with \+ and \*/],
    ["1 / 2", /'\/' is not supported/],
    ["2 ** 8", /'\*\*' is not supported/],
    ["not True", /'not' is not supported/],
    ["'a' + 1", /cannot add a string and a number/],
    ["[1] * 'x'", /cannot multiply a list by a string/],
    ["-'a'", /unary - needs a number/],
    ["+5", /unary \+ is not supported/],
    ["[1][5]", /index 5 is out of range/],
    ["{'a': 1}['b']", /no key "b" in the dict/],
    ["'abc'.upper()", /attribute access is only supported within a registered name/],
    ["{[1]: 2}", /dict keys must be strings or numbers, not a list/],
    ["5()", /a number is not callable/],
    ["int(a=1, 2)", /a positional argument cannot follow keyword arguments/],
    ["dict(a=1, a=2)", /keyword argument 'a' repeated/],
    ["int(**[1])", /\*\*kwargs needs a dict, not a list/],
    ["'x' * 100000000", /too large/],
    ["# only a comment", /expected a literal .*; to give a string, quote it: "# only a comment"/],
    ["[# only a comment", /expected a literal .*, found the end of the value/],
  ];
  assert.doesNotMatch(failure("[/]\nk = 60 - 1\n").message, /quote it/);
  for (const [text, pattern] of cases) {
    const err = failure(`[/]\nk = ${text}\n`);
    assert.match(err.message, /^site\.conf:2: \[\/\] k: cannot read value /, text);
    assert.match(err.message, pattern, text);
    assert.deepEqual([err.line, err.section, err.key], [2, "/", "k"], text);
  }
});

test("an error inside a multi-line value points at its line", () => {
  const e = failure("[/]\nk = {\n   'a': 1,\n   'b': nope,\n }\n");
  assert.deepEqual([e.line, e.key], [4, "k"]);
  assert.match(e.message, /^site\.conf:4: \[\/\] k: cannot read value "\{\\n'a': 1,/);
});

test("a failing constructor is reported with its call and cause", () => {
  const registry = new ConfigRegistry([[
    "boom.Thing",
    class {
      constructor() {
        throw new RangeError("no thing");
      }
    },
  ]]);
  const e = failure("[/]\nk = boom.Thing()\n", registry);
  assert.match(e.message, /boom\.Thing\(\) failed: no thing/);
  assert.ok(e.cause instanceof RangeError);
});
