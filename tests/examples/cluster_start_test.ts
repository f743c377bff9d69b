/**
 * `startInstances` (tests/_cluster.ts), which the reverse-proxy tests start their instances with:
 * when one instance cannot start, the others are stopped before the error is thrown (none may
 * outlive the test and hold its process open), and a port another process holds is picked again.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { connect, createServer } from "node:net";
import { freePort } from "../_helpers.ts";
import { killProgram, startInstances } from "../_cluster.ts";

/** The sessions' memcached: never reached, since no request is made. */
const NO_STORE = "127.0.0.1:1";

/** `true` when nothing listens on `port` of 127.0.0.1. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.on("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.on("error", () => resolve(true));
  });
}

test("startInstances: one instance fails to start; the others started are stopped, the error thrown", async () => {
  const good = [await freePort(), await freePort()];
  // 70000 is no port: that instance exits at start (status 70), the other two start.
  const ports = [good[0]!, 70000, good[1]!];
  await assert.rejects(
    startInstances(ports, "memcached", NO_STORE),
    /process ended before[\s\S]*Port should be >= 0 and < 65536/,
  );
  for (const port of good) assert.ok(await refused(port), `port ${port} is free again`);
});

test("startInstances: a port another process holds is picked again, in the list given", async () => {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
  const held = (holder.address() as { port: number }).port;
  const ports = [held, await freePort()];
  const instances = await startInstances(ports, "memcached", NO_STORE);
  try {
    assert.notEqual(ports[0], held, "the held port was replaced");
    for (const [i, program] of instances.entries()) {
      assert.match(program.stdout() + program.stderr(), new RegExp(`:${ports[i]}\\b`));
      assert.equal(await refused(ports[i]!), false, `instance ${i} listens on ${ports[i]}`);
    }
  } finally {
    await Promise.all(instances.map(killProgram));
    holder.close();
  }
});
