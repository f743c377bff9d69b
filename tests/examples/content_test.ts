/**
 * The content examples: JSON (docs §4.8), gzip config (docs §4.2.1, §4.4.2) and caching.
 */
import { afterEach, test } from "node:test";
import assert from "node:assert/strict";
import * as zlib from "node:zlib";
import * as cherrypy from "../../mod.ts";
import { Decoding, Encoding, received, Root as JsonRoot } from "../../examples/basics/json.ts";
import {
  APP_CONF,
  appConfig,
  Assets,
  assetsConfig,
  Root as GzipRoot,
} from "../../examples/basics/gzip.ts";
import { config as cachingConfig, Root as CachingRoot } from "../../examples/advanced/caching.ts";
import { APP_CONF as CONFIG_APP_CONF, Root as ConfigRoot } from "../../examples/basics/config.ts";
import { privateSite, serveRoot } from "../_helpers.ts";
import { pipeThrough, rawGet } from "../_raw_http.ts";

const decoder = new TextDecoder();
afterEach(() => cherrypy.lib.caching.setCache(null));

test("json (§4.8): request.json holds the decoded body; a returned object is sent as JSON", async () => {
  const { tree, web } = privateSite();
  tree.mount(new JsonRoot());
  const body = '{"name": "Ada", "langs": ["en", "fr"]}';
  await web.getPage("/decoding/", {
    method: "POST",
    headers: { "Content-Type": "application/json", "Content-Length": String(body.length) },
    body,
  });
  web.assertStatus(200);
  web.assertBody("");
  assert.deepEqual(received[0], { name: "Ada", langs: ["en", "fr"] });
  await web.getPage("/encoding/");
  web.assertHeader("Content-Type", "application/json");
  web.assertBody('{"key": "value"}');
  // The two classes stand alone too, as the docs' two `Root`s.
  const alone = privateSite();
  alone.tree.mount(new Encoding());
  alone.tree.mount(new Decoding(), "/in");
  await alone.web.getPage("/");
  alone.web.assertBody('{"key": "value"}');
});

class Plain {
  @cherrypy.expose
  index() {
    return "hello world!";
  }
}

test("gzip (§4.2.1, §4.4.2): config object, config file, decorator and _cp_config", async () => {
  const gz = { "Accept-Encoding": "gzip" };
  const cases: Array<[unknown, cherrypy.AppConfig | string | undefined, string]> = [
    [new Plain(), appConfig, "/"],
    [new Plain(), APP_CONF, "/"],
    [new GzipRoot(), undefined, "/"],
    [new GzipRoot(), undefined, "/variant"],
  ];
  for (const [root, conf, path] of cases) {
    const served = await serveRoot(root, conf as cherrypy.AppConfig);
    try {
      const res = await rawGet(served.port, path, gz);
      assert.equal(res.headers["content-encoding"], "gzip", `${path} with ${conf}`);
      const out = await pipeThrough("gunzip", ["-c"], res.body);
      assert.equal(decoder.decode(out.stdout), "hello world!");
      const plain = await rawGet(served.port, path);
      assert.equal(decoder.decode(plain.body), "hello world!");
    } finally {
      await served.stop();
    }
  }
  // docs §4.4.3: app.conf switches gzip on beside the application's own section.
  const withSettings = await serveRoot(
    new ConfigRoot(),
    CONFIG_APP_CONF as unknown as cherrypy.AppConfig,
  );
  try {
    const res = await rawGet(withSettings.port, "/", gz);
    assert.equal(res.headers["content-encoding"], "gzip");
    assert.equal(
      decoder.decode(zlib.gunzipSync(res.body)),
      "hello world! (Google app id: cherry-demo)",
    );
  } finally {
    await withSettings.stop();
  }
  const served = await serveRoot(new Assets(), assetsConfig);
  try {
    const formats = cherrypy.platform.compressionFormats();
    const res = await rawGet(served.port, "/app.js", { "Accept-Encoding": "gzip, br" });
    const expected = "console.log('hello world!');\n".repeat(50);
    if (formats.includes("br")) {
      assert.equal(res.headers["content-encoding"], "br");
      assert.equal(decoder.decode(zlib.brotliDecompressSync(res.body)), expected);
    } else {
      assert.equal(res.headers["content-encoding"], "gzip");
    }
    const gzipped = await rawGet(served.port, "/app.js", gz);
    assert.equal(gzipped.headers["content-encoding"], "gzip");
    assert.equal(decoder.decode(zlib.gunzipSync(gzipped.body)), expected);
  } finally {
    await served.stop();
  }
});

test("caching example: served from memory, revalidated, varied", async () => {
  const root = new CachingRoot();
  const { tree, web } = privateSite();
  tree.mount(root, "", cachingConfig);
  await web.getPage("/report");
  web.assertBody("Report computed 1 time(s).");
  await web.getPage("/report");
  web.assertBody("Report computed 1 time(s).");
  web.assertHeader("Age");
  await web.getPage("/report", { method: "POST", headers: { "Content-Length": "0" } });
  await web.getPage("/report");
  web.assertBody("Report computed 3 time(s).");

  await web.getPage("/logo");
  web.assertHeader("Content-Type", "image/svg+xml");
  const etag = web.headers.get("ETag")!;
  assert.match(etag, /^"[0-9a-f]{32}"$/);
  const expires = Date.parse(web.headers.get("Expires")!);
  assert.ok(Math.abs(expires - Date.now() - 3600_000) < 5000);
  await web.getPage("/logo", { headers: { "If-None-Match": etag } });
  web.assertStatus(304);
  await web.getPage("/logo", { headers: { "If-Modified-Since": "Tue, 01 Dec 2026 10:00:00 GMT" } });
  web.assertStatus(304);

  await web.getPage("/greeting", { headers: { "Accept-Language": "fr" } });
  web.assertBody("Bonjour !");
  assert.match(web.headers.get("Vary")!, /Accept-Language/);
  await web.getPage("/greeting");
  web.assertBody("Hello!");
  await web.getPage("/greeting", { headers: { "Accept-Language": "fr" } });
  web.assertBody("Bonjour !");
  web.assertHeader("Age");

  await web.getPage("/stats");
  const stats = JSON.parse(web.body);
  assert.equal(stats.curobjects, 3);
  assert.ok(stats.tot_hist >= 2);
});
