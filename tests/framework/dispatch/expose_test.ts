/**
 * `expose` and the config decorators say what to change when used in a way they cannot honour:
 * legacy (experimentalDecorators) calls, aliases on a plain function, an object to expose.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpConfig, expose, isExposed, tools } from "../../../mod.ts";

const LEGACY =
  /called as a legacy decorator \(TypeScript's experimentalDecorators\)[\s\S]*Remove "experimentalDecorators" from tsconfig\.json/;

test("expose: legacy decorator calls (prototype, name, descriptor) are refused with the fix", () => {
  class Root {
    page() {
      return "x";
    }
  }
  const descriptor = Object.getOwnPropertyDescriptor(Root.prototype, "page");
  const legacy = expose as unknown as (...args: unknown[]) => unknown;
  assert.throws(() => legacy(Root.prototype, "page", descriptor), LEGACY);
  const aliased = expose(["other"]) as unknown as (...args: unknown[]) => unknown;
  assert.throws(() => aliased(Root.prototype, "page", descriptor), LEGACY);
  const config = cpConfig({ "response.stream": true }) as unknown as (...a: unknown[]) => unknown;
  assert.throws(() => config(Root.prototype, "page", descriptor), LEGACY);
  const tool = tools.encode({ encoding: "utf-8" }) as unknown as (...a: unknown[]) => unknown;
  assert.throws(() => tool(Root.prototype, "page", descriptor), LEGACY);
  assert.equal((Root.prototype as { exposed?: boolean }).exposed, undefined, "nothing marked");
});

test("expose: aliases on a plain function and objects to expose are refused with what to do", () => {
  const page = () => "x";
  assert.throws(
    () => expose(["generer", "generar"])(page),
    /can only alias a class method[\s\S]*\{ page: f, other: f \}/,
  );
  assert.equal(isExposed(page), false);
  assert.throws(
    () => (expose as unknown as (x: unknown) => unknown)(new (class Thing {})()),
    /expose takes a function or class to expose, or aliases[\s\S]*an object \(Thing\)/,
  );
  // What works stays as it was.
  assert.equal(isExposed(expose(page)), true);
  assert.equal(isExposed(expose()(() => "y")), true);
  class Root {
    @expose({ alias: "other" })
    page() {
      return "x";
    }
  }
  assert.equal(isExposed(new Root().page), true);
  assert.equal((new Root() as unknown as Record<string, unknown>)["other"], Root.prototype.page);
});
