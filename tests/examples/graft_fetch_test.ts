import { test } from "node:test";
import assert from "node:assert/strict";
import * as cherrypy from "../../mod.ts";
import { app, fetchApp, rawFetchApp } from "../../examples/advanced/graft_fetch.ts";
import { quietly } from "../_helpers.ts";

const HEX = /^[0-9a-fA-F]+$/;

test("§5.9.1: an Application is a Fetch handler, mounted nowhere", async () => {
  assert.equal(cherrypy.tree.apps[app.script_name], undefined);
  await quietly(async () => {
    const res = await app.fetch(new Request("http://example.com/generate?length=5"));
    assert.equal(res.status, 200);
    const body = await res.text();
    assert.match(body, HEX);
    assert.equal(body.length, 5);
    assert.equal(res.headers.get("x-served-by"), "cherrypy-ts");
    assert.equal(res.headers.get("content-type"), "text/html;charset=utf-8");
    const missing = await fetchApp(new Request("http://example.com/nope"));
    assert.equal(missing.status, 404);
    await missing.body?.cancel();
  });
});

test("§5.9.1: another HTTP server (the runtime's own) serves the application", async () => {
  const other = await cherrypy.platform.serve({
    hostname: "127.0.0.1",
    port: 0,
    handler: (incoming) => fetchApp(incoming.toRequest()),
  });
  try {
    await quietly(async () => {
      const res = await fetch(`http://127.0.0.1:${other.addr.port}/`);
      assert.equal(await res.text(), "Hello world!");
      assert.equal(res.headers.get("x-served-by"), "cherrypy-ts");
    });
  } finally {
    await other.shutdown();
  }
});

test("§5.9.2: a foreign Fetch app grafted at / is served by the framework's server", async () => {
  const tree = new cherrypy.Tree({
    globalConfig: () => ({ ...cherrypy.DEFAULT_TOOL_CONFIG }),
    log: new cherrypy.LogManager({ screen: false }),
  });
  tree.graft(rawFetchApp, "/");
  const web = new cherrypy.WebCase({ tree, socket: true });
  try {
    for (const path of ["/", "/any/path"]) {
      await web.getPage(path);
      web.assertStatus("200 OK");
      web.assertBody("Hello world!");
      web.assertHeader("Content-Type", "text/plain"); // no tools: no charset added
    }
  } finally {
    await web.stop();
  }
});
