import { test } from "node:test";
import assert from "node:assert/strict";
import { HTTPError } from "../../../mod.ts";
import { bindArguments, parseSignature, signatureOf } from "../../../framework/dispatch/mod.ts";

const ctx = { bodyParams: new Set<string>(), showMismatchedParams: true };

test("signature: simple, default, rest and keyword-pattern parameters", () => {
  const sig = parseSignature("page(a, b = 1, { c, d = 'x,y', ...kw } = {}, ...rest) { return 1; }");
  assert.equal(sig.opaque, false);
  assert.equal(sig.varargs, true);
  assert.deepEqual(sig.slots, [
    { kind: "positional", param: { name: "a", optional: false } },
    { kind: "positional", param: { name: "b", optional: true } },
    {
      kind: "keywords",
      keys: [{ name: "c", optional: false }, { name: "d", optional: true }],
      varkw: true,
    },
  ]);
});

test("signature: tricky defaults, comments, arrows, async and generator forms", () => {
  const forms: Array<[string, string[]]> = [
    ["async fetchIt(x = f(1, [2, 3]), y = `a${(1, 2)}b`, /* c, */ z) {}", ["x", "y", "z"]],
    ['function named(a /* = 1 */, b = "()") {}', ["a", "b"]],
    ["(p, q = {a: 1, b: [1, 2]}) => p", ["p", "q"]],
    ["single => single", ["single"]],
    ["async single => single", ["single"]],
    ["*gen(a, b) {}", ["a", "b"]],
    ["['computed-name'](a) {}", ["a"]],
    ["index() { return 'x'; }", []],
  ];
  for (const [src, names] of forms) {
    const sig = parseSignature(src);
    assert.deepEqual(
      sig.slots.map((s) => s.kind === "positional" ? s.param.name : "{}"),
      names,
      src,
    );
  }
});

test("signature: native and bound functions are opaque; results are cached", () => {
  assert.equal(signatureOf(Math.max).opaque, true);
  const bound = function (a: unknown) {
    return a;
  }.bind(null);
  assert.equal(signatureOf(bound).opaque, true);
  function f(a = 1) {
    return a;
  }
  assert.equal(signatureOf(f), signatureOf(f));
});

test("signature: a real class method keeps its parameter names at run time", () => {
  class Root {
    generate(length: string | number = 8, { flavour = "plain" }: { flavour?: string } = {}) {
      return `${length}${flavour}`;
    }
  }
  const sig = signatureOf(Root.prototype.generate);
  assert.equal(sig.slots[0]!.kind, "positional");
  assert.deepEqual(sig.slots[1], {
    kind: "keywords",
    keys: [{ name: "flavour", optional: true }],
    varkw: false,
  });
});

function status(fn: () => unknown): [number, string] | "ok" {
  try {
    fn();
    return "ok";
  } catch (e) {
    assert.ok(e instanceof HTTPError);
    return [e.code, e.errorMessage];
  }
}

test("arguments: query params bind by name; vpath binds by position", () => {
  const sig = parseSignature("page(a, b = 2) {}");
  assert.deepEqual(bindArguments(sig, [], { a: "1" }, ctx), ["1", undefined]);
  assert.deepEqual(bindArguments(sig, ["x", "y"], {}, ctx), ["x", "y"]);
  assert.deepEqual(bindArguments(sig, ["x"], { b: "3" }, ctx), ["x", "3"]);
});

test("arguments: missing, extra and duplicate parameters give CherryPy's 404/400", () => {
  const sig = parseSignature("page(a, b = 2) {}");
  assert.deepEqual(status(() => bindArguments(sig, [], {}, ctx)), [404, "Missing parameters: a"]);
  assert.deepEqual(status(() => bindArguments(sig, ["1", "2", "3"], {}, ctx)), [
    404,
    "Nothing matches the given URI",
  ]);
  assert.deepEqual(status(() => bindArguments(sig, ["1"], { a: "2" }, ctx)), [
    404,
    "Multiple values for parameters: a",
  ]);
  assert.deepEqual(
    status(() => bindArguments(sig, ["1"], { a: "2" }, { ...ctx, bodyParams: new Set(["a"]) })),
    [
      400,
      "Multiple values for parameters: a",
    ],
  );
  assert.deepEqual(status(() => bindArguments(sig, ["1"], { x: "1", y: "2" }, ctx)), [
    404,
    "Unexpected query string parameters: x, y",
  ]);
  assert.deepEqual(
    status(() => bindArguments(sig, ["1"], { x: "1" }, { ...ctx, bodyParams: new Set(["x"]) })),
    [400, "Unexpected body parameters: x"],
  );
  assert.deepEqual(
    status(() => bindArguments(sig, [], {}, { ...ctx, showMismatchedParams: false })),
    [404, "Nothing matches the given URI"],
  );
});

test("arguments: *args and **kwargs equivalents accept the extras", () => {
  const sig = parseSignature("page({ ...kw }, ...args) {}");
  assert.deepEqual(bindArguments(sig, ["a", "b"], { x: "1" }, ctx), [{ x: "1" }, "a", "b"]);
  const kwOnly = parseSignature("page(a, { flag = false, name }) {}");
  assert.deepEqual(bindArguments(kwOnly, ["1"], { name: "n" }, ctx), ["1", { name: "n" }]);
  assert.deepEqual(status(() => bindArguments(kwOnly, ["1"], {}, ctx)), [
    404,
    "Missing parameters: name",
  ]);
  const opaque = signatureOf(Math.max);
  assert.deepEqual(bindArguments(opaque, ["v"], { q: "1" }, ctx), ["v", { q: "1" }]);
});
