/**
 * The sessions tool with the RAM and file stores: ids, locking, saving, cookies, and
 * `cherrypy.session` as handlers use it.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as cherrypy from "../../../../mod.ts";
import { serveRoot } from "../../../_helpers.ts";
import { Browser, cookieAttributes } from "../../../_browser.ts";

const { expose } = cherrypy;
const { RamSession, FileSession, Session } = cherrypy.lib.sessions;
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
      const slow = fetch(s.base + "/slow?ms=1500", { headers: { cookie } });
      await sleep(100);
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
    const dir = storeConf["tools.sessions.storage_path"] as string | undefined;
    const parent = dir === undefined ? undefined : join(dir, "..");
    const before = parent === undefined ? [] : await readdir(parent);
    const s = await serveRoot(new Counter(), { "/": { "tools.sessions.on": true, ...storeConf } });
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
      if (dir !== undefined) {
        // Nothing was written outside storage_path, and inside only session files.
        assert.deepEqual(await readdir(parent!), before);
        for (const file of await readdir(dir)) assert.match(file, /^session-[0-9a-f]{40}$/);
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

class Features {
  @expose
  setname(value: string) {
    cherrypy.session["name"] = value;
    return cherrypy.session.id;
  }
  @expose
  async regen() {
    const before = cherrypy.session.id;
    const locked = cherrypy.session.locked;
    await cherrypy.session.regenerate();
    return JSON.stringify({
      before,
      after: cherrypy.session.id,
      locked,
      stillLocked: cherrypy.session.locked,
      name: cherrypy.session.get("name"),
    });
  }
  @expose
  name() {
    return String(cherrypy.session.get("name", "none"));
  }
  @expose
  expire() {
    cherrypy.session.expire();
    return "expired";
  }
  @expose
  proxy() {
    const s = cherrypy.session;
    s.set("keys", "a data key named keys");
    s["plain"] = 1;
    s.plain += 1;
    const out: Record<string, unknown> = {
      keysIsMethod: typeof s.keys === "function",
      dataKeys: s.get("keys"),
      inPlain: "plain" in s,
      inKeys: "keys" in s,
      inGet: "get" in s,
      ownKeys: Object.keys(s).sort(),
      json: JSON.parse(JSON.stringify(s)),
      items: s.items().length,
      hasKey: s.has_key("keys"),
      popDefault: s.pop("nope", "dflt"),
      setdefault: s.setdefault("sd", 5),
      instance: s instanceof cherrypy.lib.sessions.Session,
    };
    try {
      (s as Record<string, unknown>).keys = 1;
    } catch (e) {
      out.assignMember = (e as Error).message;
    }
    try {
      void s.missing_key;
    } catch (e) {
      out.missing = `${(e as Error).name}: ${(e as Error).message}`;
    }
    delete s.plain;
    out.afterDelete = "plain" in s;
    s.update({ u: 1, v: 2 });
    out.values = s.values().length;
    s.clear();
    out.cleared = s.keys().length;
    return JSON.stringify(out);
  }
  @expose
  @cherrypy.config({ "response.stream": true })
  *streamed() {
    cherrypy.session["streamed"] = "yes";
    yield "a";
    yield "b";
  }
  @expose
  streamedValue() {
    return String(cherrypy.session.get("streamed", "no"));
  }
}

test("regenerate(): a new id and cookie, the data and the lock kept, the old record gone", async () => {
  const s = await serveRoot(new Features(), { "/": { "tools.sessions.on": true } });
  try {
    const client = new Browser(s.base);
    const first = (await client.fetch("/setname?value=ada")).body;
    const result = JSON.parse((await client.fetch("/regen")).body);
    assert.equal(result.before, first);
    assert.match(result.after, ID);
    assert.notEqual(result.after, first);
    assert.deepEqual([result.locked, result.stillLocked, result.name], [true, true, "ada"]);
    assert.equal(client.jar.get("session_id"), result.after);
    assert.equal(RamSession.cache.has(first), false);
    assert.equal((await client.fetch("/name")).body, "ada");
    // The old id is unknown now: whoever still has it gets a new session.
    const old = await fetch(s.base + "/name", { headers: { cookie: `session_id=${first}` } });
    assert.equal(await old.text(), "none");
  } finally {
    await s.stop();
  }
});

test("expire(): the cookie expires a year ago, without Max-Age", async () => {
  const s = await serveRoot(new Features(), { "/": { "tools.sessions.on": true } });
  try {
    const client = new Browser(s.base);
    await client.fetch("/setname?value=x");
    await client.fetch("/expire");
    const attrs = cookieAttributes(client.lastSetCookies[0]!);
    assert.equal(attrs.has("max-age"), false);
    const expires = Date.parse(attrs.get("expires")!);
    assert.ok(expires < Date.now() - 364 * 86400_000, attrs.get("expires"));
    assert.equal(client.jar.has("session_id"), false);
  } finally {
    await s.stop();
  }
});

test("cherrypy.session: data keys as properties, members, and keys named like members", async () => {
  const s = await serveRoot(new Features(), { "/": { "tools.sessions.on": true } });
  try {
    const out = JSON.parse((await new Browser(s.base).fetch("/proxy")).body);
    assert.equal(out.keysIsMethod, true);
    assert.equal(out.dataKeys, "a data key named keys");
    assert.deepEqual([out.inPlain, out.inKeys, out.inGet], [true, true, false]);
    assert.deepEqual(out.ownKeys, ["keys", "plain"]);
    assert.deepEqual(out.json, { keys: "a data key named keys", plain: 2 });
    assert.equal(out.items, 2);
    assert.equal(out.hasKey, true);
    assert.equal(out.popDefault, "dflt");
    assert.equal(out.setdefault, 5);
    assert.equal(out.instance, true);
    assert.match(out.assignMember, /"keys" names a member of cherrypy\.session: .*set\("keys"/);
    assert.equal(out.missing, "KeyError: 'missing_key'");
    assert.equal(out.afterDelete, false);
    assert.equal(out.values, 4);
    assert.equal(out.cleared, 0);
  } finally {
    await s.stop();
  }
});

test("cherrypy.session outside a request, or where the tool is off, says so", async () => {
  assert.throws(() => cherrypy.session.get("x"), /used outside a request/);
  class Off {
    @expose
    index() {
      return cherrypy.session.get("x");
    }
  }
  const s = await serveRoot(new Off());
  try {
    const page = await new Browser(s.base).fetch("/");
    assert.equal(page.status, 500);
    assert.ok(s.errors.some((l) => l.includes("This request has no session: switch the session")));
  } finally {
    await s.stop();
  }
});

test("a streamed response's session is saved once the body was sent", async () => {
  const s = await serveRoot(new Features(), { "/": { "tools.sessions.on": true } });
  try {
    const client = new Browser(s.base);
    assert.equal((await client.fetch("/streamed")).body, "ab");
    assert.equal((await client.fetch("/streamedValue")).body, "yes");
  } finally {
    await s.stop();
  }
});

test("cookie options: name, path, path_header, domain, secure, httponly, samesite, persistent", async () => {
  const conf = {
    "/": {
      "tools.sessions.on": true,
      "tools.sessions.name": "sid",
      "tools.sessions.domain": "example.com",
      "tools.sessions.secure": true,
      "tools.sessions.httponly": true,
      "tools.sessions.samesite": "strict",
      "tools.sessions.timeout": 2,
    },
    "/name": { "tools.sessions.path_header": "X-Script-Name", "tools.sessions.samesite": null },
    "/expire": { "tools.sessions.path": "/app", "tools.sessions.persistent": false },
  };
  const s = await serveRoot(new Features(), conf);
  try {
    const client = new Browser(s.base);
    await client.fetch("/setname?value=x");
    const line = client.lastSetCookies[0]!;
    assert.match(line, /^sid=[0-9a-f]{40}; /);
    const attrs = cookieAttributes(line);
    assert.equal(attrs.get("domain"), "example.com");
    assert.equal(attrs.get("path"), "/");
    assert.equal(attrs.get("max-age"), "120");
    assert.ok(Math.abs(Date.parse(attrs.get("expires")!) - (Date.now() + 120_000)) < 5000);
    assert.equal(attrs.has("secure"), true);
    assert.equal(attrs.has("httponly"), true);
    assert.equal(attrs.get("samesite"), "Strict");

    await client.fetch("/name", { headers: { "X-Script-Name": "/mounted" } });
    const named = cookieAttributes(client.lastSetCookies[0]!);
    assert.equal(named.get("path"), "/mounted");
    assert.equal(named.has("samesite"), false);

    await client.fetch("/expire");
    // Not persistent: no Max-Age (expire() then sets the past expiry).
    const session = cookieAttributes(client.lastSetCookies[0]!);
    assert.equal(session.get("path"), "/app");
    assert.equal(session.has("max-age"), false);
  } finally {
    await s.stop();
  }
});

test("a bad samesite or storage_class is a 500 that says what to change", async () => {
  const s = await serveRoot(new Features(), {
    "/setname": { "tools.sessions.on": true, "tools.sessions.samesite": "sometimes" },
    "/name": { "tools.sessions.on": true, "tools.sessions.storage_class": "FileSession" },
    "/expire": { "tools.sessions.on": true, "tools.sessions.storage_type": "nosuch" },
  });
  try {
    const client = new Browser(s.base);
    for (const path of ["/setname?value=x", "/name", "/expire"]) {
      assert.equal((await client.fetch(path)).status, 500, path);
    }
    const log = s.errors.join("\n");
    assert.match(log, /tools\.sessions\.samesite must be "Lax", "Strict" or "None"/);
    assert.match(log, /storage_class must be a Session subclass .* got "FileSession"/);
    assert.match(log, /Unknown tools\.sessions\.storage_type "nosuch": use one of file, memcached, ram, redis/);
  } finally {
    await s.stop();
  }
});

test("storage_type (deprecated) picks a store by name; registerStorageType adds names", async () => {
  class TaggedSession extends RamSession {}
  cherrypy.lib.sessions.registerStorageType("tagged", TaggedSession);
  assert.equal(
    cherrypy.configRegistry.resolve("cherrypy.lib.sessions.TaggedSession"),
    TaggedSession,
  );
  let seen = "";
  class Which {
    @expose
    index() {
      seen = cherrypy.lib.sessions.currentSession().constructor.name;
      return seen;
    }
  }
  const dir = await tempDir();
  const s = await serveRoot(new Which(), {
    "/": { "tools.sessions.on": true, "tools.sessions.storage_type": "tagged" },
  });
  const f = await serveRoot(new Which(), {
    "/": {
      "tools.sessions.on": true,
      "tools.sessions.storage_type": "file",
      "tools.sessions.storage_path": dir,
    },
  });
  try {
    assert.equal((await new Browser(s.base).fetch("/")).body, "TaggedSession");
    assert.equal((await new Browser(f.base).fetch("/")).body, "FileSession");
    assert.ok(
      s.errors.some((l) => l.includes("storage_type is deprecated")) ||
        f.errors.some((l) => l.includes("storage_type is deprecated")),
    );
  } finally {
    await s.stop();
    await f.stop();
  }
});

test("a config file names the stores as CherryPy's do", () => {
  const conf = cherrypy.lib.reprconf.parseConfig(
    "[/]\ntools.sessions.on = True\n" +
      "tools.sessions.storage_class = cherrypy.lib.sessions.FileSession\n" +
      'tools.sessions.storage_path = "/some/directory"\n',
  );
  assert.equal(conf["/"]!["tools.sessions.storage_class"], FileSession);
  assert.equal(
    cherrypy.lib.reprconf.parseConfig("[/]\nx = cherrypy.lib.sessions.RamSession\n")["/"]!["x"],
    RamSession,
  );
});

test("locking: early locks before the body, explicit leaves the lock to the handler", async () => {
  class Locks {
    @expose
    state() {
      return JSON.stringify({
        locked: cherrypy.session.locked,
        count: cherrypy.session.get("c", 0),
      });
    }
    @expose
    async explicit() {
      const before = cherrypy.session.locked;
      await cherrypy.session.acquire_lock();
      cherrypy.session["c"] = cherrypy.session.get("c", 0) + 1;
      return JSON.stringify({ before, after: cherrypy.session.locked });
    }
  }
  const s = await serveRoot(new Locks(), {
    "/": { "tools.sessions.on": true },
    "/state": { "tools.sessions.locking": "early" },
    "/explicit": { "tools.sessions.locking": "explicit" },
  });
  try {
    const client = new Browser(s.base);
    assert.deepEqual(JSON.parse((await client.fetch("/state")).body), { locked: true, count: 0 });
    assert.deepEqual(JSON.parse((await client.fetch("/explicit")).body), {
      before: false,
      after: true,
    });
    assert.deepEqual(JSON.parse((await client.fetch("/explicit")).body), {
      before: false,
      after: true,
    });
    assert.equal(JSON.parse((await client.fetch("/state")).body).count, 2);
  } finally {
    await s.stop();
  }
});

test("the clean-up monitor runs on the engine, and stops with it", async () => {
  class CleanedSession extends RamSession {}
  const bus = new cherrypy.Bus();
  const logged: string[] = [];
  bus.subscribe("log", (msg: string) => void logged.push(msg));
  const engine = Session.engine;
  Session.engine = bus;
  try {
    await bus.start();
    const old = new CleanedSession(null, { clean_freq: 0.2 / 60, timeout: 0.1 / 60 });
    await old._check_id();
    await old.acquire_lock();
    old.set("x", 1);
    await old.save();
    assert.equal(RamSession.cache.has(old.id), true);
    const monitor = CleanedSession.clean_thread as cherrypy.Monitor;
    assert.ok(monitor instanceof cherrypy.Monitor);
    assert.ok(logged.includes("Started monitor thread 'Session cleanup'."), logged.join("\n"));
    const start = Date.now();
    while (RamSession.cache.has(old.id) && Date.now() - start < 3000) await sleep(20);
    assert.equal(RamSession.cache.has(old.id), false, "the expired session was cleaned up");
    await bus.stop();
    assert.equal(monitor.thread, null);
    assert.ok(logged.includes("Stopped thread 'Session cleanup'."), logged.join("\n"));
  } finally {
    Session.engine = engine;
    await CleanedSession.stopCleanThread();
    await bus.exit();
  }
});

test("the checker does not warn about tools.sessions.* or tools.session_auth.*", () => {
  const warnings: string[] = [];
  const log = new cherrypy.LogManager({ screen: false });
  const tree = new cherrypy.Tree({ globalConfig: () => ({}), log });
  tree.mount(new Counter(), "", {
    "/": {
      "tools.sessions.on": true,
      "tools.sessions.storage_class": FileSession,
      "tools.sessions.storage_path": "/tmp",
      "tools.sessions.timeout": 30,
      "tools.sessions.locking": "early",
      "tools.session_auth.on": true,
      "tools.accept.media": "text/plain",
      "tools.response_headers.headers": [["X-A", "b"]],
    },
  });
  const config = new cherrypy.GlobalConfig({});
  new cherrypy.Checker({ tree, config, log: (msg) => void warnings.push(msg) }).run();
  assert.deepEqual(warnings.filter((w) => w.includes("tools.")), []);
});

test("extra options reach the store: setup() once per store class, and session.options", async () => {
  const setups: Array<Record<string, unknown>> = [];
  class ConfiguredSession extends RamSession {
    static setup(options: Record<string, unknown>): Promise<void> {
      setups.push(options);
      return Promise.resolve();
    }
  }
  let seen: unknown;
  class Root {
    @expose
    index() {
      seen = cherrypy.lib.sessions.currentSession().options["servers"];
      return String(cherrypy.lib.sessions.currentSession().lock_timeout);
    }
  }
  const s = await serveRoot(new Root(), {
    "/": {
      "tools.sessions.on": true,
      "tools.sessions.storage_class": ConfiguredSession,
      "tools.sessions.servers": ["10.0.0.1:11211"],
      "tools.sessions.lock_timeout": 3,
      "tools.sessions.secure": true,
      "tools.sessions.timeout": 30,
    },
  });
  try {
    const client = new Browser(s.base);
    assert.equal((await client.fetch("/")).body, "3");
    await client.fetch("/");
    assert.deepEqual(seen, ["10.0.0.1:11211"]);
    assert.equal(setups.length, 1);
    // The store's options: the tool's own (secure, ...) and the session's (timeout) are not.
    assert.deepEqual(setups[0], {
      servers: ["10.0.0.1:11211"],
      lock_timeout: 3,
    });
  } finally {
    await s.stop();
  }
});
