/**
 * Reverse-proxying with Apache (docs §8.9.1): Debian's httpd (in the foreground, everything
 * under a private prefix, on an ephemeral port) with `examples/deploy/behind_apache.ts`'s
 * config in front of two instances of `examples/deploy/nginx_cluster.ts` on this runtime,
 * sessions in a private memcached: one session across both instances, the client's address
 * and scheme through `tools.proxy`, and one instance killed under load and restarted without a
 * lost session, the only failed GETs those in flight on the killed instance (httpd does not
 * send them elsewhere, unlike nginx).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { apacheConf } from "../../examples/deploy/behind_apache.ts";
import { eventually, freePort, type Program, runCommand, tryGet } from "../_helpers.ts";
import { startMemcached, storeMissing, type StoreServer } from "../_stores.ts";
import { curl } from "../_tls.ts";
import { deployMissing, programPath } from "../_deploy.ts";
import {
  docsBlock,
  followSession,
  killProgram,
  killUnderLoad,
  startInstance,
  startInstances,
} from "../_cluster.ts";

describe("Apache + 2 instances, sessions in memcached", {
  skip: deployMissing("apache2") || storeMissing("memcached"),
}, () => {
  let server: StoreServer;
  let dir: string;
  const ports: number[] = [];
  const instances: Program[] = [];
  let httpd: Program;
  let base: string;

  before(async () => {
    server = await startMemcached();
    for (let i = 0; i < 2; i++) ports.push(await freePort());
    instances.push(...await startInstances(ports, "memcached", server.address));
    dir = mkdtempSync(join(tmpdir(), "cherrypy-ts-apache-"));
    chmodSync(dir, 0o755);
    const listen = await freePort();
    const conf = join(dir, "httpd.conf");
    writeFileSync(conf, apacheConf({ prefix: dir, listen, upstreams: ports }));
    httpd = runCommand(programPath("apache2")!, ["-f", conf, "-DFOREGROUND"]);
    base = `http://127.0.0.1:${listen}`;
    await eventually(() => tryGet(`${base}/whoami`), 10_000, `httpd on ${base}`).catch((e) => {
      const log = join(dir, "error.log");
      throw new Error(
        `${e.message}:\n${httpd.stderr()}${existsSync(log) ? readFileSync(log) : ""}`,
      );
    });
  });

  after(async () => {
    // SIGTERM: httpd stops its children too.
    httpd?.signal("SIGTERM");
    await httpd?.exited;
    await Promise.all(instances.map(killProgram));
    await server?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  test("one session, served by both instances in turn", async () => {
    const served = await followSession(base, 4);
    assert.deepEqual([...served].sort(), ports.map((p) => `127.0.0.1:${p}`).sort());
  });

  test("each instance sees the client's address and scheme (tools.proxy)", async () => {
    const seen = JSON.parse(await curl(["--interface", "127.0.0.2", `${base}/whoami`]));
    assert.deepEqual(seen, { remote: "127.0.0.2", scheme: "http", url: `${base}/whoami` });
  });

  test("an instance killed under load, then restarted: no session lost; only GETs in flight on it fail", async () => {
    // httpd sends a request elsewhere when the instance refuses the connection, but not a
    // request it had already sent: that one gets a 502 (or its connection closed). With three
    // clients, at most three requests are in flight on the killed instance.
    const { requests, failures } = await killUnderLoad(
      base,
      instances,
      ports.map((p) => `127.0.0.1:${p}`),
      0,
      () => startInstance(ports[0]!, "memcached", server.address),
      { tolerate: 3 },
    );
    for (const failure of failures) assert.match(failure, /^502 |closed|reset/i);
    console.log(
      `Apache: ${requests} requests through a kill and a restart, ${failures.length} failed ` +
        "(in flight on the killed instance)",
    );
  });
});

test("docs/deploy.md shows apacheConf's output", () => {
  const conf = apacheConf({ prefix: "/srv/apache", listen: 8000, upstreams: [8080, 8081] });
  // (`User` and `Group` are there when httpd starts as root, as the docs assume.)
  const user = /^(User|Group) /;
  assert.equal(
    conf.split("\n").filter((l) => !user.test(l)).join("\n").trim(),
    docsBlock("apache", user),
  );
});
