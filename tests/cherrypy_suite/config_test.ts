/**
 * CherryPy's test_config, ported: config from class and method decorators, config files,
 * custom namespaces (global and per request), and callables in config values.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as cherrypy from "../../mod.ts";
import { repr } from "./_suite.ts";

const { expose } = cherrypy;
const localDir = fileURLToPath(new URL(".", import.meta.url));

// The global config of CherryPy's test harness, on a private site.
const gconf = new cherrypy.GlobalConfig({
  ...cherrypy.DEFAULT_TOOL_CONFIG,
  "tools.log_headers.on": false,
  "tools.log_tracebacks.on": true,
  "request.show_tracebacks": true,
  "log.screen": false,
  "environment": "test_suite",
  "engine.autoreload.on": false,
});
const log = new cherrypy.LogManager({ screen: false });
const tree = new cherrypy.Tree({ globalConfig: () => gconf.values(), log });
const web = new cherrypy.WebCase({ tree, socket: true });
const configValue = (key: string, fallback: unknown) =>
  key in cherrypy.request.config ? cherrypy.request.config[key] : fallback;

@cherrypy.config({ foo: "this", bar: "that" })
class Root {
  db: unknown;
  constructor() {
    gconf.namespaces.set("db", (k, v) => this.dbNamespace(k, v));
  }
  dbNamespace(k: string, v: unknown) {
    if (k === "scheme") this.db = v;
  }
  @expose(["global_", "xyz"])
  index(key: string) {
    return String(configValue(key, "None"));
  }
  @expose
  repr(key: string) {
    return repr(configValue(key, null));
  }
  @expose
  dbscheme() {
    return String(this.db);
  }
  @expose
  @cherrypy.config({ "request.body.attempt_charsets": ["utf-16"] })
  plain(x: string) {
    return x;
  }
  favicon_ico = cherrypy.tools.staticfile.handler({ filename: localDir + "../favicon.ico" });
  foo = new Foo();
  raw = new Raw();
}

@cherrypy.config({ foo: "this2", baz: "that2" })
class Foo {
  @expose
  index(key: string) {
    return String(configValue(key, "None"));
  }
  nex = this.index;
  @expose
  @cherrypy.config({ "response.headers.X-silly": "sillyval" })
  silly() {
    return "Hello world";
  }
  // The expose and config decorators together.
  @cherrypy.config({ foo: "this3", bax: "this4" })
  @expose
  bar(key: string) {
    return repr(configValue(key, null));
  }
}

class Another {
  @expose
  index(key: string) {
    return String(configValue(key, "None"));
  }
}

/** A request namespace that wraps the handler: coerces parameters, converts the output. */
function rawNamespace(key: string, value: unknown) {
  const request = cherrypy.request;
  if (key === "input.map") {
    const handler = request.handler!;
    request.handler = () => {
      const params = request.params;
      for (
        const [name, coercer] of Object.entries(value as Record<string, (v: unknown) => unknown>)
      ) {
        if (name in params) params[name] = coercer(params[name]) as string;
      }
      return handler();
    };
  } else if (key === "output") {
    const handler = request.handler!;
    request.handler = () => (value as (v: unknown) => unknown)(handler());
  }
}

// CherryPy's `int` and `repr`: the coercer and the output converter.
const toInt = (v: unknown) => parseInt(String(v), 10);

@cherrypy.config({ "raw.output": repr })
class Raw {
  @expose
  @cherrypy.config({ "raw.input.map": { num: toInt } })
  incr(num: number) {
    return num + 1;
  }
}

// CherryPy's file also has Python expressions: os.path.join(...), an attribute of
// cherrypy.lib.httputil, __import__(...) and a complex number (see docs/differences.md).
const ioconf = `
[/]
neg: -1234
mul: 6*3
ones: "11"
twos: "22"
stradd: %(ones)s + %(twos)s + "33"

[/favicon.ico]
tools.staticfile.filename = ${JSON.stringify(localDir + "static/dirback.jpg")}
`;

before(() => {
  const root = new Root();
  const app = web.mount(root, "", cherrypy.lib.reprconf.parseConfig(ioconf));
  app.requestNamespaces.set("raw", rawNamespace);
  web.mount(new Another(), "/another");
  gconf.update({ luxuryyacht: "throatwobblermangrove", "db.scheme": "sqlite///memory" });
});

after(() => web.stop());

test("config: testConfig", async () => {
  const tests: Array<[string, string, string]> = [
    ["/", "nex", "None"],
    ["/", "foo", "this"],
    ["/", "bar", "that"],
    ["/xyz", "foo", "this"],
    ["/foo/", "foo", "this2"],
    ["/foo/", "bar", "that"],
    ["/foo/", "bax", "None"],
    ["/foo/bar", "baz", "'that2'"],
    ["/foo/nex", "baz", "that2"],
    // With 'this', the mount point '/another' would leak into '/'.
    ["/another/", "foo", "None"],
  ];
  for (const [path, key, expected] of tests) {
    await web.getPage(`${path}?key=${key}`);
    web.assertBody(expected);
  }

  const expectedconf: Record<string, unknown> = {
    // The harness's defaults.
    "tools.log_headers.on": false,
    "tools.log_tracebacks.on": true,
    "request.show_tracebacks": true,
    "log.screen": false,
    "environment": "test_suite",
    "engine.autoreload.on": false,
    // The global config.
    "luxuryyacht": "throatwobblermangrove",
    // Root's _cp_config.
    "bar": "that",
    // Foo's _cp_config.
    "baz": "that2",
    // Foo.bar's _cp_config.
    "foo": "this3",
    "bax": "this4",
  };
  for (const [key, expected] of Object.entries(expectedconf)) {
    await web.getPage("/foo/bar?key=" + key);
    web.assertBody(repr(expected));
  }
});

test("config: testUnrepr", async () => {
  await web.getPage("/repr?key=neg");
  web.assertBody("-1234");
  await web.getPage("/repr?key=mul");
  web.assertBody("18");
  await web.getPage("/repr?key=stradd");
  web.assertBody(repr("112233"));
});

test("config: testRespNamespaces", async () => {
  await web.getPage("/foo/silly");
  web.assertHeader("X-silly", "sillyval");
  web.assertBody("Hello world");
});

test("config: testCustomNamespaces", async () => {
  await web.getPage("/raw/incr?num=12");
  web.assertBody("13");
  await web.getPage("/dbscheme");
  web.assertBody("sqlite///memory");
});

test("config: testHandlerToolConfigOverride", async () => {
  // Config overrides the tool's constructor arguments: '../favicon.ico' above, the jpeg here.
  await web.getPage("/favicon.ico");
  assert.deepEqual(web.bytes, new Uint8Array(readFileSync(localDir + "static/dirback.jpg")));
});

test("config: test_request_body_namespace", async () => {
  await web.getPage("/plain", {
    method: "POST",
    headers: [["Content-Type", "application/x-www-form-urlencoded"], ["Content-Length", "13"]],
    body: new Uint8Array([
      0xff,
      0xfe,
      0x78,
      0x00,
      0x3d,
      0xff,
      0xfe,
      0x61,
      0x00,
      0x62,
      0x00,
      0x63,
      0x00,
    ]),
  });
  web.assertBody("abc");
});

test("config: VariableSubstitutionTests.test_config", () => {
  // Variable substitution with [DEFAULT].
  const conf = `
[DEFAULT]
dir = "/some/dir"
my.dir = %(dir)s + "/sub"

[my]
my.dir = %(dir)s + "/my/dir"
my.dir2 = %(my.dir)s + '/dir2'
`;
  const config = new cherrypy.GlobalConfig();
  config.update(cherrypy.lib.reprconf.parseConfig(conf));
  const my = config.get("my") as Record<string, unknown>;
  assert.equal(my["my.dir"], "/some/dir/my/dir");
  assert.equal(my["my.dir2"], "/some/dir/my/dir/dir2");
});

test("config: CallablesInConfigTest.test_call_with_literal_dict", () => {
  const config = new cherrypy.GlobalConfig();
  config.update(cherrypy.lib.reprconf.parseConfig(`
[my]
value = dict(**{'foo': 'bar'})
`));
  assert.deepEqual((config.get("my") as Record<string, unknown>)["value"], { foo: "bar" });
});

test("config: CallablesInConfigTest.test_call_with_kwargs", () => {
  // CherryPy reads `cherrypy._test_dict` as an attribute of the module; names in values are
  // looked up in the config registry here.
  const testDict: Record<string, string> = { foo: "bar", bar: "foo", fizz: "buzz" };
  cherrypy.configRegistry.register("cherrypy._test_dict", testDict);
  const config = new cherrypy.GlobalConfig();
  config.update(cherrypy.lib.reprconf.parseConfig(`
[my]
value = dict(foo="buzz", **cherrypy._test_dict)
`));
  testDict["foo"] = "buzz";
  const value = (config.get("my") as Record<string, Record<string, string>>)["value"]!;
  assert.equal(value["foo"], "buzz");
  assert.deepEqual(value, testDict);
});
