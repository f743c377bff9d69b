/**
 * The authentication examples (docs §4.9): what the docs say of Basic and Digest, checked on
 * examples/auth/basic.ts, digest.ts and stored_credentials.ts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as basic from "../../examples/auth/basic.ts";
import * as digest from "../../examples/auth/digest.ts";
import * as stored from "../../examples/auth/stored_credentials.ts";
import { freePort, privateSite, runProgram } from "../_helpers.ts";
import { authorization } from "../framework/tools/_digest_client.ts";

const credentials = (user: string, password: string) => "Basic " + btoa(`${user}:${password}`);

test("auth §4.9.1 basic: the protected area asks for credentials; the rest is public", async () => {
  const { tree, web } = privateSite();
  tree.mount(new basic.MyApp(), "/", basic.conf);
  await web.getPage("/protected/area/");
  web.assertErrorPage(401, "You are not authorized to access that resource");
  web.assertHeader("WWW-Authenticate", 'Basic realm="localhost", charset="UTF-8"');
  await web.getPage("/protected/area/", {
    headers: { Authorization: credentials("jon", "secret") },
  });
  web.assertBody("Hello jon, this is the protected area.");
  await web.getPage("/protected/area/", { headers: { Authorization: credentials("jon", "x") } });
  web.assertStatus(401);
  await web.getPage("/protected/");
  web.assertBody("Public. The protected area is at area/.");
  await web.getPage("/");
  web.assertBody("Public. See protected/area/.");
});

test("auth §4.9.1 basic: the function gets the user name and password decoded from the request", async () => {
  const seen: string[][] = [];
  const { tree, web } = privateSite();
  tree.mount(new basic.MyApp(), "/", {
    "/protected/area": {
      ...basic.conf["/protected/area"],
      "tools.auth_basic.checkpassword": (realm: string, user: string, password: string) => {
        seen.push([realm, user, password]);
        return basic.validatePassword(realm, user, password);
      },
    },
  });
  // The credentials travel in the request, only base64-encoded.
  const header = credentials("jon", "secret");
  assert.equal(atob(header.slice(6)), "jon:secret");
  await web.getPage("/protected/area/", { headers: { Authorization: header } });
  web.assertStatus(200);
  assert.deepEqual(seen, [["localhost", "jon", "secret"]]);
  assert.equal(basic.validatePassword("localhost", "jon", "secret"), true);
  assert.equal(basic.validatePassword("localhost", "ada", "secret"), false);
  assert.equal(basic.validatePassword("localhost", "toString", ""), false);
});

test("auth §4.9.2 digest: the client proves it knows the password without sending it", async () => {
  const { tree, web } = privateSite();
  tree.mount(new digest.MyApp(), "/", digest.conf);
  await web.getPage("/protected/area/");
  web.assertStatus(401);
  const challenge = web.headers.get("WWW-Authenticate")!;
  assert.match(
    challenge,
    /^Digest realm="localhost", nonce="\d+:[0-9a-f]{64}", algorithm="MD5", qop="auth"/,
  );
  const header = authorization(challenge, {
    username: "jon",
    password: "secret",
    uri: "/protected/area/",
  });
  assert.ok(!header.includes("secret"));
  await web.getPage("/protected/area/", { headers: { Authorization: header } });
  web.assertBody("Hello jon, this is the protected area.");
  const wrong = authorization(challenge, {
    username: "jon",
    password: "x",
    uri: "/protected/area/",
  });
  await web.getPage("/protected/area/", { headers: { Authorization: wrong } });
  web.assertStatus(401);
  await web.getPage("/");
  web.assertBody("Public. See protected/area/.");
});

test("auth: the examples run as programs (PORT), and answer as the docs say", async () => {
  for (const [name, auth] of [["basic", "Basic"], ["digest", "Digest"]] as const) {
    const port = await freePort();
    const prog = runProgram(`examples/auth/${name}`, { PORT: String(port) });
    try {
      await prog.waitFor(/Bus STARTED/);
      const base = `http://127.0.0.1:${port}`;
      const first = await fetch(`${base}/protected/area/`);
      await first.arrayBuffer();
      assert.equal(first.status, 401);
      const challenge = first.headers.get("WWW-Authenticate")!;
      assert.ok(challenge.startsWith(`${auth} realm="localhost"`));
      const header = auth === "Basic" ? credentials("jon", "secret") : authorization(challenge, {
        username: "jon",
        password: "secret",
        uri: "/protected/area/",
      });
      const ok = await fetch(`${base}/protected/area/`, { headers: { Authorization: header } });
      assert.equal(await ok.text(), "Hello jon, this is the protected area.");
    } finally {
      prog.signal("SIGTERM");
      await prog.exited;
    }
  }
});

test("auth: stored credentials: PBKDF2 hashes for Basic, HA1s (SHA-256 and MD5) for Digest", async () => {
  await stored.setUp("jon", "secret");
  const user = stored.USERS.get("jon")!;
  assert.equal(user.salt.length, 16);
  assert.match(user.hash, /^[0-9a-f]{64}$/);
  assert.ok(!JSON.stringify(stored.HA1S).includes("secret"));
  assert.equal(await stored.checkpassword("localhost", "jon", "secret"), true);
  assert.equal(await stored.checkpassword("localhost", "jon", "Secret"), false);
  assert.equal(await stored.checkpassword("localhost", "ada", "secret"), false);

  const { tree, web } = privateSite();
  tree.mount(new stored.Site(), "/", stored.conf);
  await web.getPage("/basic/", { headers: { Authorization: credentials("jon", "secret") } });
  web.assertBody("Hello jon");
  await web.getPage("/basic/", { headers: { Authorization: credentials("jon", "nope") } });
  web.assertStatus(401);

  await web.getPage("/digest/");
  const [sha256, md5, ...none] = web.headers.get("WWW-Authenticate")!.split(/, (?=Digest )/);
  assert.equal(none.length, 0);
  assert.match(sha256!, /algorithm="SHA-256"/);
  assert.match(md5!, /algorithm="MD5"/);
  for (const challenge of [sha256!, md5!]) {
    const header = authorization(challenge, {
      username: "jon",
      password: "secret",
      uri: "/digest/",
    });
    await web.getPage("/digest/", { headers: { Authorization: header } });
    web.assertBody("Hello jon");
  }
});
