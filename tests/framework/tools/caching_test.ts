/**
 * The `caching` tool beyond CherryPy's own tests: streamed bodies are teed into the cache, a
 * hit never calls the handler, what must not be stored is not, the limits, the anti-stampede
 * wait, custom caches, and the sweep of expired entries as an engine plugin.
 */
import { afterEach, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import * as cherrypy from "../../../mod.ts";
import { parseConfig } from "../../../framework/config/mod.ts";
import { privateSite, serveRoot } from "../../_helpers.ts";
import { rawGet, rawOpen } from "../../_raw_http.ts";

const { expose } = cherrypy;
const { MemoryCache, getCache, setCache } = cherrypy.lib.caching;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeEach(() => setCache(null));
afterEach(() => setCache(null));

/** A fresh cache with `attributes`, made the process-wide one. */
async function freshCache(attributes: Partial<cherrypy.lib.caching.MemoryCache> = {}) {
  const cache = Object.assign(new MemoryCache(), attributes);
  await setCache(cache);
  return cache;
}

class Counted {
  calls: Record<string, number> = {};
  count(name: string): number {
    return this.calls[name] = (this.calls[name] ?? 0) + 1;
  }
}

@cherrypy.config({ "tools.caching.on": true })
class Root extends Counted {
  @expose
  page() {
    return `page #${this.count("page")}`;
  }

  @expose
  @cherrypy.config({ "response.stream": true })
  streamed() {
    const n = this.count("streamed");
    return (function* () {
      for (let i = 0; i < 5; i++) yield `part ${i} of call ${n}\n`;
    })();
  }

  @expose
  @cherrypy.config({ "response.stream": true })
  slow_stream() {
    const n = this.count("slow_stream");
    return (async function* () {
      for (let i = 0; i < 20; i++) {
        yield `part ${i} of call ${n}\n`;
        await sleep(20);
      }
    })();
  }

  @expose
  big() {
    return "x".repeat(this.count("big") === 1 ? 10 : 2000);
  }

  @expose
  star() {
    cherrypy.response.headers.set("Vary", "*");
    return `star #${this.count("star")}`;
  }

  @expose
  private() {
    cherrypy.response.headers.set("Cache-Control", "private");
    return `private #${this.count("private")}`;
  }

  @expose
  nostore() {
    cherrypy.response.headers.set("Cache-Control", "no-store");
    return `nostore #${this.count("nostore")}`;
  }

  @expose
  pragma() {
    cherrypy.response.headers.set("Pragma", "no-cache");
    return `pragma #${this.count("pragma")}`;
  }

  @expose
  dated() {
    cherrypy.response.headers.set("Last-Modified", "Tue, 01 Dec 2026 10:00:00 GMT");
    return `dated #${this.count("dated")}`;
  }

  @expose
  async slow() {
    const n = this.count("slow");
    await sleep(200);
    return `slow #${n}`;
  }

  @expose
  empty() {
    this.count("empty");
    return "";
  }
}

test("caching: a hit is served without calling the handler", async () => {
  await freshCache();
  const { tree, web } = privateSite();
  const root = new Root();
  tree.mount(root);
  await web.getPage("/page");
  web.assertBody("page #1");
  web.assertNoHeader("Age");
  for (let i = 0; i < 5; i++) {
    await web.getPage("/page");
    web.assertBody("page #1");
    web.assertHeader("Age", "0");
  }
  assert.equal(root.calls["page"], 1);
  // HEAD is served from the cache too, without a body.
  const head = await web.getPage("/page", { method: "HEAD" });
  assert.equal(head.status, 200);
  web.assertBody("");
  web.assertHeader("Content-Length", "7");
  // PUT invalidates the URI's variants; it is not cached itself.
  await web.getPage("/page", { method: "PUT", headers: { "Content-Length": "0" } });
  web.assertBody("page #2");
  await web.getPage("/page");
  web.assertBody("page #3");
  assert.equal(root.calls["page"], 3);
  const cache = getCache() as cherrypy.lib.caching.MemoryCache;
  assert.equal(cache.curobjects, 1);
  assert.equal(cache.cursize, 7);
  assert.ok(cache.tot_hist >= 6);
});

test("caching: a streamed body is cached once it streamed whole", async () => {
  await freshCache();
  const root = new Root();
  const served = await serveRoot(root);
  try {
    const first = await rawGet(served.port, "/streamed");
    assert.equal(first.headers["transfer-encoding"], "chunked");
    const expected = Array.from({ length: 5 }, (_, i) => `part ${i} of call 1\n`).join("");
    assert.equal(new TextDecoder().decode(first.body), expected);
    const second = await rawGet(served.port, "/streamed");
    assert.equal(new TextDecoder().decode(second.body), expected);
    assert.equal(second.headers["age"], "0");
    assert.equal(root.calls["streamed"], 1);

    // A stream the client abandons is not cached.
    const res = await rawOpen(served.port, "/slow_stream");
    await new Promise<void>((resolve) => res.once("data", () => resolve()));
    res.destroy();
    await sleep(600); // the producer notices and stops
    const again = await rawGet(served.port, "/slow_stream");
    assert.match(new TextDecoder().decode(again.body), /^part 0 of call 2\n/);
    const third = await rawGet(served.port, "/slow_stream");
    assert.match(new TextDecoder().decode(third.body), /^part 0 of call 2\n/);
    assert.equal(root.calls["slow_stream"], 2);
  } finally {
    await served.stop();
  }
});

test("caching: what must not be stored is not", async () => {
  await freshCache();
  const { tree, web } = privateSite();
  const root = new Root();
  tree.mount(root);
  for (const name of ["star", "private", "nostore", "pragma"]) {
    await web.getPage(`/${name}`);
    web.assertBody(`${name} #1`);
    await web.getPage(`/${name}`);
    web.assertBody(`${name} #2`);
  }
  // The request's Cache-Control: no-store keeps its answer out of the cache.
  await web.getPage("/page", { headers: { "Cache-Control": "no-store" } });
  await web.getPage("/page");
  web.assertBody("page #2");
  // An empty body is not cached (it deletes the URI's variants).
  await web.getPage("/empty");
  await web.getPage("/empty");
  assert.equal(root.calls["empty"], 2);
  // A bad max-age is the client's error, once there is something cached.
  await web.getPage("/page", { headers: { "Cache-Control": "max-age=soon" } });
  web.assertErrorPage(400, "Invalid Cache-Control header");
});

test("caching: a body over maxobj_size is not cached, and nobody waits for it", async () => {
  const cache = await freshCache({ maxobj_size: 1000 });
  const { tree, web } = privateSite();
  const root = new Root();
  tree.mount(root);
  await web.getPage("/big"); // small the first time: cached
  await web.getPage("/big");
  assert.equal(root.calls["big"], 1);
  const variants = cache.store.get("http://127.0.0.1/big")!;
  variants.clear(); // as if it expired: the next request computes it, others would wait
  for (let i = 0; i < 3; i++) {
    await web.getPage("/big");
    web.assertStatus(200);
    assert.equal(web.body.length, 2000);
  }
  assert.equal(root.calls["big"], 4);
  // No request is left marked as computing it (else the next would wait for nothing).
  assert.equal(variants.size, 0);
});

test("caching: maxobjects and maxsize bound the cache", async () => {
  const cache = await freshCache({ maxobjects: 2 });
  const { tree, web } = privateSite();
  const root = new Root();
  tree.mount(root);
  for (const path of ["/page", "/dated", "/star"]) await web.getPage(path);
  await web.getPage("/private");
  assert.equal(cache.curobjects, 2);
  await setCache(null);
  const small = await freshCache({ maxsize: 10 });
  await web.getPage("/page");
  await web.getPage("/dated");
  assert.equal(small.curobjects, 1, "the second body would pass maxsize");
});

test("caching: 304 from the cached Last-Modified", async () => {
  const cache = await freshCache();
  const { tree, web } = privateSite();
  tree.mount(new Root());
  await web.getPage("/dated");
  await web.getPage("/dated", {
    headers: { "If-Modified-Since": "Tue, 01 Dec 2026 10:00:00 GMT" },
  });
  web.assertStatus(304);
  web.assertHeader("Age");
  assert.equal(cache.tot_non_modified, 1);
});

test("caching: concurrent misses wait for the first, unless told not to wait", async () => {
  const { tree } = privateSite();
  const root = new Root();
  tree.mount(root);
  const get = () => tree.fetch(new Request("http://127.0.0.1/slow")).then((r) => r.text());
  await freshCache();
  await get(); // the URI is now known
  (getCache() as cherrypy.lib.caching.MemoryCache).store.get("http://127.0.0.1/slow")!.clear();
  const answers = await Promise.all(Array.from({ length: 10 }, get));
  assert.deepEqual(new Set(answers), new Set(["slow #2"]));
  assert.equal(root.calls["slow"], 2);

  await freshCache({ antistampede_timeout: null });
  await get();
  (getCache() as cherrypy.lib.caching.MemoryCache).store.get("http://127.0.0.1/slow")!.clear();
  await Promise.all(Array.from({ length: 3 }, get));
  assert.equal(root.calls["slow"], 6, "each computed its own");
});

test("caching: the first request's config makes the cache; cache_class; bad values", async () => {
  const { tree, web, errors } = privateSite();
  let gets = 0;
  class CountingCache extends MemoryCache {
    override get() {
      gets += 1;
      return super.get();
    }
  }
  tree.mount(new Root(), "", {
    "/": { "tools.caching.cache_class": CountingCache, "tools.caching.delay": 42 },
  });
  await web.getPage("/page");
  await web.getPage("/page");
  const cache = getCache();
  assert.ok(cache instanceof CountingCache);
  assert.equal(cache.delay, 42);
  assert.equal(gets, 2);

  // A config file names the class through the registry.
  const conf = parseConfig("[/]\ntools.caching.cache_class = cherrypy.lib.caching.MemoryCache\n");
  assert.equal(conf["/"]?.["tools.caching.cache_class"], MemoryCache);

  await setCache(null);
  // A bad value in an application's config is refused when it is mounted.
  const bad = privateSite();
  assert.throws(
    () => bad.tree.mount(new Root(), "", { "/": { "tools.caching.delay": "an hour" } }),
    (e: Error) =>
      e instanceof TypeError &&
      e.message ===
        'Config section [/]: tools.caching.delay must be a number of seconds (0 or more); got "an hour".',
  );
  // Attached to a handler by cherrypy.config, it is refused by the request that uses it.
  class Late {
    @cherrypy.expose
    @cherrypy.config({ "tools.caching.on": true, "tools.caching.maxsize": -1 })
    page() {
      return "late";
    }
  }
  bad.tree.mount(new Late());
  await bad.web.getPage("/page");
  bad.web.assertStatus(500);
  bad.web.assertInBody("tools.caching.maxsize must be a number of bytes (0 or more); got -1.");
  assert.equal(getCache(), null);
  void errors;
});

test("caching: the sweep of expired entries is an engine plugin", async () => {
  assert.equal(MemoryCache.bus, cherrypy.engine, "caches sweep on cherrypy.engine by default");
  const bus = new cherrypy.Bus();
  bus.subscribe("log", () => {});
  const cache = Object.assign(new MemoryCache(), { delay: 0.2, expire_freq: 0.05 });
  cache.startExpiry(bus);
  assert.equal(cache.expiration?.thread, null, "not before the engine starts");
  await setCache(cache);
  const { tree, web } = privateSite();
  const root = new Root();
  tree.mount(root);
  await bus.start();
  try {
    assert.notEqual(cache.expiration?.thread, null);
    await web.getPage("/page");
    assert.equal(cache.curobjects, 1);
    for (let i = 0; i < 50 && cache.curobjects > 0; i++) await sleep(50);
    assert.equal(cache.curobjects, 0);
    assert.equal(cache.cursize, 0);
    assert.equal(cache.tot_expires, 1);
    assert.equal(cache.store.size, 0);
    await web.getPage("/page");
    web.assertBody("page #2");
  } finally {
    await bus.stop();
  }
  assert.equal(cache.expiration?.thread, null, "stopped with the engine");
  await web.getPage("/page"); // cached again; nothing sweeps it now
  await sleep(300);
  assert.equal(cache.curobjects, 1);
  await setCache(null);
  assert.equal(cache.expiration, null);
  assert.equal(bus.listenersOf("start").length, 0, "unsubscribed");
  await bus.exit();
});
