/**
 * The auth tools as real clients meet them: curl (`-u` for Basic, `--digest` for MD5, MD5-sess,
 * SHA-256, SHA-256-sess, SHA-512-256 and hashed user names) and Python's urllib
 * (`HTTPBasicAuthHandler`, `HTTPDigestAuthHandler`), over a socket.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import * as cherrypy from "../../../mod.ts";
import { type Served, serveRoot } from "../../_helpers.ts";

const { expose } = cherrypy;
const PYTHON = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

function installed(cmd: string): boolean {
  try {
    execFileSync(cmd, ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** `true` when the machine's Python can import `module`. */
function installedModule(module: string): boolean {
  try {
    execFileSync(PYTHON, ["-c", `import ${module}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const noCurl = installed("curl") ? false : "curl is not installed (apt-get install curl)";
const noPython = installed(PYTHON) ? false : "python3 is not installed (apt-get install python3)";

/** Runs `cmd` and resolves with its standard output (rejects when it fails). */
function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(
      cmd,
      args,
      { timeout: 20_000 },
      (e, out, err) => e ? reject(new Error(`${e}\n${err}`)) : resolve(out),
    )
  );
}

/** The page: who logged in, and with which algorithm (and whether the name was hashed). */
class Page {
  @expose
  index({ name = "", ..._others }: Record<string, string> = {}) {
    const header = cherrypy.request.headers.get("Authorization") ?? "";
    const algorithm = /algorithm="?([\w-]+)/i.exec(header)?.[1] ?? "";
    const hashed = /userhash="?true/i.test(header) ? " userhash" : "";
    return `${cherrypy.request.login} ${algorithm}${hashed}${name ? ` ${name}` : ""}`.trim();
  }
}

const USERS = { jon: "secret", "jöhn": "pässwörd" };
const digest = (algorithm: string | string[], extra: Record<string, unknown> = {}) => ({
  "tools.auth_digest.on": true,
  "tools.auth_digest.realm": "localhost",
  "tools.auth_digest.get_ha1": cherrypy.lib.auth_digest.getHa1DictPlain(USERS),
  "tools.auth_digest.key": "a565c27146791cfb",
  "tools.auth_digest.algorithm": algorithm,
  ...extra,
});

let site: Served;
before(async () => {
  const root = new Page() as Page & Record<string, unknown>;
  for (
    const name of [
      ...["basic", "md5", "sha256", "hashed", "sess", "sha256sess", "sha512", "md5first"],
      "sha256only",
    ]
  ) {
    root[name] = new Page();
  }
  site = await serveRoot(root, {
    "/basic": {
      "tools.auth_basic.on": true,
      "tools.auth_basic.realm": "earth",
      "tools.auth_basic.checkpassword": cherrypy.lib.auth_basic.checkpasswordDict(USERS),
    },
    "/md5": digest("MD5"),
    "/sha256": digest(["SHA-256", "MD5"]),
    "/sha256only": digest("SHA-256"),
    "/hashed": digest(["SHA-256", "MD5"], { "tools.auth_digest.userhash": true }),
    "/sess": digest("MD5-sess"),
    "/sha256sess": digest("SHA-256-sess"),
    "/sha512": digest(["SHA-512-256", "SHA-256"]),
    "/md5first": digest(["MD5", "SHA-256"]),
  });
});
after(() => site.stop());

const curl = (...args: string[]) => run("curl", ["-sS", "--max-time", "10", ...args]);

test(
  "auth clients: curl -u (Basic), with an ASCII and a UTF-8 password",
  { skip: noCurl },
  async () => {
    assert.equal(await curl("-u", "jon:secret", `${site.base}/basic/`), "jon");
    assert.equal(await curl("-u", "jöhn:pässwörd", `${site.base}/basic/`), "jöhn");
    const refused = await curl(
      "-u",
      "jon:nope",
      "-o",
      "/dev/null",
      "-w",
      "%{http_code}",
      `${site.base}/basic/`,
    );
    assert.equal(refused, "401");
    const head = await curl("-D", "-", "-o", "/dev/null", `${site.base}/basic/`);
    assert.match(head, /^Www-Authenticate: Basic realm="earth", charset="UTF-8"\r$/m);
  },
);

test("auth clients: curl --digest with each algorithm it knows, and hashed user names", {
  skip: noCurl,
}, async () => {
  const get = (path: string, user = "jon:secret") =>
    curl("--digest", "-u", user, `${site.base}${path}`);
  assert.equal(await get("/md5/?q=%2F%40&x=1"), "jon MD5");
  assert.equal(await get("/md5/", "jöhn:pässwörd"), "jöhn MD5");
  assert.equal(await get("/sha256/"), "jon SHA-256");
  assert.equal(await get("/hashed/"), "jon SHA-256 userhash");
  assert.equal(await get("/hashed/", "jöhn:pässwörd"), "jöhn SHA-256 userhash");
  assert.equal(await get("/sess/"), "jon MD5-sess");
  assert.equal(await get("/sha256sess/"), "jon SHA-256-sess");
  // curl before 8.8.0 computes "SHA-512-256" with SHA-256 (its own bug), which fails here.
  const [major, minor] = (await curl("--version")).split(" ")[1]!.split(".").map(Number);
  const sha512 = await get("/sha512/").catch(() => "");
  if (major! > 8 || (major === 8 && minor! >= 8)) assert.equal(sha512, "jon SHA-512-256");
  else assert.match(sha512, /<title>401 Unauthorized<\/title>/);
  assert.equal(await get("/md5first/"), "jon MD5");
  // A POST whose body the handler reads.
  const posted = await curl("--digest", "-u", "jon:secret", "-d", "name=Ada", `${site.base}/md5/`);
  assert.equal(posted, "jon MD5 Ada");
  const refused = await curl(
    "--digest",
    ...["-u", "jon:nope", "-o", "/dev/null", "-w", "%{http_code}"],
    `${site.base}/sha256/`,
  );
  assert.equal(refused, "401");
});

// urllib's handlers, run by the machine's Python: prints "<status> <body>", or "error: ..."
// for what the client refuses to do.
const URLLIB = `
import sys, urllib.request, urllib.error
kind, url, user, password = sys.argv[1:5]
mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
mgr.add_password(None, url, user, password)
handler = (urllib.request.HTTPBasicAuthHandler if kind == "basic"
           else urllib.request.HTTPDigestAuthHandler)(mgr)
opener = urllib.request.build_opener(handler)
try:
    with opener.open(url) as r:
        print(r.status, r.read().decode("utf-8"), end="")
except urllib.error.HTTPError as e:
    print(e.code, end="")
except Exception as e:
    print("error:", type(e).__name__, e, end="")
`;

const urllib = (kind: string, path: string, user = "jon", password = "secret") =>
  run(PYTHON, ["-c", URLLIB, kind, `${site.base}${path}`, user, password]);

test("auth clients: Python urllib, Basic (UTF-8) and Digest MD5", { skip: noPython }, async () => {
  assert.equal(await urllib("basic", "/basic/"), "200 jon");
  assert.equal(await urllib("basic", "/basic/", "jöhn", "pässwörd"), "200 jöhn");
  assert.equal(await urllib("basic", "/basic/", "jon", "nope"), "401");
  assert.equal(await urllib("digest", "/md5/?q=1"), "200 jon MD5");
  assert.equal(await urllib("digest", "/md5first/"), "200 jon MD5");
  assert.equal(await urllib("digest", "/md5/", "jon", "nope"), "401");
});

test(
  "auth clients: Python urllib, Digest SHA-256 where its urllib has it",
  { skip: noPython },
  async () => {
    const probe = await run(PYTHON, [
      "-c",
      "import urllib.request as u\ntry:\n u.AbstractDigestAuthHandler().get_algorithm_impls('SHA-256'); print('yes', end='')\n" +
      "except ValueError as e: print(e, end='')",
    ]);
    const answer = await urllib("digest", "/sha256/");
    if (probe === "yes") {
      assert.equal(answer, "200 jon SHA-256");
    } else {
      // urllib answers the first challenge only, and this one has no SHA-256: it says so.
      assert.equal(probe, "Unsupported digest authentication algorithm 'SHA-256'");
      assert.equal(
        answer,
        "error: ValueError Unsupported digest authentication algorithm 'SHA-256'",
      );
      // Offering MD5 first serves it (see md5first above).
    }
  },
);

// The `requests` library's digest auth (Debian's python3-requests): prints "<status> <body>".
const REQUESTS = `
import sys, requests
from requests.auth import HTTPDigestAuth
url, user, password = sys.argv[1:4]
r = requests.get(url, auth=HTTPDigestAuth(user, password), timeout=10)
print(r.status_code, r.text if r.status_code == 200 else "", end="")
`;

const noRequests = noPython ||
  (installedModule("requests")
    ? false
    : "Python's requests is not installed (apt-get install python3-requests)");

const pyRequests = (path: string, user = "jon", password = "secret") =>
  run(PYTHON, ["-c", REQUESTS, `${site.base}${path}`, user, password]);

test("auth clients: Python requests, Digest MD5 and SHA-256", { skip: noRequests }, async () => {
  assert.equal(await pyRequests("/md5/?q=1"), "200 jon MD5");
  // requests answers one challenge (the last it parses): offered alone, SHA-256 is the one.
  assert.equal(await pyRequests("/sha256only/"), "200 jon SHA-256");
  assert.equal(await pyRequests("/sha256only/", "jon", "nope"), "401 ");
  assert.equal(await pyRequests("/md5/", "jöhn", "pässwörd"), "200 jöhn MD5");
});
