/**
 * The manual's recipes for databases (§5.11) and HTML templates (§5.12): a plugin on the
 * engine and a tool per request, in examples/advanced/database.ts (the runtime's SQLite) and
 * examples/advanced/templating.ts (nunjucks).
 *
 * @module
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as cherrypy from "../../mod.ts";
import { conf, DbSession, Notes, SQLitePlugin } from "../../examples/advanced/database.ts";
import { Root as TemplatedRoot, TemplatePlugin } from "../../examples/advanced/templating.ts";
import { connect } from "../../examples/tutorials/tut09/sqlite.ts";
import { getPage, quietly, serveRoot } from "../_helpers.ts";

const form = (fields: Record<string, string>): RequestInit => ({
  method: "POST",
  body: new URLSearchParams(fields),
});

test("database (§5.11): a session per request from the plugin, one transaction each", async () => {
  const dir = mkdtempSync(join(tmpdir(), "database-"));
  const path = join(dir, "notes.db");
  const s = await serveRoot(new Notes(), conf);
  try {
    await quietly(async () => {
      const closed = await getPage(s.base + "/");
      assert.equal(closed.status, 503, "no plugin answers bind-session");
      assert.match(closed.body, /The database is not open\./);

      const plugin = new SQLitePlugin(cherrypy.engine, path);
      plugin.subscribe();
      try {
        await plugin.start(); // what the engine's "start" does
        assert.equal(
          (await getPage(s.base + "/add", form({ text: "buy cherries" }))).body,
          "Saved.",
        );
        const failed = await getPage(s.base + "/add_two", form({ first: "ok", second: " " }));
        assert.equal(failed.status, 400);
        assert.match(failed.body, /second must have 1 to 200 characters\./);
        const both = await getPage(s.base + "/add_two", form({ first: "one", second: "two" }));
        assert.equal(both.body, "Saved both.");
        // Concurrent requests: each one's writes are committed whole.
        const many = await Promise.all(
          Array.from(
            { length: 12 },
            (_, i) => getPage(s.base + "/add_two", form({ first: `a${i}`, second: `b${i}` })),
          ),
        );
        assert.ok(many.every((p) => p.status === 200));
        const list = await getPage(s.base + "/");
        assert.equal(list.headers.get("content-type"), "text/plain;charset=utf-8");
        const lines = list.body.trimEnd().split("\n");
        assert.equal(lines.length, 3 + 24);
        assert.deepEqual(lines.slice(0, 3), ["1: buy cherries", "2: one", "3: two"]);
        for (let i = 0; i < 12; i++) {
          const a = lines.findIndex((l) => l.endsWith(`: a${i}`));
          assert.ok(a > 0 && lines[a + 1]!.endsWith(`: b${i}`), `a${i} and b${i} side by side`);
        }
      } finally {
        plugin.stop();
        plugin.unsubscribe();
      }
      assert.equal(cherrypy.engine.listenersOf("bind-session").length, 0);
      assert.equal((await getPage(s.base + "/")).status, 503);
    });
    // What was committed is in the file.
    const db = await connect(path);
    try {
      assert.equal(db.fetchone("SELECT count(*) FROM notes")?.[0], 27);
    } finally {
      db.close();
    }
  } finally {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("database (§5.11): a session's writes are all committed, or none", async () => {
  const connection = await connect(":memory:");
  try {
    connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)");
    const session = new DbSession(connection);
    session.execute("INSERT INTO notes (text) VALUES (?)", ["kept"]);
    assert.deepEqual(session.query("SELECT text FROM notes"), [], "queued until commit");
    session.commit();
    assert.deepEqual(session.query("SELECT text FROM notes"), [["kept"]]);
    session.execute("INSERT INTO notes (text) VALUES (?)", ["lost"]);
    session.execute("INSERT INTO notes (text) VALUES (?)", [null]); // NOT NULL fails
    assert.throws(() => session.commit(), /NOT NULL/);
    assert.deepEqual(session.query("SELECT text FROM notes"), [["kept"]]);
    session.execute("INSERT INTO notes (text) VALUES (?)", ["dropped"]);
    session.rollback();
    session.commit();
    assert.deepEqual(session.query("SELECT text FROM notes"), [["kept"]]);
  } finally {
    connection.close();
  }
});

test("templating (§5.12): handlers return values, the tool renders them with nunjucks", async () => {
  const s = await serveRoot(new TemplatedRoot());
  try {
    await quietly(async () => {
      const missing = await getPage(s.base + "/");
      assert.equal(missing.status, 500, "no plugin answers lookup-template");
      assert.ok(
        s.errors.some((line) => line.includes("No template engine: subscribe a TemplatePlugin")),
        s.errors.join("\n"),
      );

      const plugin = new TemplatePlugin(cherrypy.engine);
      plugin.subscribe();
      try {
        plugin.start();
        const page = await getPage(s.base + "/?name=Ada");
        assert.equal(page.status, 200);
        assert.equal(page.headers.get("content-type"), "text/html;charset=utf-8");
        assert.match(page.body, /^<!DOCTYPE html>\n<html>/);
        assert.match(page.body, /<title>Fruit of the day<\/title>/);
        assert.match(page.body, /<p>Hello Ada!<\/p>/);
        assert.match(
          page.body,
          /<li>1\. Cherry<\/li>\n\s*<li>2\. Apple<\/li>\n\s*<li>3\. Pear<\/li>/,
        );
        assert.match(page.body, /<footer>Rendered by nunjucks/);
        const hostile = await getPage(s.base + "/?name=" + encodeURIComponent("<b>Ada</b>"));
        assert.match(hostile.body, /<p>Hello &lt;b&gt;Ada&lt;\/b&gt;!<\/p>/);
        assert.match((await getPage(s.base + "/empty")).body, /<li>No fruit today\.<\/li>/);
        assert.equal((await getPage(s.base + "/plain")).body, "just text");
        // The template is compiled once and cached by the environment.
        assert.equal(plugin.lookup("index.njk"), plugin.lookup("index.njk"));
      } finally {
        plugin.stop();
        plugin.unsubscribe();
      }
      assert.equal(plugin.env, null);
      assert.equal(cherrypy.engine.listenersOf("lookup-template").length, 0);
    });
  } finally {
    await s.stop();
  }
});
