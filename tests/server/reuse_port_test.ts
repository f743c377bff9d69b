/**
 * `reusePort` (`server.reuse_port`): two servers of one process share a port and both answer;
 * on Deno without `--unstable-net` (how the tests run) starting one fails with an error naming
 * the flag.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { isDeno } from "../../platform/mod.ts";
import { HTTPServer } from "../../server/mod.ts";
import { freePort } from "../_helpers.ts";

test("reusePort: two listeners on one port both serve (Node, Bun) or Deno names --unstable-net", async () => {
  const port = await freePort();
  const a = new HTTPServer({ host: "127.0.0.1", port }, () => new Response("a"), {
    reusePort: true,
  });
  const b = new HTTPServer({ host: "127.0.0.1", port }, () => new Response("b"), {
    reusePort: true,
  });
  assert.equal(a.reusesPort, true);
  if (isDeno) {
    // The tests run without --unstable-net.

    await assert.rejects(a.start(), /--unstable-net/);
    return;
  }
  await a.start();
  await b.start();
  try {
    const seen = new Set<string>();
    for (let i = 0; i < 60 && seen.size < 2; i++) {
      const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { connection: "close" } });
      seen.add(await res.text());
    }
    assert.deepEqual([...seen].sort(), ["a", "b"]);
  } finally {
    await a.stop();
    await b.stop();
  }
});

test("without reusePort a second listener on the port fails", async () => {
  const port = await freePort();
  const a = new HTTPServer({ host: "127.0.0.1", port }, () => new Response("a"));
  const b = new HTTPServer({ host: "127.0.0.1", port }, () => new Response("b"));
  await a.start();
  try {
    await assert.rejects(b.start());
  } finally {
    await a.stop();
  }
});
