import { test } from "node:test";
import assert from "node:assert/strict";
import * as cherrypy from "../../mod.ts";
import { Root as SiteRoot, SITE_CONF } from "../../examples/configure/site.ts";
import { Root as CpConfigRoot } from "../../examples/configure/cp_config.ts";
import {
  conf as convertConf,
  db_namespace,
  makeApp,
  orm,
  Root as AdderRoot,
} from "../../examples/configure/namespaces.ts";
import {
  extendEnvironments,
  GREEK,
  Root as EnvRoot,
} from "../../examples/configure/environments.ts";
import { privateSite as site } from "../_helpers.ts";

/** A global config of its own, able to read files. */
function globalConfig(): cherrypy.GlobalConfig {
  const config = new cherrypy.GlobalConfig();
  return config;
}

test("site.conf (§6.1, §6.2.1): [global] is global config, and only that", () => {
  const config = globalConfig();
  config.update(SITE_CONF);
  assert.equal(config.get("server.socket_host"), "127.0.0.1");
  assert.equal(config.get("server.socket_port"), 8080);
  assert.equal(config.get("engine.timeout_monitor.frequency"), 3600);
  assert.equal(config.has("Databases"), false);
  assert.equal(config.has("response.timeout"), false);
});

test("site.conf (§6.1): path sections are application config; [Databases] is the app's own", async () => {
  const { tree, web } = site();
  const app = tree.mount(new SiteRoot(), "", SITE_CONF);
  assert.deepEqual(app.config["Databases"], { driver: "postgres", host: "localhost", port: 5432 });
  assert.ok(app.config["/"]!["request.dispatch"] instanceof cherrypy.dispatch.MethodDispatcher);
  await web.getPage("/");
  web.assertBody("Databases: postgres on localhost:5432");
  const first = Number(web.headers.get("X-Request-Number")); // the hook from the file ran
  assert.ok(first >= 1);
  // The MethodDispatcher: methods are handlers; others are 405.
  await web.getPage("/", { method: "DELETE" });
  web.assertStatus(405);
  web.assertHeader("Allow", "GET, HEAD");
  // Request config: the path's section, on top of the application's and the global config.
  await web.getPage("/path");
  web.assertBody("response.timeout: 6000 (request.config says 6000)");
  assert.equal(Number(web.headers.get("X-Request-Number")), first + 2);
  // Trailing slashes are not enforced ([/] tools.trailing_slash.on = False).
  await web.getPage("/path/");
  web.assertStatus(200);
  await web.getPage("/path", { method: "PROPPATCH", body: "<x/>" });
  web.assertBody("PROPPATCH: the body is read");
});

test("_cp_config (§6.2.2): on a handler, a class, or by decorator; app config still overrides", async () => {
  const { tree, web } = site();
  tree.mount(new CpConfigRoot());
  for (const path of ["/page", "/sets/page", "/decorated"]) {
    await web.getPage(path, { method: "PROPPATCH", body: "<x/>" });
    web.assertStatus(200);
    web.assertMatchesBody(
      /\(bodies for POST, PUT, PROPPATCH; this PROPPATCH request's body is read\)$/,
    );
  }
  await web.getPage("/other", { method: "PROPPATCH", body: "<x/>" });
  web.assertBody(
    "Hello, defaults! (bodies for POST, PUT, PATCH; this PROPPATCH request's body is not read)",
  );
  const other = site();
  other.tree.mount(new CpConfigRoot(), "", {
    "/page": { "request.methods_with_bodies": ["POST"] },
  });
  await other.web.getPage("/page", { method: "PROPPATCH", body: "<x/>" });
  other.web.assertBody(
    "Hello, world! (bodies for POST; this PROPPATCH request's body is not read)",
  );
});

test("custom namespaces (§6.3.2): db.connstring in the global config connects the ORM", () => {
  const config = new cherrypy.GlobalConfig();
  config.namespaces.set("db", db_namespace);
  config.update({ "db.connstring": "Oracle:host=1.10.100.200;sid=TEST" });
  assert.equal(orm.connstring, "Oracle:host=1.10.100.200;sid=TEST");
  // The example registers it on the site's config too.
  assert.equal(cherrypy.config.namespaces.get("db"), db_namespace);
});

test("custom namespaces (§6.3.2): an application namespace and a request namespace", async () => {
  const { tree, web, errors } = site();
  const app = makeApp();
  assert.equal((app as unknown as { title: string }).title, "Adder");
  // makeApp's application belongs to the global site; the same root and config are served
  // on a private tree here, and the application itself answers through app.fetch below.
  tree.mount(new AdderRoot(), "", convertConf);
  await web.getPage("/?a=2&b=3");
  web.assertBody("2 + 3 = 5");
  await web.getPage("/?a=2&b=x");
  web.assertErrorPage(400, "Parameter b must be a number.");
  await web.getPage("/shout?text=hey");
  web.assertBody("HEY!");
  assert.deepEqual(errors, []);
  const screen = cherrypy.log.screen;
  cherrypy.log.screen = false;
  try {
    const res = await app.fetch(new Request("http://127.0.0.1/?a=40&b=2"));
    assert.equal(await res.text(), "40 + 2 = 42");
  } finally {
    cherrypy.log.screen = screen;
  }
});

test("environments (§6.3.3): a preset's entries, unless set in the same update", () => {
  const saved = { ...cherrypy.environments };
  try {
    extendEnvironments();
    const config = new cherrypy.GlobalConfig();
    config.update({ environment: "staging", "request.show_tracebacks": true });
    assert.equal(config.get("log.screen"), false);
    assert.equal(config.get("checker.on"), false);
    assert.equal(config.get("request.show_tracebacks"), true);
    const greek = new cherrypy.GlobalConfig();
    greek.update({ environment: "Greek" });
    assert.equal(greek.get("tools.encode.encoding"), GREEK["tools.encode.encoding"]);
    assert.equal(greek.get("tools.decode.encoding"), "ISO-8859-7");
    assert.throws(() => greek.update({ environment: "Klingon" }), /Unknown environment "Klingon"/);
  } finally {
    for (const key of Object.keys(cherrypy.environments)) delete cherrypy.environments[key];
    Object.assign(cherrypy.environments, saved);
  }
  assert.equal(cherrypy.environments["Greek"], undefined);
});

test("environments (§6.3.3): the page names the global config's environment", async () => {
  const web = new cherrypy.WebCase({
    tree: new cherrypy.Tree({
      globalConfig: () => ({}),
      log: new cherrypy.LogManager({ screen: false }),
    }),
  });
  web.mount(new EnvRoot());
  const saved = cherrypy.config.get("environment");
  try {
    await web.getPage("/");
    web.assertBody(`Running in the ${saved ?? "default"} environment`);
  } finally {
    await web.stop();
  }
});

/** A test site whose global config (with the default tools) is in `environment`. */
function siteIn(environment: string): cherrypy.WebCase {
  const config = new cherrypy.GlobalConfig(cherrypy.DEFAULT_TOOL_CONFIG);
  config.update({ environment });
  const tree = new cherrypy.Tree({
    globalConfig: () => config.values(),
    log: new cherrypy.LogManager({ screen: false }),
  });
  return new cherrypy.WebCase({ tree });
}

test("environments (§6.3.3): under the docs' Greek environment pages are sent in ISO-8859-7", async () => {
  const saved = { ...cherrypy.environments };
  try {
    extendEnvironments();
    const web = siteIn("Greek");
    web.mount({ index: cherrypy.expose(() => "\u039a\u03b1\u03bb\u03b7\u03bc\u03ad\u03c1\u03b1") });
    await web.getPage("/");
    web.assertStatus(200);
    web.assertHeader("Content-Type", "text/html;charset=iso-8859-7");
    // Καλημέρα in ISO-8859-7.
    assert.deepEqual([...web.bytes], [0xca, 0xe1, 0xeb, 0xe7, 0xec, 0xdd, 0xf1, 0xe1]);
    await web.getPage("/", { headers: { "Accept-Charset": "utf-8" } });
    web.assertStatus(406);
  } finally {
    for (const key of Object.keys(cherrypy.environments)) delete cherrypy.environments[key];
    Object.assign(cherrypy.environments, saved);
  }
});

test("environments (§6.3.3): production hides tracebacks from the site's pages", async () => {
  const web = siteIn("production");
  web.mount({ broken: cherrypy.expose(() => JSON.parse("{")) });
  await web.getPage("/broken");
  web.assertErrorPage(500);
  web.assertNotInBody("SyntaxError");
});
