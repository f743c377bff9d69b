/** The `params` tool: converters from config and decorators, Python's conversions, errors. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as cherrypy from "../../../mod.ts";
import { parseConfig } from "../../../framework/config/mod.ts";
import { privateSite as site } from "../../_helpers.ts";

const { expose } = cherrypy;
const { annotate, float, int, str, ValueError } = cherrypy.lib.cptools;

test("int, float, str: Python's builtins, with Python's messages", () => {
  assert.equal(int(" -42 "), -42);
  assert.equal(int("1_000"), 1000);
  assert.equal(int(3.9), 3);
  assert.throws(() => int(""), {
    name: "ValueError",
    message: "invalid literal for int() with base 10: ''",
  });
  assert.throws(() => int("1.5"), ValueError);
  assert.throws(() => int("0x10"), ValueError);
  assert.throws(() => int(["1", "2"]), {
    name: "TypeError",
    message: "int() argument must be a string, a bytes-like object or a real number, not 'list'",
  });
  assert.equal(float("2.5e3"), 2500);
  assert.equal(float(" -inf"), -Infinity);
  assert.ok(Number.isNaN(float("nan")));
  assert.equal(float(".5"), 0.5);
  assert.throws(() => float("1,5"), { message: "could not convert string to float: '1,5'" });
  assert.throws(() => float("1e"), ValueError);
  assert.equal(str(["a", "b"]), "['a', 'b']");
  assert.throws(() => annotate({ limit: 5 as never }), /must be a function/);
});

test("params: converters from config and decorator, async ones, lists of errors", async () => {
  const { web, errors } = site();
  const lookup = async (v: unknown) => {
    await Promise.resolve();
    if (v !== "7") throw new RangeError(`no user ${v}`);
    return { name: "Ada" };
  };
  class Root {
    @expose
    @annotate({ limit: int, ratio: float })
    search(limit: number | null = null, ratio: number | null = null, q = "") {
      return JSON.stringify([limit, ratio, q]);
    }
    @expose
    @cherrypy.tools.params({
      types: { user: lookup },
      exception: [ValueError, RangeError],
      error: 404,
    })
    user(user: { name: string }) {
      return `hello ${user.name}`;
    }
  }
  web.mount(new Root(), "", {
    "/": { "tools.params.on": true },
    // Config may add to, or override, the handler's own conversions.
    "/search": { "tools.params.types": { q: (v: unknown) => String(v).toUpperCase(), ratio: int } },
  });
  await web.getPage("/search?limit=10&ratio=3&q=abc");
  web.assertBody('[10,3,"ABC"]');
  await web.getPage("/search");
  web.assertBody('[null,null,""]');
  await web.getPage("/search?ratio=0.5");
  web.assertErrorPage(400, "invalid literal for int() with base 10: '0.5'");
  // A repeated parameter is a list: int() refuses it with a TypeError, which is not a bad value.
  await web.getPage("/search?limit=1&limit=2");
  web.assertStatus(500);
  await web.getPage("/user?user=7");
  web.assertBody("hello Ada");
  await web.getPage("/user?user=8");
  web.assertErrorPage(404, "no user 8");
  // Bad options are refused where they are written.
  assert.throws(
    () => cherrypy.tools.params({ types: { n: "int" as never } }),
    /tools\.params\.types must be converter functions only \("n" is not one\)/,
  );
  assert.throws(() => cherrypy.tools.params({ exception: "ValueError" as never }), /error class/);
  assert.throws(() => cherrypy.tools.params({ eror: 422 } as never), /has no option "eror"/);
  void errors;
});

test("params: config files name the conversions and the error classes", () => {
  const conf = parseConfig(
    "[/]\n" +
      "tools.params.on = True\n" +
      'tools.params.types = {"limit": cherrypy.lib.cptools.int}\n' +
      "tools.params.exception = (ValueError, TypeError)\n",
  );
  const section = conf["/"]!;
  assert.equal((section["tools.params.types"] as Record<string, unknown>)["limit"], int);
  assert.deepEqual(section["tools.params.exception"], [ValueError, TypeError]);
});
