/**
 * CherryPy's test_json, ported: `tools.json_out` writes what handlers return as CherryPy's JSON
 * (`["a", "b", 42]`), `tools.json_in` decodes request bodies into `request.json`, and both work
 * with the cache.
 *
 * Requests go in-process (CherryPy's helper sends no `Accept-Encoding`, which `fetch` over a
 * socket would add). CherryPy's `assertStatus(415, msg)` takes a failure message, not the
 * page's; the page's own messages are checked here as well.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as cherrypy from "../../mod.ts";
import { suiteSite } from "./_suite.ts";

const { expose } = cherrypy;
const jsonOut = cherrypy.config({ "tools.json_out.on": true });
const jsonIn = cherrypy.config({ "tools.json_in.on": true });

const { tree, web } = suiteSite({}, false);
let cachedCalls = 0;

class Root {
  @expose
  plain() {
    return "hello";
  }

  @expose
  @jsonOut
  json_string() {
    return "hello";
  }

  @expose
  @jsonOut
  json_list() {
    return ["a", "b", 42];
  }

  @expose
  @jsonOut
  json_dict() {
    return { answer: 42 };
  }

  @expose
  @jsonIn
  json_post() {
    const data = cherrypy.request.json;
    return Array.isArray(data) && data.length === 2 && data[0] === 13 && data[1] === "c"
      ? "ok"
      : "nok";
  }

  @expose
  @jsonOut
  @cherrypy.config({ "tools.caching.on": true })
  json_cached() {
    cachedCalls += 1;
    return "hello there";
  }
}

before(async () => {
  await cherrypy.lib.caching.setCache(null);
  tree.mount(new Root());
});
after(() => cherrypy.lib.caching.setCache(null));

test("json: test_json_output", async () => {
  await web.getPage("/plain");
  web.assertBody("hello");

  await web.getPage("/json_string");
  web.assertBody('"hello"');

  await web.getPage("/json_list");
  web.assertBody('["a", "b", 42]');

  await web.getPage("/json_dict");
  web.assertBody('{"answer": 42}');
  web.assertHeader("Content-Type", "application/json");
});

test("json: test_json_input", async () => {
  let body = '[13, "c"]';
  let headers: Record<string, string> = {
    "Content-Type": "application/json",
    "Content-Length": String(body.length),
  };
  await web.getPage("/json_post", { method: "POST", headers, body });
  web.assertBody("ok");

  body = '[13, "c"]';
  headers = { "Content-Type": "text/plain", "Content-Length": String(body.length) };
  await web.getPage("/json_post", { method: "POST", headers, body });
  web.assertStatus(415);
  web.assertErrorPage(415, "Expected an entity of content type application/json, text/javascript");

  body = "[13, -]";
  headers = { "Content-Type": "application/json", "Content-Length": String(body.length) };
  await web.getPage("/json_post", { method: "POST", headers, body });
  web.assertStatus(400);
  web.assertErrorPage(400, "Invalid JSON document");
});

test("json: test_cached", async () => {
  await web.getPage("/json_cached");
  web.assertStatus(200);
  web.assertBody('"hello there"');

  await web.getPage("/json_cached"); // 2'nd time to hit cache
  web.assertStatus(200);
  web.assertBody('"hello there"');
  web.assertHeader("Age");
  web.assertHeader("Content-Type", "application/json");
  assert.equal(cachedCalls, 1, "the second answer came from the cache");
});
