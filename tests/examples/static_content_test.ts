/**
 * The docs' static content samples (§4.7) and favicon samples (§4.10), through their twins
 * `examples/basics/static_content.ts` and `examples/basics/favicon.ts`.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as cherrypy from "../../mod.ts";
import { docsConf, Root, SITE } from "../../examples/basics/static_content.ts";
import { conf, FAVICON, fileConf, HelloWorld } from "../../examples/basics/favicon.ts";
import { getPage, serveRoot } from "../_helpers.ts";

async function withSite<T>(
  root: unknown,
  config: cherrypy.AppConfig,
  fn: (base: string) => Promise<T>,
): Promise<T> {
  const s = await serveRoot(root, config);
  try {
    return await fn(s.base);
  } finally {
    await s.stop();
  }
}

test("§4.7 note: more media types (types_map['.csv'])", async () => {
  assert.equal(cherrypy.lib.static.typesMap[".csv"], "text/csv");
  await withSite(new Root(), docsConf("static_dir.conf"), async (base) => {
    const page = await getPage(base + "/static/cherries.csv");
    assert.equal(page.status, 200);
    assert.equal(page.headers.get("content-type"), "text/csv");
    assert.equal(page.body, "name,colour\ncherry,red\n");
  });
});

test("§4.7.1: a single file (static_file.conf)", async () => {
  const config = docsConf("static_file.conf");
  assert.deepEqual(config, {
    "/style.css": {
      "tools.staticfile.on": true,
      "tools.staticfile.filename": join(SITE, "style.css"),
    },
  });
  await withSite(new Root(), config, async (base) => {
    const page = await getPage(base + "/style.css");
    assert.equal(page.status, 200);
    assert.equal(page.headers.get("content-type"), "text/css");
    assert.equal(page.body, readFileSync(join(SITE, "style.css"), "utf8"));
  });
});

test("§4.7.2: a whole directory (static_dir.conf), and the root shortcut (static_root.conf)", async () => {
  for (const name of ["static_dir.conf", "static_root.conf"]) {
    await withSite(new Root(), docsConf(name), async (base) => {
      const page = await getPage(base + "/static/js/my.js");
      assert.equal(page.status, 200, name);
      assert.equal(page.headers.get("content-type"), "text/javascript");
      assert.equal(page.body, 'document.title = "my.js";\n');
      // Without an index file, the directory is a 404 (the docs: "the path / was not found").
      const dir = await getPage(base + "/static/");
      assert.equal(dir.status, 404, name);
      assert.match(dir.body, /The path '\/static\/' was not found\./);
    });
  }
});

test("§4.7.3: an index file (static_index.conf)", async () => {
  await withSite(new Root(), docsConf("static_index.conf"), async (base) => {
    const page = await getPage(base + "/static/");
    assert.equal(page.status, 200);
    assert.equal(page.headers.get("content-type"), "text/html");
    assert.equal(page.body, "<html><body>static index</body></html>\n");
    const redirected = await getPage(base + "/static", { redirect: "manual" });
    assert.equal(redirected.status, 301);
    assert.equal(redirected.headers.get("location"), base + "/static/");
  });
});

test("§4.7.4: the download handler", async () => {
  await withSite(new Root(), {}, async (base) => {
    const file = fileURLToPath(import.meta.url);
    const page = await getPage(base + "/download?filepath=" + encodeURIComponent(file));
    assert.equal(page.status, 200);
    assert.equal(page.headers.get("content-type"), "application/x-download");
    assert.equal(
      page.headers.get("content-disposition"),
      `attachment; filename="${basename(file)}"`,
    );
    assert.equal(page.body, readFileSync(file, "utf8"));
    const missing = await getPage(base + "/download?filepath=/no/such/file");
    assert.equal(missing.status, 404);
  });
});

test("§4.10: the favicon, configured in code and in a config file", async () => {
  const icon = new Uint8Array(readFileSync(FAVICON));
  assert.deepEqual(fileConf(), conf);
  for (const config of [conf, fileConf()]) {
    await withSite(new HelloWorld(), config, async (base) => {
      const res = await fetch(base + "/favicon.ico");
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-type"), "image/x-icon");
      assert.deepEqual(new Uint8Array(await res.arrayBuffer()), icon);
      assert.equal((await getPage(base + "/")).body, "Hello World!");
    });
  }
});
