import { test } from "node:test";
import assert from "node:assert/strict";
import * as cherrypy from "../../../mod.ts";
import { HookMap } from "../../../framework/core/mod.ts";
import { privateSite as site } from "../../_helpers.ts";

const { expose } = cherrypy;

/** A `tools` toolbox holding the built-in tools, for tests that add their own. */
function freshTools(): cherrypy.Toolbox {
  const toolbox = new cherrypy.Toolbox("tools");
  for (const name of cherrypy.tools.names()) toolbox[name] = cherrypy.tools[name];
  return toolbox;
}

test("hooks: priority order, failsafe hooks still run after a failure", async () => {
  const hooks = new HookMap();
  const ran: string[] = [];
  hooks.attach("before_handler", () => void ran.push("b50"));
  hooks.attach("before_handler", () => void ran.push("a10"), { priority: 10 });
  hooks.attach("before_handler", () => {
    ran.push("boom60");
    throw new Error("boom");
  }, { priority: 60 });
  hooks.attach("before_handler", () => void ran.push("skipped70"), { priority: 70 });
  hooks.attach("before_handler", () => void ran.push("failsafe80"), {
    priority: 80,
    failsafe: true,
  });
  const seen: unknown[] = [];
  hooks.onError = (e) => seen.push(e);
  // All synchronous: the failure is thrown at once, after the failsafe hook ran.
  assert.throws(() => hooks.run("before_handler"), /boom/);
  assert.deepEqual(ran, ["a10", "b50", "boom60", "failsafe80"]);
  assert.equal(seen.length, 1);
  // A failsafe hook that waits: the first failure comes as the rejection, after it.
  ran.length = 0;
  hooks.attach("before_handler", async () => {
    await Promise.resolve();
    ran.push("async90");
  }, { priority: 90, failsafe: true });
  hooks.attach("before_handler", () => void ran.push("failsafe95"), {
    priority: 95,
    failsafe: true,
  });
  const running = hooks.run("before_handler");
  assert.ok(running instanceof Promise);
  await assert.rejects(running, /boom/);
  assert.deepEqual(ran, ["a10", "b50", "boom60", "failsafe80", "async90", "failsafe95"]);
  assert.equal(seen.length, 2);
  assert.equal(hooks.run("on_end_request"), undefined, "an empty point costs nothing");
});

test("tools: register + decorator + config; options reach the tool", async () => {
  const { tree, web } = site();
  const seen: unknown[] = [];
  const toolbox = freshTools();
  const stamp = toolbox.register("before_finalize", { priority: 60 })(
    function stamp(options) {
      seen.push(options["label"]);
      cherrypy.response.headers.set("X-Stamp", String(options["label"] ?? "none"));
    },
  );
  class Root {
    @expose
    @stamp({ label: "decorated" })
    index() {
      return "hi";
    }
    @expose
    plain() {
      return "plain";
    }
  }
  const app = web.mount(new Root(), "", {
    "/plain": { "tools.stamp.on": true, "tools.stamp.label": "from config" },
  });
  app.toolboxes["tools"] = toolbox;
  await web.getPage("/");
  web.assertHeader("X-Stamp", "decorated");
  await web.getPage("/plain");
  web.assertHeader("X-Stamp", "from config");
  assert.deepEqual(seen, ["decorated", "from config"]);
  assert.throws(() => stamp.on, /cannot be turned on by setting/);
  void tree;
});

test("tools: the docs' TimingTool (stateful, _setup attaches a second hook)", async () => {
  const { web, errors } = site();
  class TimingTool extends cherrypy.Tool {
    constructor() {
      super("before_handler", () => {
        cherrypy.request._time = performance.now();
      }, { priority: 95 });
    }
    override _setup() {
      super._setup();
      cherrypy.request.hooks.attach("before_finalize", () => {
        const took = performance.now() - (cherrypy.request._time as number);
        cherrypy.log(`Page handler took ${took.toFixed(4)}`);
      }, { priority: 5 });
    }
  }
  const toolbox = freshTools();
  toolbox.timeit = new TimingTool();
  class Root {
    @expose
    @toolbox.timeit()
    index() {
      return "hello world";
    }
  }
  const app = web.mount(new Root());
  app.toolboxes["tools"] = toolbox;
  await web.getPage("/");
  web.assertBody("hello world");
  assert.ok(errors.some((l) => /Page handler took \d+\.\d{4}$/.test(l)), errors.join("\n"));
});

test("tools: a custom toolbox with its own namespace (the docs' newauth)", async () => {
  const { web } = site();
  const newauthtools = new cherrypy.Toolbox("newauth");
  newauthtools.register("before_request_body")(function check_access(options) {
    const fallback = (options["default"] as boolean | undefined) ?? false;
    if (!(cherrypy.request.userid ?? fallback)) throw new cherrypy.HTTPError(401);
  });
  class Root {
    @expose
    default(..._vpath: string[]) {
      return "Hello";
    }
  }
  const app = web.mount(new Root(), "", {
    "/demo": { "newauth.check_access.on": true, "newauth.check_access.default": true },
    "/locked": { "newauth.check_access.on": true },
  });
  app.toolboxes["newauth"] = newauthtools;
  await web.getPage("/demo");
  web.assertBody("Hello");
  await web.getPage("/locked");
  web.assertErrorPage(401);
  await web.getPage("/open");
  web.assertBody("Hello");
});

test("tools: request-parameter manipulation (the docs' UserManager)", async () => {
  const { web } = site();
  const users: Record<number, { name: string }> = { 7: { name: "Ada" } };
  class UserManager extends cherrypy.Tool {
    constructor() {
      super("before_handler", () => {
        const params = cherrypy.request.params;
        const id = params["user_id"];
        delete params["user_id"];
        params["user"] = users[Number(id)] as never;
      }, { priority: 10 });
    }
  }
  const toolbox = freshTools();
  toolbox.user = new UserManager();
  class Root {
    @expose
    @toolbox.user()
    index(user: { name: string }) {
      return `hello ${user.name}`;
    }
  }
  web.mount(new Root()).toolboxes["tools"] = toolbox;
  await web.getPage("/?user_id=7");
  web.assertBody("hello Ada");
});

test("tools: HandlerTool answers instead of the handler; HandlerWrapperTool wraps it", async () => {
  const { web } = site();
  const toolbox = freshTools();
  toolbox.maintenance = new cherrypy.HandlerTool(() => {
    cherrypy.response.body = "down";
    return true;
  });
  toolbox.upper = new cherrypy.HandlerWrapperTool(async (inner) =>
    String(await inner()).toUpperCase()
  );
  toolbox.plain_errors = new cherrypy.ErrorTool(() => {
    cherrypy.response.status = 500;
    cherrypy.response.headers.set("Content-Type", "text/plain");
    cherrypy.response.body = "custom failure";
  });
  class Root {
    @expose
    @toolbox.maintenance()
    closed() {
      return "never";
    }
    @expose
    @toolbox.upper()
    shout() {
      return "quiet";
    }
    @expose
    @toolbox.plain_errors()
    broken() {
      throw new Error("x");
    }
  }
  web.mount(new Root()).toolboxes["tools"] = toolbox;
  await web.getPage("/closed");
  web.assertBody("down");
  await web.getPage("/shout");
  web.assertBody("QUIET");
  await web.getPage("/broken");
  web.assertStatus(500);
  web.assertBody("custom failure");
});

test("hooks via config, error_page functions and templates", async () => {
  const { web } = site();
  const dir = await cherrypy.platform.makeTempDir("cp-errpage-");
  const template = `${dir}/404.html`;
  await cherrypy.platform.writeFile(template, "<h1>%(status)s</h1><p>%(message)s</p>");
  class Root {
    @expose
    index() {
      return "index";
    }
    @expose
    teapot() {
      throw new cherrypy.HTTPError(418, "<short>");
    }
  }
  web.mount(new Root(), "", {
    "/": {
      "hooks.before_finalize": () => cherrypy.response.headers.set("X-Hooked", "yes"),
      "error_page.404": template,
      "error_page.default": (v: cherrypy.ErrorPageValues) =>
        `default page: ${v.status}/${v.message}`,
    },
  });
  await web.getPage("/");
  web.assertHeader("X-Hooked", "yes");
  await web.getPage("/nope");
  web.assertStatus(404);
  web.assertBody("<h1>404 Not Found</h1><p>The path '/nope' was not found.</p>".padEnd(513));
  await web.getPage("/teapot");
  web.assertStatus(418);
  web.assertBody("default page: 418 I'm a Teapot/&lt;short&gt;");
  await cherrypy.platform.removeDir(dir);
});

test("a failing error page falls back to the default one and says why", async () => {
  const { web } = site();
  web.mount({ index: expose(() => "x") }, "", {
    "/": { "error_page.404": "/nonexistent/template.html" },
  });
  await web.getPage("/missing");
  web.assertStatus(404);
  web.assertInBody("In addition, the custom error page failed:");
  web.assertInBody("<title>404 Not Found</title>");
});

test("HTTPRedirect: 303 on HTTP/1.1, absolute Location, escaped body; 301 and 304", async () => {
  const { web } = site();
  class Root {
    @expose
    go() {
      throw new cherrypy.HTTPRedirect("other?a=<b>");
    }
    @expose
    moved() {
      throw new cherrypy.HTTPRedirect(["/new", "/newer"], 301);
    }
    @expose
    same() {
      throw new cherrypy.HTTPRedirect("", 304);
    }
  }
  web.mount(new Root(), "/app");
  const res = await web.getPage("/app/go");
  assert.equal(res.status, 303);
  web.assertHeader("Location", "http://127.0.0.1/app/other?a=<b>");
  web.assertBody(
    'This resource can be found at <a href="http://127.0.0.1/app/other?a=&lt;b&gt;">' +
      "http://127.0.0.1/app/other?a=&lt;b&gt;</a>.",
  );
  web.assertHeader("Content-Type", "text/html;charset=utf-8");
  await web.getPage("/app/moved");
  web.assertStatus("301 Moved Permanently");
  web.assertHeader("Location", "http://127.0.0.1/new");
  web.assertInBody("<br />\nThis resource has permanently moved to");
  await web.getPage("/app/same");
  web.assertStatus(304);
  web.assertBody("");
  assert.throws(() => {
    cherrypy.platform; // outside a request the redirect still validates its status
    new cherrypy.HTTPRedirect("/x", 200);
  }, /between 300 and 399/);
});

test("InternalRedirect: serves another path as GET; a loop is an error", async () => {
  const { web, errors } = site();
  class Root {
    @expose
    start() {
      throw new cherrypy.InternalRedirect("target?from=start");
    }
    @expose
    target(from = "") {
      const prev = cherrypy.request.prev;
      return `target from=${from} method=${cherrypy.request.method} prev=${prev?.path_info}`;
    }
    @expose
    loop() {
      throw new cherrypy.InternalRedirect("/loop2");
    }
    @expose
    loop2() {
      throw new cherrypy.InternalRedirect("/loop");
    }
  }
  web.mount(new Root());
  await web.getPage("/start", { method: "POST", body: "x=1" });
  web.assertBody("target from=start method=GET prev=/start");
  await web.getPage("/loop");
  web.assertStatus(500);
  assert.ok(errors.some((l) => l.includes("visited the same URL twice")), errors.join("\n"));
});

test("trailing_slash: index handlers reached without the slash redirect with 301", async () => {
  const { web } = site();
  class Sub {
    @expose
    index() {
      return "sub";
    }
    @expose
    page() {
      return "page";
    }
  }
  web.mount({ sub: new Sub(), index: expose(() => "root") });
  await web.getPage("/sub?x=1");
  web.assertStatus(301);
  web.assertHeader("Location", "http://127.0.0.1/sub/?x=1");
  await web.getPage("/sub/");
  web.assertBody("sub");
  await web.getPage("/sub/page/");
  web.assertBody("page" /* extra slashes are allowed by default */);
});

test("encode: charset from Accept-Charset, 406 when none fits, iso-8859-1 bodies", async () => {
  const { web } = site();
  web.mount({ index: expose(() => "caf\u00e9"), greek: expose(() => "\u03b1") });
  await web.getPage("/");
  web.assertHeader("Content-Type", "text/html;charset=utf-8");
  assert.deepEqual([...web.bytes], [0x63, 0x61, 0x66, 0xc3, 0xa9]);
  await web.getPage("/", { headers: { "Accept-Charset": "iso-8859-1;q=1, utf-8;q=0.5" } });
  web.assertHeader("Content-Type", "text/html;charset=iso-8859-1");
  assert.deepEqual([...web.bytes], [0x63, 0x61, 0x66, 0xe9]);
  await web.getPage("/greek", { headers: { "Accept-Charset": "iso-8859-1, us-ascii" } });
  web.assertStatus(406);
  web.assertInBody(
    "Your client sent this Accept-Charset header: iso-8859-1, us-ascii. We tried these " +
      "charsets: iso-8859-1, us-ascii.",
  );
});

test("log_tracebacks and log_headers: a failing request logs both", async () => {
  const { web, errors } = site();
  web.mount({ boom: expose(() => Promise.reject(new Error("kaboom"))) });
  await web.getPage("/boom", { headers: { "X-Custom": "yes" } });
  web.assertErrorPage(500);
  web.assertInBody("Error: kaboom");
  const text = errors.join("\n");
  assert.match(text, /HTTP \nError: kaboom/);
  assert.match(text, /HTTP \nRequest Headers:\n(.|\n)* {2}X-Custom: yes/);
});

test("url(): absolute URLs relative to the current page and the mount point", async () => {
  const { web } = site();
  class Sub {
    @expose
    index() {
      return [cherrypy.url(), cherrypy.url("x"), cherrypy.url("/y", { q: "a b" })].join(" ");
    }
    @expose
    page() {
      return [cherrypy.url(), cherrypy.url("../up"), cherrypy.url("z", "", { relative: "server" })]
        .join(" ");
    }
  }
  web.mount({ sub: new Sub() }, "/app");
  await web.getPage("/app/sub/");
  web.assertBody(
    "http://127.0.0.1/app/sub/ http://127.0.0.1/app/sub/x http://127.0.0.1/app/y?q=a+b",
  );
  await web.getPage("/app/sub/page");
  web.assertBody("http://127.0.0.1/app/sub/page http://127.0.0.1/app/up /app/sub/z");
});

test("tree.graft serves a Fetch app below its mount point; app.fetch runs without a server", async () => {
  const { tree, web } = site();
  tree.graft((req) => new Response(`fetch app saw ${new URL(req.url).pathname}`), "/foreign");
  const app = web.mount({ index: expose(() => "native") }, "/native");
  await web.getPage("/foreign/a/b");
  web.assertBody("fetch app saw /a/b");
  const res = await app.fetch(new Request("http://example.com/native/"));
  assert.equal(await res.text(), "native");
  assert.equal(res.headers.get("content-length"), "6");
  await web.getPage("/unmounted");
  web.assertStatus(404);
});

test("wsgi.pipeline: Fetch middleware wraps the application", async () => {
  const { web } = site();
  const tag =
    (next: cherrypy.FetchHandler, options: Record<string, unknown>) => async (req: Request) => {
      const res = await next(req);
      const out = new Response(res.body, res);
      out.headers.set("X-Tag", String(options["value"]));
      return out;
    };
  web.mount({ index: expose(() => "piped") }, "", {
    "/": { "wsgi.pipeline": [["tag", tag]], "wsgi.tag.value": "on" },
  });
  await web.getPage("/");
  web.assertBody("piped");
  web.assertHeader("X-Tag", "on");
});

test("cherrypy.request is each request's own across awaits, 100 at once", async () => {
  const { web } = site();
  class Root {
    @expose
    async who(id: string) {
      await new Promise((r) => setTimeout(r, Math.random() * 20));
      await Promise.resolve();
      return `${id}:${cherrypy.request.params["id"]}:${cherrypy.request.query_string}`;
    }
  }
  web.mount(new Root());
  const results = await Promise.all(
    Array.from({ length: 100 }, async (_, i) => {
      const res = await web.tree.fetch(new Request(`http://127.0.0.1/who?id=${i}`));
      return await res.text();
    }),
  );
  results.forEach((body, i) => assert.equal(body, `${i}:${i}:id=${i}`));
});

test("response timeouts: the monitor marks, aborts request.signal, and the pipeline answers 500", async () => {
  const bus = new cherrypy.Bus({ exitProcess: () => {} });
  const monitor = new cherrypy.TimeoutMonitor(bus, 0.05);
  const tree = new cherrypy.Tree({
    globalConfig: () => ({ ...cherrypy.DEFAULT_TOOL_CONFIG }),
    log: new cherrypy.LogManager({ screen: false }),
    trackResponse: (r) => monitor.track(r),
  });
  let aborted = "";
  class Root {
    @expose
    async slow() {
      cherrypy.response.timeout = 0.1;
      const signal = cherrypy.request.signal;
      await new Promise<void>((resolve) => {
        signal.addEventListener("abort", () => {
          aborted = (signal.reason as Error).name;
          resolve();
        });
      });
      return "too late";
    }
  }
  tree.mount(new Root());
  monitor.start();
  const keepAlive = setInterval(() => {}, 1000);
  try {
    const res = await tree.fetch(new Request("http://127.0.0.1/slow"));
    assert.equal(res.status, 500);
    assert.match(await res.text(), /TimeoutError/);
    assert.equal(aborted, "TimeoutError");
  } finally {
    clearInterval(keepAlive);
    await monitor.stop();
  }
});

test("config decorator and _cp_config on classes", async () => {
  const { web } = site();
  @cherrypy.cpConfig({ "response.headers.X-Class": "c" })
  class Root {
    @expose
    @cherrypy.config({ "response.headers.X-Method": "m" })
    index() {
      return "ok";
    }
  }
  web.mount(new Root());
  await web.getPage("/");
  web.assertHeader("X-Class", "c");
  web.assertHeader("X-Method", "m");
});
