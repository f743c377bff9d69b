import { test } from "node:test";
import assert from "node:assert/strict";
import * as cherrypy from "../../mod.ts";
import { conf, Root, secureheaders } from "../../examples/advanced/secure_headers.ts";
import { getPage, serveRoot } from "../_helpers.ts";

test("secure headers (§5.7): the tool adds them where it is on", async () => {
  assert.equal(cherrypy.tools.secureheaders, secureheaders);
  assert.equal(secureheaders._point, "before_finalize");
  assert.equal(secureheaders._priority, 60);
  const on = await serveRoot(new Root(), conf);
  const off = await serveRoot(new Root());
  try {
    const page = await getPage(on.base + "/");
    assert.equal(page.body, "Hello, securely!");
    assert.equal(page.headers.get("x-frame-options"), "DENY");
    assert.equal(page.headers.get("x-xss-protection"), "1; mode=block");
    assert.equal(page.headers.get("content-security-policy"), "default-src 'self'");
    assert.equal(page.headers.get("strict-transport-security"), null, "not over plain HTTP");
    // Error responses get them too: before_finalize runs after an HTTPError.
    const missing = await getPage(on.base + "/missing");
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get("x-frame-options"), "DENY");
    const plain = await getPage(off.base + "/");
    assert.equal(plain.headers.get("x-frame-options"), null);
  } finally {
    await on.stop();
    await off.stop();
  }
});

test("secure headers (§5.7): Strict-Transport-Security once the server has a certificate", async () => {
  const web = new cherrypy.WebCase({
    tree: new cherrypy.Tree({
      globalConfig: () => ({ ...cherrypy.DEFAULT_TOOL_CONFIG }),
      log: new cherrypy.LogManager({ screen: false }),
    }),
  });
  web.mount(new Root(), "", conf);
  const saved = [cherrypy.server.ssl_certificate, cherrypy.server.ssl_private_key] as const;
  try {
    cherrypy.server.ssl_certificate = "/etc/ssl/site.pem";
    cherrypy.server.ssl_private_key = "/etc/ssl/site.key";
    await web.getPage("/");
    web.assertHeader("Strict-Transport-Security", "max-age=31536000");
  } finally {
    [cherrypy.server.ssl_certificate, cherrypy.server.ssl_private_key] = saved;
    await web.stop();
  }
});

test("secure headers (§5.7): the tool is switched on from a config file too", async () => {
  const sections = cherrypy.lib.reprconf.parseConfig("[/]\ntools.secureheaders.on = True\n");
  const s = await serveRoot(new Root(), sections);
  try {
    assert.equal((await getPage(s.base + "/")).headers.get("x-frame-options"), "DENY");
  } finally {
    await s.stop();
  }
});
