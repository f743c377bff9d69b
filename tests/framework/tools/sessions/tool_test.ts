/**
 * The sessions tool: `cherrypy.session` as handlers use it, regenerate and expire, cookie
 * options, locking modes, store names and options, the clean-up monitor and the checker.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
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
  index() {
    return "counter";
  }
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

test("bad options fail where they are written, with what to change", () => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ samesite: "sometimes" }, /tools\.sessions\.samesite must be "Lax", "Strict" or "None"/],
    [
      { storage_class: "FileSession" },
      /storage_class must be a Session subclass .* got "FileSession"/,
    ],
    [
      { storage_type: "nosuch" },
      /storage_type must be one of file, memcached, ram, redis.* got "nosuch"/,
    ],
    [{ locking: "implict" }, /tools\.sessions\.locking must be "implicit", "early" or "explicit"/],
    [{ timeout: 0 }, /tools\.sessions\.timeout must be a number of minutes, more than 0/],
    [{ name: "a b" }, /tools\.sessions\.name must be a cookie name; got "a b"/],
    [{ lock_timeout: "soon" }, /tools\.sessions\.lock_timeout must be a number, 0 or more/],
  ];
  const tree = new cherrypy.Tree({
    globalConfig: () => ({}),
    log: new cherrypy.LogManager({ screen: false }),
  });
  for (const [options, message] of cases) {
    const section: Record<string, unknown> = { "tools.sessions.on": true };
    for (const [k, v] of Object.entries(options)) section[`tools.sessions.${k}`] = v;
    assert.throws(() => tree.mount(new Features(), "/x", { "/": section }), message);
  }
  // The store's own options are the store's: not checked here.
  tree.mount(new Features(), "/y", {
    "/": { "tools.sessions.on": true, "tools.sessions.servers": ["a:1"] },
  });
  // Checked for each request too (config that did not go through a mounted section).
  assert.throws(
    () => cherrypy.lib.sessions.checkSessionOptions({ secure: "yes" }, true),
    /tools\.sessions\.secure must be true or false; got "yes"\./,
  );
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
    static override setup(options: Record<string, unknown>): Promise<void> {
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
