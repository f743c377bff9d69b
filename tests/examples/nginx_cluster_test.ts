/**
 * Reverse-proxying with nginx, scaled out (docs §8.9.2): a real nginx (Debian's, in the
 * foreground, everything under a private prefix, on ephemeral ports) in front of three
 * instances of `examples/deploy/nginx_cluster.ts` run on this runtime, with the sessions in
 * memcached and then in Redis (private servers). One client's session is served by each
 * instance in turn; the instances see the client's address and scheme through `tools.proxy`;
 * one instance killed under load, then restarted, costs no GET and no session.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nginxConf } from "../../examples/deploy/nginx_cluster.ts";
import { freePort, type Program } from "../_helpers.ts";
import { startMemcached, startRedis, storeMissing, type StoreServer } from "../_stores.ts";
import { curl, makeCertificate } from "../_tls.ts";
import { deployMissing } from "../_deploy.ts";
import {
  docsBlock,
  followSession,
  killUnderLoad,
  startInstance,
  startInstances,
  startNginx,
  stopCluster,
} from "../_cluster.ts";

const INSTANCES = 3;

for (const store of ["memcached", "redis"] as const) {
  const skip = deployMissing("nginx") ||
    storeMissing(store === "redis" ? "redis-server" : "memcached");
  describe(`nginx + ${INSTANCES} instances, sessions in ${store}`, { skip }, () => {
    let server: StoreServer;
    let dir: string;
    const ports: number[] = [];
    const instances: Program[] = [];
    let nginx: Program;
    let base: string;
    let httpsPort: number;
    let where: string;

    before(async () => {
      server = store === "redis" ? await startRedis() : await startMemcached();
      where = store === "redis" ? `redis://${server.address}/0` : server.address;
      for (let i = 0; i < INSTANCES; i++) ports.push(await freePort());
      instances.push(...await startInstances(ports, store, where));
      dir = mkdtempSync(join(tmpdir(), "cherrypy-ts-nginx-"));
      // nginx's worker runs as `nobody` when the test runs as root: it must reach the prefix.
      chmodSync(dir, 0o755);
      const { cert, key } = makeCertificate(dir);
      const listen = await freePort();
      httpsPort = await freePort();
      // The docs' static location: nginx serves /static/ from <dir>/static/static/ itself.
      mkdirSync(join(dir, "static", "static"), { recursive: true, mode: 0o755 });
      writeFileSync(join(dir, "static", "static", "site.css"), "body { margin: 0 }\n".repeat(64));
      const conf = join(dir, "nginx.conf");
      writeFileSync(
        conf,
        nginxConf({
          prefix: dir,
          listen,
          upstreams: ports,
          ssl: { port: httpsPort, certificate: cert, key },
          staticRoot: join(dir, "static"),
        }),
      );
      base = `http://127.0.0.1:${listen}`;
      nginx = await startNginx(dir, conf, base);
    });

    after(() => stopCluster(nginx, instances, server, dir));

    test("one session, served by each instance in turn", async () => {
      const served = await followSession(base, 2 * INSTANCES);
      assert.deepEqual(
        [...served].sort(),
        ports.map((p) => `127.0.0.1:${p}`).sort(),
        "round robin",
      );
    });

    test("each instance sees the client's address and scheme (tools.proxy)", async () => {
      // The client connects from 127.0.0.2; nginx connects to the instances from 127.0.0.1.
      const http = JSON.parse(await curl(["--interface", "127.0.0.2", `${base}/whoami`]));
      assert.deepEqual(http, { remote: "127.0.0.2", scheme: "http", url: `${base}/whoami` });
      const httpsBase = `https://127.0.0.1:${httpsPort}`;
      const https = JSON.parse(await curl(["--interface", "127.0.0.2", `${httpsBase}/whoami`]));
      assert.deepEqual(https, { remote: "127.0.0.2", scheme: "https", url: `${httpsBase}/whoami` });
    });

    test("nginx serves /static/ itself, gzipped as the docs configure it", async () => {
      const head = await curl([
        "-D",
        "-",
        "-o",
        "/dev/null",
        "-H",
        "Accept-Encoding: gzip",
        `${base}/static/site.css`,
      ]);
      assert.match(head, /^HTTP\/1\.1 200/);
      assert.match(head, /^Content-Type: text\/css/mi);
      assert.match(head, /^Content-Encoding: gzip/mi);
      assert.match(head, /^Server: nginx/mi);
    });

    test("an instance killed under load, then restarted: no failed GET, no lost session", async () => {
      const victim = 1;
      const { requests } = await killUnderLoad(
        base,
        instances,
        ports.map((p) => `127.0.0.1:${p}`),
        victim,
        () => startInstance(ports[victim]!, store, where),
      );
      console.log(`nginx, ${store}: ${requests} requests through a kill and a restart, 0 failed`);
    });
  });
}

test("docs/deploy.md shows nginxConf's output", () => {
  const conf = nginxConf({
    prefix: "/srv/cluster",
    host: "0.0.0.0",
    listen: 80,
    upstreams: [8080, 8081, 8082],
    staticRoot: "/srv/myapp",
  });
  // (The `user` line is there when nginx starts as root, as the docs assume.)
  const user = /^user /;
  assert.equal(
    conf.split("\n").filter((l) => !user.test(l)).join("\n").trim(),
    docsBlock("nginx", user),
  );
});
