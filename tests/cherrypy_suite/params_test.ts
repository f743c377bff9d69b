/**
 * CherryPy's test_params, ported: the `params` tool converts request parameters by the
 * handler's declared conversions, answering `tools.params.error` (400) when one fails with
 * `tools.params.exception` (ValueError), and letting other errors through (500).
 *
 * Python reads the conversions from annotations (`limit: int`); here they are declared with
 * `cherrypy.lib.cptools.annotate({ limit: int })` (or, as CherryPy's Python 2 variant does,
 * by setting the function's `__annotations__`). CherryPy's page has `json_out`; the same checks
 * also run on a twin page without it (the body is then the type name itself, not its JSON
 * string).
 */
import { after, before, test } from "node:test";
import * as cherrypy from "../../mod.ts";
import { suiteSite } from "./_suite.ts";

const { expose } = cherrypy;
const { annotate, int } = cherrypy.lib.cptools;
const site = suiteSite();
const web = site.web;

/** Python's `type(value).__name__` for what these pages receive. */
const typeName = (v: unknown) =>
  v === null ? "NoneType" : typeof v === "number" && Number.isInteger(v) ? "int" : typeof v;

class Root {
  @expose
  @cherrypy.config({ "tools.json_out.on": true })
  @cherrypy.tools.params()
  resource(limit: unknown = null, sort: unknown = null) {
    void sort;
    return typeName(limit);
  }

  @expose
  @cherrypy.tools.params()
  plain(limit: unknown = null, sort: unknown = null) {
    void sort;
    return typeName(limit);
  }
}

// for testing on Py 2
(Root.prototype.resource as { __annotations__?: unknown }).__annotations__ = { limit: int };
(Root.prototype.plain as { __annotations__?: unknown }).__annotations__ = { limit: int };

class Syntax {
  @expose
  @cherrypy.tools.params()
  @annotate({ limit: int })
  resource(limit: number) {
    return typeName(limit);
  }
}

before(() => {
  const root = new Root() as Root & { syntax?: Syntax };
  root.syntax = new Syntax();
  web.mount(root, "", { "/": { "tools.params.on": true } });
});

after(() => web.stop());

/** `cherrypy.config[key] = value` for the suite's site. */
function setGlobal(key: string, value: unknown) {
  site.config[key] = value;
  cherrypy.invalidateDispatch();
}

test(
  "params: test_pass",
  async () => {
    await web.getPage("/resource");
    web.assertStatus(200);
    web.assertBody('"NoneType"');

    await web.getPage("/resource?limit=0");
    web.assertStatus(200);
    web.assertBody('"int"');
  },
);

test("params: test_pass (without json_out)", async () => {
  await web.getPage("/plain");
  web.assertStatus(200);
  web.assertBody("NoneType");

  await web.getPage("/plain?limit=0");
  web.assertStatus(200);
  web.assertBody("int");
});

for (const page of ["resource", "plain"]) {
  test(`params: test_error${page === "plain" ? " (without json_out)" : ""}`, async () => {
    try {
      await web.getPage(`/${page}?limit=`);
      web.assertStatus(400);
      web.assertInBody("invalid literal for int");

      setGlobal("tools.params.error", 422);
      await web.getPage(`/${page}?limit=`);
      web.assertStatus(422);
      web.assertInBody("invalid literal for int");

      setGlobal("tools.params.exception", TypeError);
      await web.getPage(`/${page}?limit=`);
      web.assertStatus(500);
    } finally {
      delete site.config["tools.params.error"];
      delete site.config["tools.params.exception"];
      cherrypy.invalidateDispatch();
    }
  });
}

test("params: test_syntax", async () => {
  await web.getPage("/syntax/resource?limit=0");
  web.assertStatus(200);
  web.assertBody("int");
});
