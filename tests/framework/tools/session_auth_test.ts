/**
 * The session_auth tool: the login form (every value escaped), POST-only login and logout,
 * the hooks, anonymous users, and the redirect to `from_page`.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as cherrypy from "../../../mod.ts";
import { serveRoot } from "../../_helpers.ts";
import { Browser } from "../../_browser.ts";

const { expose } = cherrypy;

class Site {
  @expose
  index() {
    return `Hi ${cherrypy.request.login}`;
  }
  @expose
  page() {
    return `page for ${cherrypy.request.login}`;
  }
}

const form = (body: Record<string, string>): RequestInit => ({
  method: "POST",
  body: new URLSearchParams(body),
});

async function serve(extra: Record<string, unknown> = {}, events: string[] = []) {
  return await serveRoot(new Site(), {
    "/": {
      "tools.sessions.on": true,
      "tools.session_auth.on": true,
      "tools.session_auth.check_username_and_password": async (user: string, pass: string) => {
        await Promise.resolve();
        return user === "ada" && pass === "secret" ? undefined : `Wrong login for ${user}`;
      },
      "tools.session_auth.on_login": (user: string) => void events.push(`login ${user}`),
      "tools.session_auth.on_logout": (user: string) => void events.push(`logout ${user}`),
      "tools.session_auth.on_check": (user: string) => void events.push(`check ${user}`),
      ...extra,
    },
  });
}

test("login, the page, logout: 303 to from_page, hooks called, request.login set", async () => {
  const events: string[] = [];
  const s = await serve({}, events);
  try {
    const client = new Browser(s.base);
    const first = await client.fetch("/page?x=1");
    assert.equal(first.status, 200);
    assert.match(first.body, /<form method="post" action="do_login">/);
    assert.match(first.body, new RegExp(`name="from_page" value="${s.base}/page\\?x=1"`));
    const login = await client.fetch(
      "/do_login",
      form({ username: "ada", password: "secret", from_page: "/page" }),
    );
    assert.equal(login.status, 303);
    assert.equal(login.headers.get("location"), `${s.base}/page`);
    assert.equal((await client.fetch("/page")).body, "page for ada");
    const logout = await client.fetch("/do_logout", form({ from_page: "/" }));
    assert.equal(logout.status, 303);
    assert.equal(logout.headers.get("location"), `${s.base}/`);
    assert.match((await client.fetch("/")).body, /action="do_login"/);
    assert.deepEqual(events, ["login ada", "check ada", "logout ada"]);
  } finally {
    await s.stop();
  }
});

test("a wrong password: the form again with the message; every value HTML-escaped", async () => {
  const s = await serve();
  try {
    const client = new Browser(s.base);
    const evil = `"><script>alert('x')</script>&`;
    const page = await client.fetch(
      "/do_login",
      form({ username: evil, password: "no", from_page: `/" onmouseover="x` }),
    );
    assert.equal(page.status, 200);
    assert.ok(!page.body.includes("<script>"), page.body);
    const escaped = "&quot;&gt;&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&amp;";
    assert.ok(page.body.includes(`Message: Wrong login for ${escaped}`), page.body);
    assert.ok(page.body.includes(`name="username" value="${escaped}"`), page.body);
    assert.ok(page.body.includes(`value="/&quot; onmouseover=&quot;x"`), page.body);
    // Not logged in.
    assert.match((await client.fetch("/")).body, /action="do_login"/);
  } finally {
    await s.stop();
  }
});

test("do_login and do_logout answer only POST: 405 with Allow: POST", async () => {
  const s = await serve();
  try {
    const client = new Browser(s.base);
    for (const path of ["/do_login?username=ada&password=secret", "/do_logout"]) {
      const page = await client.fetch(path);
      assert.equal(page.status, 405, path);
      assert.equal(page.headers.get("allow"), "POST");
    }
    assert.match((await client.fetch("/")).body, /action="do_login"/);
  } finally {
    await s.stop();
  }
});

test("login_screen is served at .../login_screen; anonymous lets visitors in", async () => {
  const s = await serve({ "tools.session_auth.anonymous": () => "guest" });
  try {
    const client = new Browser(s.base);
    const screen = await client.fetch("/login_screen");
    // Byte for byte what CherryPy 18 answers.
    assert.equal(
      screen.body,
      `<html><body>
Message: 
<form method="post" action="do_login">
    Login: <input type="text" name="username" value="" size="10" />
    <br />
    Password: <input type="password" name="password" size="10" />
    <br />
    <input type="hidden" name="from_page" value=".." />
    <br />
    <input type="submit" />
</form>
</body></html>`,
    );
    assert.equal((await client.fetch("/")).body, "Hi guest");
  } finally {
    await s.stop();
  }
});

test("a login form field sent twice is a 400; an unknown option fails where it is written", async () => {
  const s = await serve();
  try {
    const body = new URLSearchParams([["username", "a"], ["username", "b"], ["password", "x"]]);
    const page = await new Browser(s.base).fetch("/do_login", { method: "POST", body });
    assert.equal(page.status, 400);
    assert.match(
      page.body,
      /The login form&#x27;s username must be sent once|The login form's username must be sent once/,
    );
  } finally {
    await s.stop();
  }
  const tree = new cherrypy.Tree({
    globalConfig: () => ({}),
    log: new cherrypy.LogManager({ screen: false }),
  });
  assert.throws(
    () =>
      tree.mount(new Site(), "", {
        "/": { "tools.session_auth.on": true, "tools.session_auth.nope": 1 },
      }),
    /tools\.session_auth has no option "nope"; its options are anonymous, check_username_and_password, debug, login_screen, on_check, on_login, on_logout, priority, session_key\./,
  );
  assert.throws(
    () =>
      tree.mount(new Site(), "", {
        "/": { "tools.session_auth.on": true, "tools.session_auth.on_login": "log" },
      }),
    /tools\.session_auth\.on_login must be a function; got "log"\./,
  );
});

test("SessionAuth subclasses: a login page of one's own", async () => {
  class MyAuth extends cherrypy.SessionAuth {
    override login_screen(from_page = "..") {
      return `custom login, then ${from_page}`;
    }
  }
  cherrypy.tools.my_session_auth = new cherrypy.HandlerTool(
    () => new MyAuth().run(),
  );
  const s = await serveRoot(new Site(), {
    "/": { "tools.sessions.on": true, "tools.my_session_auth.on": true },
  });
  try {
    assert.equal((await new Browser(s.base).fetch("/login_screen")).body, "custom login, then ..");
  } finally {
    await s.stop();
  }
});
