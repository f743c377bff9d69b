/**
 * CherryPy's test_tools, ported: the means of making and switching on tools (a Tool subclass
 * with its own `_setup`, an object that is not a Tool at all, a custom toolbox, config,
 * decorators, `_cp_config`), failsafe hooks, bare hooks from config, HandlerWrapperTool, and
 * `on_end_request` after a dropped connection.
 *
 * Changes: the test's tools go in a copy of the default toolbox given to the application
 * (`app.toolboxes.tools`), not in the global `cherrypy.tools`; CherryPy's metaclass that
 * exposes every method is `@expose` on each; a callable object is a function (JavaScript
 * has no `__call__`); `HTTPError(502).set_response` reads the error being handled from
 * `request.error` (Python reads `sys.exc_info()`); the map given to `numerify` is a `Map`, so
 * that a string in its place fails as `'str'.items()` does in Python.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as cherrypy from "../../mod.ts";
import { collapseBody, Hook, HookMap } from "../../framework/core/mod.ts";
import { rawConnect } from "../_raw.ts";
import { eventually } from "../_helpers.ts";
import { suiteSite } from "./_suite.ts";
import { RawWebCase } from "./_webcase.ts";

const { expose } = cherrypy;
const { ValueError } = cherrypy.lib.cptools;
const site = suiteSite();
const web = site.web;
const europoundUnicode = "\x80\xa3";
const text = (chunk: unknown) =>
  typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk as Uint8Array);
const chunksOf = (body: unknown): Iterable<unknown> =>
  typeof body === "string" || body instanceof Uint8Array ? [body] : body as Iterable<unknown>;

/** The default toolbox's tools, plus the test's own. */
const tools = new cherrypy.Toolbox("tools");
for (const name of cherrypy.tools.names()) tools[name] = cherrypy.tools[name];

// Put check_access in a custom toolbox with its own namespace
const myauthtools = new cherrypy.Toolbox("myauth");
function check_access(options: { default?: boolean }) {
  if (!(cherrypy.request.userid ?? options.default ?? false)) throw new cherrypy.HTTPError(401);
}
myauthtools.check_access = new cherrypy.Tool("before_request_body", check_access);

function numerify() {
  function* number_it(body: unknown) {
    for (let chunk of chunksOf(body)) {
      let s = text(chunk);
      for (const [k, v] of cherrypy.request.numerify_map as Array<[string, string]>) {
        s = s.replaceAll(k, v);
      }
      chunk = s;
      yield chunk;
    }
  }
  cherrypy.response.body = number_it(cherrypy.response.body);
}

class NumTool extends cherrypy.Tool {
  override _setup() {
    const makemap = () => {
      const m = (this._mergedArgs()["map"] ?? new Map()) as Map<string, string>;
      cherrypy.request.numerify_map = [...m.entries()];
    };
    cherrypy.request.hooks.attach("on_start_resource", makemap);

    const critical = () => {
      const request = cherrypy.request;
      request.error_response = () => new cherrypy.HTTPError(502).setResponse(request.error);
    };
    critical.failsafe = true;

    cherrypy.request.hooks.attach("on_start_resource", critical);
    cherrypy.request.hooks.attach(this._point!, this.callable as () => void);
  }
}

tools.numerify = new NumTool("before_finalize", numerify);

// It's not mandatory to inherit from cherrypy.Tool.
class NadsatTool {
  ended: Record<string, boolean> = {};
  _name = "nadsat";

  nadsat = Object.assign(() => {
    function* nadsat_it_up(body: unknown) {
      for (const chunk of chunksOf(body)) {
        yield text(chunk).replaceAll("good", "horrorshow").replaceAll("piece", "lomtick");
      }
    }
    cherrypy.response.body = nadsat_it_up(cherrypy.response.body);
  }, { priority: 0 });

  cleanup = Object.assign(() => {
    // This runs after the request has been completely written out.
    cherrypy.response.body = ["razdrez"];
    const id = cherrypy.request.params["id"] as string | undefined;
    if (id) this.ended[id] = true;
  }, { failsafe: true });

  _setup() {
    cherrypy.request.hooks.attach("before_finalize", this.nadsat);
    cherrypy.request.hooks.attach("on_end_request", this.cleanup);
  }
}

const nadsat = new NadsatTool();
tools.nadsat = nadsat;

async function pipe_body() {
  const request = cherrypy.request;
  request.process_request_body = false;
  const clen = Number(request.headers.get("Content-Length"));
  (request as { body: unknown }).body = await request.body!.read(clen);
}

// (A callable object, in Python: here a function.)
async function rotator({ scale }: { scale?: number }) {
  const r = cherrypy.response;
  const body = await collapseBody(r.body);
  r.body = [body.map((x) => (x + (scale ?? 0)) % 256)];
}
tools.rotator = new cherrypy.Tool("before_finalize", rotator as cherrypy.ToolCallable);

tools.streamer = new cherrypy.HandlerWrapperTool(async (nextHandler) => {
  const actual = cherrypy.request.config["tools.streamer.arg"];
  assert.equal(actual, "arg value");
  const o: string[] = [];
  (cherrypy.response as unknown as { output: string[] }).output = o;
  // Ignore the response and return our accumulated output instead.
  await nextHandler();
  return o.join("");
});

class Root {
  @expose
  index() {
    return "Howdy earth!";
  }

  @expose
  @cherrypy.config({ "tools.streamer.on": true, "tools.streamer.arg": "arg value" })
  tarfile() {
    const actual = cherrypy.request.config["tools.streamer.arg"];
    assert.equal(actual, "arg value");
    const output = (cherrypy.response as unknown as { output: string[] }).output;
    output.push("I am ");
    output.push("a tarfile");
  }

  @expose
  *euro() {
    const hooks = [...cherrypy.request.hooks.get("before_finalize")];
    const cbnames = hooks.map((x) => x.callback.name);
    assert.deepEqual(cbnames, ["gzip"]);
    const priorities = hooks.map((x) => x.priority);
    assert.deepEqual(priorities, [80]);
    yield "Hello,";
    yield "world";
    yield europoundUnicode;
  }

  // Bare hooks
  @expose
  @cherrypy.config({ "hooks.before_request_body": pipe_body })
  pipe() {
    return cherrypy.request.body;
  }

  // Multiple decorators; include kwargs just for fun.
  // Note that rotator must run before gzip.
  @expose
  @cherrypy.config({ "tools.gzip.on": true, "tools.gzip.compress_level": 6 })
  @tools.rotator({ scale: 3 })
  *decorated_euro(..._vpath: string[]) {
    yield "Hello,";
    yield "world";
    yield europoundUnicode;
  }
}

// METHOD ONE:
// Declare Tools in _cp_config
@cherrypy.config({ "tools.nadsat.on": true })
class Demo {
  @expose
  index(id: string | null = null) {
    void id;
    return "A good piece of cherry pie";
  }

  @expose
  ended(id: string) {
    return nadsat.ended[id] ? "True" : "False";
  }

  @expose
  err(id: string | null = null) {
    void id;
    throw new ValueError();
  }

  @expose
  *errinstream(id: string | null = null) {
    void id;
    yield "nonconfidential";
    throw new ValueError();
  }

  // METHOD TWO: decorator using Tool()
  @expose
  @myauthtools.check_access()
  restricted() {
    return "Welcome!";
  }

  userid = this.restricted;

  @expose
  err_in_onstart() {
    return "success!";
  }

  @expose
  @cherrypy.config({ "response.stream": true })
  *stream(id: string | null = null) {
    void id;
    for (let x = 0; x < 100000000; x++) yield String(x);
  }
}

// A web app with tools (CherryPy's _test_decorators.ToolExamples).
class ToolExamples {
  // This is here to demonstrate that using the config decorator does not overwrite other
  // config attributes added by the Tool decorator (in this case response_headers).
  @expose
  @cherrypy.config({ "response.stream": true })
  @cherrypy.config({
    "tools.response_headers.on": true,
    "tools.response_headers.headers": [["Content-Type", "application/data"]],
  })
  *blah() {
    yield new TextEncoder().encode("blah");
  }
}

before(() => {
  const root = new Root() as Root & Record<string, unknown>;
  root.demo = new Demo();
  const conf = {
    // METHOD THREE:
    // Declare Tools in detached config
    "/demo": {
      "tools.numerify.on": true,
      "tools.numerify.map": new Map([["pie", "3.14159"]]),
    },
    "/demo/restricted": { "request.show_tracebacks": false },
    "/demo/userid": {
      "request.show_tracebacks": false,
      "myauth.check_access.default": true,
    },
    "/demo/errinstream": { "response.stream": true },
    "/demo/err_in_onstart": {
      // Because this isn't a Map, on_start_resource will error.
      "tools.numerify.map": "pie->3.14159",
    },
    // Combined tools
    "/euro": { "tools.gzip.on": true, "tools.encode.on": true },
    // Priority specified in config
    "/decorated_euro/subpath": { "tools.gzip.priority": 10 },
    // Handler wrappers
    "/tarfile": { "tools.streamer.on": true },
  };
  const app = web.mount(root, "", conf);
  app.toolboxes["tools"] = tools;
  app.toolboxes["myauth"] = myauthtools;
  root.tooldecs = new ToolExamples();
});

after(() => web.stop());

test("tools: testHookErrors", async () => {
  await web.getPage("/demo/?id=1");
  // If body is "razdrez", then on_end_request is being called too early.
  web.assertBody("A horrorshow lomtick of cherry 3.14159");
  // If this fails, then on_end_request isn't being called at all.
  await eventually(() => nadsat.ended["1"] || undefined, 5000, "on_end_request");
  await web.getPage("/demo/ended/1");
  web.assertBody("True");

  await web.getPage("/demo/err?id=3");
  // If body is "razdrez", then on_end_request is being called too early.
  web.assertErrorPage(502);
  web.assertInBody("ValueError");
  // If this fails, then on_end_request isn't being called at all.
  await eventually(() => nadsat.ended["3"] || undefined, 5000, "on_end_request");
  await web.getPage("/demo/ended/3");
  web.assertBody("True");

  // Because this error is raised after the response body has started, and because it's
  // chunked output, an error is raised by the HTTP client when it encounters incomplete
  // output.
  await assert.rejects(web.getPage("/demo/errinstream?id=5"));
  // If this fails, then on_end_request isn't being called at all.
  await eventually(() => nadsat.ended["5"] || undefined, 5000, "on_end_request");
  await web.getPage("/demo/ended/5");
  web.assertBody("True");

  // Test the "__call__" technique (compile-time decorator).
  await web.getPage("/demo/restricted");
  web.assertErrorPage(401);

  // Test compile-time decorator with kwargs from config.
  await web.getPage("/demo/userid");
  web.assertBody("Welcome!");
});

test("tools: testEndRequestOnDrop", async () => {
  await web.getPage("/"); // the server is started
  // Test that on_end_request is called even if the client drops.
  const conn = await rawConnect(web.port);
  conn.write("GET /demo/stream?id=9 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  // Skip the rest of the response and close the connection: the server's writes fail, the
  // request is aborted, and request.close runs the on_end_request hooks.
  await conn.waitFor(/200 OK/);
  conn.destroy();
  await eventually(() => nadsat.ended["9"] || undefined, 5000, "on_end_request after a drop");
  await web.getPage("/demo/ended/9");
  web.assertBody("True");
});

test("tools: testGuaranteedHooks", async () => {
  // The 'critical' on_start_resource hook is 'failsafe' (guaranteed to run even if there are
  // failures in other on_start methods). This is NOT true of the other hooks. Here, we have
  // set up a failure in NumerifyTool.numerify_map, but our 'critical' hook should run and set
  // the error to 502.
  await web.getPage("/demo/err_in_onstart");
  web.assertErrorPage(502);
  // Python: AttributeError: 'str' object has no attribute 'items'
  web.assertInBody("TypeError");
  web.assertInBody("entries is not a function");
});

test("tools: testCombinedTools", async () => {
  const expectedResult = new TextEncoder().encode("Hello,world" + europoundUnicode);
  const gzipped = new Uint8Array(
    await new Response(
      new Blob([expectedResult]).stream().pipeThrough(new CompressionStream("gzip")),
    ).arrayBuffer(),
  );
  const head = gzipped.subarray(0, 3); // the gzip magic and method: 1f 8b 08
  // The raw bytes, as they come off the wire (a Fetch client would decompress them).
  await web.getPage("/");
  const raw = new RawWebCase(web.port);
  try {
    await raw.getPage("/euro", {
      headers: [["Accept-Encoding", "gzip"], ["Accept-Charset", "ISO-8859-1,utf-8;q=0.7,*;q=0.7"]],
    });
    assert.deepEqual([...raw.bytes.subarray(0, 3)], [...head]);

    await raw.getPage("/decorated_euro", { headers: [["Accept-Encoding", "gzip"]] });
    assert.deepEqual([...raw.bytes.subarray(0, 3)], [...head]);

    // This returns a different value because gzip's priority was lowered in conf, allowing the
    // rotator to run after gzip. Of course, we don't want breakage in production apps, but it
    // proves the priority was changed.
    await raw.getPage("/decorated_euro/subpath", { headers: [["Accept-Encoding", "gzip"]] });
    assert.deepEqual([...raw.bytes.subarray(0, 3)], [...head].map((x) => (x + 3) % 256));
  } finally {
    raw.close();
  }
});

test("tools: testBareHooks", async () => {
  const content = "bit of a pain in me gulliver";
  await web.getPage("/pipe", {
    headers: [["Content-Length", String(content.length)], ["Content-Type", "text/plain"]],
    method: "POST",
    body: content,
  });
  web.assertBody(content);
});

test("tools: testHandlerWrapperTool", async () => {
  await web.getPage("/tarfile");
  web.assertBody("I am a tarfile");
});

test("tools: testToolWithConfig", async () => {
  await web.getPage("/tooldecs/blah");
  web.assertHeader("Content-Type", "application/data");
});

test("tools: testWarnToolOn", () => {
  // get
  assert.throws(() => tools.numerify.on, /cannot be turned on/);
  // set
  assert.throws(() => {
    tools.numerify.on = true;
  }, /cannot be turned on/);
});

test("tools: testDecorator", () => {
  tools.register("on_start_resource")(function example() {});
  assert.ok(tools.example instanceof cherrypy.Tool);
  assert.equal(tools.example._point, "on_start_resource");

  tools.register("before_finalize", { name: "renamed", priority: 60 })(function example() {});
  assert.ok(tools.renamed instanceof cherrypy.Tool);
  assert.equal(tools.renamed._point, "before_finalize");
  assert.equal(tools.renamed._name, "renamed");
  assert.equal(tools.renamed._priority, 60);
});

test("tools: SessionAuthTest.test_login_screen_returns_bytes", () => {
  // login_screen must return bytes even if unicode parameters are passed. Issue 1132
  // revealed that login_screen would return unicode if the username and password were
  // unicode.
  const sa = new cherrypy.lib.cptools.SessionAuth();
  // CherryPy passes a dict as the user name here; its text is written (escaped) as given.
  const res = sa.login_screen(undefined, String({ username: "nobody", password: "anypass" }));
  assert.ok(res instanceof Uint8Array);
});

test("tools: TestHooks.test_priorities", () => {
  // Hooks should sort by priority order.
  const noop = () => {};
  const hooks = [
    new Hook(noop, { priority: 48 }),
    new Hook(noop),
    new Hook(noop, { priority: 49 }),
  ];
  const map = new HookMap();
  for (const h of hooks) map.attach("before_handler", h.callback, { priority: h.priority });
  const priorities = map.get("before_handler").map((h) => h.priority);
  assert.deepEqual(priorities, [48, 49, 50]);
});
