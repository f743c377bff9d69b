import { test } from "node:test";
import assert from "node:assert/strict";
import * as cherrypy from "../../../mod.ts";
import { isDeno } from "../../../platform/mod.ts";
import { getPage, serveRoot } from "../../_helpers.ts";

const { expose } = cherrypy;

class Sub {
  @expose
  index() {
    return "sub index";
  }
  @expose
  page(a: string, b = "default-b") {
    return `page a=${a} b=${b}`;
  }
}

class Catchall {
  @expose
  default(...args: string[]) {
    return `default:${args.join("|")}`;
  }
}

class Root {
  sub = new Sub();
  catchall = new Catchall();
  notExposed() {
    return "secret";
  }
  @expose
  index() {
    return "root index";
  }
  @expose(["alias1", "other.name"])
  aliased() {
    return "aliased";
  }
  @expose
  dotted_name() {
    return "dotted";
  }
  @expose
  async slow(ms = "5") {
    await new Promise((r) => setTimeout(r, Number(ms)));
    return `${cherrypy.request.path_info}?${cherrypy.request.query_string}`;
  }
  @expose
  boom() {
    throw new Error("kaboom");
  }
  @expose
  teapot() {
    throw new cherrypy.HTTPError(418, "short and stout");
  }
  @expose
  bytes() {
    cherrypy.response.headers.set("Content-Type", "application/octet-stream");
    return new Uint8Array([1, 2, 3]);
  }
  @expose
  *gen() {
    yield "a";
    yield "b";
  }
  @expose
  async *agen() {
    yield "x";
    await Promise.resolve();
    yield new TextEncoder().encode("y");
  }
  @expose
  status() {
    cherrypy.response.status = "201 Made It";
    cherrypy.response.headers.set("X-Custom", "yes");
    return "";
  }
  @expose
  nothing() {
    cherrypy.response.status = 204;
    return "ignored";
  }
  @expose
  whoami() {
    const r = cherrypy.request;
    return [r.method, r.scheme, r.remote.ip, r.base.startsWith("http://127.0.0.1:"), r.is_index]
      .join(" ");
  }
  @expose
  kw({ ...kwargs }: Record<string, unknown>) {
    return JSON.stringify(kwargs);
  }
}

class Dynamic {
  @expose
  index() {
    return "dynamic index";
  }
  _cp_dispatch(vpath: string[]) {
    const id = vpath.shift()!;
    return expose(() => `item ${id}`);
  }
}

test("dispatch: index, nested objects, positional and query parameters", async () => {
  const s = await serveRoot(new Root());
  try {
    assert.deepEqual((await getPage(s.base + "/")).body, "root index");
    assert.deepEqual((await getPage(s.base + "/sub/")).body, "sub index");
    assert.equal((await getPage(s.base + "/sub/page/one")).body, "page a=one b=default-b");
    assert.equal((await getPage(s.base + "/sub/page/one/two")).body, "page a=one b=two");
    assert.equal((await getPage(s.base + "/sub/page?a=q&b=r")).body, "page a=q b=r");
    assert.equal((await getPage(s.base + "/sub/page?a=x%20y")).body, "page a=x y b=default-b");
  } finally {
    await s.stop();
  }
});

test("dispatch: 404 for unknown paths, unexposed methods and hostile names", async () => {
  const s = await serveRoot(new Root());
  try {
    for (
      const path of [
        "/nope",
        "/notExposed",
        "/constructor",
        "/__proto__",
        "/sub/constructor/x",
        "/toString",
        "/sub/page/1/2/3",
      ]
    ) {
      const page = await getPage(s.base + path);
      assert.equal(page.status, 404, path);
      assert.match(page.headers.get("content-type")!, /^text\/html;charset=utf-8$/);
    }
    const page = await getPage(s.base + "/nope");
    assert.match(
      page.body,
      /<p>The path &#x27;\/nope&#x27; was not found.<\/p>|<p>The path '\/nope' was not found.<\/p>/,
    );
    assert.equal((await getPage(s.base + "/sub/page")).status, 404);
    assert.match((await getPage(s.base + "/sub/page")).body, /Missing parameters: a/);
    assert.match(
      (await getPage(s.base + "/sub/page/1?zzz=1")).body,
      /Unexpected query string parameters: zzz/,
    );
  } finally {
    await s.stop();
  }
});

test("dispatch: aliases, punctuation translation, default and _cp_dispatch", async () => {
  const root = new Root() as Root & { dyn: Dynamic };
  root.dyn = new Dynamic();
  const s = await serveRoot(root);
  try {
    assert.equal((await getPage(s.base + "/alias1")).body, "aliased");
    assert.equal((await getPage(s.base + "/other.name")).body, "aliased");
    assert.equal((await getPage(s.base + "/dotted.name")).body, "dotted");
    assert.equal((await getPage(s.base + "/dotted-name")).body, "dotted");
    assert.equal((await getPage(s.base + "/catchall/a/b%2Fc")).body, "default:a|b/c");
    assert.equal((await getPage(s.base + "/catchall/")).body, "default:");
    assert.equal((await getPage(s.base + "/dyn/")).body, "dynamic index");
    assert.equal((await getPage(s.base + "/dyn/42")).body, "item 42");
  } finally {
    await s.stop();
  }
});

test("dispatch: object literals with exposed functions work as trees", async () => {
  const root = {
    index: expose(() => "literal index"),
    api: { version: expose(() => "v1") },
  };
  const s = await serveRoot(root);
  try {
    assert.equal((await getPage(s.base + "/")).body, "literal index");
    assert.equal((await getPage(s.base + "/api/version")).body, "v1");
  } finally {
    await s.stop();
  }
});

test("pipeline: body types, statuses and headers", async () => {
  const s = await serveRoot(new Root());
  try {
    const bytes = await fetch(s.base + "/bytes");
    assert.equal(bytes.headers.get("content-type"), "application/octet-stream");
    assert.deepEqual(new Uint8Array(await bytes.arrayBuffer()), new Uint8Array([1, 2, 3]));
    assert.equal((await getPage(s.base + "/gen")).body, "ab");
    const agen = await getPage(s.base + "/agen");
    assert.equal(agen.body, "xy");
    assert.equal(agen.headers.get("content-length"), "2");
    const st = await fetch(s.base + "/status");
    assert.equal(st.status, 201);
    // The server sends "201 Made It" on both runtimes, but Deno's fetch reports the standard
    // reason phrase whatever the server sent.
    assert.equal(st.statusText, isDeno ? "Created" : "Made It");
    assert.equal(st.headers.get("x-custom"), "yes");
    assert.equal(st.headers.get("server"), cherrypy.SERVER_SOFTWARE);
    await st.text();
    const none = await getPage(s.base + "/nothing");
    assert.equal(none.status, 204);
    assert.equal(none.body, "");
    const root = await getPage(s.base + "/");
    assert.equal(root.headers.get("content-type"), "text/html;charset=utf-8");
    assert.equal(root.headers.get("content-length"), "10");
    const head = await fetch(s.base + "/", { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), "");
    assert.equal(JSON.parse((await getPage(s.base + "/kw?x=1&y=2&x=3")).body).x.length, 2);
  } finally {
    await s.stop();
  }
});

test("pipeline: errors give CherryPy's pages; tracebacks follow request.show_tracebacks", async () => {
  const s = await serveRoot(new Root());
  try {
    const boom = await getPage(s.base + "/boom");
    assert.equal(boom.status, 500);
    assert.match(boom.body, /<h2>500 Internal Server Error<\/h2>/);
    assert.match(boom.body, /The server encountered an unexpected condition/);
    assert.match(boom.body, /Error: kaboom/);
    assert.ok(s.errors.some((l) => /HTTP \nError: kaboom/.test(l)), s.errors.join("\n"));
    const tea = await getPage(s.base + "/teapot");
    assert.equal(tea.status, 418);
    assert.match(tea.body, /<p>short and stout<\/p>/);
  } finally {
    await s.stop();
  }
  const quiet = await serveRoot(new Root(), { "/": { "request.show_tracebacks": false } });
  try {
    const boom = await getPage(quiet.base + "/boom");
    assert.equal(boom.status, 500);
    assert.match(boom.body, /<pre id="traceback"><\/pre>/);
  } finally {
    await quiet.stop();
  }
});

test("pipeline: bad query strings give 404; bad paths give 400", async () => {
  const s = await serveRoot(new Root());
  try {
    const bad = await getPage(s.base + "/sub/page?a=%E0%A4%A");
    assert.equal(bad.status, 404);
    assert.match(bad.body, /The given query string could not be processed/);
    assert.equal((await getPage(s.base + "/%E0%A4%A")).status, 400);
  } finally {
    await s.stop();
  }
});

test("pipeline: cherrypy.request is the caller's own request under 100 concurrent requests", async () => {
  const s = await serveRoot(new Root());
  try {
    const pages = await Promise.all(
      Array.from({ length: 100 }, (_, i) => getPage(`${s.base}/slow?ms=${(i * 7) % 20}&n=${i}`)),
    );
    // "n" is not a parameter of slow(): each answer must be a 404 naming its own request...
    assert.ok(pages.every((p) => p.status === 404));
    const ok = await Promise.all(
      Array.from({ length: 100 }, (_, i) => getPage(`${s.base}/slow?ms=${(i * 7) % 20}`)),
    );
    ok.forEach((p, i) => assert.equal(p.body, `/slow?ms=${(i * 7) % 20}`));
  } finally {
    await s.stop();
  }
});

test("pipeline: request attributes and the access log line", async () => {
  const s = await serveRoot(new Root());
  try {
    assert.equal(
      (await getPage(s.base + "/whoami", {
        headers: { "User-Agent": "tester/1", Referer: "http://ref/" },
      })).body,
      "GET http 127.0.0.1 true false",
    );
    const line = s.access.at(-1)!;
    assert.match(
      line,
      /^127\.0\.0\.1 - - \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d\] "GET \/whoami HTTP\/1\.1" 200 29 "http:\/\/ref\/" "tester\/1"$/,
    );
  } finally {
    await s.stop();
  }
});
