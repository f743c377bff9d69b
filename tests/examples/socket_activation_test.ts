/**
 * Systemd socket activation (docs §8.4): `systemd-socket-activate` stands in for systemd with
 * the example's units (`myapp.socket`'s `ListenStream`, on an ephemeral port;
 * `myapp.service`'s `Environment`): it listens, and on the first connection starts the site on
 * this runtime with the socket as fd 3. Node and Bun serve that connection and the next, and
 * stop with SIGTERM; Deno refuses with an error saying what to do instead.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { isDeno } from "../../platform/mod.ts";
import { SERVICE_UNIT, SOCKET_UNIT } from "../../examples/deploy/socket_activation/site.ts";
import { freePort, runCommand, runtimeCommand, scriptPath, tryGet } from "../_helpers.ts";
import { deployMissing, programPath } from "../_deploy.ts";

/** The values of `key=` lines in a unit file. */
function unitValues(path: string, key: string): string[] {
  return [...readFileSync(path, "utf8").matchAll(new RegExp(`^${key}=(.*)$`, "gm"))].map((m) =>
    m[1]!.trim()
  );
}

test("socket activation (§8.4): started on the first connection, serves on fd 3", {
  skip: deployMissing("systemd-socket-activate"),
}, async () => {
  const activate = programPath("systemd-socket-activate");
  const [listen] = unitValues(SOCKET_UNIT, "ListenStream");
  const port = await freePort();
  const address = listen!.replace(/:\d+$/, `:${port}`);
  const env = unitValues(SERVICE_UNIT, "Environment").flatMap((e) => ["-E", e]);
  const [cmd, args] = runtimeCommand(scriptPath("examples/deploy/socket_activation/site"));
  const prog = runCommand(activate!, ["-l", address, ...env, cmd, ...args]);
  try {
    await prog.waitFor(new RegExp(`Listening on ${address.replaceAll(".", "\\.")} as 3`));
    assert.equal(prog.stdout(), "", "nothing started before a connection");
    if (isDeno) {
      // The first connection starts the site, which cannot adopt the socket.
      const socket = connect(port, "127.0.0.1");
      socket.on("error", () => {});
      assert.notEqual(await prog.exited, 0);
      socket.destroy();
      assert.match(prog.stderr(), /Deno cannot adopt an inherited listening socket/);
      assert.match(prog.stderr(), /run the site on Node/);
      return;
    }
    // The connection waits in the socket's queue while the site starts, then is served.
    assert.equal(await tryGet(`http://${address}/`), "Hello world!");
    await prog.waitFor(new RegExp(`Serving on http://127\\.0\\.0\\.1:${port}`));
    assert.equal(await tryGet(`http://${address}/`), "Hello world!");
    prog.signal("SIGTERM");
    assert.equal(await prog.exited, 0, prog.stderr());
  } finally {
    prog.signal("SIGKILL");
    await prog.exited;
  }
});
