/**
 * CherryPy's test_caching, ported: `tools.caching` serves repeated GETs from memory (with
 * `Age`), drops a URI's variants on POST, PUT and DELETE, keeps variants apart by the headers
 * `Vary` names, honours `Cache-Control` and `Pragma`, answers 304 from a cached
 * `Last-Modified`, and plays well with `tools.gzip`; `tools.expires` sets its headers.
 *
 * Changes from CherryPy's module:
 * - requests go in-process: CherryPy's helper sends no `Accept-Encoding` of its own and never
 *   unzips, where `fetch` over a socket adds one and unzips;
 * - the static files come from `tools.staticdir` when the toolbox has it, else from a handler
 *   that answers as staticdir does (Content-Type, Content-Length, Last-Modified, the bytes),
 *   and the `Vary` of /varying_headers from `tools.response_headers` when the toolbox has it,
 *   else from a hook at the same point (`on_start_resource`), so that this module tests the
 *   cache whichever of those tools exist;
 * - `UnCached.force` changes its class's `_cp_config` while serving, then says so with
 *   `invalidateDispatch()` (dispatch remembers each path's merged config);
 * - test_antistampede (an expected failure in CherryPy, its #1536) counts the calls of the
 *   slow handler instead of timing the stampede: 20 requests at once make one call.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as cherrypy from "../../mod.ts";
import { suiteSite } from "./_suite.ts";

const { expose } = cherrypy;
const curdir = fileURLToPath(new URL(".", import.meta.url));
const site = suiteSite({ "tools.gzip.on": true }, false);
const { tree, web } = site;
const decoder = new TextDecoder();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const gifBytes = Uint8Array.from(
  [
    ...'GIF89a\x01\x00\x01\x00\x82\x00\x01\x99"\x1e\x00\x00\x00\x00\x00',
    ..."\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00",
    ..."\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x02\x03\x02\x08\t\x00;",
  ].map((c) => c.charCodeAt(0)),
);

const toolbox = cherrypy.tools as unknown as Record<string, unknown>;
const hasStaticdir = toolbox["staticdir"] !== undefined;
const hasResponseHeaders = toolbox["response_headers"] !== undefined;

/** The static files as `tools.staticdir` serves them, where the toolbox lacks it. */
class StaticFiles {
  @expose
  default(...vpath: string[]) {
    const name = vpath.join("/");
    if (!["index.html", "dirback.jpg"].includes(name)) throw new cherrypy.NotFound();
    const path = `${curdir}static/${name}`;
    const h = cherrypy.response.headers;
    h.set("Content-Type", name.endsWith(".html") ? "text/html" : "image/jpeg");
    h.set("Last-Modified", new Date(statSync(path).mtimeMs).toUTCString());
    const data = readFileSync(path);
    h.set("Content-Length", String(data.length));
    return new Uint8Array(data);
  }
}

function staticConfig(): Record<string, unknown> {
  return hasStaticdir
    ? {
      "tools.staticdir.on": true,
      "tools.staticdir.dir": "static",
      "tools.staticdir.root": curdir,
    }
    : {};
}

@cherrypy.config({ "tools.caching.on": true })
class Root {
  counter = 0;
  control_counter = 0;
  long_calls = 0;

  @expose
  index() {
    this.counter += 1;
    return `visit #${this.counter}`;
  }

  @expose
  control() {
    this.control_counter += 1;
    return `visit #${this.control_counter}`;
  }

  @expose
  a_gif() {
    cherrypy.response.headers.set("Last-Modified", new Date().toUTCString());
    return gifBytes;
  }

  @expose
  async long_process(seconds = "1") {
    this.long_calls += 1;
    await sleep(Number(seconds) * 1000);
    return "success!";
  }

  @expose
  clear_cache(path: string) {
    const cache = cherrypy.lib.caching.getCache() as cherrypy.lib.caching.MemoryCache;
    cache.store.get(cherrypy.request.base + path)!.clear();
  }
}

function varyHeader() {
  cherrypy.response.headers.set("Vary", "Our-Varying-Header");
}

@cherrypy.config({
  "tools.caching.on": true,
  ...(hasResponseHeaders
    ? {
      "tools.response_headers.on": true,
      "tools.response_headers.headers": [["Vary", "Our-Varying-Header"]],
    }
    : { "hooks.on_start_resource": varyHeader }),
})
class VaryHeaderCachingServer {
  counter = 0;
  @expose
  index() {
    this.counter += 1;
    return `visit #${this.counter}`;
  }
}

class Foo {}

@cherrypy.config({
  "tools.expires.on": true,
  "tools.expires.secs": 60,
  ...staticConfig(),
})
class UnCached extends StaticFiles {
  declare _cp_config: Record<string, unknown>;

  @expose
  @cherrypy.config({ "tools.expires.secs": 0 })
  force() {
    cherrypy.response.headers.set("Etag", "bibbitybobbityboo");
    this._cp_config["tools.expires.force"] = true;
    this._cp_config["tools.expires.secs"] = 0;
    cherrypy.invalidateDispatch();
    return "being forceful";
  }

  @expose
  dynamic() {
    cherrypy.response.headers.set("Etag", "bibbitybobbityboo");
    cherrypy.response.headers.set("Cache-Control", "private");
    return "D-d-d-dynamic!";
  }

  @expose
  cacheable() {
    cherrypy.response.headers.set("Etag", "bibbitybobbityboo");
    return "Hi, I'm cacheable.";
  }

  @expose
  @cherrypy.config({ "tools.expires.secs": 86400 })
  specific() {
    cherrypy.response.headers.set("Etag", "need_this_to_make_me_cacheable");
    return "I am being specific";
  }

  @expose
  @cherrypy.config({ "tools.expires.secs": new Foo() })
  wrongtype() {
    cherrypy.response.headers.set("Etag", "need_this_to_make_me_cacheable");
    return "Woops";
  }
}

@cherrypy.config({
  "tools.gzip.mime_types": ["text/*", "image/*"],
  "tools.caching.on": true,
  ...staticConfig(),
})
class GzipStaticCache extends StaticFiles {}

const root = new Root();
before(async () => {
  await cherrypy.lib.caching.setCache(null);
  tree.mount(root);
  tree.mount(new UnCached(), "/expires");
  tree.mount(new VaryHeaderCachingServer(), "/varying_headers");
  tree.mount(new GzipStaticCache(), "/gzip_static_cache");
});
after(() => cherrypy.lib.caching.setCache(null));

/** The `Vary` header's items. */
function varyItems(): string[] {
  return (web.headers.get("Vary") ?? "").split(",").map((v) => v.trim());
}

test("caching: testCaching", async () => {
  let elapsed = 0;
  for (let trial = 0; trial < 10; trial++) {
    await web.getPage("/");
    // The response should be the same every time, except for the Age response header.
    web.assertBody("visit #1");
    if (trial !== 0) {
      web.assertHeader("Age");
      const age = Number(web.headers.get("Age"));
      assert.ok(age >= elapsed);
      elapsed = age;
    }
  }

  // POST, PUT, DELETE should not be cached.
  await web.getPage("/", { method: "POST", headers: { "Content-Length": "0" } });
  web.assertBody("visit #2");
  // Because gzip is turned on, the Vary header should always Vary for content-encoding
  web.assertHeader("Vary", "Accept-Encoding");
  // The previous request should have invalidated the cache, so this request will recalc the
  // response.
  await web.getPage("/", { method: "GET" });
  web.assertBody("visit #3");
  // ...but this request should get the cached copy.
  await web.getPage("/", { method: "GET" });
  web.assertBody("visit #3");
  await web.getPage("/", { method: "DELETE" });
  web.assertBody("visit #4");

  // The previous request should have invalidated the cache, so this request will recalc the
  // response.
  await web.getPage("/", { method: "GET", headers: [["Accept-Encoding", "gzip"]] });
  web.assertHeader("Content-Encoding", "gzip");
  web.assertHeader("Vary");
  assert.equal(decoder.decode(cherrypy.lib.encoding.decompress(web.bytes)), "visit #5");

  // Now check that a second request gets the gzip header and gzipped body. This also tests a
  // bug in 3.0 to 3.0.2 whereby the cached, gzipped response body was being gzipped a second
  // time.
  await web.getPage("/", { method: "GET", headers: [["Accept-Encoding", "gzip"]] });
  web.assertHeader("Content-Encoding", "gzip");
  assert.equal(decoder.decode(cherrypy.lib.encoding.decompress(web.bytes)), "visit #5");

  // Now check that a third request that doesn't accept gzip skips the cache (because the
  // 'Vary' header denies it).
  await web.getPage("/", { method: "GET" });
  web.assertNoHeader("Content-Encoding");
  web.assertBody("visit #6");
  assert.equal(root.counter, 6, "every other answer came from the cache");
});

test("caching: testVaryHeader", async () => {
  await web.getPage("/varying_headers/");
  web.assertStatus("200 OK");
  assert.ok(varyItems().includes("Our-Varying-Header"), `Vary: ${web.headers.get("Vary")}`);
  web.assertBody("visit #1");

  // Now check that different 'Vary'-fields don't evict each other. This test creates 2
  // requests with different 'Our-Varying-Header' and then tests if the first one still
  // exists.
  await web.getPage("/varying_headers/", { headers: [["Our-Varying-Header", "request 2"]] });
  web.assertStatus("200 OK");
  web.assertBody("visit #2");

  await web.getPage("/varying_headers/", { headers: [["Our-Varying-Header", "request 2"]] });
  web.assertStatus("200 OK");
  web.assertBody("visit #2");

  await web.getPage("/varying_headers/");
  web.assertStatus("200 OK");
  web.assertBody("visit #1");
});

test("caching: testExpiresTool", async () => {
  // test setting an expires header
  await web.getPage("/expires/specific");
  web.assertStatus("200 OK");
  web.assertHeader("Expires");

  // test exceptions for bad time values
  await web.getPage("/expires/wrongtype");
  web.assertStatus(500);
  web.assertInBody("TypeError");

  // static content should not have "cache prevention" headers
  await web.getPage("/expires/index.html");
  web.assertStatus("200 OK");
  web.assertNoHeader("Pragma");
  web.assertNoHeader("Cache-Control");
  web.assertHeader("Expires");

  // dynamic content that sets indicators should not have "cache prevention" headers
  await web.getPage("/expires/cacheable");
  web.assertStatus("200 OK");
  web.assertNoHeader("Pragma");
  web.assertNoHeader("Cache-Control");
  web.assertHeader("Expires");

  await web.getPage("/expires/dynamic");
  web.assertBody("D-d-d-dynamic!");
  // the Cache-Control header should be untouched
  web.assertHeader("Cache-Control", "private");
  web.assertHeader("Expires");

  // configure the tool to ignore indicators and replace existing headers
  await web.getPage("/expires/force");
  web.assertStatus("200 OK");
  // This also gives us a chance to test 0 expiry with no other headers
  web.assertHeader("Pragma", "no-cache");
  web.assertHeader("Cache-Control", "no-cache, must-revalidate"); // HTTP/1.1
  web.assertHeader("Expires", "Sun, 28 Jan 2007 00:00:00 GMT");

  // static content should now have "cache prevention" headers
  await web.getPage("/expires/index.html");
  web.assertStatus("200 OK");
  web.assertHeader("Pragma", "no-cache");
  web.assertHeader("Cache-Control", "no-cache, must-revalidate");
  web.assertHeader("Expires", "Sun, 28 Jan 2007 00:00:00 GMT");

  // the cacheable handler should now have "cache prevention" headers
  await web.getPage("/expires/cacheable");
  web.assertStatus("200 OK");
  web.assertHeader("Pragma", "no-cache");
  web.assertHeader("Cache-Control", "no-cache, must-revalidate");
  web.assertHeader("Expires", "Sun, 28 Jan 2007 00:00:00 GMT");

  await web.getPage("/expires/dynamic");
  web.assertBody("D-d-d-dynamic!");
  // dynamic sets Cache-Control to private but it should be overwritten here ...
  web.assertHeader("Pragma", "no-cache");
  web.assertHeader("Cache-Control", "no-cache, must-revalidate");
  web.assertHeader("Expires", "Sun, 28 Jan 2007 00:00:00 GMT");
});

/**
 * After querying gzipped content it remains valid in cache and available non-gzipped as
 * well.
 */
async function assertRespLenAndEncForGzip(uri: string) {
  const acceptGzip: Array<[string, string]> = [["Accept-Encoding", "gzip"]];
  let contentLen: string | null = null;
  for (let i = 0; i < 3; i++) {
    await web.getPage(uri, { method: "GET", headers: acceptGzip });
    if (contentLen !== null) {
      // all requests should get the same length
      web.assertHeader("Content-Length", contentLen);
      web.assertHeader("Content-Encoding", "gzip");
    }
    contentLen = web.headers.get("Content-Length");
  }
  // check that we can still get non-gzipped version
  await web.getPage(uri, { method: "GET" });
  web.assertNoHeader("Content-Encoding");
  // non-gzipped version should have a different content length
  assert.notEqual(web.headers.get("Content-Length"), contentLen);
}

test("caching: testGzipStaticCache", async () => {
  // Test that cache and gzip tools play well together when both enabled (CherryPy #1190).
  for (const f of ["index.html", "dirback.jpg"]) {
    await assertRespLenAndEncForGzip(`/gzip_static_cache/${f}`);
  }
});

test("caching: testLastModified", async () => {
  await web.getPage("/a.gif");
  web.assertStatus(200);
  assert.deepEqual(web.bytes, gifBytes);
  const lm1 = web.headers.get("Last-Modified");
  assert.ok(lm1);

  // this request should get the cached copy.
  await web.getPage("/a.gif");
  web.assertStatus(200);
  assert.deepEqual(web.bytes, gifBytes);
  web.assertHeader("Age");
  const lm2 = web.headers.get("Last-Modified");
  assert.equal(lm1, lm2);

  // this request should match the cached copy, but raise 304.
  await web.getPage("/a.gif", { headers: [["If-Modified-Since", lm1]] });
  web.assertStatus(304);
  web.assertNoHeader("Last-Modified");
  web.assertHeader("Age");
});

test("caching: test_antistampede", async () => {
  const seconds = 0.3;
  const slowUrl = `/long_process?seconds=${seconds}`;
  // We MUST make an initial synchronous request in order to create the AntiStampedeCache
  // object, and populate its selecting_headers, before the actual stampede.
  await web.getPage(slowUrl);
  web.assertBody("success!");
  await web.getPage("/clear_cache?path=" + encodeURIComponent(slowUrl));
  web.assertStatus(200);

  const before = root.long_calls;
  const answers = await Promise.all(
    Array.from(
      { length: 20 },
      () => tree.fetch(new Request(`http://127.0.0.1${slowUrl}`)).then((r) => r.text()),
    ),
  );
  // The response should be the same every time.
  for (const body of answers) assert.equal(body, "success!");
  assert.equal(root.long_calls - before, 1, "one request computed it, the others waited");
});

test("caching: test_cache_control", async () => {
  await web.getPage("/control");
  web.assertBody("visit #1");
  await web.getPage("/control");
  web.assertBody("visit #1");

  await web.getPage("/control", { headers: [["Cache-Control", "no-cache"]] });
  web.assertBody("visit #2");
  await web.getPage("/control");
  web.assertBody("visit #2");

  await web.getPage("/control", { headers: [["Pragma", "no-cache"]] });
  web.assertBody("visit #3");
  await web.getPage("/control");
  web.assertBody("visit #3");

  await sleep(1000);
  await web.getPage("/control", { headers: [["Cache-Control", "max-age=0"]] });
  web.assertBody("visit #4");
  await web.getPage("/control");
  web.assertBody("visit #4");
});
