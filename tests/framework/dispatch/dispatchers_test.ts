import { test } from "node:test";
import assert from "node:assert/strict";
import * as cherrypy from "../../../mod.ts";
import { runServing } from "../../../framework/core/serving.ts";
import { compileRoute, matchRoute } from "../../../framework/dispatch/mod.ts";
import { getPage, privateSite, serveRoot } from "../../_helpers.ts";
import { rawExchange } from "../../_raw.ts";

const { dispatch, expose, HTTPError, LogManager, popargs, Request, Response, Tree } = cherrypy;
const { MethodDispatcher, RoutesDispatcher, VirtualHost } = dispatch;

interface Setup {
  method?: string;
  headers?: Record<string, string>;
  config?: cherrypy.AppConfig;
  globalConfig?: Record<string, unknown>;
}

/** A request for `root` (mounted at "") outside the server, and a way to run code in it. */
function setup(root: unknown, options: Setup = {}) {
  const log = new LogManager();
  log.screen = false;
  const tree = new Tree({ globalConfig: () => options.globalConfig ?? {}, log });
  const app = tree.mount(root, "", options.config);
  const request = new Request();
  request.app = app;
  request.method = options.method ?? "GET";
  const headers = new Map(
    Object.entries(options.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
  );
  request.header = (name: string) => headers.get(name.toLowerCase()) ?? null;
  const response = new Response();
  const run = <R>(fn: () => R): R => runServing({ request, response }, fn);
  return { request, response, run };
}

/** Dispatches `path` with `dispatcher` and calls the handler; returns its result or error. */
function serve(
  dispatcher: cherrypy.DispatcherLike,
  root: unknown,
  path: string,
  options: Setup = {},
) {
  const s = setup(root, options);
  return s.run(() => {
    dispatcher.dispatch(path, s.request);
    let body: unknown;
    let error: unknown;
    try {
      body = s.request.handler!();
    } catch (e) {
      error = e;
    }
    return { ...s, body, error, status: error instanceof HTTPError ? error.code : 200 };
  });
}

// --- MethodDispatcher ------------------------------------------------------------------------

@expose
class Resource {
  LIMIT = 5;
  GET(...args: string[]) {
    return `got ${args.join(",")}`;
  }
  POST(name: string) {
    return `posted ${name}`;
  }
  static {
    Object.assign(Resource.prototype.POST, { _cp_config: { "tools.x.on": true } });
  }
}

class Hidden {
  GET() {
    return "hidden";
  }
}

class Flagged {
  exposed = true;
  PUT() {
    return "put";
  }
}

class MethodRoot {
  res = new Resource();
  hidden = new Hidden();
  flagged = new Flagged();
  @expose
  index() {
    return "index";
  }
}

test("MethodDispatcher: the method named after the request's answers, with Allow", () => {
  const d = new MethodDispatcher();
  const get = serve(d, new MethodRoot(), "/res/a/b");
  assert.equal(get.body, "got a,b");
  assert.equal(get.response.headers.get("Allow"), "GET, HEAD, LIMIT, POST");
  assert.equal(get.request.is_index, false);
  const head = serve(d, new MethodRoot(), "/res", { method: "HEAD" });
  assert.equal(head.body, "got ");
  const post = serve(d, new MethodRoot(), "/res/x", { method: "post" });
  assert.equal(post.body, "posted x");
  assert.equal(post.request.config["tools.x.on"], true);
  assert.equal(get.request.config["tools.x.on"], undefined);
  assert.equal(serve(d, new MethodRoot(), "/flagged", { method: "PUT" }).body, "put");
});

test("MethodDispatcher: 405 (Allow kept) for missing methods, OPTIONS included; 404", () => {
  const d = new MethodDispatcher();
  for (const method of ["DELETE", "OPTIONS", "PATCH"]) {
    const r = serve(d, new MethodRoot(), "/res", { method });
    assert.equal(r.status, 405, method);
    assert.equal(r.response.headers.get("Allow"), "GET, HEAD, LIMIT, POST");
  }
  // A constant is listed (as CherryPy's dir() does) but cannot answer.
  assert.equal(serve(d, new MethodRoot(), "/res", { method: "LIMIT" }).status, 405);
  // A resource that is not exposed is not found.
  const hidden = serve(d, new MethodRoot(), "/hidden");
  assert.equal(hidden.status, 404);
  assert.equal(hidden.response.headers.get("Allow"), null);
  // An exposed function is a resource without methods: an empty Allow and 405.
  const index = serve(d, new MethodRoot(), "/");
  assert.equal(index.status, 405);
  assert.equal(index.response.headers.get("Allow"), "");
  assert.equal(index.request.is_index, true);
  // Built-in members never answer.
  const literal = { exposed: true, GET: () => "literal" };
  assert.equal(serve(d, literal, "/", { method: "TOSTRING" }).status, 405);
  assert.equal(serve(d, literal, "/").body, "literal");
});

test("MethodDispatcher: is_index as CherryPy and a resource at the root", () => {
  const d = new MethodDispatcher();
  const root = new Resource();
  const r = serve(d, root, "/");
  assert.equal(r.body, "got ");
  assert.equal(r.request.is_index, false);
  assert.equal(serve(d, root, "/one/two%2Fthree").body, "got one,two/three");
});

test("MethodDispatcher over HTTP: the 405 response matches CherryPy's", async () => {
  const s = await serveRoot(new MethodRoot(), {
    "/": { "request.dispatch": new MethodDispatcher(), "request.show_tracebacks": false },
  });
  try {
    const { text } = await rawExchange(
      s.port,
      "DELETE /res HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    );
    const [head, body] = text.split("\r\n\r\n", 2) as [string, string];
    const lines = head.split("\r\n");
    assert.equal(lines[0], "HTTP/1.1 405 Method Not Allowed");
    assert.ok(lines.includes("Allow: GET, HEAD, LIMIT, POST"), head);
    assert.ok(lines.includes("Content-Type: text/html;charset=utf-8"), head);
    const expected = cherrypy.getErrorPage(405, { traceback: "" });
    assert.equal(body, expected);
    // Header names are cased by the runtime's server (see docs/runtimes.md).
    const length = lines.find((l) => /^content-length:/i.test(l));
    assert.equal(
      length?.replace(/^[^:]*: /, ""),
      String(new TextEncoder().encode(expected).length),
    );
    assert.match(body, /<p>Specified method is invalid for this resource<\/p>/);
    const ok = await getPage(s.base + "/res/1?", { method: "GET" });
    assert.equal(ok.body, "got 1");
    assert.equal(ok.headers.get("allow"), "GET, HEAD, LIMIT, POST");
    const headOk = await getPage(s.base + "/res/1", { method: "HEAD" });
    assert.equal(headOk.status, 200);
    assert.equal(headOk.headers.get("content-length"), "5");
  } finally {
    await s.stop();
  }
});

// --- RoutesDispatcher ------------------------------------------------------------------------

class City {
  population = 10000;
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
  index() {
    return `Welcome to ${this.name}, pop. ${this.population}`;
  }
  update(pop: string) {
    this.population = Number(pop);
    return "OK";
  }
  static {
    Object.assign(City.prototype.index, { _cp_config: { "from.action": "index" } });
  }
}

class Library {
  _cp_config = { "from.controller": "library", "from.action": "controller" };
  index(id: string) {
    return `library ${id}`;
  }
  book({ id, book, ...rest }: Record<string, string>) {
    return `book ${book} of ${id} ${JSON.stringify(rest)}`;
  }
  show(id: string) {
    return `show ${id}`;
  }
}

function routes() {
  const d = new RoutesDispatcher();
  const surbiton = new City("Surbiton");
  d.connect("hounslow", "/hounslow", new City("Hounslow"), { action: "index" });
  d.connect("surbiton", "/surbiton", surbiton, { conditions: { method: ["GET"] } });
  d.connect("surbiton_update", "/surbiton", surbiton, {
    action: "update",
    conditions: { method: ["POST"] },
  });
  d.connect("library", "/library/:id", new Library());
  d.connect("book", "/library/{id}/book/{book:\\d+}", new Library(), {
    action: "book",
    format: "html",
  });
  d.connect("req", "/req/:id", new Library(), { action: "show", requirements: { id: /[a-z]+/ } });
  d.connect("files", "/files/*path", (path: string) => `file ${path}`);
  d.connect("fresh", "/fresh", City);
  d.connect("main", "/lib/:action/:id", new Library());
  return d;
}

test("RoutesDispatcher: routes, actions, variables as parameters, 404", () => {
  const d = routes();
  assert.equal(serve(d, null, "/hounslow").body, "Welcome to Hounslow, pop. 10000");
  assert.equal(serve(d, null, "/library/12").body, "library 12");
  const book = serve(d, null, "/library/12/book/15");
  assert.equal(book.body, 'book 15 of 12 {"format":"html"}');
  assert.deepEqual({ ...book.request.params }, { id: "12", book: "15", format: "html" });
  assert.equal(serve(d, null, "/library/12/book/x").status, 404);
  assert.equal(serve(d, null, "/library/12/").status, 404);
  assert.equal(serve(d, null, "/req/abc").body, "show abc");
  assert.equal(serve(d, null, "/req/12").status, 404);
  assert.equal(serve(d, null, "/files/a/b.txt").body, "file a/b.txt");
  assert.equal(serve(d, null, "/files/").status, 404);
  assert.equal(serve(d, null, "/lib/show/7").body, "show 7");
  assert.equal(serve(d, null, "/lib/toString/7").status, 404);
  assert.equal(serve(d, null, "/lib/constructor/7").status, 404);
  assert.equal(serve(d, null, "/nope").status, 404);
  assert.equal(serve(d, null, "/fresh").body, "Welcome to undefined, pop. 10000");
});

test("RoutesDispatcher: conditions on the method; fullResult", () => {
  const d = routes();
  assert.equal(serve(d, null, "/surbiton").body, "Welcome to Surbiton, pop. 10000");
  assert.equal(serve(d, null, "/surbiton", { method: "POST" }).status, 404); // no pop
  const s = setup(null, { method: "POST" });
  s.run(() => {
    s.request.params = { pop: "1327" };
    d.dispatch("/surbiton", s.request);
    assert.equal(s.request.handler!(), "OK");
  });
  assert.equal(serve(d, null, "/surbiton").body, "Welcome to Surbiton, pop. 1327");
  assert.equal(serve(d, null, "/surbiton", { method: "DELETE" }).status, 404);
  assert.equal(serve(d, null, "/surbiton", { method: "HEAD" }).status, 404);

  const full = new RoutesDispatcher({ fullResult: true });
  full.connect("lib", "/lib/:id", { index: (kw: Record<string, string>) => JSON.stringify(kw) });
  const r = serve(full, null, "/lib/3");
  assert.deepEqual({ ...r.request.params }, { id: "3", controller: "lib" });
  assert.deepEqual(full.match("/lib/3"), { id: "3", controller: "lib" });
  assert.equal(full.match("/lib/3/"), null);
});

test("RoutesDispatcher: config from the app, the controller and the action, in order", () => {
  const d = routes();
  const config = {
    "/": { "from.slash": true, "from.action": "slash" },
    "/library": { "from.library": true, "from.controller": "section" },
    "/library/12": { "from.last": true, "from.action": "last atom" },
  };
  const lib = serve(d, null, "/library/12", { config, globalConfig: { "from.global": 1 } });
  assert.equal(lib.request.config["from.global"], 1);
  assert.equal(lib.request.config["from.slash"], true);
  assert.equal(lib.request.config["from.library"], true);
  assert.equal(lib.request.config["from.controller"], "library");
  assert.equal(lib.request.config["from.action"], "last atom");
  const city = serve(d, null, "/hounslow", { config });
  assert.equal(city.request.config["from.action"], "index");
  const staticdir = serve(d, null, "/library/12", {
    config: { "/library": { "tools.staticdir.dir": "x" } },
  });
  assert.equal(staticdir.request.config["tools.staticdir.section"], "/library");
});

test("RoutesDispatcher over HTTP: route variables meet the query string", async () => {
  const d = routes();
  const s = await serveRoot(null, { "/": { "request.dispatch": d } });
  try {
    assert.equal((await getPage(s.base + "/library/7")).body, "library 7");
    const book = await getPage(s.base + "/library/7/book/9?extra=1");
    assert.equal(book.body, 'book 9 of 7 {"format":"html","extra":"1"}');
    assert.equal((await getPage(s.base + "/nowhere")).status, 404);
  } finally {
    await s.stop();
  }
});

test("RoutesDispatcher: generate() builds a route's path, extras in the query string", () => {
  const d = routes();
  assert.equal(d.generate("library", { id: "a b&c" }), "/library/a%20b%26c");
  assert.throws(() => d.generate("library", { id: "a/b" }), /"a\/b" is not a value "id"/);
  assert.equal(d.generate("book", { id: 7, book: 9 }), "/library/7/book/9");
  assert.equal(d.generate("book", { id: 7, book: 9, format: "html" }), "/library/7/book/9");
  assert.equal(
    d.generate("book", { id: 7, book: 9, format: "pdf", q: "x y" }),
    "/library/7/book/9?format=pdf&q=x+y",
  );
  assert.throws(() => d.generate("book", { id: 7 }), /no value for "book"/);
  assert.throws(
    () => d.generate("book", { id: 7, book: "x" }),
    /"x" is not a value "book" accepts/,
  );
  assert.throws(() => d.generate("req", { id: "A1" }), /not a value "id" accepts/);
  assert.throws(() => d.generate("nope"), /No route is named "nope"/);
  const files = new RoutesDispatcher();
  files.connect("file", "/files/*path", () => "");
  assert.equal(files.generate("file", { path: "a b/c.txt" }), "/files/a%20b/c.txt");
});

test("RoutesDispatcher: conditions.function accepts or refuses a match", () => {
  const d = new RoutesDispatcher();
  d.connect("even", "/n/:id", new Library(), {
    action: "book",
    conditions: {
      function: (vars) => {
        if (Number(vars.id) % 2 !== 0) return false;
        vars.book = String(Number(vars.id) / 2);
        return true;
      },
    },
  });
  d.connect("odd", "/n/:id", new Library(), { action: "show" });
  assert.equal(serve(d, null, "/n/4").body, "book 2 of 4 {}");
  assert.equal(serve(d, null, "/n/3").body, "show 3");
  assert.throws(
    () => d.connect("x", "/x", {}, { conditions: { function: 3 as never } }),
    /conditions.function must be a function/,
  );
});

test("RoutesDispatcher over HTTP: redirect() routes answer 301 (or the status given)", async () => {
  const d = routes();
  d.redirect("/old/:id", "/library/:id");
  d.redirect("/gone", "https://example.org/elsewhere", { status: 302 });
  assert.throws(() => d.redirect("/a/:x", "/b/:y"), /variable "y" is not one of the route's/);
  assert.throws(() => d.redirect("/a", "/b", { status: 200 }), /status must be a 3xx code/);
  const { web } = privateSite();
  web.mount(null, "/app", { "/": { "request.dispatch": d } });
  await web.getPage("/app/old/7");
  web.assertStatus(301);
  web.assertHeader("Location", "http://127.0.0.1/app/library/7");
  await web.getPage("/app/gone");
  web.assertStatus(302);
  web.assertHeader("Location", "https://example.org/elsewhere");
  await web.getPage("/app/library/7");
  web.assertBody("library 7");
});

test("compileRoute: syntax, requirements and errors", () => {
  const r = compileRoute("library/:id/{n:\\d{2}}.{fmt}");
  assert.deepEqual(r.names, ["id", "n", "fmt"]);
  assert.deepEqual(matchRoute(r, "/library/a%20b/12.json"), { id: "a%20b", n: "12", fmt: "json" });
  assert.equal(matchRoute(r, "/library/x/123.json"), null);
  assert.deepEqual(matchRoute(compileRoute("/d/:a.:fmt"), "/d/a.b.json"), {
    a: "a",
    fmt: "b.json",
  });
  assert.deepEqual(matchRoute(compileRoute("/(x)+/:id"), "/(x)+/1"), { id: "1" });
  assert.equal(matchRoute(compileRoute("/(x)+/:id"), "/xx/1"), null);
  assert.throws(() => compileRoute("/a/:"), /Bad route "\/a\/:": ':' at offset 3/);
  assert.throws(() => compileRoute("/a/{id"), /never closed/);
  assert.throws(() => compileRoute("/a/{1x}"), /not a variable name/);
  assert.throws(() => compileRoute("/:id/:id"), /appears twice/);
  assert.throws(() => compileRoute("/{id:[}"), /not a valid regular expression/);
  assert.throws(() => compileRoute("/:id", { other: "x" }), /names no variable/);
  assert.throws(() => compileRoute("/:__proto__"), /__proto__/);
  assert.throws(
    () => new RoutesDispatcher().connect("x", "/x", {}, { controller: "y" }),
    /third argument/,
  );
});

// --- VirtualHost -----------------------------------------------------------------------------

class Site {
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
  @expose
  index() {
    return `Welcome to ${this.name}`;
  }
  @expose
  vmethod(value: string) {
    return `You sent ${value}`;
  }
}

class VRoot {
  mydom2 = new Site("Domain 2");
  mydom3 = new Site("Domain 3");
  @expose
  index() {
    return "Hello, world";
  }
  @expose
  dom4() {
    return "Under construction";
  }
}

const hostmap = {
  "www.mydom2.com": "/mydom2",
  "www.mydom3.com": "/mydom3",
  "www.mydom4.com": "/dom4",
  "www.mydom2.com:8080": "/mydom3",
};

test("VirtualHost: the Host header picks the prefix; path_info stays", () => {
  const d = new VirtualHost(hostmap);
  const at = (path: string, headers: Record<string, string>) =>
    serve(d, new VRoot(), path, { headers });
  assert.equal(at("/", { Host: "www.mydom1.com" }).body, "Hello, world");
  assert.equal(at("/mydom2/", { Host: "www.mydom1.com" }).body, "Welcome to Domain 2");
  const dom2 = at("/", { Host: "www.mydom2.com" });
  assert.equal(dom2.body, "Welcome to Domain 2");
  assert.equal(dom2.request.is_index, true);
  assert.equal(dom2.request.path_info, "/");
  assert.equal(at("/", { Host: "www.mydom2.com:8080" }).body, "Welcome to Domain 3");
  assert.equal(at("/", { Host: "www.mydom4.com" }).body, "Under construction");
  assert.equal(at("/vmethod/pos", { Host: "www.mydom3.com" }).body, "You sent pos");
  assert.equal(at("/", {}).body, "Hello, world");
  const forwarded = { Host: "www.mydom2.com", "X-Forwarded-Host": "www.mydom3.com" };
  assert.equal(at("/", forwarded).body, "Welcome to Domain 3");
  const noForward = new VirtualHost(hostmap, { useXForwardedHost: false });
  assert.equal(
    serve(noForward, new VRoot(), "/", { headers: forwarded }).body,
    "Welcome to Domain 2",
  );
  assert.throws(() => new VirtualHost({ a: 1 as unknown as string }), /must be a path string/);
});

test("VirtualHost: a next dispatcher, and the staticdir section without the prefix", () => {
  @expose
  class Api {
    GET() {
      return "api";
    }
  }
  const d = new dispatch.VirtualHost({ "api.example": "/api" }, {
    nextDispatcher: new dispatch.MethodDispatcher(),
  });
  const r = serve(d, { api: new Api() }, "/", { headers: { Host: "api.example" } });
  assert.equal(r.body, "api");
  const config = { "/mydom2/static": { "tools.staticdir.dir": "static" } };
  const s = serve(new VirtualHost(hostmap), new VRoot(), "/static/x.css", {
    headers: { Host: "www.mydom2.com" },
    config,
  });
  assert.equal(s.request.config["tools.staticdir.section"], "/static");
});

// --- popargs ---------------------------------------------------------------------------------

class DayHandler {
  @expose
  index(year: string, month: string, day: string) {
    return `day ${year}-${month}-${day}`;
  }
}

@popargs("day", { handler: new DayHandler() })
class MonthHandler {
  @expose
  index(year: string, month: string) {
    return `month ${year}-${month}`;
  }
}

class Blog {
  _cp_dispatch = popargs("year", "month", { handler: new MonthHandler() });
  @expose
  index() {
    return "blog";
  }
  @expose
  create() {
    return "create";
  }
}

test("popargs: class decorator, class member, handler objects, functions and classes", () => {
  const d = new cherrypy.Dispatcher();
  assert.equal(
    typeof (MonthHandler.prototype as { _cp_dispatch?: unknown })._cp_dispatch,
    "function",
  );
  assert.equal(serve(d, new Blog(), "/").body, "blog");
  assert.equal(serve(d, new Blog(), "/create").body, "create");
  assert.equal(serve(d, new Blog(), "/2009/12").body, "month 2009-12");
  assert.equal(serve(d, new Blog(), "/2009/12/31").body, "day 2009-12-31");
  assert.equal(serve(d, new Blog(), "/2009").status, 404); // month missing

  class ByFunction {
    _cp_dispatch = popargs("id", {
      handler: ({ id }: Record<string, string>) => ({ index: expose(() => `made for ${id}`) }),
    });
  }
  const fn = serve(d, new ByFunction(), "/7/");
  assert.equal(fn.body, "made for 7");
  assert.deepEqual({ ...fn.request.params }, {});
  class Made {
    readonly values: Record<string, string>;
    constructor(values: Record<string, string>) {
      this.values = values;
    }
    @expose
    index() {
      return `class got ${JSON.stringify(this.values)}`;
    }
  }
  class ByClass {
    _cp_dispatch = popargs("a", "b", { handler: Made });
  }
  assert.equal(serve(d, new ByClass(), "/1/2").body, 'class got {"a":"1","b":"2"}');
  assert.throws(() => popargs("a", { handle: 1 } as never), /unexpected option 'handle'/);
  assert.throws(() => popargs({ handler: 1 }, "a"), /position 0/);
});

@popargs("id")
class Item {
  @expose
  index(id: string) {
    return `item ${id}`;
  }
  @expose
  edit(id: string) {
    return `edit ${id}`;
  }
}

test("popargs: the next segment is looked up on the object itself", () => {
  const d = new cherrypy.Dispatcher();
  assert.equal(serve(d, { items: new Item() }, "/items/5").body, "item 5");
  assert.equal(serve(d, { items: new Item() }, "/items/5/edit").body, "edit 5");
  assert.equal(serve(d, { items: new Item() }, "/items/5/nothing").status, 404);
  assert.equal(serve(d, { items: new Item() }, "/items/5/constructor").status, 404);
});
