/**
 * Tutorials 8, 9 and 10 (docs §3.8-3.10) in a real browser: a private headless Chromium (one
 * for the file, driven over its DevTools protocol by tests/_chromium.ts) uses the pages as a
 * user does, clicking and typing, against servers of the runtime running the tests. Each case
 * leaves screenshots in `.test-output/browser/`. Where Chromium cannot start, the cases skip
 * with one line saying why (scripts/install_chromium.sh installs it).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import * as cherrypy from "../../mod.ts";
import { config as config08, webapp as webapp08 } from "../../examples/tutorials/tut08/tut08.ts";
import {
  config as config09,
  DB_STRING,
  setupDatabase,
  webapp as webapp09,
} from "../../examples/tutorials/tut09/tut09.ts";
import { withConnection } from "../../examples/tutorials/tut09/sqlite.ts";
import { build } from "../../examples/tutorials/tut10/build.ts";
import { config as config10, webapp as webapp10 } from "../../examples/tutorials/tut10/tut10.ts";
import { type Served, serveRoot } from "../_helpers.ts";
import { launchBrowser, type Page, runtimeName } from "../_chromium.ts";

const dir = (name: string) =>
  fileURLToPath(new URL(`../../examples/tutorials/${name}/`, import.meta.url)).replace(/\/$/, "");
const tut08Dir = dir("tut08");
const tut10Dir = dir("tut10");
const HEX = /^[0-9a-fA-F]+$/;
const shot = (name: string) => `${name}-${runtimeName()}`;

const launched = await launchBrowser();
const browser = typeof launched === "string" ? undefined : launched;
if (browser === undefined) console.log(`tutorials 8-10 in Chromium: skipped, ${launched}`);

/** The session id of the page's cookie. */
const sessionOf = (page: Page) =>
  page.evaluate<string>(`document.cookie.match(/session_id=([0-9a-f]+)/)[1]`);

/** The rows of tutorial 9's table, as `[session_id, value]`. */
const rowsOf = (db: string) =>
  withConnection(db, (c) => c.fetchall("SELECT session_id, value FROM user_string ORDER BY rowid"));

/** Tutorial 8's page: generate, replace, delete; `check(page, value)` looks at the store. */
async function useTutorial8Page(
  page: Page,
  base: string,
  name: string,
  check: (value: string | null) => Promise<void>,
): Promise<void> {
  await page.goto(base + "/");
  const shown = `getComputedStyle(document.querySelector("#the-string")).display !== "none"`;
  assert.equal(await page.evaluate(shown), false);
  assert.equal(
    await page.evaluate(`getComputedStyle(document.body).backgroundColor`),
    "rgb(0, 0, 255)",
  );
  assert.equal(await page.evaluate(`typeof jQuery === "function" && jQuery.fn.jquery`), "3.7.1");

  await page.type("input[name='length']", "12");
  await page.click("#generate-string");
  await page.waitFor(shown);
  const made = await page.waitFor<string>(`document.querySelector("#the-string input").value`);
  assert.match(made, HEX);
  assert.equal(made.length, 12);
  await check(made);
  await page.screenshot(shot(`${name}-generated`));

  await page.type("#the-string input", "typed in Chromium");
  await page.click("#replace-string");
  await page.waitForDialog("Replaced!");
  assert.deepEqual(page.dialogs, ["Replaced!"]);
  await check("typed in Chromium");

  await page.click("#delete-string");
  await page.waitFor(`!(${shown})`);
  await check(null);
  await page.screenshot(shot(`${name}-deleted`));
  assert.deepEqual(page.errors, []);
}

describe("tutorials 8-10 in Chromium", { skip: browser === undefined }, () => {
  let tmp: string;
  const servers: Served[] = [];
  before(async () => {
    tmp = await cherrypy.platform.makeTempDir("cherrypy-browser-");
  });
  after(async () => {
    for (const s of servers) await s.stop();
    await browser?.close();
    await cherrypy.platform.removeDir(tmp);
  });

  test("tutorial 8: the button fetches and shows a new string; replace and delete", async () => {
    const s = await serveRoot(webapp08(tut08Dir), config08(tut08Dir));
    servers.push(s);
    const page = await browser!.newPage();
    await useTutorial8Page(page, s.base, "tut08", async (value) => {
      // The service answers the page's session what the page shows.
      const cookie = `session_id=${await sessionOf(page)}`;
      const res = await fetch(s.base + "/generator", { headers: { Cookie: cookie } });
      const body = await res.text();
      if (value === null) assert.equal(res.status, 500);
      else assert.equal(body, value);
    });
    await page.close();
  });

  test("tutorial 9: the page adds, changes and deletes rows of the database, one per client", async () => {
    const db = `${tmp}/tut09-${DB_STRING}`;
    await setupDatabase(db);
    const s = await serveRoot(webapp09(tut08Dir, db), config09(tut08Dir));
    servers.push(s);

    // Another client's row, which the page must leave alone.
    const other = await fetch(s.base + "/generator", {
      method: "POST",
      body: new URLSearchParams({ length: "5" }),
    });
    const otherRow = [other.headers.getSetCookie()[0]!.split(/[=;]/)[1], await other.text()];
    assert.deepEqual(await rowsOf(db), [otherRow]);

    const page = await browser!.newPage();
    await useTutorial8Page(page, s.base, "tut09", async (value) => {
      const id = await sessionOf(page);
      const rows = await rowsOf(db);
      if (value === null) assert.deepEqual(rows, [otherRow]);
      else assert.deepEqual(rows, [otherRow, [id, value]]);
    });
    await page.close();
  });

  test("tutorial 10: the React application renders and round-trips through the service", async () => {
    const db = `${tmp}/tut10-${DB_STRING}`;
    await setupDatabase(db);
    const genJs = await build(`${tmp}/gen.js`);
    const s = await serveRoot(webapp10(tut10Dir, db), config10(tut10Dir, genJs));
    servers.push(s);
    const page = await browser!.newPage();
    await page.goto(s.base + "/");
    // Rendered by React: the create form, with the docs' default length.
    await page.waitFor(`!!document.querySelector("#generator .stringGenBox input[name='length']")`);
    assert.equal(await page.evaluate(`document.querySelector("input[name='length']").value`), "8");
    assert.equal(
      await page.evaluate(`document.querySelector("#generator button").textContent`),
      "Give it now!",
    );
    await page.screenshot(shot("tut10-create"));

    await page.type("input[name='length']", "10");
    assert.equal(await page.evaluate(`document.querySelector("input[name='length']").value`), "10");
    await page.click("#generator button");
    const made = await page.waitFor<string>(
      `document.querySelector("input[name='string']")?.value`,
    );
    assert.match(made, HEX);
    assert.equal(made.length, 10);
    const id = await sessionOf(page);
    assert.deepEqual(await rowsOf(db), [[id, made]]);
    const labels = await page.evaluate(
      `[...document.querySelectorAll("#generator button")].map((b) => b.textContent)`,
    );
    assert.deepEqual(labels, ["Replace", "Delete it"]);
    await page.screenshot(shot("tut10-edit"));

    await page.type("input[name='string']", "react");
    await page.click("#generator button");
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && (await rowsOf(db))[0]?.[1] !== "react") {
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.deepEqual(await rowsOf(db), [[id, "react"]]);

    await page.click("#generator button:nth-of-type(2)");
    await page.waitFor(`!!document.querySelector("input[name='length']")`);
    assert.deepEqual(await rowsOf(db), []);
    assert.equal(await page.evaluate(`document.querySelector("input[name='length']").value`), "8");
    assert.deepEqual(page.errors, []);
    await page.close();
  });
});
