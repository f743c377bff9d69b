/**
 * Tutorials 8, 9 and 10 (docs §3.8-3.10) over HTTP: the pages and what they load (all from the
 * site itself), the REST service with its session, the SQLite table made and dropped by the
 * engine subscriptions, and the React bundle built ahead of time. The same pages in a real
 * browser: tutorials_browser_test.ts.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as cherrypy from "../../mod.ts";
import { Bus } from "../../bus/mod.ts";
import { jqueryPath, npmFile } from "../../examples/tutorials/vendor.ts";
import { config as config08, webapp as webapp08 } from "../../examples/tutorials/tut08/tut08.ts";
import {
  cleanupDatabase,
  config as config09,
  DB_STRING,
  setupDatabase,
  subscribeDatabase,
  webapp as webapp09,
} from "../../examples/tutorials/tut09/tut09.ts";
import {
  connect,
  findSqlite,
  sqliteModule,
  withConnection,
} from "../../examples/tutorials/tut09/sqlite.ts";
import { build } from "../../examples/tutorials/tut10/build.ts";
import { config as config10, webapp as webapp10 } from "../../examples/tutorials/tut10/tut10.ts";
import { getPage, type Served, serveRoot } from "../_helpers.ts";

const dir = (name: string) =>
  fileURLToPath(new URL(`../../examples/tutorials/${name}/`, import.meta.url)).replace(/\/$/, "");
const tut08Dir = dir("tut08");
const tut10Dir = dir("tut10");
const HEX = /^[0-9a-fA-F]+$/;

function cookieOf(res: Response): string {
  return res.headers.getSetCookie()[0]!.split(";", 1)[0]!;
}

/** A client with one session: `request(method, body?)` on `/generator`. */
function client(base: string) {
  let cookie = "";
  return {
    get cookie() {
      return cookie;
    },
    async request(method: string, body?: Record<string, string>, headers: HeadersInit = {}) {
      const res = await fetch(`${base}/generator`, {
        method,
        headers: { ...(cookie ? { Cookie: cookie } : {}), ...headers },
        ...(body ? { body: new URLSearchParams(body) } : {}),
      });
      if (!cookie && res.headers.getSetCookie().length > 0) cookie = cookieOf(res);
      return { status: res.status, type: res.headers.get("content-type"), body: await res.text() };
    },
  };
}

test("the pages load nothing from the network: every script and stylesheet is the site's", () => {
  for (const page of [`${tut08Dir}/index.html`, `${tut10Dir}/index.html`]) {
    const html = readFileSync(page, "utf8");
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(refs.length >= 2, page);
    for (const ref of refs) assert.match(ref, /^\/static\//, `${page}: ${ref}`);
  }
});

describe("tutorial 8: the Ajax page and the session's string", () => {
  let s: Served;
  before(async () => {
    s = await serveRoot(webapp08(tut08Dir), config08(tut08Dir));
  });
  after(() => s.stop());

  test("the page, its stylesheet and jQuery from npm", async () => {
    const page = await getPage(s.base + "/");
    assert.equal(page.status, 200);
    assert.equal(page.headers.get("content-type"), "text/html;charset=utf-8");
    assert.equal(page.body, readFileSync(`${tut08Dir}/index.html`, "utf8"));
    assert.match(page.body, /\$\.post\("\/generator", \{ "length": \$\("input\[name='length'\]"\)/);
    const css = await getPage(s.base + "/static/css/style.css");
    assert.equal(css.headers.get("content-type"), "text/css");
    assert.match(css.body, /#the-string \{\n {4}display: none;\n\}/);
    const jquery = await getPage(s.base + "/static/js/jquery.min.js");
    assert.equal(jquery.status, 200);
    assert.equal(jquery.headers.get("content-type"), "text/javascript");
    assert.equal(jquery.body, readFileSync(jqueryPath(), "utf8"));
    assert.match(jquery.body, /jQuery v3\./);
    assert.equal((await getPage(s.base + "/static/js/nope.js")).status, 404);
  });

  test("POST, GET, PUT (a form body, as jQuery sends it), DELETE", async () => {
    const c = client(s.base);
    const made = await c.request("POST", { length: "12" });
    assert.equal(made.status, 200);
    assert.equal(made.type, "text/plain;charset=utf-8");
    assert.match(made.body, HEX);
    assert.equal(made.body.length, 12);
    assert.match(c.cookie, /^session_id=[0-9a-f]{40}$/);
    assert.equal((await c.request("GET")).body, made.body);
    assert.equal((await c.request("PUT", { another_string: "hello" })).status, 200);
    assert.equal((await c.request("GET")).body, "hello");
    assert.equal((await c.request("DELETE")).status, 200);
    assert.equal((await c.request("GET")).status, 500);
  });

  test("each client has its own string; bad input is a clean 4xx/500", async () => {
    const a = client(s.base);
    const b = client(s.base);
    const sa = (await a.request("POST")).body;
    const sb = (await b.request("POST", { length: "16" })).body;
    assert.equal(sa.length, 8);
    assert.equal(sb.length, 16);
    assert.equal((await a.request("GET")).body, sa);
    assert.equal((await b.request("GET")).body, sb);
    assert.equal((await a.request("GET", undefined, { Accept: "application/json" })).status, 406);
    const patch = await a.request("PATCH", { length: "4" });
    assert.equal(patch.status, 405);
    // As in the docs (int('x'), random.sample of 23 out of 22): the handler fails.
    assert.equal((await a.request("POST", { length: "x" })).status, 500);
    assert.equal((await a.request("POST", { length: "23" })).status, 500);
    assert.equal((await a.request("PUT")).status, 404);
    assert.equal((await a.request("GET")).body, sa);
  });
});

describe("tutorial 9: the string in SQLite", () => {
  let s: Served;
  let bus: Bus;
  let tmp: string;
  let db: string;
  before(async () => {
    tmp = await cherrypy.platform.makeTempDir("cherrypy-tut09-");
    db = `${tmp}/${DB_STRING}`;
    bus = new Bus();
    subscribeDatabase(bus, db);
    await bus.start();
    s = await serveRoot(webapp09(tut08Dir, db), config09(tut08Dir));
  });
  after(async () => {
    await s.stop();
    await bus.exit();
    await cherrypy.platform.removeDir(tmp);
  });

  const rows = () =>
    withConnection(db, (c) => c.fetchall("SELECT session_id, value FROM user_string"));

  test("the runtime's SQLite, through the adapter", async () => {
    const g = globalThis as { Bun?: unknown };
    assert.match(
      await sqliteModule(),
      g.Bun !== undefined ? /^(node|bun):sqlite$/ : /^node:sqlite$/,
    );
    const c = await connect(`${tmp}/adapter.db`);
    try {
      c.execute("CREATE TABLE t (a, b)");
      c.execute("INSERT INTO t VALUES (?, ?)", ["x", 1]);
      c.execute("INSERT INTO t VALUES (?, ?)", ["y", null]);
      assert.deepEqual(c.fetchone("SELECT b, a FROM t WHERE a=?", ["x"]), [1, "x"]);
      assert.equal(c.fetchone("SELECT a FROM t WHERE a=?", ["z"]), null);
      assert.deepEqual(c.fetchall("SELECT a, b FROM t ORDER BY a"), [["x", 1], ["y", null]]);
      assert.throws(() => c.execute("CREATE TABLE t (a)"), /already exists/);
    } finally {
      c.close();
    }
  });

  test("a runtime without SQLite gets an error saying what to use", async () => {
    const missing = (specifier: string) =>
      Promise.reject(new Error(`No such built-in module: ${specifier}`));
    await assert.rejects(
      findSqlite(missing, false),
      (e: Error) =>
        /^This runtime has no SQLite module: tutorial 9 needs node:sqlite \(Deno 2\.2 or later, Node 22\.13 or later/
          .test(e.message) && e.message.includes("No such built-in module: node:sqlite"),
    );
    // Where node:sqlite is missing, Bun's own is used.
    const seen: string[] = [];
    class Database {}
    const bun = (specifier: string) => {
      seen.push(specifier);
      return specifier === "bun:sqlite" ? Promise.resolve({ Database }) : missing(specifier);
    };
    const found = await findSqlite(bun, true);
    assert.equal(found.name, "bun:sqlite");
    assert.equal(found.Database, Database);
    assert.deepEqual(seen, ["node:sqlite", "bun:sqlite"]);
  });

  test("start made the table; the service reads and writes it by session id", async () => {
    assert.deepEqual(await rows(), []);
    const c = client(s.base);
    const made = await c.request("POST", { length: "10" });
    assert.equal(made.status, 200);
    assert.equal(made.type, "text/plain;charset=utf-8");
    assert.match(made.body, HEX);
    const id = c.cookie.split("=")[1];
    assert.deepEqual(await rows(), [[id, made.body]]);
    assert.equal((await c.request("GET")).body, made.body);
    await c.request("PUT", { another_string: "from the database" });
    assert.deepEqual(await rows(), [[id, "from the database"]]);
    assert.equal((await c.request("GET")).body, "from the database");

    const other = client(s.base);
    const second = (await other.request("POST")).body;
    assert.equal((await rows()).length, 2);
    assert.equal((await other.request("GET")).body, second);

    assert.equal((await c.request("DELETE")).status, 200);
    assert.deepEqual(await rows(), [[other.cookie.split("=")[1], second]]);
    const gone = await c.request("GET");
    assert.equal(gone.status, 200);
    assert.equal(gone.body, "");
    // The SQL takes its values as parameters: quotes are data.
    await other.request("PUT", { another_string: "'); DROP TABLE user_string; --" });
    assert.equal((await other.request("GET")).body, "'); DROP TABLE user_string; --");
  });

  test("stop drops the table, start makes it again; twice, the functions fail as the docs' do", async () => {
    await bus.stop();
    await assert.rejects(rows(), /no such table/);
    await assert.rejects(cleanupDatabase(db), /no such table/);
    await bus.start();
    assert.deepEqual(await rows(), []);
    await assert.rejects(setupDatabase(db), /already exists/);
  });
});

describe("tutorial 10: the React application's files", () => {
  let s: Served;
  let tmp: string;
  let db: string;
  let genJs: string;
  before(async () => {
    tmp = await cherrypy.platform.makeTempDir("cherrypy-tut10-");
    db = `${tmp}/${DB_STRING}`;
    genJs = await build(`${tmp}/gen.js`);
    await setupDatabase(db);
    s = await serveRoot(webapp10(tut10Dir, db), config10(tut10Dir, genJs));
  });
  after(async () => {
    await s.stop();
    await cherrypy.platform.removeDir(tmp);
  });

  test("the page is a div and the scripts; gen.js is the JSX bundled with React", async () => {
    const page = await getPage(s.base + "/");
    assert.equal(page.body, readFileSync(`${tut10Dir}/index.html`, "utf8"));
    assert.match(page.body, /<div id="generator"><\/div>/);
    const bundle = await getPage(s.base + "/static/js/gen.js");
    assert.equal(bundle.status, 200);
    assert.equal(bundle.headers.get("content-type"), "text/javascript");
    assert.equal(bundle.body, readFileSync(genJs, "utf8"));
    // Compiled: no JSX left, React's production build inside, the docs' components and calls.
    assert.doesNotMatch(bundle.body, /<StringGeneratorForm|<div className/);
    assert.match(bundle.body, /react\.dev\/errors/);
    assert.match(bundle.body, /Give it now!/);
    assert.match(bundle.body, /another_string/);
    const react = readFileSync(npmFile("react", "package.json"), "utf8");
    assert.match(JSON.parse(react).version, /^19\./);
    assert.equal((await getPage(s.base + "/static/js/jquery.min.js")).status, 200);
  });

  test("the REST calls the application makes", async () => {
    const c = client(s.base);
    const made = await c.request("POST", { length: "8" });
    assert.equal(made.body.length, 8);
    await c.request("PUT", { another_string: "react" });
    assert.equal((await c.request("GET")).body, "react");
    await c.request("DELETE");
    assert.equal((await c.request("GET")).body, "");
  });
});
