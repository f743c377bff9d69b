/**
 * The `auth_basic` tool: the challenge, the 400 and 401 cases (as CherryPy 18.8 answers them),
 * charsets and NFC normalization, `checkpassword_dict`, and checks of its options.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as cherrypy from "../../../mod.ts";
import { suiteSite } from "../../cherrypy_suite/_suite.ts";

const { expose } = cherrypy;

class Page {
  @expose
  index() {
    return `Hello ${cherrypy.request.login}`;
  }
}

const USERS = { jon: "secret", "jöhn": "pässwörd", empty: "" };

function serve(conf: Record<string, unknown> = {}) {
  const site = suiteSite({}, false);
  const root = new Page() as Page & Record<string, unknown>;
  root.p = new Page();
  site.web.mount(root, "", {
    "/p": {
      "tools.auth_basic.on": true,
      "tools.auth_basic.realm": "earth",
      "tools.auth_basic.checkpassword": cherrypy.lib.auth_basic.checkpasswordDict(USERS),
      ...conf,
    },
  });
  return site;
}

/** `Basic <base64 of bytes>`. */
function basic(bytes: Uint8Array | string): string {
  const raw = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
  return "Basic " + btoa(String.fromCharCode(...raw));
}

test("auth_basic: 401 with the challenge; good credentials set request.login", async () => {
  const { web, tree } = serve();
  await web.getPage("/p/");
  web.assertErrorPage(401, "You are not authorized to access that resource");
  web.assertHeader("WWW-Authenticate", 'Basic realm="earth", charset="UTF-8"');
  await web.getPage("/p/", { headers: { Authorization: basic("jon:secret") } });
  web.assertBody("Hello jon");
  assert.equal(web.headers.get("WWW-Authenticate"), null);
  // The scheme is case-insensitive; another scheme gets the challenge.
  await web.getPage("/p/", {
    headers: { Authorization: basic("jon:secret").replace("Basic", "bAsIc") },
  });
  web.assertBody("Hello jon");
  await web.getPage("/p/", { headers: { Authorization: "Digest username=jon" } });
  web.assertStatus(401);
  for (const creds of ["jon:Secret", "ada:secret", "empty:", "jon:", ":secret", "constructor:x"]) {
    await web.getPage("/p/", { headers: { Authorization: basic(creds) } });
    web.assertErrorPage(401, "You are not authorized to access that resource");
    web.assertHeader("WWW-Authenticate", 'Basic realm="earth", charset="UTF-8"');
  }
  // A password may hold a colon: the first one ends the user name.
  const colon = serve({
    "tools.auth_basic.checkpassword": cherrypy.lib.auth_basic.checkpasswordDict({ a: "b:c" }),
  });
  await colon.web.getPage("/p/", { headers: { Authorization: basic("a:b:c") } });
  colon.web.assertBody("Hello a");
  await web.getPage("/");
  web.assertBody("Hello null");
  assert.equal(Object.keys(tree.apps).length, 1);
});

test("auth_basic: credentials that cannot be read are 400 Bad Request, as in CherryPy", async () => {
  const { web } = serve();
  // Each of these was answered so by CherryPy 18.8.
  for (
    const header of [
      "Basic",
      "Basic !!!",
      "Basic eHV",
      "Basic eHVzZXI=",
      "Basic ééé",
      "Basic am9uOnNlY3JldA=",
    ]
  ) {
    await web.getPage("/p/", { headers: { Authorization: header } });
    web.assertErrorPage(400, "Bad Request");
    assert.equal(web.headers.get("WWW-Authenticate"), null);
  }
  // Python's lenient base64: characters outside the alphabet are skipped, what follows a
  // complete padding is ignored.
  for (
    const header of [
      "Basic am9u OnNl Y3JldA==",
      "Basic am9uOnNlY3JldA==garbage",
      "Basic  am9uOnNlY3JldA==",
    ]
  ) {
    await web.getPage("/p/", { headers: { Authorization: header } });
    web.assertBody("Hello jon");
  }
});

test("auth_basic: UTF-8 credentials, NFC-normalized; ISO-8859-1 as the fallback and as accept_charset", async () => {
  const { web } = serve();
  await web.getPage("/p/", { headers: { Authorization: basic("jöhn:pässwörd") } });
  web.assertBody("Hello jöhn");
  // Decomposed (NFD) input is normalized to the composed form the store holds.
  await web.getPage("/p/", { headers: { Authorization: basic("jöhn:pässwörd".normalize("NFD")) } });
  web.assertBody("Hello jöhn");
  // Bytes that are not UTF-8 are read as ISO-8859-1.
  const latin1 = Uint8Array.from("jöhn:pässwörd", (c) => c.charCodeAt(0));
  await web.getPage("/p/", { headers: { Authorization: basic(latin1) } });
  web.assertBody("Hello jöhn");

  const iso = serve({ "tools.auth_basic.accept_charset": "ISO-8859-1" });
  await iso.web.getPage("/p/");
  iso.web.assertHeader("WWW-Authenticate", 'Basic realm="earth"');
  await iso.web.getPage("/p/", { headers: { Authorization: basic(latin1) } });
  iso.web.assertBody("Hello jöhn");
  // With ISO-8859-1 first, UTF-8 bytes are read as ISO-8859-1: another user.
  await iso.web.getPage("/p/", { headers: { Authorization: basic("jöhn:pässwörd") } });
  iso.web.assertStatus(401);
});

test("auth_basic: checkpassword may be async; debug logs the outcome (TOOLS.AUTH_BASIC)", async () => {
  const seen: string[] = [];
  const { web, errors, log } = serve({
    "tools.auth_basic.debug": true,
    "tools.auth_basic.checkpassword": async (realm: string, user: string, password: string) => {
      await new Promise((r) => setTimeout(r, 1));
      seen.push(`${realm} ${user} ${password}`);
      return user === "jon" && password === "secret";
    },
  });
  const access: string[] = [];
  log.handlers.push((r) => r.kind === "access" && access.push(r.line));
  await web.getPage("/p/", { headers: { Authorization: basic("jon:secret") } });
  web.assertBody("Hello jon");
  await web.getPage("/p/", { headers: { Authorization: basic("jon:nope") } });
  web.assertErrorPage(401, "You are not authorized to access that resource");
  web.assertHeader("WWW-Authenticate", 'Basic realm="earth", charset="UTF-8"');
  assert.deepEqual(seen, ["earth jon secret", "earth jon nope"]);
  assert.ok(errors.some((e) => e.endsWith("TOOLS.AUTH_BASIC Auth succeeded")));
  assert.ok(errors.some((e) => e.endsWith("TOOLS.AUTH_BASIC Auth failed")));
  // The access log names the user (the login field), as CherryPy's does.
  assert.match(access[0]!, /^\S+ - jon \[/);
});

test("auth_basic: checkpassword_dict compares in constant time and refuses empty passwords", () => {
  const check = cherrypy.lib.auth_basic.checkpasswordDict({ jon: "secret", empty: "" });
  assert.equal(check("r", "jon", "secret"), true);
  assert.equal(check("r", "jon", "secret "), false);
  assert.equal(check("r", "jon", ""), false);
  assert.equal(check("r", "empty", ""), false);
  assert.equal(check("r", "nobody", "secret"), false);
  assert.equal(check("r", "__proto__", ""), false);
  assert.equal(check("r", "hasOwnProperty", "x"), false);
});

test("auth_basic: the decorator form", async () => {
  class Root {
    @expose
    @cherrypy.tools.auth_basic({
      realm: "deco",
      checkpassword: (_r: string, u: string, p: string) => u === "ada" && p === "lovelace",
    })
    secret() {
      return `Hi ${cherrypy.request.login}`;
    }
  }
  const { web } = suiteSite({}, false);
  web.mount(new Root());
  await web.getPage("/secret");
  web.assertHeader("WWW-Authenticate", 'Basic realm="deco", charset="UTF-8"');
  await web.getPage("/secret", { headers: { Authorization: basic("ada:lovelace") } });
  web.assertBody("Hi ada");
});

test("auth_basic: options are checked where they are written, and when a request uses them", async () => {
  const mount = (conf: Record<string, unknown>) => () =>
    suiteSite().tree.mount(new Page(), "", { "/p": conf });
  assert.throws(
    mount({ "tools.auth_basic.on": true, "tools.auth_basic.realm": 'ea"rth' }),
    (e: Error) =>
      e.message ===
        'Config section [/p]: tools.auth_basic.realm cannot contain the " (quote) character: ' +
          'the realm is sent quoted in the WWW-Authenticate header. Got "ea\\"rth".',
  );
  assert.throws(mount({ "tools.auth_basic.realm": 42 }), /realm must be a string; got 42/);
  assert.throws(mount({ "tools.auth_basic.realm": "a\r\nb" }), /cannot contain control characters/);
  assert.throws(
    mount({ "tools.auth_basic.checkpassword": { jon: "secret" } }),
    /tools\.auth_basic\.checkpassword must be a function; got \{"jon":"secret"\}/,
  );
  assert.throws(mount({ "tools.auth_basic.accept_charset": "x-nope" }), /cannot decode/);
  assert.throws(mount({ "tools.auth_basic.debug": "yes" }), /debug must be true or false/);
  assert.throws(
    mount({ "tools.auth_basic.relam": "x" }),
    /tools\.auth_basic has no option "relam"/,
  );
  assert.throws(
    () => cherrypy.tools.auth_basic({ realm: 'a"b' }),
    /^Error: tools\.auth_basic\.realm cannot contain the " \(quote\) character/,
  );
  // A realm given where it is not checked at mount (the global config) fails each request.
  const site = suiteSite({ "tools.auth_basic.realm": 'x"y' }, false);
  site.web.mount(new Page(), "", {
    "/": {
      "tools.auth_basic.on": true,
      "tools.auth_basic.checkpassword": () => true,
    },
  });
  await site.web.getPage("/");
  // (The error page's traceback shows it: the failure comes before the request's tools, the
  // error log's among them, are set up.)
  site.web.assertStatus(500);
  site.web.assertInBody("Error: tools.auth_basic.realm cannot contain the");
  // A missing option fails the request, saying which.
  const missing = suiteSite({}, false);
  missing.web.mount(new Page(), "", { "/": { "tools.auth_basic.on": true } });
  await missing.web.getPage("/");
  missing.web.assertStatus(500);
  missing.web.assertInBody(
    "tools.auth_basic is on but has no tools.auth_basic.realm, tools.auth_basic.checkpassword: " +
      "set them in the config of this path.",
  );
});

test("auth_basic: the config checker knows the auth tools", () => {
  const { tree, config } = suiteSite();
  const conf = new cherrypy.GlobalConfig();
  tree.mount(new Page(), "", {
    "/": { "tools.encode.on": true },
    "/a": { "tools.auth_basic.on": true, "tools.auth_basic.realm": "r" },
    "/b": { "tools.auth_digest.on": true, "tools.auth_digest.key": "k" },
  });
  const warnings: string[] = [];
  new cherrypy.Checker({ tree, config: conf, log: (m) => warnings.push(m) }).run();
  assert.deepEqual(warnings.filter((w) => /auth_/.test(w)), []);
  assert.ok(config);
});
