/**
 * CherryPy's test_auth_basic, ported: a public page, and three paths protected by
 * `tools.auth_basic` (a dict of passwords; MD5 hashes with ISO-8859-1 credentials; MD5 hashes
 * with UTF-8 credentials).
 */
import { after, before, test } from "node:test";
import * as cherrypy from "../../mod.ts";
import { platform } from "../../platform/mod.ts";
import { suiteSite } from "./_suite.ts";

const { expose } = cherrypy;
const { web } = suiteSite();

class Root {
  @expose
  index() {
    return "This is public.";
  }
}

class BasicProtected {
  @expose
  index() {
    return `Hello ${cherrypy.request.login}, you've been authorized.`;
  }
}

class BasicProtected2 extends BasicProtected {}
class BasicProtected2_u extends BasicProtected {}

const md5 = (data: string) => platform.hash("md5", data);

before(() => {
  const userpassdict = { xuser: "xpassword" };
  const userhashdict: Record<string, string> = { xuser: md5("xpassword") };
  const userhashdict_u: Record<string, string> = { "xюзер": md5("їжа") };

  // Python 3's `ntob(password)` encodes as ISO-8859-1; these passwords are ASCII.
  const checkpasshash = (_realm: string, user: string, password: string) =>
    Object.hasOwn(userhashdict, user) && userhashdict[user] === md5(password);
  const checkpasshash_u = (_realm: string, user: string, password: string) =>
    Object.hasOwn(userhashdict_u, user) && userhashdict_u[user] === md5(password);

  const basic_checkpassword_dict = cherrypy.lib.auth_basic.checkpasswordDict(userpassdict);
  const conf = {
    "/basic": {
      "tools.auth_basic.on": true,
      "tools.auth_basic.realm": "wonderland",
      "tools.auth_basic.checkpassword": basic_checkpassword_dict,
    },
    "/basic2": {
      "tools.auth_basic.on": true,
      "tools.auth_basic.realm": "wonderland",
      "tools.auth_basic.checkpassword": checkpasshash,
      "tools.auth_basic.accept_charset": "ISO-8859-1",
    },
    "/basic2_u": {
      "tools.auth_basic.on": true,
      "tools.auth_basic.realm": "wonderland",
      "tools.auth_basic.checkpassword": checkpasshash_u,
      "tools.auth_basic.accept_charset": "UTF-8",
    },
  };
  const root = new Root() as Root & Record<string, unknown>;
  root.basic = new BasicProtected();
  root.basic2 = new BasicProtected2();
  root.basic2_u = new BasicProtected2_u();
  web.mount(root, "", conf);
});

after(() => web.stop());

test("auth_basic: testPublic", async () => {
  await web.getPage("/");
  web.assertStatus("200 OK");
  web.assertHeader("Content-Type", "text/html;charset=utf-8");
  web.assertBody("This is public.");
});

test("auth_basic: testBasic", async () => {
  await web.getPage("/basic/");
  web.assertStatus(401);
  web.assertHeader("WWW-Authenticate", 'Basic realm="wonderland", charset="UTF-8"');

  await web.getPage("/basic/", { headers: [["Authorization", "Basic eHVzZXI6eHBhc3N3b3JX"]] });
  web.assertStatus(401);

  await web.getPage("/basic/", { headers: [["Authorization", "Basic eHVzZXI6eHBhc3N3b3Jk"]] });
  web.assertStatus("200 OK");
  web.assertBody("Hello xuser, you've been authorized.");
});

test("auth_basic: testBasic2", async () => {
  await web.getPage("/basic2/");
  web.assertStatus(401);
  web.assertHeader("WWW-Authenticate", 'Basic realm="wonderland"');

  await web.getPage("/basic2/", { headers: [["Authorization", "Basic eHVzZXI6eHBhc3N3b3JX"]] });
  web.assertStatus(401);

  await web.getPage("/basic2/", { headers: [["Authorization", "Basic eHVzZXI6eHBhc3N3b3Jk"]] });
  web.assertStatus("200 OK");
  web.assertBody("Hello xuser, you've been authorized.");
});

test("auth_basic: testBasic2_u", async () => {
  await web.getPage("/basic2_u/");
  web.assertStatus(401);
  web.assertHeader("WWW-Authenticate", 'Basic realm="wonderland", charset="UTF-8"');

  await web.getPage("/basic2_u/", {
    headers: [["Authorization", "Basic eNGO0LfQtdGAOtGX0LbRgw=="]],
  });
  web.assertStatus(401);

  await web.getPage("/basic2_u/", {
    headers: [["Authorization", "Basic eNGO0LfQtdGAOtGX0LbQsA=="]],
  });
  web.assertStatus("200 OK");
  web.assertBody("Hello xюзер, you've been authorized.");
});
