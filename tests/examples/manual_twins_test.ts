/**
 * Twins of the manual's smaller samples: the timeout monitor turned off (§5.5.1), secure
 * session cookies (§5.7), declaring config (§6.1, §6.2.1, §6.3), the coupled database
 * (§7.1.1), the default site's start-up lines (§7.1.2) and exposed methods (the glossary).
 *
 * @module
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as cherrypy from "../../mod.ts";
import { MONITOR_OFF_CONF } from "../../examples/advanced/timeout_monitor.ts";
import {
  Root as SecureRoot,
  SECURE_SESSIONS_CONF,
} from "../../examples/advanced/secure_sessions.ts";
import {
  blogConf,
  declarationConf,
  globalConf,
  mountApps,
} from "../../examples/configure/declaration.ts";
import { ECommerce } from "../../examples/extend/coupled_db.ts";
import { Cart, SQLiteDB } from "../../examples/extend/db_plugin.ts";
import { Root as ExposedRoot } from "../../examples/basics/exposed.ts";
import {
  eventually,
  freePort,
  getPage,
  privateSite,
  type Program,
  runProgram,
  serveRoot,
} from "../_helpers.ts";

async function stop(prog: Program): Promise<void> {
  prog.signal("SIGTERM");
  assert.equal(await prog.exited, 0, prog.stderr());
}

test("timeout monitor off (§5.5.1): by config file or unsubscribe(), a late page still answers", async () => {
  assert.deepEqual(cherrypy.lib.reprconf.parseConfig(readFileSync(MONITOR_OFF_CONF, "utf8")), {
    global: { "engine.timeout_monitor.on": false },
  });
  const ports = [await freePort(), await freePort()];
  const progs = ["config", "unsubscribe"].map((how, i) =>
    runProgram("examples/advanced/timeout_monitor", {
      PORT: String(ports[i]),
      MONITOR_OFF: how,
    })
  );
  try {
    await Promise.all(progs.map((p) => p.waitFor(/ENGINE Bus STARTED\n/)));
    const pages = await Promise.all(
      ports.map((port) => getPage(`http://127.0.0.1:${port}/wait?seconds=1.5`)),
    );
    for (const [i, page] of pages.entries()) {
      assert.equal(page.status, 200, progs[i]!.stderr());
      assert.equal(page.body, "Waited 1.5 s");
      assert.doesNotMatch(progs[i]!.stderr(), /_TimeoutMonitor/);
      assert.match(progs[i]!.stderr(), /ENGINE Serving on/);
    }
  } finally {
    await Promise.all(progs.map(stop));
  }
});

test("secure sessions (§5.7): the session cookie is Secure and HttpOnly", async () => {
  const conf = cherrypy.lib.reprconf.parseConfig(readFileSync(SECURE_SESSIONS_CONF, "utf8"));
  assert.deepEqual(conf["/"], {
    "tools.sessions.on": true,
    "tools.sessions.secure": true,
    "tools.sessions.httponly": true,
  });
  const s = await serveRoot(new SecureRoot(), conf);
  try {
    const first = await getPage(s.base + "/");
    assert.equal(first.body, "Visit 1 of this session.");
    const cookie = first.headers.get("set-cookie") ?? "";
    assert.match(cookie, /^session_id=[0-9a-f]{40};/);
    const attrs = cookie.split(";").map((a) => a.trim().toLowerCase());
    assert.ok(attrs.includes("secure"), cookie);
    assert.ok(attrs.includes("httponly"), cookie);
    const again = await getPage(s.base + "/", {
      headers: { Cookie: cookie.split(";")[0]! },
    });
    assert.equal(again.body, "Visit 2 of this session.");
  } finally {
    await s.stop();
  }
});

test("declaring config (§6.2.1): the file's values in Python syntax, parsed", () => {
  const conf = declarationConf("/var/log/site");
  assert.deepEqual(conf["global"], {
    "log.error_file": "/var/log/site/myapp.log",
    environment: "production",
    "server.max_request_body_size": 1200,
  });
  assert.equal(conf["/myapp"]?.["tools.trailing_slash.on"], false);
  assert.ok(conf["/myapp"]?.["request.dispatch"] instanceof cherrypy.dispatch.MethodDispatcher);
  assert.deepEqual(conf["/path/to/my/page"], {
    "response.stream": true,
    "tools.trailing_slash.extra": false,
  });
  assert.deepEqual(globalConf(9090), {
    "server.socket_host": "127.0.0.1",
    "server.socket_port": 9090,
  });
  // §6.3: outside a request, the response holds the defaults.
  assert.equal(cherrypy.response.stream, false);
});

test("declaring config (§6.1.2): the blog's config object, mounted on a tree", async () => {
  const { tree, web } = privateSite();
  const { global: _global, ...paths } = declarationConf("/tmp");
  mountApps(paths, tree);
  assert.deepEqual(Object.keys(tree.apps).sort(), ["", "/blog", "/forum"]);
  const blogApp = tree.apps["/blog"];
  assert.ok(blogApp instanceof cherrypy.Application);
  assert.equal(blogApp.config["/"]?.["tools.trailing_slash.on"], false);
  assert.equal(blogConf["/"]?.["tools.trailing_slash.on"], false);
  await web.getPage("/blog");
  web.assertStatus(200);
  web.assertBody("Blog");
  await web.getPage("/blog", { method: "DELETE" });
  web.assertStatus(405);
  await web.getPage("/forum");
  web.assertStatus(301);
});

test("declaring config (§6.2.1) as a program: global first, three apps, production", async () => {
  const dir = mkdtempSync(join(tmpdir(), "declaration-"));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const prog = runProgram("examples/configure/declaration", { PORT: String(port), LOG_DIR: dir });
  const log = () => {
    try {
      return readFileSync(join(dir, "myapp.log"), "utf8");
    } catch {
      return "";
    }
  };
  try {
    await eventually(() => log().includes("ENGINE Bus STARTED") || undefined, 10_000, "the log");
    assert.match(log(), new RegExp(`ENGINE Serving on http://127\\.0\\.0\\.1:${port}`));
    assert.equal((await getPage(base + "/")).body, "Home");
    assert.equal((await getPage(base + "/forum/")).body, "Forum");
    const blog = await getPage(base + "/blog", { redirect: "manual" });
    assert.equal(blog.status, 200);
    assert.equal(blog.body, "Blog");
    const page = await getPage(base + "/path/to/my/page");
    assert.equal(page.headers.get("transfer-encoding"), "chunked");
    assert.equal(page.headers.get("content-length"), null);
    assert.equal(page.body, "stream: true\none\ntwo\nthree\n");
    assert.equal((await getPage(base + "/path/to/my/page/")).status, 200);
    assert.equal((await getPage(base + "/myapp")).body, "GET /myapp");
    const small = await getPage(base + "/myapp", {
      method: "POST",
      body: new URLSearchParams({ name: "cherry" }),
    });
    assert.equal(small.body, "POST /myapp: hello cherry");
    const large = await getPage(base + "/myapp", {
      method: "POST",
      body: new URLSearchParams({ name: "a".repeat(2000) }),
    });
    assert.equal(large.status, 413);
    const broken = await getPage(base + "/broken");
    assert.equal(broken.status, 500);
    assert.doesNotMatch(broken.body, /at Root\.broken/);
    await eventually(() => log().includes("the home page is broken") || undefined);
    assert.equal(prog.stderr(), "", "production: nothing on the screen");
  } finally {
    await stop(prog);
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the coupled database (§7.1.1): the application saves into the database it holds", async () => {
  const db = new SQLiteDB();
  const s = await serveRoot(new ECommerce(db));
  try {
    const page = await getPage(s.base + "/save_kart?cart_data=apple,pear");
    assert.equal(page.status, 200);
    assert.equal(page.body, "");
    assert.deepEqual(db.saved, [new Cart("apple,pear")]);
  } finally {
    await s.stop();
  }
});

test("the default site (§7.1.2): the start-up lines end with Serving on", async () => {
  const port = await freePort();
  const prog = runProgram("examples/extend/default_site", { PORT: String(port) });
  try {
    await prog.waitFor(/ENGINE Bus STARTED\n/);
    const lines = prog.stderr().split("\n").map((l) => l.replace(/^\[[^\]]+\] /, ""));
    const order = [
      "ENGINE Listening for SIGHUP.",
      "ENGINE Bus STARTING",
      "ENGINE Started monitor thread 'Autoreloader'.",
      "ENGINE Started monitor thread '_TimeoutMonitor'.",
      `ENGINE Serving on http://127.0.0.1:${port}`,
      "ENGINE Bus STARTED",
    ].map((line) => lines.indexOf(line));
    assert.ok(order.every((i, n) => i >= 0 && (n === 0 || i > order[n - 1]!)), prog.stderr());
    assert.equal((await getPage(`http://127.0.0.1:${port}/`)).body, "hello world");
  } finally {
    await stop(prog);
  }
});

test("exposed (glossary): by the decorator or by hand, the same page; else 404", async () => {
  const s = await serveRoot(new ExposedRoot());
  try {
    assert.equal((await getPage(s.base + "/method")).body, "Hello world, from a decorated method");
    assert.equal(
      (await getPage(s.base + "/by_hand?name=Ada")).body,
      "Hello Ada, from a method exposed by hand",
    );
    assert.equal((await getPage(s.base + "/helper")).status, 404);
  } finally {
    await s.stop();
  }
});
