/** The accept and response_headers tools. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as cherrypy from "../../../mod.ts";
import { getPage, serveRoot } from "../../_helpers.ts";

const { expose } = cherrypy;

class Root {
  @expose
  @cherrypy.tools.accept({ media: ["text/html", "application/json"] })
  index() {
    return "ok";
  }
  @expose
  plain() {
    return "plain";
  }
}

test("accept: the client's ranges in order of preference, 406 with CherryPy's message", async () => {
  const s = await serveRoot(new Root());
  try {
    for (
      const accept of [
        null,
        "*/*",
        "application/*",
        "text/html",
        "image/png, application/json;q=0.5",
      ]
    ) {
      const page = await getPage(s.base + "/", accept === null ? {} : { headers: { accept } });
      assert.equal(page.status, 200, String(accept));
    }
    const refused = await getPage(s.base + "/", {
      headers: { accept: "image/png, text/html;q=0" },
    });
    assert.equal(refused.status, 406);
    assert.match(
      refused.body,
      /Your client sent this Accept header: image\/png, text\/html;q=0\. But this resource only emits these media types: text\/html, application\/json\./,
    );
    // Types are compared as written, as CherryPy compares them.
    const upper = await getPage(s.base + "/", { headers: { accept: "TEXT/HTML" } });
    assert.equal(upper.status, 406);
    const bad = await getPage(s.base + "/", { headers: { accept: "text/html;q=x" } });
    assert.equal(bad.status, 400);
  } finally {
    await s.stop();
  }
});

test("response_headers: config pairs (a config file's tuples too); a bad pair fails at mount", async () => {
  const conf = cherrypy.lib.reprconf.parseConfig(
    "[/]\ntools.response_headers.on = True\n" +
      "tools.response_headers.headers = [('Content-Type', 'text/plain'), ('X-Extra', 'yes')]\n",
  );
  const s = await serveRoot(new Root(), conf);
  try {
    const page = await getPage(s.base + "/plain");
    assert.equal(page.headers.get("content-type"), "text/plain;charset=utf-8");
    assert.equal(page.headers.get("x-extra"), "yes");
  } finally {
    await s.stop();
  }
  const bad = cherrypy.lib.reprconf.parseConfig(
    "[/plain]\ntools.response_headers.on = True\ntools.response_headers.headers = ['oops']\n",
  );
  const tree = new cherrypy.Tree({
    globalConfig: () => ({}),
    log: new cherrypy.LogManager({ screen: false }),
  });
  assert.throws(
    () => tree.mount(new Root(), "", bad),
    /Config section \[\/plain\]: tools\.response_headers\.headers must be a list of \[name, value\] pairs/,
  );
  assert.throws(
    () => tree.mount(new Root(), "", { "/": { "tools.accept.media": 5 } }),
    /tools\.accept\.media must be a string or a list of strings; got 5\./,
  );
});
