/**
 * The sessions tool with each store (RAM and file): concurrency under the lock, LockTimeout,
 * forged and expired ids, and saving only what was used.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as cherrypy from "../../../../mod.ts";
import { serveRoot } from "../../../_helpers.ts";
import { Browser } from "../../../_browser.ts";

const { expose } = cherrypy;
const { RamSession, FileSession } = cherrypy.lib.sessions;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ID = /^[0-9a-f]{40}$/;

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "sessions-tool-"));
  dirs.push(dir);
  return dir;
}
after(async () => {
  await RamSession.stopCleanThread();
  await FileSession.stopCleanThread();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** How many requests entered `/slow` (holding the session's lock). */
let slowEntered = 0;

class Counter {
  @expose
  async index() {
    const n = cherrypy.session.get("n", 0);
    await sleep(1); // another request of the session would read the same n, without the lock
    cherrypy.session["n"] = n + 1;
    return String(n + 1);
  }
  @expose
  show() {
    return String(cherrypy.session.get("n", 0));
  }
  @expose
  untouched() {
    return "no session data used";
  }
  @expose
  async slow(ms: string) {
    slowEntered++;
    cherrypy.session["slow"] = true;
    await sleep(Number(ms));
    return "slow";
  }
  @expose
  id() {
    return cherrypy.session.id;
  }
}

/** Each store, with its config. */
async function stores(): Promise<Array<[string, Record<string, unknown>]>> {
  return [
    ["RamSession", { "tools.sessions.storage_class": RamSession }],
    [
      "FileSession",
      {
        "tools.sessions.storage_class": FileSession,
        "tools.sessions.storage_path": await tempDir(),
      },
    ],
  ];
}

for (const [name, storeConf] of await stores()) {
  test(`${name}: 100 concurrent requests of one session lose no update`, async () => {
    const s = await serveRoot(new Counter(), { "/": { "tools.sessions.on": true, ...storeConf } });
    try {
      const client = new Browser(s.base);
      assert.equal((await client.fetch("/")).body, "1");
      const cookie = client.cookieHeader()!;
      const pages = await Promise.all(
        Array.from({ length: 100 }, () => fetch(s.base + "/", { headers: { cookie } })),
      );
      const bodies = await Promise.all(pages.map((p) => p.text()));
      assert.deepEqual(pages.map((p) => p.status), Array(100).fill(200));
      // Every request saw a different count: they ran one after the other.
      assert.deepEqual(bodies.map(Number).sort((a, b) => a - b), range(2, 101));
      assert.equal((await client.fetch("/show")).body, "101");
      assert.deepEqual(s.errors, []);
    } finally {
      await s.stop();
    }
  });

  test(`${name}: lock_timeout: a request that waits longer gets 500 (LockTimeout)`, async () => {
    const s = await serveRoot(new Counter(), {
      "/": { "tools.sessions.on": true, "tools.sessions.lock_timeout": 0.2, ...storeConf },
    });
    try {
      const client = new Browser(s.base);
      await client.fetch("/");
      const cookie = client.cookieHeader()!;
      const entered = slowEntered;
      const slow = fetch(s.base + "/slow?ms=1500", { headers: { cookie } });
      while (slowEntered === entered) await sleep(10); // it holds the lock now
      const waiting = await fetch(s.base + "/show", { headers: { cookie } });
      assert.equal(waiting.status, 500);
      await waiting.text();
      assert.equal((await slow).status, 200);
      assert.ok(
        s.errors.some((l) => l.includes("LockTimeout: Timeout acquiring lock for ")),
        s.errors.join("\n"),
      );
      // Once the slow request is done, the session is free again.
      assert.equal((await client.fetch("/show")).body, "1");
    } finally {
      await s.stop();
    }
  });

  test(`${name}: forged, malformed and unknown ids get a fresh 40-hex id`, async () => {
    // The file store's directory is `outer/sessions`: nothing may appear beside it.
    const outer = await tempDir();
    const dir = name === "FileSession" ? join(outer, "sessions") : undefined;
    const conf = dir === undefined
      ? storeConf
      : { ...storeConf, "tools.sessions.storage_path": dir };
    const s = await serveRoot(new Counter(), { "/": { "tools.sessions.on": true, ...conf } });
    try {
      const forged = [
        "../../etc/passwd",
        "../../../../../../tmp/x",
        "..",
        "/etc/passwd",
        "a".repeat(40).toUpperCase(),
        "0".repeat(39),
        "0".repeat(41),
        "%2e%2e%2fpasswd",
        "0".repeat(40), // well formed, but unknown
      ];
      for (const id of forged) {
        const page = await fetch(s.base + "/", { headers: { cookie: `session_id=${id}` } });
        assert.equal(page.status, 200, id);
        assert.equal(await page.text(), "1", id);
        const fresh = /^session_id=([^;]*);/.exec(page.headers.getSetCookie()[0]!)![1]!;
        assert.match(fresh, ID, id);
        assert.notEqual(fresh, id);
      }
      // Nothing was written outside storage_path, and inside only session files.
      assert.deepEqual(await readdir(outer), dir === undefined ? [] : ["sessions"]);
      if (dir !== undefined) {
        const files = await readdir(dir);
        assert.equal(files.length, forged.length);
        for (const file of files) assert.match(file, /^session-[0-9a-f]{40}$/);
      }
    } finally {
      await s.stop();
    }
  });

  test(`${name}: an expired session's id is replaced, and its data is gone`, async () => {
    const s = await serveRoot(new Counter(), {
      "/": { "tools.sessions.on": true, "tools.sessions.timeout": 0.5 / 60, ...storeConf },
    });
    try {
      const client = new Browser(s.base);
      await client.fetch("/");
      await client.fetch("/");
      const first = client.jar.get("session_id");
      await sleep(700);
      assert.equal((await client.fetch("/")).body, "1");
      assert.notEqual(client.jar.get("session_id"), first);
      assert.match(client.jar.get("session_id")!, ID);
    } finally {
      await s.stop();
    }
  });

  test(`${name}: data is saved only when used; an unsaved id is not kept`, async () => {
    const s = await serveRoot(new Counter(), { "/": { "tools.sessions.on": true, ...storeConf } });
    try {
      const client = new Browser(s.base);
      const sizeBefore = await storeSize(name, storeConf);
      await client.fetch("/untouched");
      const first = client.jar.get("session_id");
      assert.equal(await storeSize(name, storeConf), sizeBefore);
      // CherryPy: an id whose session was never saved is unknown, so it is replaced.
      await client.fetch("/untouched");
      assert.notEqual(client.jar.get("session_id"), first);
    } finally {
      await s.stop();
    }
  });
}

async function storeSize(name: string, conf: Record<string, unknown>): Promise<number> {
  if (name === "RamSession") return RamSession.cache.size;
  return (await readdir(conf["tools.sessions.storage_path"] as string)).length;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

class Cookies {
  @expose
  set(name: string, maxAge = "", expires = "") {
    const morsel = cherrypy.response.cookie.set(name, "v");
    if (maxAge !== "") morsel.maxAge = Number(maxAge);
    if (expires !== "") morsel.expires = expires;
    return "";
  }
}

test("the tests' cookie jar: Max-Age wins over an expires date, as RFC 6265 says", async () => {
  // A session of one second gets Max-Age=1 and an expires date in whole seconds, which may have
  // passed when the answer is read: the cookie must be kept all the same.
  const s = await serveRoot(new Cookies());
  try {
    const client = new Browser(s.base);
    const past = encodeURIComponent(new Date(Date.now() - 5000).toUTCString());
    await client.fetch(`/set?name=a&maxAge=1&expires=${past}`);
    assert.equal(client.jar.get("a"), "v", "Max-Age 1, expires passed: kept");
    await client.fetch(`/set?name=a&maxAge=0`);
    assert.equal(client.jar.has("a"), false, "Max-Age 0: dropped");
    await client.fetch(`/set?name=b&expires=${past}`);
    assert.equal(client.jar.has("b"), false, "no Max-Age, expires passed: dropped");
    const future = encodeURIComponent(new Date(Date.now() + 60_000).toUTCString());
    await client.fetch(`/set?name=c&maxAge=0&expires=${future}`);
    assert.equal(client.jar.has("c"), false, "Max-Age 0, expires to come: dropped");
  } finally {
    await s.stop();
  }
});
