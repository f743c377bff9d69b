/**
 * The built-in tools that shape or refuse requests: allow, referer, ignore_headers, proxy,
 * redirect and err_redirect, flatten, log_hooks.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as cherrypy from "../../../mod.ts";
import { privateSite as site } from "../../_helpers.ts";

const { expose } = cherrypy;

test("allow: GET and HEAD by default, 405 otherwise, Allow always (on the 405 too)", async () => {
  const { web } = site();
  class Root {
    @expose
    @cherrypy.tools.allow()
    index() {
      return "ok";
    }
    @expose
    @cherrypy.tools.allow({ methods: "post" })
    submit() {
      return "posted";
    }
    @expose
    @cherrypy.tools.allow({ methods: ["GET", "PUT"] })
    doc() {
      return "doc";
    }
  }
  web.mount(new Root());
  await web.getPage("/");
  web.assertBody("ok");
  web.assertHeader("Allow", "GET, HEAD");
  await web.getPage("/", { method: "HEAD" });
  web.assertStatus(200);
  await web.getPage("/", { method: "POST", body: "a=1" });
  web.assertErrorPage(405);
  web.assertHeader("Allow", "GET, HEAD");
  await web.getPage("/submit");
  web.assertErrorPage(405);
  web.assertHeader("Allow", "POST");
  await web.getPage("/submit", { method: "POST", body: "a=1" });
  web.assertBody("posted");
  await web.getPage("/doc", { method: "DELETE" });
  web.assertStatus(405);
  web.assertHeader("Allow", "GET, PUT, HEAD");
  assert.deepEqual(cherrypy.lib.cptools.allowedMethods(null), ["GET", "HEAD"]);
  assert.deepEqual(cherrypy.lib.cptools.allowedMethods(["", "head"]), ["HEAD"]);
});

test("allow: debug logs the decision under TOOLS.ALLOW", async () => {
  const { web, errors } = site();
  web.mount({ index: expose(() => "x") }, "", {
    "/": { "tools.allow.on": true, "tools.allow.debug": true },
  });
  await web.getPage("/", { method: "DELETE" });
  web.assertStatus(405);
  assert.ok(
    errors.some((l) =>
      l.endsWith("TOOLS.ALLOW request.method 'DELETE' not in methods ['GET', 'HEAD']")
    ),
    errors.join("\n"),
  );
});

test("referer: RegExp and Python patterns, custom refusal; a bad pattern is refused", async () => {
  const { web } = site();
  web.mount(
    { index: expose(() => "in"), other: expose(() => "other") },
    "",
    {
      "/": {
        "tools.referer.on": true,
        "tools.referer.pattern": /https?:\/\/(www\.)?Example\.org\//i,
        "tools.referer.error": 401,
        "tools.referer.message": "Come from example.org.",
      },
      "/other": { "tools.referer.pattern": "(?i)(?P<scheme>https?)://(?P=scheme)\\.test\\Z" },
    },
  );
  await web.getPage("/", { headers: { Referer: "https://www.example.org/page" } });
  web.assertBody("in");
  // re.match anchors at the start only.
  await web.getPage("/", { headers: { Referer: "see https://example.org/" } });
  web.assertErrorPage(401, "Come from example.org.");
  await web.getPage("/");
  web.assertErrorPage(401, "Come from example.org.");
  await web.getPage("/other", { headers: { Referer: "HTTP://http.test" } });
  web.assertBody("other");
  await web.getPage("/other", { headers: { Referer: "http://https.test" } });
  web.assertStatus(401);
  await web.getPage("/other", { headers: { Referer: "http://http.test/more" } });
  web.assertStatus(401);
  // In an application's config it is refused when mounted; from the global config, at the
  // request (a 500 that names it).
  assert.throws(
    () => web.mount({}, "/bad", { "/": { "tools.referer.pattern": "([unclosed" } }),
    /Config section \[\/\]: tools\.referer\.pattern must be a valid regular expression/,
  );
  const global = site({ "tools.referer.on": true, "tools.referer.pattern": "([unclosed" });
  global.web.mount({ index: expose(() => "") });
  await global.web.getPage("/");
  global.web.assertStatus(500);
  global.web.assertInBody("tools.referer.pattern must be a valid regular expression");
});

test("ignore_headers: Range by default, or the names given", async () => {
  const { web } = site();
  const seen = () => ["Range", "X-A", "X-B"].map((h) => cherrypy.request.headers.get(h)).join(",");
  web.mount({ index: expose(seen), some: expose(seen), one: expose(seen) }, "", {
    "/": { "tools.ignore_headers.on": true },
    "/some": { "tools.ignore_headers.headers": ["x-a", "X-B"] },
    "/one": { "tools.ignore_headers.headers": "X-A" },
  });
  const headers = { Range: "bytes=0-1", "X-A": "a", "X-B": "b" };
  await web.getPage("/", { headers });
  web.assertBody(",a,b");
  await web.getPage("/some", { headers });
  web.assertBody("bytes=0-1,,");
  await web.getPage("/one", { headers });
  web.assertBody("bytes=0-1,,b");
});

test("proxy: lists, other headers, a path in base, and forged values refused", async () => {
  const { web } = site({ "tools.proxy.on": true });
  const report = () =>
    `${cherrypy.request.base} ${cherrypy.request.remote.ip} ${cherrypy.url("/x")}`;
  web.mount(
    { index: expose(report), real: expose(report), pathbase: expose(report), off: expose(report) },
    "",
    {
      "/real": { "tools.proxy.remote": "X-Real-IP", "tools.proxy.scheme": "" },
      "/pathbase": { "tools.proxy.base": "https://example.test/app", "tools.proxy.local": "" },
      "/off": { "tools.proxy.remote": "", "tools.proxy.local": null },
    },
  );
  await web.getPage("/");
  web.assertBody("http://127.0.0.1 127.0.0.1 http://127.0.0.1/x");
  await web.getPage("/", {
    headers: {
      "X-Forwarded-Host": "shop.test:8443, inner.test",
      "X-Forwarded-Proto": "https, http",
      "X-Forwarded-For": " 203.0.113.9 , 10.0.0.1",
    },
  });
  web.assertBody("https://shop.test:8443 203.0.113.9 https://shop.test:8443/x");
  await web.getPage("/real", {
    headers: {
      "X-Real-IP": "198.51.100.7",
      "X-Forwarded-Proto": "https",
      "X-Forwarded-Host": "a.test",
    },
  });
  web.assertBody("http://a.test 198.51.100.7 http://a.test/x");
  await web.getPage("/pathbase", { headers: { "X-Forwarded-Host": "ignored.test" } });
  web.assertBody("https://example.test/app 127.0.0.1 https://example.test/app/x");
  await web.getPage("/off", {
    headers: { "X-Forwarded-For": "1.2.3.4", "X-Forwarded-Host": "b.test" },
  });
  // (local: null, as CherryPy's None, reads no header for the host.)
  web.assertBody("http://127.0.0.1 127.0.0.1 http://127.0.0.1/x");
  // What would end up in every absolute URL and redirect is checked.
  for (const bad of ["evil.test/path", "user@evil.test", "a b", "x.test:80:90", "http://"]) {
    await web.getPage("/", { headers: { "X-Forwarded-Host": bad } });
    web.assertErrorPage(400, "Invalid X-Forwarded-Host header.");
  }
  await web.getPage("/", { headers: { "X-Forwarded-Proto": "ht tp" } });
  web.assertErrorPage(400, "Invalid X-Forwarded-Proto header.");
  for (const bad of ["javascript:", "javascript", "ftp"]) {
    await web.getPage("/", { headers: { "X-Forwarded-Proto": bad } });
    web.assertStatus(400);
  }
  await web.getPage("/", { headers: { "X-Forwarded-Host": "javascript://x.test" } });
  web.assertStatus(400);
  await web.getPage("/", {
    headers: { "X-Forwarded-Proto": "HTTPS", "X-Forwarded-Host": "HTTP://Shop.test" },
  });
  web.assertBody("HTTP://Shop.test 127.0.0.1 HTTP://Shop.test/x");
  await web.getPage("/", { headers: { "X-Forwarded-Proto": "HTTPS" } });
  web.assertBody("https://127.0.0.1 127.0.0.1 https://127.0.0.1/x");
  // An empty forwarded host falls back to the Host header.
  await web.getPage("/", { headers: { "X-Forwarded-Host": "" } });
  web.assertBody("http://127.0.0.1 127.0.0.1 http://127.0.0.1/x");
});

test("redirect: internal by default, HTTP redirect with internal=false", async () => {
  const { web } = site();
  class Root {
    @expose
    target(from = "") {
      return `target from=${from} prev=${cherrypy.request.prev?.path_info ?? ""}`;
    }
    @expose
    @cherrypy.tools.redirect({ url: "/target?from=old" })
    old() {
      return "never";
    }
    @expose
    @cherrypy.tools.redirect({ url: "target", internal: false })
    moved() {
      return "never";
    }
  }
  web.mount(new Root(), "/app");
  await web.getPage("/app/old");
  web.assertStatus(200);
  web.assertBody("target from=old prev=/old");
  await web.getPage("/app/moved");
  web.assertStatus(303);
  web.assertHeader("Location", "http://127.0.0.1/app/target");
});

test("err_redirect: unexpected errors go to the error page; HTTP errors keep theirs", async () => {
  const { web } = site();
  class Inner {
    @expose
    index() {
      throw new ReferenceError("redirect_test");
    }
  }
  class Root {
    @expose
    errpage() {
      return "Something went horribly wrong.";
    }
    error = cherrypy.config({
      "tools.err_redirect.on": true,
      "tools.err_redirect.url": "/errpage",
      "tools.err_redirect.internal": false,
    })(new Inner());
    @expose
    @cherrypy.tools.err_redirect({ url: "/errpage" })
    choke() {
      throw new Error("choke");
    }
    @expose
    @cherrypy.tools.err_redirect({ url: "/errpage" })
    missing() {
      throw new cherrypy.NotFound();
    }
  }
  web.mount(new Root());
  // HTTPRedirect on error
  await web.getPage("/error/");
  web.assertStatus(["302 Found", "303 See Other"]);
  web.assertInBody("/errpage");
  // InternalRedirect on error
  await web.getPage("/choke");
  web.assertStatus(200);
  web.assertBody("Something went horribly wrong.");
  await web.getPage("/missing");
  web.assertStatus(404);
});

test("flatten: nested generators (sync and async) become one body", async () => {
  const { web, errors } = site();
  class Flatten {
    @expose
    as_string() {
      return "content";
    }
    @expose
    as_list() {
      return ["con", "tent"];
    }
    @expose
    *as_yield() {
      yield new TextEncoder().encode("content");
    }
    @expose
    @cherrypy.tools.flatten({ debug: true })
    *as_dblyield() {
      yield this.as_yield();
    }
    @expose
    *as_refyield() {
      for (const chunk of this.as_yield()) yield chunk;
    }
    @expose
    @cherrypy.tools.flatten()
    *deep() {
      yield "c";
      yield (function* () {
        yield "o";
        yield (async function* () {
          yield "nt";
          yield (function* () {
            yield "e";
          })();
        })();
      })();
      yield "nt";
    }
  }
  web.mount({ flatten: new Flatten() });
  for (const url of ["as_string", "as_list", "as_yield", "as_dblyield", "as_refyield", "deep"]) {
    await web.getPage(`/flatten/${url}`);
    web.assertBody("content");
  }
  assert.ok(errors.some((l) => l.endsWith("TOOLS.FLATTEN Flattened 1 chunks")), errors.join("\n"));
  assert.equal(cherrypy.lib.cptools.isIterator([1]), false);
  assert.equal(cherrypy.lib.cptools.isIterator([1][Symbol.iterator]()), true);
  assert.equal(cherrypy.lib.cptools.isIterator("abc"), false);
});

test("log_hooks: the request's hooks, point by point, in CherryPy's layout", async () => {
  const { web, errors } = site();
  class Root {
    @expose
    @cherrypy.config({
      "tools.log_hooks.on": true,
      "tools.referer.on": true,
      "tools.referer.pattern": "x",
      "tools.referer.accept_missing": true,
    })
    other() {
      cherrypy.request.hooks.attach("my_point", function custom() {}, { priority: 7 });
      return "salut";
    }
  }
  web.mount(new Root());
  await web.getPage("/other");
  web.assertBody("salut");
  const logged = errors.find((l) => l.includes("Request Hooks for"));
  assert.ok(logged, errors.join("\n"));
  const expected = [
    "HTTP ",
    "Request Hooks for http://127.0.0.1/other:",
    "    on_start_resource:",
    "    before_request_body:",
    "        Hook(callback=<function referer>, failsafe=False, priority=50, pattern='x', " +
    "accept_missing=True)",
    "    before_handler:",
    "        Hook(callback=<function trailing_slash>, failsafe=False, priority=60, )",
    "        Hook(callback=<function encode>, failsafe=False, priority=70, )",
    "    before_finalize:",
    "    on_end_resource:",
    "    on_end_request:",
    "        Hook(callback=<function log_hooks>, failsafe=False, priority=100, )",
    "    before_error_response:",
    "        Hook(callback=<function log_tracebacks>, failsafe=False, priority=50, )",
    "        Hook(callback=<function log_headers>, failsafe=False, priority=50, )",
    "    after_error_response:",
    "    my_point:",
    "        Hook(callback=<function custom>, failsafe=False, priority=7, )",
  ];
  assert.equal(logged!.replace(/^\[[^\]]+\] /, ""), expected.join("\n"));
});

test("the tools' options are checked where they are written, and when complete", async () => {
  assert.throws(() => cherrypy.tools.allow({ methods: 5 } as never), {
    message: "tools.allow.methods must be a string or a list of strings; got 5.",
  });
  assert.throws(
    () => cherrypy.tools.referer({ pattern: "([" }),
    /tools\.referer\.pattern must be a valid regular expression/,
  );
  assert.throws(() => cherrypy.tools.proxy({ bsae: "x" } as never), {
    message:
      'tools.proxy has no option "bsae"; its options are base, debug, local, priority, remote, scheme.',
  });
  assert.throws(() => cherrypy.tools.cpstats({ slow_queries_count: 1.5 }), /whole number/);
  assert.throws(() => cherrypy.tools.xmlrpc({ encoding: "utf-16" }), /ASCII-compatible/);
  const { web, tree } = site();
  // A mounted config section is checked when it is mounted, naming the section.
  assert.throws(
    () =>
      tree.mount({ index: expose(() => "") }, "/bad", {
        "/x": { "tools.redirect.internal": "no" },
      }),
    /Config section \[\/x\]: tools\.redirect\.internal must be true or false; got "no"\./,
  );
  // A required option missing from the request's merged config fails the request, saying which.
  web.mount({ index: expose(() => "x") }, "", { "/": { "tools.referer.on": true } });
  await web.getPage("/");
  web.assertStatus(500);
  web.assertInBody("tools.referer is on but has no tools.referer.pattern: set it in the config");
});
