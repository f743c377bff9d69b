/**
 * Tutorials 5 and 7 and the examples of docs §4.6 (using sessions), as a client sees them: one
 * client keeps its cookie (as a browser, or the docs' `requests.Session`), another starts
 * without one.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FORM } from "../../examples/tutorials/tut04.ts";
import { conf as tut05Conf, StringGenerator as Tut05 } from "../../examples/tutorials/tut05.ts";
import { conf as tut07Conf, StringGeneratorWebService } from "../../examples/tutorials/tut07.ts";
import {
  fileConfig,
  mapConfig,
  MapSession,
  Root as CountRoot,
  SESSIONS_CONF,
} from "../../examples/basics/sessions.ts";
import { serveRoot } from "../_helpers.ts";
import { Browser } from "../_browser.ts";

const HEX = /^[0-9a-fA-F]+$/;
const SESSION_ID = /^session_id=([0-9a-f]{40}); /;

test("tut05: /generate then /display gives the same string to the same client", async () => {
  const s = await serveRoot(new Tut05(), tut05Conf);
  try {
    const client = new Browser(s.base);
    const form = await client.fetch("/");
    assert.equal(form.body, FORM);
    const generated = await client.fetch("/generate?length=16");
    assert.equal(generated.status, 200);
    assert.match(generated.body, HEX);
    assert.equal(generated.body.length, 16);
    assert.match(client.lastSetCookies[0] ?? "", SESSION_ID);
    const displayed = await client.fetch("/display");
    assert.deepEqual([displayed.status, displayed.body], [200, generated.body]);
    // A second string replaces the first, for this client only.
    const other = new Browser(s.base);
    const second = await other.fetch("/generate");
    assert.equal(second.body.length, 8);
    assert.equal((await other.fetch("/display")).body, second.body);
    assert.equal((await client.fetch("/display")).body, generated.body);
    assert.notEqual(client.jar.get("session_id"), other.jar.get("session_id"));
  } finally {
    await s.stop();
  }
});

test("tut05: a new client gets 500 from /display (the docs' KeyError)", async () => {
  const s = await serveRoot(new Tut05(), tut05Conf);
  try {
    const page = await new Browser(s.base).fetch("/display");
    assert.equal(page.status, 500);
    assert.match(page.body, /500 Internal Server Error/);
    assert.ok(s.errors.some((line) => line.includes("KeyError: 'mystring'")), s.errors.join("\n"));
  } finally {
    await s.stop();
  }
});

test("tut07: the docs' requests (GET 500, POST, GET, 406, PUT, GET, DELETE, GET 500)", async () => {
  const s = await serveRoot(new StringGeneratorWebService(), tut07Conf);
  try {
    const client = new Browser(s.base);
    assert.equal((await client.fetch("/")).status, 500);
    const posted = await client.fetch("/", { method: "POST" });
    assert.equal(posted.status, 200);
    assert.match(posted.body, HEX);
    assert.equal(posted.body.length, 8);
    assert.equal(posted.headers.get("content-type"), "text/plain;charset=utf-8");
    const got = await client.fetch("/");
    assert.deepEqual([got.status, got.body], [200, posted.body]);
    assert.equal(got.headers.get("content-type"), "text/plain;charset=utf-8");
    const json = await client.fetch("/", { headers: { Accept: "application/json" } });
    assert.equal(json.status, 406);
    assert.match(
      json.body,
      /Your client sent this Accept header: application\/json\. But this resource only emits these media types: text\/plain\./,
    );
    await client.fetch("/?another_string=hello", { method: "PUT" });
    const hello = await client.fetch("/");
    assert.deepEqual([hello.status, hello.body], [200, "hello"]);
    assert.equal((await client.fetch("/", { method: "DELETE" })).status, 200);
    assert.equal((await client.fetch("/")).status, 500);
    // Each client has its own string.
    const other = new Browser(s.base);
    assert.equal((await other.fetch("/")).status, 500);
    const sixteen = await other.fetch("/?length=16", { method: "POST" });
    assert.equal(sixteen.body.length, 16);
    assert.equal((await client.fetch("/")).status, 500);
  } finally {
    await s.stop();
  }
});

test("tut07: other methods get 405 with Allow: DELETE, GET, HEAD, POST, PUT", async () => {
  const s = await serveRoot(new StringGeneratorWebService(), tut07Conf);
  try {
    const client = new Browser(s.base);
    // A PATCH carries a body: without a length it is a 411 (as in CherryPy), so send an empty one.
    for (const init of [{ method: "PATCH", body: "" }, { method: "OPTIONS" }]) {
      const page = await client.fetch("/", init);
      assert.equal(page.status, 405, init.method);
      assert.equal(page.headers.get("allow"), "DELETE, GET, HEAD, POST, PUT");
      assert.match(page.body, /405 Method Not Allowed/);
    }
    assert.equal((await client.fetch("/", { method: "PUT" })).status, 404); // no string
    // Accept: text/* and */* match text/plain.
    await client.fetch("/", { method: "POST" });
    for (const accept of ["text/*", "*/*", "application/json;q=0.5, text/plain"]) {
      assert.equal((await client.fetch("/", { headers: { Accept: accept } })).status, 200);
    }
    const zero = await client.fetch("/", { headers: { Accept: "text/plain;q=0" } });
    assert.equal(zero.status, 406);
  } finally {
    await s.stop();
  }
});

test("§4.6: sessions.conf switches sessions on; the docs' counter counts per session", async () => {
  const s = await serveRoot(new CountRoot(), SESSIONS_CONF as never);
  try {
    const client = new Browser(s.base);
    assert.equal((await client.fetch("/count")).body, "0");
    for (let i = 0; i < 3; i++) {
      const page = await client.fetch("/");
      assert.deepEqual([page.status, page.body], [200, ""]);
    }
    assert.equal((await client.fetch("/count")).body, "3");
    const other = new Browser(s.base);
    await other.fetch("/");
    assert.equal((await other.fetch("/count")).body, "1");
  } finally {
    await s.stop();
  }
});

test("§4.6.1: the file backend keeps each session in its own file in storage_path", async () => {
  const dir = await mkdtemp(join(tmpdir(), "sessions-example-"));
  const s = await serveRoot(new CountRoot(), fileConfig(dir));
  try {
    const client = new Browser(s.base);
    await client.fetch("/");
    await client.fetch("/");
    assert.equal((await client.fetch("/count")).body, "2");
    const id = client.jar.get("session_id")!;
    const other = new Browser(s.base);
    await other.fetch("/");
    const files = (await readdir(dir)).sort();
    assert.deepEqual(files, [`session-${id}`, `session-${other.jar.get("session_id")}`].sort());
  } finally {
    await s.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

test("§4.6.3: a store of one's own (a Session subclass) keeps the sessions", async () => {
  MapSession.records.clear();
  const s = await serveRoot(new CountRoot(), mapConfig);
  try {
    const client = new Browser(s.base);
    await client.fetch("/");
    await client.fetch("/");
    assert.equal((await client.fetch("/count")).body, "2");
    const record = MapSession.records.get(client.jar.get("session_id")!);
    assert.equal(record?.data["count"], 2);
  } finally {
    await s.stop();
  }
});
