/**
 * CherryPy's test_etags, ported: `tools.etags` with `autotags` makes ETags from the body and
 * answers `If-Match` and `If-None-Match` with 200, 304 or 412; errors raised by the handler
 * keep their own status.
 *
 * CherryPy's `assertHeader('ETag')` returns the value; here it is read from the headers.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as cherrypy from "../../mod.ts";
import { suiteSite } from "./_suite.ts";

const { expose } = cherrypy;
const { tree, web } = suiteSite();

class Root {
  @expose
  resource() {
    return "Oh wah ta goo Siam.";
  }

  @expose
  fail(code: string) {
    const status = Number(code);
    if (status >= 300 && status <= 399) throw new cherrypy.HTTPRedirect([], status);
    throw new cherrypy.HTTPError(status);
  }

  @expose
  @cherrypy.config({ "tools.encode.on": true })
  unicoded() {
    return "I am a \u1ee4nicode string.";
  }
}

function etagOf(): string {
  web.assertHeader("ETag");
  return web.headers.get("ETag")!;
}

before(() => {
  tree.mount(new Root(), "", {
    "/": { "tools.etags.on": true, "tools.etags.autotags": true },
  });
});
after(() => web.stop());

test("etags: test_etags", async () => {
  await web.getPage("/resource");
  web.assertStatus("200 OK");
  web.assertHeader("Content-Type", "text/html;charset=utf-8");
  web.assertBody("Oh wah ta goo Siam.");
  const etag = etagOf();
  // The tag is the MD5 of the body, quoted.
  assert.equal(etag, `"${cherrypy.platform.hash("md5", "Oh wah ta goo Siam.")}"`);

  // Test If-Match (both valid and invalid)
  await web.getPage("/resource", { headers: [["If-Match", etag]] });
  web.assertStatus("200 OK");
  await web.getPage("/resource", { headers: [["If-Match", "*"]] });
  web.assertStatus("200 OK");
  await web.getPage("/resource", { headers: [["If-Match", "*"]], method: "POST" });
  web.assertStatus("200 OK");
  await web.getPage("/resource", { headers: [["If-Match", "a bogus tag"]] });
  web.assertStatus("412 Precondition Failed");
  web.assertErrorPage(412, `If-Match failed: ETag '${etag}' did not match ['a bogus tag']`);

  // Test If-None-Match (both valid and invalid)
  await web.getPage("/resource", { headers: [["If-None-Match", etag]] });
  web.assertStatus(304);
  await web.getPage("/resource", { method: "POST", headers: [["If-None-Match", etag]] });
  web.assertStatus("412 Precondition Failed");
  web.assertErrorPage(412, `If-None-Match failed: ETag '${etag}' matched ['${etag}']`);
  await web.getPage("/resource", { headers: [["If-None-Match", "*"]] });
  web.assertStatus(304);
  await web.getPage("/resource", { headers: [["If-None-Match", "a bogus tag"]] });
  web.assertStatus("200 OK");
});

test("etags: test_errors", async () => {
  await web.getPage("/resource");
  web.assertStatus(200);
  const etag = etagOf();

  // Test raising errors in page handler
  await web.getPage("/fail/412", { headers: [["If-Match", etag]] });
  web.assertStatus(412);
  await web.getPage("/fail/304", { headers: [["If-Match", etag]] });
  web.assertStatus(304);
  await web.getPage("/fail/412", { headers: [["If-None-Match", "*"]] });
  web.assertStatus(412);
  await web.getPage("/fail/304", { headers: [["If-None-Match", "*"]] });
  web.assertStatus(304);
});

test("etags: test_unicode_body", async () => {
  await web.getPage("/unicoded");
  web.assertStatus(200);
  const etag1 = etagOf();
  await web.getPage("/unicoded", { headers: [["If-Match", etag1]] });
  web.assertStatus(200);
  web.assertHeader("ETag", etag1);
  // The tag is the MD5 of the UTF-8 bytes sent.
  const md5 = cherrypy.platform.hash("md5", "I am a \u1ee4nicode string.");
  assert.equal(etag1, `"${md5}"`);
});
