import { test } from "node:test";
import assert from "node:assert/strict";
import { HelloWorld } from "../../examples/tutorials/tut01.ts";
import { StringGenerator as Tut02 } from "../../examples/tutorials/tut02.ts";
import { StringGenerator as Tut03 } from "../../examples/tutorials/tut03.ts";
import { FORM, StringGenerator as Tut04 } from "../../examples/tutorials/tut04.ts";
import { getPage, runProgram, serveRoot } from "../_helpers.ts";

const HEX = /^[0-9a-fA-F]+$/;

test("tut01: GET / answers 'Hello world!'", async () => {
  const s = await serveRoot(new HelloWorld());
  try {
    const page = await getPage(s.base + "/");
    assert.equal(page.status, 200);
    assert.equal(page.body, "Hello world!");
    assert.equal(page.headers.get("content-type"), "text/html;charset=utf-8");
    assert.equal(page.headers.get("content-length"), "12");
  } finally {
    await s.stop();
  }
});

test("tut02: /generate answers 8 distinct hexadecimal digits", async () => {
  const s = await serveRoot(new Tut02());
  try {
    assert.equal((await getPage(s.base + "/")).body, "Hello world!");
    const first = (await getPage(s.base + "/generate")).body;
    assert.match(first, HEX);
    assert.equal(first.length, 8);
    assert.equal(new Set(first).size, 8);
  } finally {
    await s.stop();
  }
});

test("tut03: /generate?length=16 gives 16, /generate gives 8, /nope is 404", async () => {
  const s = await serveRoot(new Tut03());
  try {
    const sixteen = (await getPage(s.base + "/generate?length=16")).body;
    assert.match(sixteen, HEX);
    assert.equal(sixteen.length, 16);
    const eight = (await getPage(s.base + "/generate")).body;
    assert.match(eight, HEX);
    assert.equal(eight.length, 8);
    const nope = await getPage(s.base + "/nope");
    assert.equal(nope.status, 404);
    assert.match(nope.body, /The path '\/nope' was not found\./);
  } finally {
    await s.stop();
  }
});

test("tut04: / is the form, its GET submission /generate?length=16 gives 16 digits", async () => {
  const s = await serveRoot(new Tut04());
  try {
    const form = await getPage(s.base + "/");
    assert.equal(form.status, 200);
    assert.equal(form.body, FORM);
    assert.match(form.body, /<form method="get" action="generate">/);
    assert.match(form.body, /<input type="text" value="8" name="length" \/>/);
    const sixteen = await getPage(s.base + "/generate?length=16");
    assert.equal(sixteen.status, 200);
    assert.match(sixteen.body, HEX);
    assert.equal(sixteen.body.length, 16);
    assert.equal((await getPage(s.base + "/generate")).body.length, 8);
  } finally {
    await s.stop();
  }
});

test("tut04: a POSTed form reaches the same parameter", async () => {
  const s = await serveRoot(new Tut04());
  try {
    const page = await getPage(s.base + "/generate", {
      method: "POST",
      body: new URLSearchParams({ length: "16" }),
    });
    assert.equal(page.status, 200);
    assert.match(page.body, HEX);
    assert.equal(page.body.length, 16);
  } finally {
    await s.stop();
  }
});

test("tut01 as a real process: engine lines, access log, SIGTERM exits 0 within 2 s", async () => {
  const prog = runProgram("tests/fixtures/quickstart_tut01");
  try {
    const [, port] = await prog.waitFor(/ENGINE Serving on http:\/\/127\.0\.0\.1:(\d+)\n/);
    await prog.waitFor(/ENGINE Bus STARTED\n/);
    const stderr = prog.stderr();
    for (
      const line of [
        "ENGINE Listening for SIGTERM.",
        "ENGINE Listening for SIGHUP.",
        "ENGINE Listening for SIGUSR1.",
        "ENGINE Bus STARTING",
      ]
    ) assert.ok(stderr.includes(line), `missing ${line} in:\n${stderr}`);
    assert.match(stderr, /^\[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d\] ENGINE Listening for SIGTERM\.$/m);
    const page = await getPage(`http://127.0.0.1:${port}/`, {
      headers: { "User-Agent": "curl/7.88.1" },
    });
    assert.equal(page.body, "Hello world!");
    await prog.waitFor(/"GET \/ HTTP\/1\.1" 200 12 "" "curl\/7\.88\.1"\n/);
    assert.match(
      prog.stdout(),
      /^127\.0\.0\.1 - - \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d\] "GET \/ HTTP\/1\.1" 200 12 "" "curl\/7\.88\.1"$/m,
    );
    const signalled = Date.now();
    prog.signal("SIGTERM");
    const code = await prog.exited;
    const took = Date.now() - signalled;
    assert.equal(code, 0, prog.stderr());
    assert.ok(took < 2000, `exit took ${took} ms`);
    const tail = prog.stderr();
    for (
      const line of [
        "ENGINE Caught signal SIGTERM.",
        "ENGINE Bus STOPPING",
        `ENGINE HTTP Server HTTPServer(('127.0.0.1', ${port})) shut down`,
        "ENGINE Bus STOPPED",
        "ENGINE Bus EXITING",
        "ENGINE Bus EXITED",
      ]
    ) assert.ok(tail.includes(line), `missing ${line} in:\n${tail}`);
  } finally {
    if (prog.child.exitCode === null) prog.signal("SIGKILL");
  }
});

test("examples/engine: the autoreload and daemon sites serve their pages", async () => {
  const { Site } = await import("../../examples/engine/autoreload_site.ts");
  const { HelloWorld: DaemonHello } = await import("../../examples/engine/daemon_site.ts");
  const a = await serveRoot(new Site());
  const d = await serveRoot(new DaemonHello());
  try {
    assert.equal((await getPage(a.base + "/")).body, "version 1");
    assert.equal((await getPage(d.base + "/")).body, "Hello world!");
  } finally {
    await a.stop();
    await d.stop();
  }
});
