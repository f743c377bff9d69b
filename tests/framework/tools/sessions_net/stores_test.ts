import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { HTTPError } from "../../../../framework/core/errors.ts";
import { LockTimeout, SessionLocks } from "../../../../framework/tools/sessions/locks.ts";
import {
  MemcachedClient,
  MemcachedSession,
  NotImplementedError,
  RedisClient,
  RedisSession,
} from "../../../../framework/tools/sessions_net/mod.ts";
import {
  startMemcached,
  startRedis,
  type StoreBinary,
  storeMissing,
  type StoreServer,
} from "../../../_stores.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Kind {
  name: string;
  binary: StoreBinary;
  start(): Promise<StoreServer>;
  /** A fresh store class (as another process would have), set up for `server`. */
  storeFor(server: StoreServer, extra?: Record<string, unknown>): typeof MemcachedSession;
  /** The raw value under `key`, read with a client of the store's own. */
  raw(server: StoreServer, key: string): Promise<string | null>;
}

const KINDS: Kind[] = [
  {
    name: "MemcachedSession",
    binary: "memcached",
    start: () => startMemcached(),
    storeFor(server, extra = {}) {
      const cls = class extends MemcachedSession {
        static override locks = new SessionLocks();
        static override backend = null;
      };
      cls.setup({ servers: [server.address], ...extra });
      return cls;
    },
    async raw(server, key) {
      const mc = new MemcachedClient(server.address);
      try {
        const item = await mc.get(key);
        return item && new TextDecoder().decode(item.value);
      } finally {
        mc.close();
      }
    },
  },
  {
    name: "RedisSession",
    binary: "redis-server",
    start: () => startRedis(),
    storeFor(server, extra = {}) {
      const cls = class extends RedisSession {
        static override locks = new SessionLocks();
        static override backend = null;
      };
      cls.setup({ url: `redis://${server.address}/3`, ...extra });
      return cls as unknown as typeof MemcachedSession;
    },
    async raw(server, key) {
      const redis = new RedisClient(`redis://${server.address}/3`);
      try {
        return await redis.get(key);
      } finally {
        redis.close();
      }
    },
  },
];

for (const kind of KINDS) {
  describe(`${kind.name} (store contract)`, { skip: storeMissing(kind.binary) }, () => {
    let server: StoreServer;
    const classes: Array<typeof MemcachedSession> = [];
    const store = (extra?: Record<string, unknown>) => {
      const cls = kind.storeFor(server, extra);
      classes.push(cls);
      return cls;
    };

    before(async () => {
      server = await kind.start();
    });
    after(async () => {
      for (const cls of classes) cls.close();
      await server?.stop();
    });

    test("a new session: saved as JSON under key_prefix + id, read back by another process", async () => {
      const A = store();
      const s = new A(null, { timeout: 1, clean_freq: 0 });
      await s._check_id();
      assert.match(s.id, /^[0-9a-f]{40}$/);
      await s.acquire_lock();
      s.set("count", 1);
      s.set("nested", { list: [1, "two"] });
      await s.save();
      const raw = JSON.parse((await kind.raw(server, `session:${s.id}`))!);
      assert.deepEqual(raw.data, { count: 1, nested: { list: [1, "two"] } });
      assert.ok(Math.abs(Date.parse(raw.expirationTime) - (Date.now() + 60_000)) < 5000);

      const B = store();
      const again = new B(s.id, { clean_freq: 0 });
      await again._check_id();
      assert.equal(again.missing, false);
      assert.equal(again.id, s.id);
      await again.acquire_lock();
      assert.equal(again.get("count"), 1);
      await again.save();
    });

    test("a forged or unknown id gets a fresh 40-hex id; the store never sees it", async () => {
      const A = store();
      for (const forged of ["../../etc/passwd", "a b", "x".repeat(300), "0".repeat(40)]) {
        const s = new A(forged, { clean_freq: 0 });
        await s._check_id();
        assert.equal(s.missing, true);
        assert.match(s.id, /^[0-9a-f]{40}$/);
        assert.notEqual(s.id, forged);
      }
    });

    test("expiry: the record is gone after the timeout, from the server too", async () => {
      const A = store();
      const s = new A(null, { timeout: 1 / 60, clean_freq: 0 });
      await s._check_id();
      await s.acquire_lock();
      s.set("k", "v");
      await s.save();
      assert.equal(await new A(s.id)._exists(), true);
      await sleep(1200);
      // Expired by the record's own time at once...
      assert.equal(await new A(s.id)._exists(), false);
      const late = new A(s.id, { clean_freq: 0 });
      await late._check_id();
      assert.equal(late.missing, true);
      // ...and by the server soon after (memcached counts whole seconds).
      await sleep(2100);
      assert.equal(await kind.raw(server, `session:${s.id}`), null);
    });

    test("delete removes the record", async () => {
      const A = store();
      const s = new A(null, { clean_freq: 0 });
      await s._check_id();
      await s.acquire_lock();
      s.set("k", 1);
      await s.save();
      assert.equal(await new A(s.id)._exists(), true);
      await s.delete();
      assert.equal(await new A(s.id)._exists(), false);
    });

    test("the lock holds across store classes (as across processes); lock_timeout gives LockTimeout", async () => {
      const A = store();
      const B = store();
      const a = new A(null, { clean_freq: 0 });
      await a._check_id();
      await a.acquire_lock();
      assert.notEqual(await kind.raw(server, `session:${a.id}:lock`), null);
      const b = new B(a.id, { lock_timeout: 0.3, clean_freq: 0 });
      const started = Date.now();
      await assert.rejects(b.acquire_lock(), (e: unknown) => {
        assert.ok(e instanceof LockTimeout);
        assert.equal(e.message, `Timeout acquiring lock for ${a.id}`);
        return true;
      });
      assert.ok(Date.now() - started >= 250);
      const c = new B(a.id, { clean_freq: 0 });
      let cHolds = false;
      const waiting = c.acquire_lock().then(() => cHolds = true);
      await sleep(100);
      assert.equal(cHolds, false);
      await a.release_lock();
      await waiting;
      assert.equal(cHolds, true);
      await c.release_lock();
      assert.equal(await kind.raw(server, `session:${a.id}:lock`), null);
    });

    test("a lock whose holder died expires after lock_expiry", async () => {
      const A = store({ lock_expiry: 1 });
      const B = store({ lock_expiry: 1 });
      const a = new A(null, { clean_freq: 0 });
      await a._check_id();
      await a.acquire_lock();
      // The holder "dies": its renewal stops and it never releases.
      A.close();
      const b = new B(a.id, { lock_timeout: 5, clean_freq: 0 });
      await b.acquire_lock();
      await b.release_lock();
    });

    test("a lock renewed by its holder outlives lock_expiry; another's token cannot release it", async () => {
      const A = store({ lock_expiry: 1 });
      const B = store({ lock_expiry: 1 });
      const a = new A(null, { clean_freq: 0 });
      await a._check_id();
      await a.acquire_lock();
      const b = new B(a.id, { lock_timeout: 3.5, clean_freq: 0 });
      await assert.rejects(b.acquire_lock(), LockTimeout);
      const lockKey = `session:${a.id}:lock`;
      const token = await kind.raw(server, lockKey);
      assert.match(token!, /^[0-9a-f]{32}$/);
      B.backend ??= B.makeBackend();
      await B.backend.unlock(lockKey, "not-the-token");
      assert.equal(await kind.raw(server, lockKey), token);
      await a.release_lock();
      assert.equal(await kind.raw(server, lockKey), null);
    });

    test("data that is not JSON is a TypeError that says so", async () => {
      const A = store();
      const s = new A(null, { clean_freq: 0 });
      await s._check_id();
      await s.acquire_lock();
      s.set("big", 10n);
      await assert.rejects(s.save(), (e: unknown) => {
        assert.ok(e instanceof TypeError);
        assert.match(e.message, /keeps session data as JSON, and this data cannot be/);
        return true;
      });
      assert.equal(s.locked, false);
    });

    test("bad options fail at set-up with what to change", () => {
      assert.throws(() => store({ key_prefix: "a b" }), /key_prefix must be text without spaces/);
      assert.throws(() => store({ lock_expiry: 0 }), /lock_expiry must be seconds \(>= 1\)/);
      assert.throws(() => store({ request_timeout: "x" }), /request_timeout must be seconds/);
    });
  });
}

describe(
  "store failures",
  { skip: storeMissing("memcached") || storeMissing("redis-server") },
  () => {
    test("a dead server: 503 Service Unavailable, not a hang", async () => {
      const mcServer = await startMemcached();
      await mcServer.stop();
      const A = KINDS[0]!.storeFor(mcServer);
      const s = new A("f".repeat(40), { clean_freq: 0 });
      await assert.rejects(s._check_id(), (e: unknown) => {
        assert.ok(e instanceof HTTPError);
        assert.equal(e.status, 503);
        assert.equal(
          e.message,
          "The session store (memcached) is unavailable; please try again later.",
        );
        return true;
      });
      A.close();
      const redisServer = await startRedis();
      await redisServer.stop();
      const R = KINDS[1]!.storeFor(redisServer);
      await assert.rejects(new R(null, { clean_freq: 0 })._check_id(), /\(redis\) is unavailable/);
      R.close();
    });

    test("memcached cannot count sessions; Redis counts them", async () => {
      const mcServer = await startMemcached();
      const redisServer = await startRedis();
      const M = KINDS[0]!.storeFor(mcServer);
      const R = KINDS[1]!.storeFor(redisServer);
      try {
        await assert.rejects(new M(null).length(), (e: unknown) => {
          assert.ok(e instanceof NotImplementedError);
          assert.match(e.message, /memcached does not list its keys/);
          return true;
        });
        for (let i = 0; i < 3; i++) {
          const s = new R(null, { clean_freq: 0 });
          await s._check_id();
          await s.acquire_lock();
          s.set("i", i);
          await s.save();
        }
        const holder = new R(null, { clean_freq: 0 });
        await holder._check_id();
        await holder.acquire_lock(); // a lock key, not a session
        assert.equal(await new R(null).length(), 3);
        await holder.release_lock();
      } finally {
        M.close();
        R.close();
        await mcServer.stop();
        await redisServer.stop();
      }
    });
  },
);
