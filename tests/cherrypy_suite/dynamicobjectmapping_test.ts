/**
 * CherryPy's test_dynamicobjectmapping, ported: `_cp_dispatch`, `popargs`, and a method
 * dispatcher with its own dynamic dispatch method name.
 */
import { after, before, test } from "node:test";
import * as cherrypy from "../../mod.ts";
import { repr, reprTuple, suiteSite } from "./_suite.ts";

const { expose, popargs } = cherrypy;
const scriptNames = ["", "/foo", "/users/fred/blog", "/corp/blog"];
const site = suiteSite();
const web = site.web;
let scriptName = "";
const getPage = (path: string, options?: cherrypy.PageOptions) =>
  web.getPage(scriptName + path, options);
const form = (body: string, method: string) => ({
  method,
  body,
  headers: { "Content-Type": "application/x-www-form-urlencoded" },
});

class SubSubRoot {
  @expose
  index() {
    return "SubSubRoot index";
  }
  @expose
  default(..._args: string[]) {
    return "SubSubRoot default";
  }
  @expose
  handler() {
    return "SubSubRoot handler";
  }
  @expose
  dispatch() {
    return "SubSubRoot dispatch";
  }
}

const subsubnodes: Record<string, SubSubRoot> = { "1": new SubSubRoot(), "2": new SubSubRoot() };

class SubRoot {
  @expose
  index() {
    return "SubRoot index";
  }
  @expose
  default(...args: string[]) {
    return `SubRoot ${reprTuple(args)}`;
  }
  @expose
  handler() {
    return "SubRoot handler";
  }
  _cp_dispatch(vpath: string[]) {
    return subsubnodes[vpath[0]!] ?? null;
  }
}

const subnodes: Record<string, SubRoot> = { "1": new SubRoot(), "2": new SubRoot() };

class Root {
  @expose
  index() {
    return "index";
  }
  @expose
  default(...args: string[]) {
    return `default ${reprTuple(args)}`;
  }
  @expose
  handler() {
    return "handler";
  }
  _cp_dispatch(vpath: string[]) {
    return subnodes[vpath[0]!];
  }
  decorated = new DecoratedPopArgs();
  undecorated = new NonDecoratedPopArgs();
  index_only = new IndexOnly();
  parameter_test = new ParameterizedPopArgs();
  users = new UserContainerNode();
}

// The method dispatcher with a dynamic dispatch method: a small HTTP API.
class User {
  readonly id: number;
  name: string;
  constructor(id: number, name: string) {
    this.id = id;
    this.name = name;
  }
  toString() {
    return this.name;
  }
}

const userLookup = new Map<number, User>([[1, new User(1, "foo")], [2, new User(2, "bar")]]);

function makeUser(name: string, id?: number): number {
  if (!id) id = Math.max(...userLookup.keys()) + 1;
  userLookup.set(id, new User(id, name));
  return id;
}

@expose
class UserContainerNode {
  POST(name: string) {
    return `POST ${makeUser(name)}`;
  }
  GET() {
    return repr([...userLookup.keys()].sort((a, b) => a - b));
  }
  dynamic_dispatch(vpath: string[]) {
    // Python's int(): digits only, else no node.
    if (vpath.length === 0 || !/^\s*[+-]?\d+\s*$/.test(vpath[0]!)) return null;
    return new UserInstanceNode(parseInt(vpath[0]!, 10));
  }
}

@expose
class UserInstanceNode {
  readonly id: number;
  user: User | undefined;
  constructor(id: number) {
    this.id = id;
    this.user = userLookup.get(id);
    // Every method but PUT needs an existing user.
    if (!this.user && cherrypy.request.method !== "PUT") throw new cherrypy.HTTPError(404);
  }
  GET() {
    return String(this.user);
  }
  POST(name: string) {
    this.user!.name = name;
    return `POST ${this.user!.id}`;
  }
  PUT(name: string) {
    if (this.user) {
      this.user.name = name;
      return `PUT ${this.user.id}`;
    }
    return `PUT ${makeUser(name, this.id)}`;
  }
  DELETE() {
    const id = this.user!.id;
    userLookup.delete(id);
    this.user = undefined;
    return `DELETE ${id}`;
  }
}

class CustomDispatch {
  // The parameter names are read by the framework (a and b come from popargs).
  @expose
  index(a: string, b: string) {
    void [a, b];
    return "custom";
  }
}

class ABHandler {
  // Nothing popped from vpath: processing still works.
  _cp_dispatch(_vpath: string[]) {
    return new CustomDispatch();
  }
  @expose
  index(a: string, b: string | null = null) {
    const body = ["a:" + a];
    if (b !== null) body.push(",b:" + b);
    return body.join("");
  }
  @expose
  delete(a: string, b: string) {
    return `deleting ${a} and ${b}`;
  }
}

@popargs("a", "b", { handler: new ABHandler() })
class DecoratedPopArgs {
  @expose
  index() {
    return "no params";
  }
  @expose
  hi() {
    return "hi was not interpreted as 'a' param";
  }
}

class IndexOnly {
  // Popping ALL of vpath still finds the index handler.
  _cp_dispatch(vpath: string[]) {
    while (vpath.length > 0) vpath.pop();
    return this;
  }
  @expose
  index() {
    return "IndexOnly index";
  }
}

class NonDecoratedPopArgs {
  _cp_dispatch = popargs("a");
  @expose
  index(a: string) {
    return "index: " + a;
  }
}

// A handler made for each request (CherryPy calls it with the popped values as keywords;
// here the class is constructed with them as one object).
class ParameterizedHandler {
  readonly a: string;
  constructor({ a }: { a: string }) {
    this.a = a;
  }
  @expose
  index() {
    if ("a" in cherrypy.request.params) {
      throw new Error("Parameterized handler argument ended up in request.params");
    }
    return this.a;
  }
}

@popargs("a", { handler: ParameterizedHandler })
class ParameterizedPopArgs {}

before(() => {
  const md = new cherrypy.dispatch.MethodDispatcher("dynamic_dispatch");
  for (const url of scriptNames) {
    const parts = (url || "/").split("/");
    web.mount(new Root(), url, {
      "/": { user: parts[parts.length - 2]! },
      "/users": { "request.dispatch": md },
    });
  }
});

after(() => web.stop());

test("dynamicobjectmapping: testObjectMapping", async () => {
  for (const url of scriptNames) {
    scriptName = url;

    await getPage("/");
    web.assertBody("index");
    await getPage("/handler");
    web.assertBody("handler");

    // Dynamic dispatch succeeds for the subnodes: the SubRoot answers.
    for (const path of ["/1/", "/2/"]) {
      await getPage(path);
      web.assertBody("SubRoot index");
    }
    for (const path of ["/1/handler", "/2/handler"]) {
      await getPage(path);
      web.assertBody("SubRoot handler");
    }

    // Dynamic dispatch fails for the subnodes: the default answers.
    await getPage("/asdf/");
    web.assertBody("default ('asdf',)");
    await getPage("/asdf/asdf");
    web.assertBody("default ('asdf', 'asdf')");
    await getPage("/asdf/handler");
    web.assertBody("default ('asdf', 'handler')");

    // Dynamic dispatch succeeds for the subsubnodes.
    for (const path of ["/1/1/", "/2/2/"]) {
      await getPage(path);
      web.assertBody("SubSubRoot index");
    }
    for (const path of ["/1/1/handler", "/2/2/handler"]) {
      await getPage(path);
      web.assertBody("SubSubRoot handler");
    }
    await getPage("/2/2/dispatch");
    web.assertBody("SubSubRoot dispatch");

    // An exposed `dispatch` is not called as a dispatch method.
    await getPage("/2/2/foo/foo");
    web.assertBody("SubSubRoot default");

    // Dynamic dispatch fails for the subsubnodes: the SubRoot answers.
    await getPage("/1/asdf/");
    web.assertBody("SubRoot ('asdf',)");
    await getPage("/1/asdf/asdf");
    web.assertBody("SubRoot ('asdf', 'asdf')");
    await getPage("/1/asdf/handler");
    web.assertBody("SubRoot ('asdf', 'handler')");
  }
  scriptName = "";
});

test("dynamicobjectmapping: testMethodDispatch", async () => {
  scriptName = "";
  // GET acts as a container.
  await getPage("/users");
  web.assertBody("[1, 2]");
  web.assertHeader("Allow", "GET, HEAD, POST");

  // POST to the container creates.
  await getPage("/users", form("name=baz", "POST"));
  web.assertBody("POST 3");
  web.assertHeader("Allow", "GET, HEAD, POST");

  // POST to an instance that does not exist: 404.
  await getPage("/users/5", form("name=baz", "POST"));
  web.assertStatus(404);

  // PUT to an instance creates it.
  await getPage("/users/5", form("name=boris", "PUT"));
  web.assertBody("PUT 5");
  web.assertHeader("Allow", "DELETE, GET, HEAD, POST, PUT");

  await getPage("/users");
  web.assertBody("[1, 2, 3, 5]");
  web.assertHeader("Allow", "GET, HEAD, POST");

  const cases: Array<[number, string, string, string]> = [
    [1, "foo", "fooupdated", "DELETE, GET, HEAD, POST, PUT"],
    [2, "bar", "barupdated", "DELETE, GET, HEAD, POST, PUT"],
    [3, "baz", "bazupdated", "DELETE, GET, HEAD, POST, PUT"],
    [5, "boris", "borisupdated", "DELETE, GET, HEAD, POST, PUT"],
  ];
  for (const [id, name, updatedname, headers] of cases) {
    await getPage(`/users/${id}`);
    web.assertBody(name);
    web.assertHeader("Allow", headers);

    // POST updates an existing resource.
    await getPage(`/users/${id}`, form(`name=${updatedname}`, "POST"));
    web.assertBody(`POST ${id}`);
    web.assertHeader("Allow", headers);

    // PUT updates an existing resource.
    await getPage(`/users/${id}`, form(`name=${updatedname}`, "PUT"));
    web.assertBody(`PUT ${id}`);
    web.assertHeader("Allow", headers);

    // DELETE removes it.
    await getPage(`/users/${id}`, { method: "DELETE" });
    web.assertBody(`DELETE ${id}`);
    web.assertHeader("Allow", headers);
  }

  await getPage("/users");
  web.assertBody("[]");
  web.assertHeader("Allow", "GET, HEAD, POST");
});

test("dynamicobjectmapping: testVpathDispatch", async () => {
  scriptName = "";
  await getPage("/decorated/");
  web.assertBody("no params");
  await getPage("/decorated/hi");
  web.assertBody("hi was not interpreted as 'a' param");
  await getPage("/decorated/yo/");
  web.assertBody("a:yo");
  await getPage("/decorated/yo/there/");
  web.assertBody("a:yo,b:there");
  await getPage("/decorated/yo/there/delete");
  web.assertBody("deleting yo and there");
  await getPage("/decorated/yo/there/handled_by_dispatch/");
  web.assertBody("custom");
  await getPage("/undecorated/blah/");
  web.assertBody("index: blah");
  await getPage("/index_only/a/b/c/d/e/f/g/");
  web.assertBody("IndexOnly index");
  await getPage("/parameter_test/argument2/");
  web.assertBody("argument2");
});
