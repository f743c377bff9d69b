/**
 * MemcachedSession and RedisSession shared by real processes: two processes running the same
 * site (`tests/fixtures/session_store_site.ts`) over one store, and a process restarted.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { type Program, runProgram } from "../../../_helpers.ts";
import {
  startMemcached,
  startRedis,
  type StoreBinary,
  storeMissing,
  type StoreServer,
} from "../../../_stores.ts";

interface Kind {
  store: "memcached" | "redis";
  binary: StoreBinary;
  start(): Promise<StoreServer>;
  env(server: StoreServer): Record<string, string>;
}

const KINDS: Kind[] = [
  {
    store: "memcached",
    binary: "memcached",
    start: () => startMemcached(),
    env: (server) => ({ STORE: "memcached", STORE_SERVERS: server.address }),
  },
  {
    store: "redis",
    binary: "redis-server",
    start: () => startRedis(),
    env: (server) => ({ STORE: "redis", STORE_URL: `redis://${server.address}/0` }),
  },
];

/** A site process and its base URL. */
async function startSite(env: Record<string, string>): Promise<[Program, string]> {
  const program = runProgram("tests/fixtures/session_store_site", env);
  const [, port] = await program.waitFor(/ENGINE Serving on http:\/\/127\.0\.0\.1:(\d+)\n/, 30_000);
  await program.waitFor(/ENGINE Bus STARTED\n/);
  return [program, `http://127.0.0.1:${port}`];
}

async function stopSite(program: Program): Promise<void> {
  program.signal("SIGTERM");
  await program.exited;
}

function cookieOf(res: Response): string {
  return res.headers.getSetCookie()[0]!.split(";", 1)[0]!;
}

for (const kind of KINDS) {
  describe(`${kind.store} sessions across processes`, { skip: storeMissing(kind.binary) }, () => {
    let server: StoreServer;
    const running = new Set<Program>();
    let a: string;
    let b: string;

    before(async () => {
      server = await kind.start();
      const [[pa, ua], [pb, ub]] = await Promise.all([
        startSite(kind.env(server)),
        startSite(kind.env(server)),
      ]);
      running.add(pa).add(pb);
      a = ua;
      b = ub;
    });
    after(async () => {
      await Promise.all([...running].map(stopSite));
      await server?.stop();
    });

    test("100 concurrent increments of one session, sent to two processes, give 100", async () => {
      const first = await fetch(`${a}/inc`);
      assert.equal(await first.text(), "1");
      const cookie = cookieOf(first);
      const counts = await Promise.all(
        Array.from({ length: 99 }, async (_, i) => {
          const res = await fetch(`${i % 2 ? a : b}/inc`, { headers: { Cookie: cookie } });
          assert.equal(res.status, 200);
          return Number(await res.text());
        }),
      );
      assert.deepEqual([...counts].sort((x, y) => x - y), counts.map((_, i) => i + 2));
      const check = await fetch(`${b}/inc`, { headers: { Cookie: cookie } });
      assert.equal(await check.text(), "101");
    });

    test("sessions survive a restart of the process that made them (0 lost)", async () => {
      const ids: Array<[string, string]> = [];
      for (let i = 0; i < 25; i++) {
        const res = await fetch(`${a}/put?value=v${i}`);
        ids.push([cookieOf(res), `v${i}`]);
        assert.equal(`session_id=${await res.text()}`, ids[i]![0]);
      }
      const [old] = [...running];
      await stopSite(old!);
      running.delete(old!);
      const [restarted, url] = await startSite(kind.env(server));
      running.add(restarted);
      let lost = 0;
      for (const [cookie, value] of ids) {
        const res = await fetch(`${url}/value`, { headers: { Cookie: cookie } });
        if ((await res.text()) !== value) lost++;
        assert.equal(cookieOf(res), cookie, "the same session, not a new one");
      }
      assert.equal(lost, 0);
    });
  });
}
