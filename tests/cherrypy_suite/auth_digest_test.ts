/**
 * CherryPy's test_auth_digest, ported: a public page, and a path protected by
 * `tools.auth_digest` (plain passwords, UTF-8 credentials), reached with a wrong realm, an
 * ASCII user, a non-ASCII user and the wrong scheme.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as cherrypy from "../../mod.ts";
import { suiteSite } from "./_suite.ts";

const { expose } = cherrypy;
const { web } = suiteSite();
const auth_digest = cherrypy.lib.auth_digest;

function _fetch_users(): Record<string, string> {
  return { test: "test", "☃йюзер": "їпароль" };
}

const get_ha1 = auth_digest.getHa1DictPlain(_fetch_users());

class Root {
  @expose
  index() {
    return "This is public.";
  }
}

class DigestProtected {
  // `(self, *args, **kwargs)`: one object of keyword parameters, then the positional ones.
  @expose
  index({ ..._kwargs }: Record<string, unknown> = {}, ..._args: unknown[]) {
    return `Hello ${cherrypy.request.login}, you've been authorized.`;
  }
}

before(() => {
  const conf = {
    "/digest": {
      "tools.auth_digest.on": true,
      "tools.auth_digest.realm": "localhost",
      "tools.auth_digest.get_ha1": get_ha1,
      "tools.auth_digest.key": "a565c27146791cfb",
      "tools.auth_digest.debug": true,
      "tools.auth_digest.accept_charset": "UTF-8",
    },
  };
  const root = new Root() as Root & Record<string, unknown>;
  root.digest = new DigestProtected();
  web.mount(root, "", conf);
});

after(() => web.stop());

/** Python's `s.encode("utf-8").decode("latin1")`: the UTF-8 bytes, one character each. */
function latin1OfUtf8(s: string): string {
  return String.fromCharCode(...new TextEncoder().encode(s));
}

test("auth_digest: testPublic", async () => {
  await web.getPage("/");
  assert.equal(web.status, "200 OK");
  web.assertHeader("Content-Type", "text/html;charset=utf-8");
  assert.equal(web.body, "This is public.");
});

async function _test_parametric_digest(username: string, realm: string): Promise<void> {
  const test_uri = "/digest/?@/=%2F%40&%f0%9f%99%88=path";

  await web.getPage(test_uri);
  assert.equal(web.code, 401);

  // One Digest challenge (fetch joins repeated headers with ", ", so they are counted in it).
  const msg = "Digest authentification scheme was not found";
  const www_authenticate = web.headers.get("WWW-Authenticate") ?? "";
  assert.ok(www_authenticate.startsWith("Digest "), msg);
  assert.equal(www_authenticate.split(/(?:^|, )Digest /).length - 1, 1, msg);

  const items = www_authenticate.slice(7).split(", ");
  const tokens: Record<string, string> = {};
  for (const item of items) {
    const [key, value] = item.split("=");
    tokens[key!.toLowerCase()] = value!;
  }

  assert.equal(tokens["realm"], '"localhost"');
  assert.equal(tokens["algorithm"], '"MD5"');
  assert.equal(tokens["qop"], '"auth"');
  assert.equal(tokens["charset"], '"UTF-8"');

  const nonce = tokens["nonce"]!.replaceAll('"', "");

  // Test user agent response with a wrong value for 'realm'
  const base_auth = (user: string, response: string, nc: string) =>
    `Digest username="${user}", realm="${realm}", nonce="${nonce}", uri="${test_uri}", ` +
    `algorithm=MD5, response="${response}", qop=auth, nc=${nc}, cnonce="1522e61005789929"`;

  const encoded_user = latin1OfUtf8(username);
  let auth_header = base_auth(encoded_user, "11111111111111111111111111111111", "00000001");
  const auth = new auth_digest.HttpDigestAuthorization(auth_header, "GET");
  // calculate the response digest
  const ha1 = get_ha1(auth.realm, auth.username) as string;
  const response = auth.requestDigest(ha1);
  auth_header = base_auth(encoded_user, response, "00000001");
  await web.getPage(test_uri, { headers: [["Authorization", auth_header]] });
}

test("auth_digest: test_wrong_realm", async () => {
  // send response with correct response digest, but wrong realm
  await _test_parametric_digest("test", "wrong realm");
  assert.equal(web.code, 401);
});

test("auth_digest: test_ascii_user", async () => {
  await _test_parametric_digest("test", "localhost");
  assert.equal(web.status, "200 OK");
  assert.equal(web.body, "Hello test, you've been authorized.");
});

test("auth_digest: test_unicode_user", async () => {
  await _test_parametric_digest("☃йюзер", "localhost");
  assert.equal(web.status, "200 OK");
  assert.deepEqual(
    web.bytes,
    new TextEncoder().encode("Hello ☃йюзер, you've been authorized."),
  );
});

test("auth_digest: test_wrong_scheme", async () => {
  const basic_auth = { "Authorization": "Basic foo:bar" };
  await web.getPage("/digest/", { headers: Object.entries(basic_auth) });
  assert.equal(web.code, 401);
});
