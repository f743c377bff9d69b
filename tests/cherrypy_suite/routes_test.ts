/**
 * CherryPy's test_routes, ported: the Routes dispatcher, with method conditions and a
 * controller's config.
 */
import { after, before, test } from "node:test";
import * as cherrypy from "../../mod.ts";
import { suiteSite } from "./_suite.ts";

const site = suiteSite();
const web = site.web;

class Dummy {
  index() {
    return "I said good day!";
  }
}

class City {
  population: string | number = 10000;
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
  @cherrypy.config({
    "tools.response_headers.on": true,
    "tools.response_headers.headers": [["Content-Language", "en-GB"]],
  })
  index({ ...kwargs }: Record<string, unknown> = {}) {
    void kwargs;
    return `Welcome to ${this.name}, pop. ${this.population}`;
  }
  update({ ...kwargs }: Record<string, unknown> = {}) {
    this.population = kwargs["pop"] as string;
    return "OK";
  }
}

before(() => {
  const d = new cherrypy.dispatch.RoutesDispatcher();
  d.connect("hounslow", "/hounslow", new City("Hounslow"), { action: "index" });
  const surbiton = new City("Surbiton");
  d.connect("surbiton", "/surbiton", surbiton, {
    action: "index",
    conditions: { method: ["GET"] },
  });
  // CherryPy adds this route on the Routes mapper, naming the controller 'surbiton'; the
  // dispatcher here holds the routes itself, so the route gets the same controller object.
  d.connect("surbiton_update", "/surbiton", surbiton, {
    action: "update",
    conditions: { method: ["POST"] },
  });
  d.connect("main", ":action", new Dummy());
  web.mount(null, "", { "/": { "request.dispatch": d } });
});

after(() => web.stop());

test("routes: test_Routes_Dispatch", async () => {
  await web.getPage("/hounslow");
  web.assertStatus("200 OK");
  web.assertBody("Welcome to Hounslow, pop. 10000");

  await web.getPage("/foo");
  web.assertStatus("404 Not Found");

  await web.getPage("/surbiton");
  web.assertStatus("200 OK");
  web.assertBody("Welcome to Surbiton, pop. 10000");

  await web.getPage("/surbiton", {
    method: "POST",
    body: "pop=1327",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  });
  web.assertStatus("200 OK");
  web.assertBody("OK");
  await web.getPage("/surbiton");
  web.assertStatus("200 OK");
  web.assertHeader("Content-Language", "en-GB");
  web.assertBody("Welcome to Surbiton, pop. 1327");
});
