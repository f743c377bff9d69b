/**
 * CherryPy's test_virtualhost, ported: the VirtualHost dispatcher maps Host headers to parts of
 * one tree, with static files served both by a handler and by config.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import * as cherrypy from "../../mod.ts";
import { suiteSite } from "./_suite.ts";

const { expose } = cherrypy;
const curdir = fileURLToPath(new URL(".", import.meta.url));
// Requests go in-process, so that each one can be addressed to another host (the URL's host
// is the request's Host header); the port stays out of it, as CherryPy's helper sends it.
const site = suiteSite({}, false);
const web = site.web;
const getPage = (path: string, host: string, options: cherrypy.PageOptions = {}) =>
  web.getPage(`http://${host}${path}`, options);

class Root {
  @expose
  index() {
    return "Hello, world";
  }
  @expose
  dom4() {
    return "Under construction";
  }
  @expose
  method(value: string) {
    return `You sent ${value}`;
  }
}

class VHost {
  readonly sitename: string;
  constructor(sitename: string) {
    this.sitename = sitename;
  }
  @expose
  index() {
    return `Welcome to ${this.sitename}`;
  }
  @expose
  vmethod(value: string) {
    return `You sent ${value}`;
  }
  @expose
  url() {
    return cherrypy.url("nextpage");
  }
  // Static files by a handler (the section does NOT include the virtual host's prefix).
  static = cherrypy.tools.staticdir.handler({ section: "/static", dir: curdir });
}

before(() => {
  const root = new Root() as Root & Record<string, unknown>;
  root.mydom2 = new VHost("Domain 2");
  root.mydom3 = new VHost("Domain 3");
  const hostmap = {
    "www.mydom2.com": "/mydom2",
    "www.mydom3.com": "/mydom3",
    "www.mydom4.com": "/dom4",
  };
  web.mount(root, "", {
    "/": { "request.dispatch": new cherrypy.dispatch.VirtualHost(hostmap) },
    // Static files by config (the section includes the virtual host's prefix).
    "/mydom2/static2": {
      "tools.staticdir.on": true,
      "tools.staticdir.root": curdir,
      "tools.staticdir.dir": "static",
      "tools.staticdir.index": "index.html",
    },
  });
});

after(() => web.stop());

test("virtualhost: testVirtualHost", async () => {
  await getPage("/", "www.mydom1.com");
  web.assertBody("Hello, world");
  await getPage("/mydom2/", "www.mydom1.com");
  web.assertBody("Welcome to Domain 2");

  await getPage("/", "www.mydom2.com");
  web.assertBody("Welcome to Domain 2");
  await getPage("/", "www.mydom3.com");
  web.assertBody("Welcome to Domain 3");
  await getPage("/", "www.mydom4.com");
  web.assertBody("Under construction");

  // GET, POST and positional parameters.
  await getPage("/method?value=root", "127.0.0.1");
  web.assertBody("You sent root");
  await getPage("/vmethod?value=dom2+GET", "www.mydom2.com");
  web.assertBody("You sent dom2 GET");
  await getPage("/vmethod", "www.mydom3.com", {
    method: "POST",
    body: "value=dom3+POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  });
  web.assertBody("You sent dom3 POST");
  await getPage("/vmethod/pos", "www.mydom3.com");
  web.assertBody("You sent pos");

  // cherrypy.url gives the browser's URL, not the virtual one.
  await getPage("/url", "www.mydom2.com");
  web.assertBody("http://www.mydom2.com/nextpage");
});

test("virtualhost: test_VHost_plus_Static", async () => {
  // Static files by a handler.
  await getPage("/static/style.css", "www.mydom2.com");
  web.assertStatus("200 OK");
  web.assertHeader("Content-Type", "text/css;charset=utf-8");

  // Static files by config.
  await getPage("/static2/dirback.jpg", "www.mydom2.com");
  web.assertStatus("200 OK");
  assert.ok(["image/jpeg", "image/pjpeg"].includes(web.headers.get("Content-Type") ?? ""));

  // The "index" option.
  await getPage("/static2/", "www.mydom2.com");
  web.assertStatus("200 OK");
  web.assertBody("Hello, world\r\n");
  // tools.trailing_slash is on by default: redirected.
  await getPage("/static2", "www.mydom2.com");
  web.assertStatus(301);
});
