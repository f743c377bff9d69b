/**
 * The deployment examples run as programs: the single-binary site takes its port from `PORT`
 * and stops cleanly on SIGTERM (`scripts/check_binary.ts` runs it compiled).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { freePort, runProgram, tryGet } from "../_helpers.ts";

test("single_binary: serves tutorial 1 on $PORT, exits 0 on SIGTERM", async () => {
  const port = await freePort();
  const site = runProgram("examples/deploy/single_binary", { PORT: String(port) });
  await site.waitFor(new RegExp(`Serving on http://127\\.0\\.0\\.1:${port}`));
  assert.equal(await tryGet(`http://127.0.0.1:${port}/`), "Hello world!");
  site.signal("SIGTERM");
  assert.equal(await site.exited, 0, site.stderr());
  assert.doesNotMatch(site.stderr(), /Autoreloader/, "no autoreloader in a binary");
});
