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
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nginxConf } from "../../examples/deploy/nginx_cluster.ts";
import { eventually, freePort, type Program, runCommand, runProgram, tryGet } from "../_helpers.ts";
import { startMemcached, startRedis, storeMissing, type StoreServer } from "../_stores.ts";
import { curl, makeCertificate } from "../_tls.ts";
import { deployMissing, programPath } from "../_deploy.ts";

const INSTANCES = 3;

/** Starts one instance on `port` with the sessions in `store` at `where`. */
async function startInstance(port: number, store: string, where: string): Promise<Program> {
  const program = runProgram("examples/deploy/nginx_cluster", {
    PORT: String(port),
    SESSION_STORE: store,
    ...(store === "redis" ? { SESSION_URL: where } : { SESSION_SERVERS: where }),
  });
  await program.waitFor(new RegExp(`Serving on http://127\\.0\\.0\\.1:${port}`), 20_000);
  return program;
}

async function stopProgram(program: Program | undefined): Promise<void> {
  if (program === undefined) return;
  program.signal("SIGKILL");
  await program.exited;
}

function cookieOf(res: Response): string | undefined {
  return res.headers.getSetCookie()[0]?.split(";", 1)[0];
}

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
      instances.push(...await Promise.all(ports.map((p) => startInstance(p, store, where))));
      dir = mkdtempSync(join(tmpdir(), "cherrypy-ts-nginx-"));
      // nginx's worker runs as `nobody` when the test runs as root: it must reach the prefix.
      chmodSync(dir, 0o755);
      const { cert, key } = makeCertificate(dir);
      const listen = await freePort();
      httpsPort = await freePort();
      const conf = join(dir, "nginx.conf");
      writeFileSync(
        conf,
        nginxConf({
          prefix: dir,
          listen,
          upstreams: ports,
          ssl: { port: httpsPort, certificate: cert, key },
        }),
      );
      nginx = runCommand(programPath("nginx")!, ["-p", dir, "-c", conf, "-e", "stderr"]);
      base = `http://127.0.0.1:${listen}`;
      await eventually(() => tryGet(`${base}/whoami`), 10_000, `nginx on ${base}`);
    });

    after(async () => {
      nginx?.signal("SIGTERM");
      await nginx?.exited;
      await Promise.all(instances.map(stopProgram));
      await server?.stop();
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    });

    test("one session, served by each instance in turn", async () => {
      let cookie = "";
      const served = new Set<string>();
      for (let i = 1; i <= 2 * INSTANCES; i++) {
        const res = await fetch(`${base}/`, cookie ? { headers: { Cookie: cookie } } : {});
        cookie ||= cookieOf(res)!;
        const [count, , port] = (await res.text()).split(" ");
        assert.equal(Number(count), i, "the visits of one session, whichever instance answers");
        served.add(port!);
      }
      assert.deepEqual([...served].sort(), ports.map(String).sort(), "round robin");
    });

    test("each instance sees the client's address and scheme (tools.proxy)", async () => {
      // The client connects from 127.0.0.2; nginx connects to the instances from 127.0.0.1.
      const http = JSON.parse(await curl(["--interface", "127.0.0.2", `${base}/whoami`]));
      assert.deepEqual(http, { remote: "127.0.0.2", scheme: "http", url: `${base}/whoami` });
      const httpsBase = `https://127.0.0.1:${httpsPort}`;
      const https = JSON.parse(await curl(["--interface", "127.0.0.2", `${httpsBase}/whoami`]));
      assert.deepEqual(https, { remote: "127.0.0.2", scheme: "https", url: `${httpsBase}/whoami` });
    });

    test("an instance killed under load, then restarted: no failed GET, no lost session", async () => {
      let stop = false;
      let done = 0;
      const failures: string[] = [];
      const servedBy: string[] = [];
      const client = async () => {
        let cookie = "";
        const counts: number[] = [];
        while (!stop) {
          try {
            const res = await fetch(`${base}/`, cookie ? { headers: { Cookie: cookie } } : {});
            const text = await res.text();
            if (res.status !== 200) failures.push(`${res.status} ${text.slice(0, 200)}`);
            else {
              cookie ||= cookieOf(res)!;
              counts.push(Number(text.split(" ")[0]));
              servedBy.push(text.split(" ")[2]!);
            }
          } catch (e) {
            failures.push(String(e));
          }
          done++;
          await new Promise((r) => setTimeout(r, 2));
        }
        return counts;
      };
      const clients = [client(), client(), client()];
      const reach = (n: number) =>
        eventually(() => done >= n || undefined, 20_000, `${n} requests`);
      const victim = 1;
      await reach(30);
      instances[victim]!.signal("SIGKILL");
      await instances[victim]!.exited;
      const killedAt = servedBy.length;
      await reach(done + 60);
      instances[victim] = await startInstance(ports[victim]!, store, where);
      // nginx leaves a failed instance out for 2 s (fail_timeout), then tries it again.
      await eventually(
        () => servedBy.slice(killedAt).includes(String(ports[victim])) || undefined,
        15_000,
        "the restarted instance to serve again",
      );
      stop = true;
      const results = await Promise.all(clients);
      assert.deepEqual(failures, [], `${failures.length} of ${done} requests failed`);
      for (const counts of results) {
        // Each visit counted: the session's count grows by one per answered request (a request
        // cut off by the kill may have been counted before nginx tried it again elsewhere).
        assert.equal(counts[0], 1);
        for (let i = 1; i < counts.length; i++) {
          const step = counts[i]! - counts[i - 1]!;
          assert.ok(step === 1 || step === 2, `counts ${counts.join(",")}: a lost session`);
        }
      }
    });
  });
}
