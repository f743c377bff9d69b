import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as cherrypy from "../../mod.ts";
import { Root as OneMinute } from "../../examples/basics/one_minute.ts";
import { Forum, forumConf, mountApps } from "../../examples/basics/multiple_apps.ts";
import {
  dbLogger,
  logger,
  NO_FRAMEWORK_LOG_OUTPUT,
  Root as LoggingRoot,
  routeLogs,
} from "../../examples/basics/logging.ts";
import { APP_CONF, Root as ConfigRoot, SERVER_CONF } from "../../examples/basics/config.ts";
import { MyCookieApp } from "../../examples/basics/cookies.ts";
import { getPage, serveRoot } from "../_helpers.ts";

/** A private site: its own tree and log (screen off), serving in-process through WebCase. */
function site() {
  const log = new cherrypy.LogManager({ screen: false });
  const errors: string[] = [];
  const access: string[] = [];
  log.handlers.push((r) => (r.kind === "error" ? errors : access).push(r.line));
  const tree = new cherrypy.Tree({
    globalConfig: () => ({ ...cherrypy.DEFAULT_TOOL_CONFIG }),
    log,
  });
  return { tree, log, errors, access, web: new cherrypy.WebCase({ tree }) };
}

const STAMP = /^\[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d\]/;

test("one-minute application (§4.1): Hello World! at /", async () => {
  const s = await serveRoot(new OneMinute());
  try {
    const page = await getPage(s.base + "/");
    assert.deepEqual([page.status, page.body], [200, "Hello World!"]);
    assert.equal(page.headers.get("content-type"), "text/html;charset=utf-8");
    assert.equal((await getPage(s.base + "/index2")).status, 404);
  } finally {
    await s.stop();
  }
});

test("several applications (§4.2): each at its mount point with its own config", async () => {
  const { tree, web, errors } = site();
  mountApps(tree);
  tree.mount(new Forum(), "/forum", forumConf);
  await web.getPage("/blog/");
  web.assertBody("Welcome to the blog");
  web.assertHeader("X-Application", "blog");
  await web.getPage("/blog/post/42");
  web.assertBody("Blog post #42");
  await web.getPage("/blog");
  web.assertStatus(301);
  web.assertHeader("Location", "http://127.0.0.1/blog/");
  await web.getPage("/forum/");
  web.assertBody("Welcome to the forum");
  web.assertHeader("X-Application", "forum");
  // The forum's config, not the blog's, applies to its pages: no traceback on its error page.
  await web.getPage("/forum/broken");
  web.assertErrorPage(500);
  web.assertNotInBody("the forum is broken");
  assert.ok(errors.some((l) => l.includes("the forum is broken")), "the error is logged");
  // Nothing is mounted at the site root.
  await web.getPage("/");
  web.assertStatus(404);
});

test("a grafted Fetch app (§4.2, foreign apps) sees its own paths and no tools", async () => {
  const { tree, web } = site();
  mountApps(tree);
  await web.getPage("/hello/x?y=1");
  web.assertStatus(200);
  web.assertBody("Hello from a Fetch app; it saw /x");
  // The encode tool would add a charset; tools do not apply to foreign apps.
  web.assertHeader("Content-Type", "text/plain");
  await web.getPage("/hello");
  web.assertBody("Hello from a Fetch app; it saw /");
});

test("logging (§4.3): cherrypy.log, tracebacks, and the access log", async () => {
  const { tree, web, errors, access } = site();
  const appLines: string[] = [];
  const [rootWrite, dbWrite] = [logger.write, dbLogger.write];
  logger.write = dbLogger.write = (line) => appLines.push(line);
  try {
    tree.mount(new LoggingRoot());
    await web.getPage("/", { headers: { "User-Agent": "curl/8.0", Referer: "http://a/" } });
    web.assertBody("hello world");
    // cherrypy.log("bang") during a request goes to the application's log, then the site's.
    const bang = errors.find((l) => l.endsWith("bang"));
    assert.ok(bang, errors.join("\n"));
    assert.match(bang, /^\[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d\] {2}bang$/);
    assert.match(appLines[0]!, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \[INFO\] root: boom$/);
    assert.match(appLines[1]!, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \[INFO\] db: bam$/);
    assert.match(
      access.at(-1)!,
      /^127\.0\.0\.1 - - \[[^\]]+\] "GET \/ HTTP\/1\.1" 200 11 "http:\/\/a\/" "curl\/8\.0"$/,
    );
    await web.getPage("/kaboom");
    web.assertBody("logged");
    const kaboom = errors.find((l) => l.includes("kaboom!"));
    assert.ok(kaboom, errors.join("\n"));
    assert.match(kaboom, STAMP);
    assert.match(kaboom, / {2}kaboom!\n[\s\S]*SyntaxError/);
  } finally {
    logger.write = rootWrite;
    dbLogger.write = dbWrite;
  }
});

test("logging (§4.3): log.access_file and log.error_file, and routing to other loggers", async () => {
  const dir = await mkdtemp(join(tmpdir(), "cp-logging-"));
  try {
    const { tree, web, log } = site();
    log.access_file = join(dir, "site-access.log");
    log.error_file = join(dir, "site-error.log");
    const console: string[] = [];
    routeLogs({
      accessFile: join(dir, "access.log"),
      errorFile: join(dir, "errors.log"),
      console: (line) => console.push(line),
    }, log);
    tree.mount(new LoggingRoot());
    const [rootWrite, dbWrite] = [logger.write, dbLogger.write];
    logger.write = dbLogger.write = () => {};
    try {
      await web.getPage("/");
    } finally {
      logger.write = rootWrite;
      dbLogger.write = dbWrite;
    }
    cherrypy.flushLogFiles(); // the log files are written through a buffer
    const siteAccess = await readFile(join(dir, "site-access.log"), "utf8");
    assert.match(siteAccess, /^127\.0\.0\.1 - - \[[^\]]+\] "GET \/ HTTP\/1\.1" 200 11 "" ""\n$/);
    const siteError = await readFile(join(dir, "site-error.log"), "utf8");
    assert.match(siteError, /\] {2}bang\n$/);
    assert.equal(await readFile(join(dir, "access.log"), "utf8"), siteAccess);
    assert.equal(await readFile(join(dir, "errors.log"), "utf8"), siteError);
    assert.deepEqual(console, [siteError.trimEnd()]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("logging (§4.3.1): config turns the framework's log outputs off", () => {
  const saved = {
    screen: cherrypy.log.screen,
    access: cherrypy.log.access_file,
    error: cherrypy.log.error_file,
  };
  try {
    cherrypy.config.update({ "log.access_file": "a.log", "log.error_file": "e.log" });
    assert.equal(cherrypy.log.access_file, "a.log");
    cherrypy.config.update(NO_FRAMEWORK_LOG_OUTPUT);
    assert.equal(cherrypy.log.screen, false);
    assert.equal(cherrypy.log.access_file, "");
    assert.equal(cherrypy.log.error_file, "");
  } finally {
    cherrypy.config.update({
      "log.screen": saved.screen,
      "log.access_file": saved.access,
      "log.error_file": saved.error,
    });
  }
});

test("config (§4.4): server.conf is global config, app.conf the application's", async () => {
  const global = new cherrypy.GlobalConfig();
  global.update(SERVER_CONF);
  assert.equal(global.get("server.socket_port"), 9090);

  const { tree, web } = site();
  const app = tree.mount(new ConfigRoot(), "/", APP_CONF);
  assert.deepEqual(app.config["googleapi"], { key: "AIza-example-key", appid: "cherry-demo" });
  await web.getPage("/");
  web.assertBody("hello world! (Google app id: cherry-demo)");
  web.assertHeader("X-Config-File", "app.conf");
  web.assertHeader("Content-Type", "text/html;charset=utf-8");
  // A tool's decorator and _cp_config attach the same config to a handler.
  for (const path of ["/latin", "/latin_too"]) {
    await web.getPage(path);
    web.assertBody("hello world!");
    web.assertHeader("Content-Type", "text/html;charset=iso-8859-1");
  }
});

test("cookies (§4.5): set, read back, expire", async () => {
  const { tree, web } = site();
  tree.mount(new MyCookieApp(), "/cookie");
  await web.getPage("/cookie/set");
  web.assertBody("<html><body>Hello, I just sent you a cookie</body></html>");
  web.assertHeader("Set-Cookie", "cookieName=cookieValue; Max-Age=3600; Path=/; Version=1");
  await web.getPage("/cookie/read", { headers: { Cookie: "cookieName=cookieValue; theme=dark" } });
  web.assertBody(
    "<html><body>Hi, you sent me 2 cookies.<br />Here is a list of cookie names/values:<br />" +
      "name: cookieName, value: cookieValue<br>name: theme, value: dark<br></body></html>",
  );
  web.assertNoHeader("Set-Cookie"); // request cookies are not sent back
  await web.getPage("/cookie/read");
  web.assertInBody("you sent me 0 cookies");
  await web.getPage("/cookie/expire");
  assert.match(
    web.headers.get("set-cookie") ?? "",
    /^cookieName=""; expires=\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT; Path=\/$/,
  );
  await web.getPage("/cookie/read", { headers: { Cookie: "a=b; $Port=80" } });
  web.assertErrorPage(400, "Invalid attribute 'port'");
});
