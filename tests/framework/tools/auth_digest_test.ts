/**
 * The `auth_digest` tool: challenges, the 400 and 401 cases, stale nonces, the algorithms of
 * RFC 2617 and RFC 7616, `auth-int`, hashed and extended user names, the credential stores,
 * and checks of its options.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as cherrypy from "../../../mod.ts";
import { rawExchange } from "../../_raw.ts";
import { suiteSite } from "../../cherrypy_suite/_suite.ts";
import { authorization, h, parseChallenge } from "./_digest_client.ts";

const { expose } = cherrypy;
const auth_digest = cherrypy.lib.auth_digest;
const KEY = "a565c27146791cfb";
const USERS = { jon: "secret", "jöhn": "pässwörd" };

class Page {
  @expose
  index() {
    return `Hello ${cherrypy.request.login}`;
  }
  @expose
  form(name = "", ..._rest: string[]) {
    return `${cherrypy.request.login} posted ${name}`;
  }
}

function digestConf(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    "tools.auth_digest.on": true,
    "tools.auth_digest.realm": "localhost",
    "tools.auth_digest.get_ha1": auth_digest.getHa1DictPlain(USERS),
    "tools.auth_digest.key": KEY,
    ...extra,
  };
}

/** A site with `/` public and `/p` protected by `conf`. */
function serve(conf: Record<string, unknown> = {}, socket = false) {
  const site = suiteSite({}, socket);
  const root = new Page() as Page & Record<string, unknown>;
  root.p = new Page();
  site.web.mount(root, "", { "/p": digestConf(conf) });
  return site;
}

/** The challenges of the last answer (fetch joins them with ", "). */
function challenges(web: cherrypy.WebCase): string[] {
  const value = web.headers.get("WWW-Authenticate") ?? "";
  return value.split(/, (?=Digest )/);
}

test("auth_digest: the challenge, as CherryPy writes it; the nonce is a timestamp and an HMAC", async () => {
  const { web } = serve();
  await web.getPage("/p/");
  web.assertErrorPage(401, "You are not authorized to access that resource");
  const [challenge, ...more] = challenges(web);
  assert.equal(more.length, 0);
  assert.match(
    challenge!,
    /^Digest realm="localhost", nonce="(\d+):([0-9a-f]{64})", algorithm="MD5", qop="auth", charset="UTF-8"$/,
  );
  const [ts, mac] = parseChallenge(challenge!)["nonce"]!.split(":");
  assert.ok(Math.abs(Number(ts) - Date.now() / 1000) < 5);
  assert.equal(mac, cherrypy.platform.hmac("sha256", KEY, `${ts}:localhost`));
  assert.equal(auth_digest.synthesizeNonce("localhost", KEY, ts), `${ts}:${mac}`);
  // ISO-8859-1 declares no charset, as CherryPy.
  const latin = serve({ "tools.auth_digest.accept_charset": "ISO-8859-1" });
  await latin.web.getPage("/p/");
  assert.doesNotMatch(latin.web.headers.get("WWW-Authenticate")!, /charset/);
  await web.getPage("/");
  web.assertBody("Hello null");
});

test("auth_digest: a right answer logs the user in; wrong ones get 401 and a new challenge", async () => {
  const { web } = serve();
  await web.getPage("/p/");
  const challenge = challenges(web)[0]!;
  const good = { username: "jon", password: "secret", uri: "/p/" };
  await web.getPage("/p/", { headers: { Authorization: authorization(challenge, good) } });
  web.assertBody("Hello jon");
  // No qop (RFC 2069 style), and another nonce count: accepted (nonces are not tracked).
  for (const variant of [{ qop: null }, { nc: "00000002", cnonce: "x" }] as const) {
    const header = authorization(challenge, { ...good, ...variant });
    await web.getPage("/p/", { headers: { Authorization: header } });
    web.assertBody("Hello jon");
  }
  const wrong = [
    { ...good, password: "nope" },
    { ...good, username: "ada" },
    { ...good, realm: "elsewhere" },
    { ...good, nonce: `${Math.floor(Date.now() / 1000)}:${"0".repeat(64)}` },
    { ...good, nonce: "not a nonce" },
    { ...good, method: "POST" }, // the digest covers another method
  ];
  for (const creds of wrong) {
    await web.getPage("/p/", { headers: { Authorization: authorization(challenge, creds) } });
    web.assertErrorPage(401, "You are not authorized to access that resource");
    assert.match(web.headers.get("WWW-Authenticate")!, /^Digest realm="localhost", nonce=/);
    assert.doesNotMatch(web.headers.get("WWW-Authenticate")!, /stale/);
  }
  // Another scheme gets the challenge.
  await web.getPage("/p/", { headers: { Authorization: "Basic am9uOnNlY3JldA==" } });
  web.assertStatus(401);
  assert.match(web.headers.get("WWW-Authenticate")!, /^Digest /);
});

test("auth_digest: headers that cannot be parsed are 400s with CherryPy's message", async () => {
  const { web } = serve();
  await web.getPage("/p/");
  const challenge = challenges(web)[0]!;
  const good = authorization(challenge, { username: "jon", password: "secret", uri: "/p/" });
  const bad = [
    "Digest",
    "Digest foo",
    'Digest username=, realm="x"',
    good.replace(/username="jon", /, ""),
    good.replace(/, response="[0-9a-f]+"/, ""),
    good.replace(/uri="\/p\/", /, ""),
    good.replace("algorithm=MD5", "algorithm=SHA"),
    good.replace("qop=auth", "qop=auth-conf"),
    good.replace(/, cnonce="[^"]*"/, ""),
    authorization(challenge, { username: "jon", password: "x", uri: "/p/", qop: null }) +
    ', cnonce="abc"',
    good.replace("username=", "username*=UTF-8''jon, username="),
    good.replace('username="jon"', "username*=UTF-8''%FF"),
    good + ", userhash=maybe",
  ];
  for (const header of bad) {
    await web.getPage("/p/", { headers: { Authorization: header } });
    web.assertErrorPage(400, "The Authorization header could not be parsed.");
  }
  // The digest must cover the requested URI (RFC 7616 §3.4.6).
  const elsewhere = authorization(challenge, { username: "jon", password: "secret", uri: "/x" });
  await web.getPage("/p/", { headers: { Authorization: elsewhere } });
  web.assertErrorPage(400, "The Authorization header's uri is not the requested URI.");
  // ... unless told not to check (behind a proxy that rewrites paths).
  const lenient = serve({ "tools.auth_digest.check_uri": false });
  await lenient.web.getPage("/p/");
  const other = authorization(challenges(lenient.web)[0]!, {
    username: "jon",
    password: "secret",
    uri: "/x",
  });
  await lenient.web.getPage("/p/", { headers: { Authorization: other } });
  lenient.web.assertBody("Hello jon");
  // An absolute URI in `uri` names the same resource.
  const absolute = authorization(challenge, {
    username: "jon",
    password: "secret",
    uri: "http://127.0.0.1/p/",
  });
  await web.getPage("/p/", { headers: { Authorization: absolute } });
  web.assertBody("Hello jon");
});

test('auth_digest: a right answer on a nonce older than 600 s gets 401 with stale="true"', async () => {
  const { web } = serve();
  const old = auth_digest.synthesizeNonce("localhost", KEY, Math.floor(Date.now() / 1000) - 601);
  const challenge = auth_digest.wwwAuthenticate("localhost", KEY, { nonce: old });
  const creds = { username: "jon", password: "secret", uri: "/p/" };
  await web.getPage("/p/", { headers: { Authorization: authorization(challenge, creds) } });
  web.assertErrorPage(401);
  const fresh = web.headers.get("WWW-Authenticate")!;
  assert.match(fresh, /, stale="true", charset="UTF-8"$/);
  assert.notEqual(parseChallenge(fresh)["nonce"], old);
  // A wrong answer on the old nonce is not told it is stale.
  await web.getPage("/p/", {
    headers: { Authorization: authorization(challenge, { ...creds, password: "x" }) },
  });
  assert.doesNotMatch(web.headers.get("WWW-Authenticate")!, /stale/);
  // A nonce 590 s old is still good.
  const recent = auth_digest.synthesizeNonce("localhost", KEY, Math.floor(Date.now() / 1000) - 590);
  await web.getPage("/p/", {
    headers: { Authorization: authorization(challenge, { ...creds, nonce: recent }) },
  });
  web.assertBody("Hello jon");
});

test("auth_digest: MD5-sess, SHA-256(-sess), SHA-512-256(-sess); several challenges in order", async () => {
  const { web } = serve({ "tools.auth_digest.algorithm": ["SHA-256", "MD5", "SHA-512-256"] });
  await web.getPage("/p/");
  const offered = challenges(web);
  assert.deepEqual(offered.map((c) => parseChallenge(c)["algorithm"]), [
    "SHA-256",
    "MD5",
    "SHA-512-256",
  ]);
  const nonces = new Set(offered.map((c) => parseChallenge(c)["nonce"]));
  assert.equal(nonces.size, 1);
  const creds = { username: "jon", password: "secret", uri: "/p/" };
  for (const algorithm of ["MD5", "MD5-sess", "SHA-256", "SHA-256-sess", "SHA-512-256-sess"]) {
    const header = authorization(offered[0]!, { ...creds, algorithm });
    await web.getPage("/p/", { headers: { Authorization: header } });
    web.assertBody("Hello jon");
  }
  // Only what was offered (or its -sess twin) is accepted.
  const md5Only = serve();
  await md5Only.web.getPage("/p/");
  const header = authorization(challenges(md5Only.web)[0]!, { ...creds, algorithm: "SHA-256" });
  await md5Only.web.getPage("/p/", { headers: { Authorization: header } });
  md5Only.web.assertStatus(401);
  // The challenges go out as separate header lines.
  const sock = serve({ "tools.auth_digest.algorithm": ["SHA-256", "MD5"] }, true);
  try {
    await sock.web.getPage("/");
    const raw = await rawExchange(
      sock.web.port,
      "GET /p/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    const lines = raw.text.split("\r\n").filter((l) => /^www-authenticate:/i.test(l));
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, /algorithm="SHA-256"/);
    assert.match(lines[1]!, /algorithm="MD5"/);
  } finally {
    await sock.web.stop();
  }
});

test("auth_digest: qop=auth-int covers the body, which the handler still gets", async () => {
  const { web } = serve();
  await web.getPage("/p/");
  const challenge = challenges(web)[0]!;
  const body = "name=Ad%C3%A1";
  const creds = {
    username: "jon",
    password: "secret",
    uri: "/p/form",
    method: "POST",
    qop: "auth-int" as const,
    body,
  };
  const form = { "Content-Type": "application/x-www-form-urlencoded" };
  await web.getPage("/p/form", {
    method: "POST",
    body,
    headers: { ...form, Authorization: authorization(challenge, creds) },
  });
  web.assertBody("jon posted Adá");
  // The digest of another body does not pass.
  await web.getPage("/p/form", {
    method: "POST",
    body: "name=Eve",
    headers: { ...form, Authorization: authorization(challenge, creds) },
  });
  web.assertStatus(401);
  // A GET's entity body is empty.
  const get = authorization(challenge, { ...creds, method: "GET", uri: "/p/", body: "" });
  await web.getPage("/p/", { headers: { Authorization: get } });
  web.assertBody("Hello jon");
});

test("auth_digest: userhash (RFC 7616) and username* (RFC 8187); UTF-8 user names", async () => {
  const { web } = serve({
    "tools.auth_digest.userhash": true,
    "tools.auth_digest.algorithm": "SHA-256",
  });
  await web.getPage("/p/");
  const challenge = challenges(web)[0]!;
  assert.match(challenge, /, charset="UTF-8", userhash=true$/);
  const creds = { username: "jöhn", password: "pässwörd", uri: "/p/" };
  for (const how of [{}, { userhash: true }, { extended: true }]) {
    await web.getPage("/p/", {
      headers: { Authorization: authorization(challenge, { ...creds, ...how }) },
    });
    web.assertBody("Hello jöhn");
  }
  await web.getPage("/p/", {
    headers: {
      Authorization: authorization(challenge, { ...creds, username: "nobody", userhash: true }),
    },
  });
  web.assertStatus(401);
  // A store of one's own finds hashed names through get_username.
  const custom = serve({
    "tools.auth_digest.get_username": (realm: string, userhash: string, alg: "SHA-256") =>
      userhash === h(alg, `jon:${realm}`) ? "jon" : null,
    "tools.auth_digest.get_ha1": (realm: string, user: string, alg = "MD5") =>
      user === "jon" ? h(alg, `jon:${realm}:secret`) : null,
  });
  await custom.web.getPage("/p/");
  const hashed = authorization(challenges(custom.web)[0]!, {
    username: "jon",
    password: "secret",
    uri: "/p/",
    userhash: true,
  });
  await custom.web.getPage("/p/", { headers: { Authorization: hashed } });
  custom.web.assertBody("Hello jon");
});

test("auth_digest: the hash functions (FIPS 180-4 test vectors)", () => {
  const { digestHash } = auth_digest;
  assert.equal(digestHash("MD5", "abc"), "900150983cd24fb0d6963f7d28e17f72");
  assert.equal(
    digestHash("SHA-256", "abc"),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
  assert.equal(
    digestHash("SHA-512-256", "abc"),
    "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23",
  );
  // RFC 7616 §3.9.1's example: Mufasa, "Circle of Life", SHA-256.
  const auth = new auth_digest.HttpDigestAuthorization(
    'Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", ' +
      'algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, ' +
      'cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop=auth, ' +
      'response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", ' +
      'opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
    "GET",
  );
  const ha1 = digestHash("SHA-256", "Mufasa:http-auth@example.org:Circle of Life");
  assert.equal(auth.requestDigest(ha1), auth.response);
  assert.equal(auth.opaque, "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS");
});

test("auth_digest: get_ha1_dict_plain, get_ha1_dict, get_ha1_file_htdigest; async get_ha1", async () => {
  const plain = auth_digest.getHa1DictPlain({ jon: "secret", empty: "" });
  assert.equal(plain("localhost", "jon"), h("MD5", "jon:localhost:secret"));
  assert.equal(plain("localhost", "jon", "SHA-256"), h("SHA-256", "jon:localhost:secret"));
  assert.equal(plain("localhost", "empty"), null);
  assert.equal(plain("localhost", "constructor"), null);
  const md5 = h("MD5", "jon:localhost:secret");
  const sha = h("SHA-256", "jon:localhost:secret");
  const dict = auth_digest.getHa1Dict({
    jon: md5,
    ada: { "SHA-256": h("SHA-256", "ada:localhost:x") },
  });
  assert.equal(dict("localhost", "jon"), md5);
  assert.equal(dict("localhost", "jon", "MD5"), md5);
  assert.equal(dict("localhost", "jon", "SHA-256"), null);
  assert.equal(dict("localhost", "ada", "SHA-256"), h("SHA-256", "ada:localhost:x"));
  assert.equal(dict("localhost", "ada", "MD5"), null);
  assert.equal(dict("localhost", "toString"), null);

  const dir = mkdtempSync(join(tmpdir(), "htdigest-"));
  try {
    const file = join(dir, "htdigest");
    // The line Apache's htdigest writes for the RFC's example user, and a SHA-256 line.
    writeFileSync(
      file,
      "alice:wonderland:3238cdfe91a8b2ed8e39646921a02d4c\n" +
        `jon:localhost:${md5}\njon:localhost:${sha}\n\n`,
    );
    const fromFile = auth_digest.getHa1FileHtdigest(file);
    assert.equal(await fromFile("wonderland", "alice"), h("MD5", "alice:wonderland:4x5istwelve"));
    assert.equal(await fromFile("localhost", "jon", "SHA-256"), sha);
    assert.equal(await fromFile("elsewhere", "jon"), null);
    assert.deepEqual([...await fromFile.usernames!("localhost")], ["jon", "jon"]);

    const { web } = serve({
      "tools.auth_digest.get_ha1": fromFile,
      "tools.auth_digest.algorithm": ["SHA-256", "MD5"],
    });
    await web.getPage("/p/");
    const challenge = challenges(web)[0]!;
    for (const algorithm of ["SHA-256", "MD5"]) {
      const header = authorization(challenge, {
        username: "jon",
        password: "secret",
        uri: "/p/",
        algorithm,
      });
      await web.getPage("/p/", { headers: { Authorization: header } });
      web.assertBody("Hello jon");
    }
    // A malformed line is an error naming the file and line: a 500, logged.
    writeFileSync(file, "jon:localhost\n");
    const site = serve({ "tools.auth_digest.get_ha1": fromFile });
    await site.web.getPage("/p/");
    const header = authorization(challenges(site.web)[0]!, {
      username: "jon",
      password: "secret",
      uri: "/p/",
    });
    await site.web.getPage("/p/", { headers: { Authorization: header } });
    site.web.assertStatus(500);
    assert.ok(site.errors.some((e) => e.includes(`${file}, line 1: an htdigest line is`)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("auth_digest: options are checked where they are written, and when a request uses them", async () => {
  const throwsMount = (conf: Record<string, unknown>, pattern: RegExp) =>
    assert.throws(() => suiteSite().tree.mount(new Page(), "", { "/p": conf }), pattern);
  throwsMount(
    { "tools.auth_digest.realm": 'a"b' },
    /^Error: Config section \[\/p\]: tools\.auth_digest\.realm cannot contain the " \(quote\)/,
  );
  throwsMount(
    { "tools.auth_digest.key": "" },
    /tools\.auth_digest\.key must be a non-empty string/,
  );
  throwsMount({ "tools.auth_digest.get_ha1": { jon: "x" } }, /get_ha1 must be a function/);
  throwsMount({ "tools.auth_digest.algorithm": "SHA-1" }, /algorithm must be one of MD5/);
  throwsMount({ "tools.auth_digest.algorithm": [] }, /algorithm must be one of MD5/);
  throwsMount({ "tools.auth_digest.accept_charset": "klingon" }, /cannot decode: "klingon"/);
  throwsMount({ "tools.auth_digest.userhash": "yes" }, /userhash must be true or false/);
  throwsMount({ "tools.auth_digest.nonce_lifetime": 5 }, /has no option "nonce_lifetime"/);
  assert.throws(
    () => cherrypy.tools.auth_digest({ realm: 'x"' }),
    /tools\.auth_digest\.realm cannot contain/,
  );
  // Options spread over sections are fine when mounted; a missing one fails the request.
  const site = suiteSite({}, false);
  const root = new Page() as Page & Record<string, unknown>;
  root.p = new Page();
  site.web.mount(root, "", {
    "/": { "tools.auth_digest.realm": "localhost", "tools.auth_digest.key": KEY },
    "/p": { "tools.auth_digest.on": true },
  });
  await site.web.getPage("/p/");
  site.web.assertStatus(500);
  site.web.assertInBody(
    "tools.auth_digest is on but has no tools.auth_digest.get_ha1: set it in the config",
  );
});

test("auth_digest: debug writes each step to the error log (TOOLS.AUTH_DIGEST)", async () => {
  const { web, errors } = serve({ "tools.auth_digest.debug": true });
  await web.getPage("/p/");
  const challenge = challenges(web)[0]!;
  const creds = { username: "jon", password: "secret", uri: "/p/" };
  await web.getPage("/p/", { headers: { Authorization: authorization(challenge, creds) } });
  web.assertBody("Hello jon");
  const lines = errors.filter((e) => e.includes("TOOLS.AUTH_DIGEST"));
  assert.ok(lines.some((l) => l.endsWith("TOOLS.AUTH_DIGEST " + challenge)));
  assert.ok(lines.some((l) => l.includes("TOOLS.AUTH_DIGEST authorization : Digest username=")));
  assert.ok(lines.some((l) => l.endsWith("TOOLS.AUTH_DIGEST validate_nonce: True")));
  assert.ok(lines.some((l) => l.endsWith("TOOLS.AUTH_DIGEST digest matches auth.response")));
  assert.ok(lines.some((l) => l.endsWith("TOOLS.AUTH_DIGEST authentication of jon successful")));
});

test("auth_digest: a config file names the stores by CherryPy's names", async () => {
  const dir = mkdtempSync(join(tmpdir(), "digestconf-"));
  try {
    const file = join(dir, "app.conf");
    writeFileSync(
      file,
      "[/p]\ntools.auth_digest.on = True\ntools.auth_digest.realm = 'localhost'\n" +
        `tools.auth_digest.key = '${KEY}'\n` +
        "tools.auth_digest.get_ha1 = cherrypy.lib.auth_digest.get_ha1_dict_plain({'jon': 'secret'})\n",
    );
    const site = suiteSite({}, false);
    const root = new Page() as Page & Record<string, unknown>;
    root.p = new Page();
    site.web.mount(root, "", file);
    await site.web.getPage("/p/");
    const header = authorization(challenges(site.web)[0]!, {
      username: "jon",
      password: "secret",
      uri: "/p/",
    });
    await site.web.getPage("/p/", { headers: { Authorization: header } });
    site.web.assertBody("Hello jon");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
