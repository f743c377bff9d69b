/**
 * MemcachedSession and RedisSession behind the session tool, over HTTP in this process:
 * hostile ids, concurrent requests of one session, expiry, and a store that is down or silent.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import * as cherrypy from "../../../../mod.ts";
import { MemcachedClient, RedisClient } from "../../../../framework/tools/sessions_net/mod.ts";
import { type Served, serveRoot } from "../../../_helpers.ts";
import {
  freeze,
  startMemcached,
  startRedis,
  type StoreBinary,
  storeMissing,
  type StoreServer,
} from "../../../_stores.ts";

const { MemcachedSession, RedisSession } = cherrypy.lib.sessions;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class Root {
  @cherrypy.expose
  async inc() {
    const count = cherrypy.session.get("count", 0) + 1;
    await sleep(1);
    cherrypy.session["count"] = count;
    return String(count);
  }

  @cherrypy.expose
  id() {
    cherrypy.session.get("anything");
    return cherrypy.session.id;
  }
}

interface Kind {
  name: string;
  binary: StoreBinary;
  start(): Promise<StoreServer>;
  /** A store class of its own (set up once per class) and its options for `server`. */
  store(server: StoreServer): [unknown, Record<string, unknown>];
  /** Whether `key` exists on `server`. */
  has(server: StoreServer, key: string): Promise<boolean>;
}

const KINDS: Kind[] = [
  {
    name: "MemcachedSession",
    binary: "memcached",
    start: () => startMemcached(),
    store: (server) => [
      class extends MemcachedSession {},
      { "tools.sessions.servers": [server.address] },
    ],
    async has(server, key) {
      const mc = new MemcachedClient(server.address);
      try {
        return (await mc.get(key)) !== null;
      } finally {
        mc.close();
      }
    },
  },
  {
    name: "RedisSession",
    binary: "redis-server",
    start: () => startRedis(),
    store: (server) => [
      class extends RedisSession {},
      { "tools.sessions.url": `redis://${server.address}/0` },
    ],
    async has(server, key) {
      const redis = new RedisClient(`redis://${server.address}/0`);
      try {
        return await redis.exists(key);
      } finally {
        redis.close();
      }
    },
  },
];

function cookieOf(res: Response): string {
  return res.headers.getSetCookie()[0]!.split(";", 1)[0]!;
}

for (const kind of KINDS) {
  describe(`${kind.name} over HTTP`, { skip: storeMissing(kind.binary) }, () => {
    let server: StoreServer;
    let site: Served;
    let storeClass: { close(): void };

    before(async () => {
      server = await kind.start();
      const [cls, options] = kind.store(server);
      storeClass = cls as { close(): void };
      site = await serveRoot(new Root(), {
        "/": {
          "tools.sessions.on": true,
          "tools.sessions.storage_class": cls,
          "tools.sessions.timeout": 1 / 60,
          "tools.sessions.clean_freq": 0,
          ...options,
        },
      });
    });
    after(async () => {
      await site?.stop();
      storeClass?.close();
      await server?.stop();
    });

    test("a forged cookie (session_id=../../etc/passwd) gets a fresh 40-hex id", async () => {
      for (const forged of ["../../etc/passwd", "%2e%2e%2fpasswd", "A".repeat(40), ""]) {
        const res = await fetch(`${site.base}/id`, {
          headers: { Cookie: `session_id=${forged}` },
        });
        const body = await res.text();
        assert.equal(res.status, 200);
        assert.match(body, /^[0-9a-f]{40}$/);
        assert.equal(cookieOf(res), `session_id=${body}`);
        assert.equal(await kind.has(server, `session:${forged}`), false);
      }
    });

    test("100 concurrent increments of one session's counter give 100", async () => {
      const first = await fetch(`${site.base}/inc`);
      assert.equal(await first.text(), "1");
      const cookie = cookieOf(first);
      const bodies = await Promise.all(
        Array.from({ length: 99 }, async () => {
          const res = await fetch(`${site.base}/inc`, { headers: { Cookie: cookie } });
          return Number(await res.text());
        }),
      );
      assert.equal(Math.max(...bodies), 100);
      assert.deepEqual([...bodies].sort((a, b) => a - b), bodies.map((_, i) => i + 2));
    });

    test("expiry: after the timeout the session starts again under a new id", async () => {
      const first = await fetch(`${site.base}/inc`);
      await first.text();
      const cookie = cookieOf(first);
      const second = await fetch(`${site.base}/inc`, { headers: { Cookie: cookie } });
      assert.equal(await second.text(), "2");
      await sleep(1300);
      const later = await fetch(`${site.base}/inc`, { headers: { Cookie: cookie } });
      assert.equal(await later.text(), "1");
      assert.notEqual(cookieOf(later), cookie);
    });
  });

  describe(
    `${kind.name} with its server down or silent`,
    { skip: storeMissing(kind.binary) },
    () => {
      test("a dead server: 503 at once, and the error log says why", async () => {
        const server = await kind.start();
        await server.stop();
        const [cls, options] = kind.store(server);
        const site = await serveRoot(new Root(), {
          "/": {
            "tools.sessions.on": true,
            "tools.sessions.storage_class": cls,
            "tools.sessions.clean_freq": 0,
            ...options,
          },
        });
        try {
          const res = await fetch(`${site.base}/inc`);
          const body = await res.text();
          assert.equal(res.status, 503);
          assert.match(body, /The session store \((memcached|redis)\) is unavailable/);
          assert.ok(!body.includes(String(server.port)), "the page does not name the server");
          const logged = site.errors.join("\n");
          assert.match(
            logged,
            /TOOLS\.SESSIONS (Memcached|Redis)Session: reading failed: (memcached|redis): Cannot/,
          );
          assert.ok(logged.includes(`${server.address}: connection refused`), logged);
        } finally {
          await site.stop();
          (cls as { close(): void }).close();
        }
      });

      test("a server that stops answering: 503 after request_timeout, not a hang", async () => {
        const server = await kind.start();
        const [cls, options] = kind.store(server);
        const site = await serveRoot(new Root(), {
          "/": {
            "tools.sessions.on": true,
            "tools.sessions.storage_class": cls,
            "tools.sessions.request_timeout": 0.4,
            "tools.sessions.clean_freq": 0,
            ...options,
          },
        });
        try {
          const first = await fetch(`${site.base}/inc`);
          assert.equal(await first.text(), "1");
          await freeze(server);
          try {
            const res = await fetch(`${site.base}/inc`, { headers: { Cookie: cookieOf(first) } });
            await res.text();
            assert.equal(res.status, 503);
            assert.match(site.errors.join("\n"), /did not answer within 400 ms/);
          } finally {
            process.kill(server.pid, "SIGCONT");
          }
          // And it recovers once the server answers again.
          const again = await fetch(`${site.base}/inc`, { headers: { Cookie: cookieOf(first) } });
          assert.equal(again.status, 200);
          assert.equal(await again.text(), "2");
        } finally {
          await site.stop();
          (cls as { close(): void }).close();
          await server.stop();
        }
      });
    },
  );
}

describe("MemcachedSession over several servers", { skip: storeMissing("memcached") }, () => {
  test("sessions are spread over the servers; one server down fails only its own sessions", async () => {
    const servers = [await startMemcached(), await startMemcached()];
    const cls = class extends MemcachedSession {};
    const site = await serveRoot(new Root(), {
      "/": {
        "tools.sessions.on": true,
        "tools.sessions.storage_class": cls,
        "tools.sessions.servers": servers.map((s) => s.address),
        "tools.sessions.clean_freq": 0,
      },
    });
    const probe = new MemcachedClient(servers.map((s) => s.address));
    try {
      const cookies: string[] = [];
      for (let i = 0; i < 30; i++) {
        const res = await fetch(`${site.base}/inc`);
        assert.equal(await res.text(), "1");
        cookies.push(cookieOf(res));
      }
      const home = (cookie: string) => probe.serverFor(`session:${cookie.split("=")[1]}`);
      const onFirst = cookies.filter((c) => home(c) === servers[0]!.address);
      const onSecond = cookies.filter((c) => home(c) === servers[1]!.address);
      assert.ok(onFirst.length > 3 && onSecond.length > 3, `${onFirst.length}/${onSecond.length}`);
      for (const [server, mine] of [[servers[0]!, onFirst], [servers[1]!, onSecond]] as const) {
        const single = new MemcachedClient(server.address);
        try {
          for (const c of mine) {
            assert.notEqual(await single.get(`session:${c.split("=")[1]}`), null);
          }
        } finally {
          single.close();
        }
      }
      await servers[1]!.stop();
      for (const c of onFirst) {
        const res = await fetch(`${site.base}/inc`, { headers: { Cookie: c } });
        assert.equal(await res.text(), "2");
      }
      for (const c of onSecond) {
        const res = await fetch(`${site.base}/inc`, { headers: { Cookie: c } });
        await res.text();
        assert.equal(res.status, 503);
      }
    } finally {
      probe.close();
      await site.stop();
      cls.close();
      await Promise.all(servers.map((s) => s.stop()));
    }
  });
});
