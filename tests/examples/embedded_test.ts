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
