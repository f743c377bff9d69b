/**
 * Tutorial 6: the stylesheet served by the staticdir tool, and the string kept in the session
 * between `/generate` and `/display`.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { config, PAGE, StringGenerator } from "../../examples/tutorials/tut06.ts";
import { rawExchange } from "../_raw.ts";
import { getPage, type Served, serveRoot } from "../_helpers.ts";

const exampleDir = fileURLToPath(new URL("../../examples/tutorials/", import.meta.url));
const css = readFileSync(exampleDir + "public/css/style.css", "utf8");
let s: Served;

before(async () => {
  s = await serveRoot(new StringGenerator(), config(exampleDir));
});

after(() => s.stop());

test("tut06: the docs' config", () => {
  assert.deepEqual(config("/srv/app"), {
    "/": { "tools.sessions.on": true, "tools.staticdir.root": "/srv/app" },
    "/static": { "tools.staticdir.on": true, "tools.staticdir.dir": "./public" },
  });
  assert.equal(css, "body {\n    background-color: blue;\n}\n");
});

test("tut06: the page links the stylesheet", async () => {
  const page = await getPage(s.base + "/");
  assert.equal(page.status, 200);
  assert.equal(page.body, PAGE);
  assert.match(page.body, /<link href="\/static\/css\/style\.css" rel="stylesheet">/);
});

test("tut06: /static/css/style.css is text/css, with Last-Modified, 304 and ranges", async () => {
  const page = await getPage(s.base + "/static/css/style.css");
  assert.equal(page.status, 200);
  assert.equal(page.headers.get("content-type"), "text/css");
  assert.equal(page.body, css);
  assert.equal(page.headers.get("content-length"), String(css.length));
  assert.equal(page.headers.get("accept-ranges"), "bytes");
  const lastModified = page.headers.get("last-modified");
  assert.match(lastModified ?? "", /^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);

  const again = await getPage(s.base + "/static/css/style.css", {
    headers: { "If-Modified-Since": lastModified! },
  });
  assert.equal(again.status, 304);
  assert.equal(again.body, "");

  const res = await fetch(s.base + "/static/css/style.css", { headers: { Range: "bytes=0-3" } });
  assert.equal(res.status, 206);
  assert.equal(res.headers.get("content-range"), `bytes 0-3/${css.length}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  assert.equal(bytes.length, 4);
  assert.equal(new TextDecoder().decode(bytes), "body");
});

test("tut06: paths out of public/ are refused, missing files are 404", async () => {
  for (const target of ["/static/../x", "/static/%2e%2e/%2e%2e/etc/passwd"]) {
    const { text } = await rawExchange(
      s.port,
      `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
    );
    assert.match(text, /^HTTP\/1\.1 (400|403|404) /, target);
    assert.doesNotMatch(text, /root:/, target);
  }
  const missing = await getPage(s.base + "/static/css/nope.css");
  assert.equal(missing.status, 404);
});

test("tut06: /generate keeps the string in the session, /display shows it to the same client", async () => {
  const made = await fetch(s.base + "/generate?length=12");
  const cookie = made.headers.get("set-cookie")?.split(";")[0] ?? "";
  assert.match(cookie, /^session_id=[0-9a-f]{40}$/);
  const string = await made.text();
  assert.match(string, /^[0-9a-fA-F]{12}$/);
  const shown = await fetch(s.base + "/display", { headers: { Cookie: cookie } });
  assert.equal(await shown.text(), string);
  const stranger = await fetch(s.base + "/display");
  assert.equal(stranger.status, 500);
  await stranger.body?.cancel();
});
