/**
 * Another server in front of the application (docs §8.7): the example's application served by
 * the runtime's own HTTP server, the framework's server unsubscribed, the engine started
 * without blocking and stopped by SIGTERM through its signal handling.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { freePort, runProgram, tryGet } from "../_helpers.ts";

test("embedded (§8.7): served by another server; SIGTERM stops the engine and the server", async () => {
  const port = await freePort();
  const site = runProgram("examples/deploy/embedded", { PORT: String(port) });
  try {
    await site.waitFor(new RegExp(`The other server serves on http://127\\.0\\.0\\.1:${port}`));
    assert.equal(await tryGet(`http://127.0.0.1:${port}/`), "hello world");
    assert.match(site.stderr() + site.stdout(), /Bus STARTED/);
    assert.doesNotMatch(site.stderr() + site.stdout(), /Serving on/, "no framework server");
    assert.doesNotMatch(site.stderr() + site.stdout(), /Autoreloader/);
  } finally {
    site.signal("SIGTERM");
    assert.equal(await site.exited, 0, site.stderr());
  }
  assert.match(site.stderr() + site.stdout(), /Bus EXITED/);
});

test("embedded environment (§8.7.1): no screen log, tracebacks or parameter detail; the host handles SIGHUP and SIGTERM", async () => {
  const port = await freePort();
  const site = runProgram("examples/deploy/embedded_environment", { PORT: String(port) });
  try {
    await site.waitFor(/host: serving on .* \(engine STARTED\)/);
    const base = `http://127.0.0.1:${port}`;
    assert.equal(await tryGet(`${base}/`), "hello world");
    const failed = await fetch(`${base}/fail`);
    const failPage = await failed.text();
    assert.equal(failed.status, 500);
    assert.match(failPage, /<pre id="traceback"><\/pre>/, "an empty traceback");
    assert.doesNotMatch(failPage, /database is down/);
    const missing = await fetch(`${base}/greet`);
    const missingPage = await missing.text();
    assert.equal(missing.status, 404);
    assert.match(missingPage, /Nothing matches the given URI/);
    assert.doesNotMatch(missingPage, /name/, "the parameter is not named");
    // SIGHUP is the host's: the engine neither restarts nor exits.
    site.signal("SIGHUP");
    await site.waitFor(/host: SIGHUP/);
    assert.equal(await tryGet(`${base}/`), "hello world");
    site.signal("SIGTERM");
    assert.equal(await site.exited, 0, site.stderr());
    const out = site.stdout() + site.stderr();
    assert.match(out, /host: SIGTERM, stopping/);
    assert.match(out, /host: engine EXITING/);
    // Nothing but the host's lines: no screen log (access lines, Bus states, checker, autoreloader).
    assert.deepEqual(
      out.trim().split("\n").filter((line) => !line.startsWith("host: ")),
      [],
    );
  } finally {
    site.signal("SIGKILL");
    await site.exited;
  }
});
