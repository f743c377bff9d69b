/**
 * CherryPy's test_proxy, ported: the `proxy` tool rewrites `request.base` and
 * `request.remote.ip` from `X-Forwarded-Host`, `X-Host`, `X-Forwarded-Proto`,
 * `X-Forwarded-Ssl` and `X-Forwarded-For`, for two applications (at `/` and below a path).
 *
 * Requests go in-process, each to an absolute URL whose host is the `Host` header to send
 * (`fetch` cannot set `Host`).
 */
import { after, before, test } from "node:test";
import * as cherrypy from "../../mod.ts";
import { suiteSite } from "./_suite.ts";

const { expose } = cherrypy;
const scriptNames = ["", "/path/to/myapp"];
const site = suiteSite({ "tools.proxy.on": true, "tools.proxy.base": "www.mydomain.test" }, false);
const web = site.web;
const scheme = "http";
const prefix = () => "";

class Root {
  readonly thisnewpage: string;

  constructor(sn: string) {
    // Calculate a URL outside of any requests.
    this.thisnewpage = cherrypy.url("/this/new/page", "", { scriptName: sn });
  }

  @expose
  pageurl() {
    return this.thisnewpage;
  }

  @expose
  index() {
    throw new cherrypy.HTTPRedirect("dummy");
  }

  @expose
  remoteip() {
    return cherrypy.request.remote.ip;
  }

  @expose
  @cherrypy.config({ "tools.proxy.local": "X-Host", "tools.trailing_slash.extra": true })
  xhost() {
    throw new cherrypy.HTTPRedirect("blah");
  }

  @expose
  base() {
    return cherrypy.request.base;
  }

  @expose
  @cherrypy.config({ "tools.proxy.scheme": "X-Forwarded-Ssl" })
  ssl() {
    return cherrypy.request.base;
  }

  @expose
  newurl() {
    return `Browse to <a href='${cherrypy.url("/this/new/page")}'>this page</a>.`;
  }

  @expose
  @cherrypy.config({ "tools.proxy.base": null })
  base_no_base() {
    return cherrypy.request.base;
  }
}

before(() => {
  for (const sn of scriptNames) {
    web.mount(new Root(sn), sn);
  }
});

after(() => web.stop());

const getPage = (path: string, headers: Record<string, string> = {}, host = "127.0.0.1") =>
  web.getPage(`http://${host}${path}`, { headers });

test("proxy: testProxy", async () => {
  await getPage("/");
  web.assertHeader("Location", `${scheme}://www.mydomain.test${prefix()}/dummy`);

  // Test X-Forwarded-Host (Apache 1.3.33+ and Apache 2)
  await getPage("/", { "X-Forwarded-Host": "http://www.example.test" });
  web.assertHeader("Location", "http://www.example.test/dummy");
  await getPage("/", { "X-Forwarded-Host": "www.example.test" });
  web.assertHeader("Location", `${scheme}://www.example.test/dummy`);
  // Test multiple X-Forwarded-Host headers
  await getPage("/", { "X-Forwarded-Host": "http://www.example.test, www.cherrypy.test" });
  web.assertHeader("Location", "http://www.example.test/dummy");

  // Test X-Forwarded-For (Apache2)
  await getPage("/remoteip", { "X-Forwarded-For": "192.168.0.20" });
  web.assertBody("192.168.0.20");
  // Fix bug #1268
  await getPage("/remoteip", { "X-Forwarded-For": "67.15.36.43, 192.168.0.20" });
  web.assertBody("67.15.36.43");

  // Test X-Host (lighttpd; see https://trac.lighttpd.net/trac/ticket/418)
  await getPage("/xhost", { "X-Host": "www.example.test" });
  web.assertHeader("Location", `${scheme}://www.example.test/blah`);

  // Test X-Forwarded-Proto (lighttpd)
  await getPage("/base", { "X-Forwarded-Proto": "https" });
  web.assertBody("https://www.mydomain.test");

  // Test X-Forwarded-Ssl (webfaction?)
  await getPage("/ssl", { "X-Forwarded-Ssl": "on" });
  web.assertBody("https://www.mydomain.test");

  // Test cherrypy.url()
  for (const sn of scriptNames) {
    // Test the value inside requests
    await getPage(sn + "/newurl");
    web.assertBody(
      `Browse to <a href='${scheme}://www.mydomain.test${sn}/this/new/page'>this page</a>.`,
    );
    await getPage(sn + "/newurl", { "X-Forwarded-Host": "http://www.example.test" });
    web.assertBody(`Browse to <a href='http://www.example.test${sn}/this/new/page'>this page</a>.`);
    // (The value outside requests: see the next test.)
  }

  // Test trailing slash (see https://github.com/cherrypy/cherrypy/issues/562).
  await getPage("/xhost/", { "X-Host": "www.example.test" });
  web.assertHeader("Location", `${scheme}://www.example.test/xhost`);
});

test("proxy: testProxy (cherrypy.url() outside requests)", async () => {
  for (const sn of scriptNames) {
    // Test the value outside requests: the site's server address, as CherryPy's
    // server.base() gives it.
    const expected = `${cherrypy.server.base()}${sn}/this/new/page`;
    await getPage(sn + "/pageurl");
    web.assertBody(expected);
  }
});

test("proxy: test_no_base_port_in_host", async () => {
  // If no base is indicated, and the host header is used to resolve the base, it should rely
  // on the host header for the port also.
  await getPage("/base_no_base", {}, "localhost:8080");
  web.assertBody("http://localhost:8080");
});
