import { test } from "node:test";
import assert from "node:assert/strict";
import * as cherrypy from "../../../mod.ts";
import { rawExchange } from "../../_raw.ts";
import { privateSite as site } from "../../_helpers.ts";

const { expose } = cherrypy;

class CookieApp {
  @expose
  set() {
    const morsel = cherrypy.response.cookie.set("cookieName", "cookieValue");
    morsel.path = "/";
    morsel.set("max-age", 3600);
    morsel.version = 1;
    cherrypy.response.cookie.set("other", "a b");
    return "Hello, I just sent you a cookie";
  }
  @expose
  read() {
    const cookie = cherrypy.request.cookie;
    return [...cookie.keys()].map((k) => `${k}=${cookie.get(k)?.value}`).join(";");
  }
  @expose
  expire() {
    cherrypy.response.cookie.set("cookieName", "").expires = 0;
    return "gone";
  }
}

test("cookies: set with attributes, read back, expire, bad header is a 400", async () => {
  const { tree } = site();
  const web = new cherrypy.WebCase({ tree });
  web.mount(new CookieApp());
  const res = await web.getPage("/set");
  const cookies = res.headers.getSetCookie();
  assert.deepEqual(cookies, [
    "cookieName=cookieValue; Max-Age=3600; Path=/; Version=1",
    'other="a b"',
  ]);
  await web.getPage("/read", { headers: { Cookie: 'cookieName=cookieValue; other="a b"' } });
  web.assertBody("cookieName=cookieValue;other=a b");
  const expired = await web.getPage("/expire");
  assert.match(
    expired.headers.getSetCookie()[0]!,
    /^cookieName=""; expires=\w{3}, \d\d \w{3} \d{4}/,
  );
  await web.getPage("/read", { headers: { Cookie: "a=b; $Port=80" } });
  web.assertErrorPage(400, "Invalid attribute 'port'");
});

class Streamer {
  @expose
  @cherrypy.config({ "response.stream": true })
  thing() {
    cherrypy.response.headers.set("Content-Type", "text/plain");
    if (cherrypy.request.params["deny"]) throw new cherrypy.NotFound();
    async function* content() {
      yield "Hello, ";
      await new Promise((r) => setTimeout(r, 5));
      yield "world";
    }
    return content();
  }
  @expose
  @cherrypy.config({ "response.stream": true })
  broken() {
    function* content() {
      yield "partial ";
      throw new Error("failed while streaming");
    }
    return content();
  }
  @expose
  generated() {
    function* content() {
      yield "collected ";
      yield "body";
    }
    return content();
  }
}

test("streaming: chunked output, errors before the body are normal, after it the connection closes", async () => {
  const { tree } = site();
  const server = new cherrypy.HTTPServer({ host: "127.0.0.1", port: 0 }, tree);
  tree.mount(new Streamer());
  await server.start();
  const port = server.boundAddr!.port;
  try {
    const ok = await rawExchange(port, "GET /thing HTTP/1.1\r\nHost: x\r\n\r\n", 2000);
    assert.match(ok.text, /^HTTP\/1\.1 200 OK/);
    assert.match(ok.text, /transfer-encoding: chunked/i);
    assert.match(ok.text, /content-type: text\/plain;charset=utf-8/i);
    assert.match(ok.text, /Hello, [\s\S]*world/);
    const denied = await rawExchange(port, "GET /thing?deny=1 HTTP/1.1\r\nHost: x\r\n\r\n", 2000);
    assert.match(denied.text, /^HTTP\/1\.1 404 Not Found/);
    const broken = await rawExchange(
      port,
      "GET /broken HTTP/1.1\r\nHost: x\r\n\r\n",
      2000,
    );
    assert.match(broken.text, /^HTTP\/1\.1 200 OK[\s\S]*partial /);
    assert.ok(broken.closed, "the connection is closed after a failure mid-stream");
    assert.doesNotMatch(broken.text, /\r\n0\r\n\r\n$/, "no clean end of the chunked body");
    const res = await fetch(`http://127.0.0.1:${port}/generated`);
    assert.equal(await res.text(), "collected body");
    assert.equal(res.headers.get("content-length"), "14");
  } finally {
    await server.stop();
  }
});

test("request attributes the docs use", async () => {
  const { tree } = site();
  const web = new cherrypy.WebCase({ tree });
  web.mount({
    index: expose(function ({ ...kw }: Record<string, unknown>) {
      const r = cherrypy.request;
      return JSON.stringify({
        method: r.method,
        path_info: r.path_info,
        script_name: r.script_name,
        query_string: r.query_string,
        params: r.params,
        scheme: r.scheme,
        base: r.base,
        is_index: r.is_index,
        header: r.headers.get("x-test"),
        app: r.app === null ? null : "app",
        config: r.config["tools.encode.on"],
        kw: Object.keys(kw),
        id: /^[0-9a-f-]{36}$/.test(r.unique_id),
      });
    }),
  }, "/app");
  await web.getPage("/app/?a=1&a=2;b=3", { headers: { "X-Test": "yes" } });
  web.assertStatus(200);
  assert.deepEqual(JSON.parse(web.body), {
    method: "GET",
    path_info: "/",
    script_name: "/app",
    query_string: "a=1&a=2;b=3",
    params: { a: ["1", "2"], b: "3" },
    scheme: "http",
    base: "http://127.0.0.1",
    is_index: true,
    header: "yes",
    app: "app",
    config: true,
    kw: ["a", "b"],
    id: true,
  });
});

test("the engine publishes acquire_thread, before_request and after_request per request", async () => {
  const seen: string[] = [];
  const listeners: Array<[string, () => void]> = [
    "acquire_thread",
    "before_request",
    "after_request",
  ]
    .map((channel) => [channel, () => void seen.push(channel)]);
  for (const [channel, fn] of listeners) cherrypy.engine.subscribe(channel, fn);
  const web = new cherrypy.WebCase();
  try {
    web.mount({ index: expose(() => "hi") }, "/channels");
    await web.getPage("/channels/");
    web.assertBody("hi");
    await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(seen, ["acquire_thread", "before_request", "after_request"]);
  } finally {
    for (const [channel, fn] of listeners) cherrypy.engine.unsubscribe(channel, fn);
    await web.stop();
  }
});
