/**
 * The scaled-out deployment across machines (docs/deploy.md, "Several machines"): a LAN of
 * three network namespaces made by `examples/deploy/netns/lan.sh`, one instance of
 * `examples/deploy/nginx_cluster.ts` on each (all on port 8080 of its own address), the session
 * store and a real nginx on the host, which joins the LAN through its bridge. Sessions in
 * memcached and then in Redis: one client's session is served by every machine in turn, and a
 * machine's instance killed under load, then restarted, costs no GET and no session.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { nginxConf } from "../../examples/deploy/nginx_cluster.ts";
import { freePort, type Program } from "../_helpers.ts";
import { startMemcached, startRedis, storeMissing, type StoreServer } from "../_stores.ts";
import { curl } from "../_tls.ts";
import { deployMissing } from "../_deploy.ts";
import {
  followSession,
  killUnderLoad,
  lanScript,
  type Machine,
  startInstance,
  startInstances,
  startNginx,
  stopCluster,
} from "../_cluster.ts";

const MACHINES = 3;
const PORT = 8080;

/** Why this host cannot make the LAN (`lan.sh check`), or false. */
function lanMissing(): string | false {
  const r = spawnSync("sh", [lanScript(), "check"], { encoding: "utf8" });
  if (r.status === 0) return false;
  const reason = `network namespaces: ${r.stderr.trim()}`;
  console.log(`# skipped: ${reason}`);
  return reason;
}

function lan(...args: string[]): string {
  const r = spawnSync("sh", [lanScript(), ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`lan.sh ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

// A name and a subnet of this process's own, so that runs on several runtimes at once do not
// meet: 10.64.0.0-10.191.255.0, from the process id.
const NAME = `cpl${process.pid % 100_000}`;
const SUBNET = `10.${64 + (process.pid % 128)}.${Math.floor(process.pid / 128) % 256}`;

const lanSkip = lanMissing();
for (const store of ["memcached", "redis"] as const) {
  const skip = lanSkip || deployMissing("nginx") ||
    storeMissing(store === "redis" ? "redis-server" : "memcached");
  describe(
    `nginx + ${MACHINES} machines (network namespaces), sessions in ${store}`,
    { skip },
    () => {
      let server: StoreServer;
      let dir: string;
      const machines: Machine[] = [];
      const instances: Program[] = [];
      let nginx: Program;
      let base: string;
      let where: string;

      before(async () => {
        const addresses = lan("up", NAME, SUBNET, String(MACHINES)).trim().split("\n");
        assert.equal(addresses.length, MACHINES);
        addresses.forEach((host, i) => machines.push({ lan: NAME, index: i + 1, host }));
        // The store runs on the host, on its address on the LAN.
        const host = `${SUBNET}.1`;
        server = store === "redis" ? await startRedis({ host }) : await startMemcached({ host });
        where = store === "redis" ? `redis://${server.address}/0` : server.address;
        instances.push(
          ...await startInstances(machines.map(() => PORT), store, where, machines),
        );
        dir = mkdtempSync(join(tmpdir(), "cherrypy-ts-nginx-lan-"));
        chmodSync(dir, 0o755);
        const listen = await freePort();
        const conf = join(dir, "nginx.conf");
        writeFileSync(
          conf,
          nginxConf({ prefix: dir, listen, upstreams: machines.map((m) => `${m.host}:${PORT}`) }),
        );
        base = `http://127.0.0.1:${listen}`;
        nginx = await startNginx(dir, conf, base);
      });

      after(async () => {
        await stopCluster(nginx, instances, server, dir);
        lan("down", NAME);
      });

      test("each instance runs on a machine of its own: another network namespace", () => {
        const mine = readlinkSync("/proc/self/ns/net");
        const theirs = instances.map((p) => readlinkSync(`/proc/${p.child.pid}/ns/net`));
        assert.equal(new Set([mine, ...theirs]).size, MACHINES + 1, "a namespace each");
      });

      test("one session, served by every machine in turn", async () => {
        const served = await followSession(base, 2 * MACHINES);
        assert.deepEqual([...served].sort(), machines.map((m) => `${m.host}:${PORT}`).sort());
      });

      test("each instance sees the client, not nginx (tools.proxy)", async () => {
        // nginx reaches the machines from the host's LAN address; the client is 127.0.0.2.
        const seen = JSON.parse(await curl(["--interface", "127.0.0.2", `${base}/whoami`]));
        assert.deepEqual(seen, { remote: "127.0.0.2", scheme: "http", url: `${base}/whoami` });
      });

      const stops = [
        { signal: "SIGKILL", victim: 2, what: "killed", done: "a kill" },
        {
          signal: "SIGTERM",
          victim: 0,
          what: "stopped gracefully (SIGTERM)",
          done: "a graceful stop",
        },
      ] as const;
      for (const { signal, victim, what, done } of stops) {
        test(`a machine's instance ${what} under load, then restarted: no failed GET, no lost session`, async () => {
          const { requests } = await killUnderLoad(
            base,
            instances,
            machines.map((m) => `${m.host}:${PORT}`),
            victim,
            () => startInstance(PORT, store, where, machines[victim]),
            { signal },
          );
          console.log(
            `nginx, ${MACHINES} machines, ${store}: ${requests} requests through ${done} and a ` +
              "restart, 0 failed",
          );
        });
      }
    },
  );
}
