/**
 * CherryPy's test_sessionauthenticate, ported: the login form, logging in and out through the
 * session_auth tool, with a tool that adds request params (CherryPy's ticket #780).
 */
import { after, before, test } from "node:test";
import * as cherrypy from "../../mod.ts";
import { suiteSite } from "./_suite.ts";

const site = suiteSite({}, true);
const web = site.web;

/** The cookies of the last answer, as `Cookie` headers (CherryPy's helper's `self.cookies`). */
let cookies: Array<[string, string]> = [];
async function getPage(url: string, sendCookies = false, options: cherrypy.PageOptions = {}) {
  const headers = Object.entries(options.headers ?? {}) as Array<[string, string]>;
  if (sendCookies) headers.push(...cookies);
  const response = await web.getPage(url, { ...options, headers });
  cookies = response.headers.getSetCookie().map((line) => ["Cookie", line.split(";", 1)[0]!]);
}

before(() => {
  // Dummy check_username_and_password function
  const check = (username: string, password: string) => {
    if (username !== "test" || password !== "password") return "Wrong login/password";
  };

  // A simple tool to add some things to request.params
  // This is to check to make sure that session_auth can handle
  // request params (ticket #780)
  const augmentParams = () => {
    cherrypy.request.params["test"] = "test";
  };
  cherrypy.tools.augment_params = new cherrypy.Tool("before_handler", augmentParams, undefined, 30);

  class Test {
    _cp_config = {
      "tools.sessions.on": true,
      "tools.session_auth.on": true,
      "tools.session_auth.check_username_and_password": check,
      "tools.augment_params.on": true,
    };

    @cherrypy.expose
    index({ ..._kwargs }: Record<string, unknown> = {}) {
      return `Hi ${cherrypy.request.login}, you are logged in`;
    }
  }
  web.mount(new Test());
});
after(() => web.stop());

test("testSessionAuthenticate", async () => {
  // request a page and check for login form
  await getPage("/");
  web.assertInBody('<form method="post" action="do_login">');

  // setup credentials
  const loginBody = "username=test&password=password&from_page=/";

  // attempt a login
  await getPage("/do_login", false, {
    method: "POST",
    body: loginBody,
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  });
  web.assertStatus([302, 303]);

  // get the page now that we are logged in
  await getPage("/", true);
  web.assertBody("Hi test, you are logged in");

  // do a logout
  await getPage("/do_logout", true, { method: "POST" });
  web.assertStatus([302, 303]);

  // verify we are logged out
  await getPage("/", true);
  web.assertInBody('<form method="post" action="do_login">');
});
