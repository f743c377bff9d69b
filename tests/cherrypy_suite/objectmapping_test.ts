/**
 * CherryPy's test_objectmapping, ported: URL-to-object mapping, trailing slashes, positional
 * parameters, aliases, the method dispatcher and mounting applications.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as cherrypy from "../../mod.ts";
import { repr, reprTuple, suiteSite } from "./_suite.ts";

const { expose } = cherrypy;
const scriptNames = ["", "/foo", "/users/fred/blog", "/corp/blog"];
const site = suiteSite();
const web = site.web;
let scriptName = "";
const base = () => `http://127.0.0.1:${web.port}${scriptName}`;
const getPage = (path: string, options?: cherrypy.PageOptions) =>
  web.getPage(/^https?:/.test(path) ? path : scriptName + path, options);

class Root {
  @expose
  index(name = "world") {
    return name;
  }
  @expose
  foobar() {
    return "bar";
  }
  // CherryPy's `default(self, *params, **kwargs)`. JavaScript has no rest parameter followed
  // by a keyword pattern; a bound function (no readable source) takes anything: the path
  // segments, then one object with the parameters.
  default = expose(
    ((...params: unknown[]) => "default:" + reprTuple(params.filter((p) => typeof p === "string")))
      .bind(null),
  );
  @expose
  other() {
    return "other";
  }
  @expose
  extra(...p: string[]) {
    return reprTuple(p);
  }
  @expose
  redirect() {
    throw new cherrypy.HTTPRedirect("dir1/", 302);
  }
  notExposed() {
    return "not exposed";
  }
  @expose
  confvalue() {
    return cherrypy.request.config["user"] as string;
  }
  @expose
  redirect_via_url(path: string) {
    throw new cherrypy.HTTPRedirect(cherrypy.url(path));
  }
  @expose
  translate_html() {
    return "OK";
  }
  exposing = new Exposing();
  exposingnew = new Exposing();
  dir1 = new Dir1();
  defnoindex = new DefNoIndex();
  bymethod = new ByMethod("another");
  collection = new Collection();
}
(Root.prototype as unknown as Record<string, unknown>)["Von B\u00fclow"] = expose(
  function mapped_func(ID: string | undefined = undefined) {
    return `ID is ${ID ?? "None"}`;
  },
);

class Exposing {
  @expose(["1", "2"])
  base() {
    return "expose works!";
  }
}

class Dir1 {
  @expose
  index() {
    return "index for dir1";
  }
  @expose
  @cherrypy.config({ "tools.trailing_slash.extra": true })
  myMethod() {
    return "myMethod from dir1, path_info is:" + repr(cherrypy.request.path_info);
  }
  @expose
  default(...params: string[]) {
    return "default for dir1, param is:" + reprTuple(params);
  }
  dir2 = new Dir2();
}

class Dir2 {
  @expose
  index() {
    return "index for dir2, path is:" + cherrypy.request.path_info;
  }
  // CherryPy's `tree.script_name()` reads the current request; the twin takes the path.
  @expose
  script_name() {
    return site.tree.scriptName(cherrypy.request.script_name + cherrypy.request.path_info);
  }
  @expose
  cherrypy_url() {
    return cherrypy.url("/extra");
  }
  @expose
  posparam(...vpath: string[]) {
    return vpath.join("/");
  }
  dir3 = new Dir3();
}

class Dir3 {
  default() {
    return "default for dir3, not exposed";
  }
  dir4 = new Dir4();
}

class Dir4 {
  index() {
    return "index for dir4, not exposed";
  }
}

class DefNoIndex {
  @expose
  default(..._args: string[]) {
    throw new cherrypy.HTTPRedirect("contact");
  }
}

@expose
class ByMethod {
  things: string[];
  constructor(...things: string[]) {
    this.things = things;
  }
  GET() {
    return repr(this.things);
  }
  POST(thing: string) {
    this.things.push(thing);
  }
}

class Collection {
  default = new ByMethod("a", "bit");
}

class Isolated {
  @expose
  index() {
    return "made it!";
  }
}

@expose
class AnotherApp {
  GET() {
    return "milk";
  }
}

let screen = true;
before(() => {
  // Applications built with `new Application` log to the site's log: keep it off the screen.
  screen = cherrypy.log.screen;
  cherrypy.log.screen = false;
  const d = new cherrypy.dispatch.MethodDispatcher();
  for (const url of scriptNames) {
    const parts = (url || "/").split("/");
    web.mount(new Root(), url, {
      "/": { user: parts[parts.length - 2]! },
      "/bymethod": { "request.dispatch": d },
      "/collection": { "request.dispatch": d },
    });
  }
  web.mount(new Isolated(), "/isolated");
  web.mount(new AnotherApp(), "/app", { "/": { "request.dispatch": d } });
});

after(async () => {
  await web.stop();
  cherrypy.log.screen = screen;
});

test("objectmapping: testObjectMapping", async () => {
  for (const url of scriptNames) {
    scriptName = url;

    await getPage("/");
    web.assertBody("world");

    await getPage("/dir1/myMethod");
    web.assertBody("myMethod from dir1, path_info is:'/dir1/myMethod'");

    await getPage("/this/method/does/not/exist");
    web.assertBody("default:('this', 'method', 'does', 'not', 'exist')");

    await getPage("/extra/too/much");
    web.assertBody("('too', 'much')");

    await getPage("/other");
    web.assertBody("other");

    await getPage("/notExposed");
    web.assertBody("default:('notExposed',)");

    await getPage("/dir1/dir2/");
    web.assertBody("index for dir2, path is:/dir1/dir2/");

    // An omitted trailing slash is redirected by default.
    await getPage("/dir1/dir2");
    web.assertStatus(301);
    web.assertHeader("Location", `${base()}/dir1/dir2/`);

    // An extra trailing slash is redirected when configured.
    await getPage("/dir1/myMethod/");
    web.assertStatus(301);
    web.assertHeader("Location", `${base()}/dir1/myMethod`);

    // A default method must be exposed to match.
    await getPage("/dir1/dir2/dir3/dir4/index");
    web.assertBody("default for dir1, param is:('dir2', 'dir3', 'dir4', 'index')");

    // A default() without index(), redirecting.
    await getPage("/defnoindex");
    web.assertStatus([302, 303]);
    web.assertHeader("Location", `${base()}/contact`);
    await getPage("/defnoindex/");
    web.assertStatus([302, 303]);
    web.assertHeader("Location", `${base()}/defnoindex/contact`);
    await getPage("/defnoindex/page");
    web.assertStatus([302, 303]);
    web.assertHeader("Location", `${base()}/defnoindex/contact`);

    await getPage("/redirect");
    web.assertStatus("302 Found");
    web.assertHeader("Location", `${base()}/dir1/`);

    // Names that are not identifiers, and %XX-unquoting (a non-UTF-8 byte falls back to
    // ISO-8859-1).
    await getPage("/Von%20B%fclow?ID=14");
    web.assertBody("ID is 14");

    // %2F does not separate path segments.
    await getPage("/page%2Fname");
    web.assertBody("default:('page/name',)");

    await getPage("/dir1/dir2/script_name");
    web.assertBody(url);
    await getPage("/dir1/dir2/cherrypy_url");
    web.assertBody(`${base()}/extra`);

    // Configs of different apps do not overwrite each other.
    await getPage("/confvalue");
    const parts = (url || "/").split("/");
    web.assertBody(parts[parts.length - 2]!);
  }
  scriptName = "";

  // Absolute URIs in the request line.
  await getPage(`http://127.0.0.1:${web.port}/`);
  web.assertBody("world");

  await getPage(`http://127.0.0.1:${web.port}/abs/?service=http://192.168.0.1/x/y/z`);
  web.assertBody("default:('abs',)");

  await getPage("/rel/?service=http://192.168.120.121:8000/x/y/z");
  web.assertBody("default:('rel',)");

  // The isolated app does not leak URLs into the root app.
  await getPage("/isolated/");
  web.assertStatus("200 OK");
  web.assertBody("made it!");
  await getPage("/isolated/doesnt/exist");
  web.assertStatus("404 Not Found");

  // /foobar maps to Root.foobar, not to the app mounted at /foo.
  await getPage("/foobar");
  web.assertBody("bar");
});

test("objectmapping: test_translate", async () => {
  scriptName = "";
  for (const path of ["/translate_html", "/translate.html", "/translate-html"]) {
    await getPage(path);
    web.assertStatus("200 OK");
    web.assertBody("OK");
  }
});

test("objectmapping: test_redir_using_url", async () => {
  for (const url of scriptNames) {
    scriptName = url;
    for (const path of ["/redirect_via_url?path=./", "/redirect_via_url/?path=./"]) {
      await getPage(path);
      web.assertStatus(["302 Found", "303 See Other"]);
      web.assertHeader("Location", `${base()}/`);
    }
  }
  scriptName = "";
});

test("objectmapping: testPositionalParams", async () => {
  scriptName = "";
  await getPage("/dir1/dir2/posparam/18/24/hut/hike");
  web.assertBody("18/24/hut/hike");

  // Intermediate index methods do not receive positional parameters.
  await getPage("/dir1/dir2/5/3/sir");
  web.assertBody("default for dir1, param is:('dir2', '5', '3', 'sir')");

  // Extra positional arguments are a 404.
  await getPage("/dir1/dir2/script_name/extra/stuff");
  web.assertStatus(404);
});

test("objectmapping: testExpose", async () => {
  scriptName = "";
  for (const path of ["exposing", "exposingnew"]) {
    for (const name of ["base", "1", "2"]) {
      await getPage(`/${path}/${name}`);
      web.assertBody("expose works!");
    }
  }
});

test("objectmapping: testMethodDispatch", async () => {
  scriptName = "";
  await getPage("/bymethod");
  web.assertBody("['another']");
  web.assertHeader("Allow", "GET, HEAD, POST");

  await getPage("/bymethod", { method: "HEAD" });
  web.assertBody("");
  web.assertHeader("Allow", "GET, HEAD, POST");

  await getPage("/bymethod", {
    method: "POST",
    body: "thing=one",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  });
  web.assertBody("");
  web.assertHeader("Allow", "GET, HEAD, POST");

  await getPage("/bymethod");
  web.assertBody("['another', 'one']");
  web.assertHeader("Allow", "GET, HEAD, POST");

  await getPage("/bymethod", { method: "PUT" });
  web.assertErrorPage(405);
  web.assertHeader("Allow", "GET, HEAD, POST");

  // A resource's default, with positional parameters.
  await getPage("/collection/silly", { method: "POST" });
  await getPage("/collection", { method: "GET" });
  web.assertBody("['a', 'bit', 'silly']");

  // A dispatcher set on the app root.
  await getPage("/app");
  web.assertBody("milk");
});

test("objectmapping: testTreeMounting", async () => {
  scriptName = "";
  class Root2 {
    @expose
    hello() {
      return "Hello world!";
    }
  }
  // An Application instance cannot be mounted under another script name.
  let a = new cherrypy.Application(new Root2(), "/somewhere");
  assert.throws(() => site.tree.mount(a, "/somewhereelse"));

  // The same script name, or none, is accepted.
  a = new cherrypy.Application(new Root2(), "/somewhere");
  site.tree.mount(a, "/somewhere");
  await getPage("/somewhere/hello");
  web.assertStatus(200);
  delete site.tree.apps["/somewhere"];
  site.tree.mount(a);
  await getPage("/somewhere/hello");
  web.assertStatus(200);
  delete site.tree.apps["/somewhere"];

  // tree.mount refuses a missing script name (CherryPy: None; here null).
  a = new cherrypy.Application(new Root2(), "");
  assert.throws(() => site.tree.mount(a, null as unknown as string), TypeError);
});

test("objectmapping: testKeywords", async () => {
  scriptName = "";
  // CherryPy's keyword-only `name='world'` is an object pattern here.
  class Root3 {
    @expose
    hello({ name = "world" }: { name?: string } = {}) {
      return `Hello ${name}!`;
    }
  }
  site.tree.mount(new cherrypy.Application(new Root3(), "/keywords"));
  try {
    await getPage("/keywords/hello");
    web.assertStatus(200);
    await getPage("/keywords/hello/extra");
    web.assertStatus(404);
  } finally {
    delete site.tree.apps["/keywords"];
  }
});
