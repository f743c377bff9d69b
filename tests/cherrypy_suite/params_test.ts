/**
 * CherryPy's test_params, ported: `tools.params` converts arguments by the handler's type
 * annotations (`limit: int`). TypeScript erases annotations at run time, so the conversions
 * are given to the tool (`{ limit: "int" }`, as the config of a future `tools.params` would
 * take them); until the framework has that tool (and `tools.json_out`), the tests are `todo`.
 */
import { after, test } from "node:test";
import * as cherrypy from "../../mod.ts";
import { serveTree, suiteSite } from "./_suite.ts";
import { RawWebCase } from "./_webcase.ts";

const TODO = "needs tools.params and tools.json_out";
const site = suiteSite();
const web = new RawWebCase();
let stop: (() => Promise<void>) | null = null;

/** Python's `type(x).__name__` of a converted argument. */
const typeName = (value: unknown) =>
  value === null || value === undefined
    ? "NoneType"
    : typeof value === "number"
    ? (Number.isInteger(value) ? "int" : "float")
    : typeof value === "string"
    ? "str"
    : typeof value;

/** Mounts the application (the tools it needs must exist) and serves it. */
async function setupServer(): Promise<void> {
  if (stop !== null) return;
  const tools = cherrypy.tools as unknown as Record<string, unknown>;
  if (tools["params"] === undefined || tools["json_out"] === undefined) {
    throw new Error("cherrypy.tools.params and cherrypy.tools.json_out do not exist yet");
  }
  class Root {
    @cherrypy.expose
    @cherrypy.config({ "tools.json_out.on": true, "tools.params.types": { limit: "int" } })
    resource(limit: unknown = null, sort: unknown = null) {
      void sort;
      return typeName(limit);
    }
  }
  site.tree.mount(new Root(), "", { "/": { "tools.params.on": true } });
  const served = await serveTree(site.tree);
  web.port = served.port;
  stop = served.stop;
}
after(() => stop?.());

test("params: test_pass", { todo: TODO }, async () => {
  await setupServer();
  await web.getPage("/resource");
  web.assertStatus(200);
  web.assertBody('"NoneType"');

  await web.getPage("/resource?limit=0");
  web.assertStatus(200);
  web.assertBody('"int"');
});

test("params: test_error", { todo: TODO }, async () => {
  await setupServer();
  await web.getPage("/resource?limit=");
  web.assertStatus(400);
  web.assertInBody("invalid literal for int");

  site.config["tools.params.error"] = 422;
  await web.getPage("/resource?limit=");
  web.assertStatus(422);
  web.assertInBody("invalid literal for int");

  site.config["tools.params.exception"] = TypeError;
  await web.getPage("/resource?limit=");
  web.assertStatus(500);
});

test("params: test_syntax", { todo: TODO }, async () => {
  // CherryPy's test compiles a handler with a Python 3 annotation (`limit: int`) and no JSON
  // output; here the conversion is given to the tool.
  const tools = cherrypy.tools as unknown as Record<string, unknown>;
  if (tools["params"] === undefined) throw new Error("cherrypy.tools.params does not exist yet");
  const syntax = suiteSite();
  class Root {
    @cherrypy.expose
    @cherrypy.config({ "tools.params.types": { limit: "int" } })
    resource(limit: unknown) {
      return typeName(limit);
    }
  }
  syntax.tree.mount(new Root(), "", { "/": { "tools.params.on": true } });
  const served = await serveTree(syntax.tree);
  try {
    const page = new RawWebCase(served.port);
    await page.getPage("/resource?limit=0");
    page.assertStatus(200);
    page.assertBody("int");
  } finally {
    await served.stop();
  }
});
