import { after, before, describe, test } from "node:test";
import process from "node:process";
import assert from "node:assert/strict";
import { createServer, type Socket } from "node:net";
import { ConnectionError } from "../../../../platform/mod.ts";
import {
  MemcachedClient,
  MemcachedError,
} from "../../../../framework/tools/sessions_net/memcached.ts";
import { freeze, startMemcached, storeMissing, type StoreServer } from "../../../_stores.ts";

const decoder = new TextDecoder();
const text = (item: { value: Uint8Array } | null) => item && decoder.decode(item.value);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("memcached client", { skip: storeMissing("memcached") }, () => {
  const servers: StoreServer[] = [];
  let mc: MemcachedClient;

  before(async () => {
    for (let i = 0; i < 3; i++) servers.push(await startMemcached());
    mc = new MemcachedClient(servers.map((s) => s.address));
  });
  after(async () => {
    mc?.close();
    await Promise.all(servers.map((s) => s.stop()));
  });

  test("set, get, add, replace, delete", async () => {
    assert.equal(await mc.get("missing-key"), null);
    await mc.set("k1", "one");
    assert.equal(text(await mc.get("k1")), "one");
    assert.equal(await mc.add("k1", "two"), false);
    assert.equal(text(await mc.get("k1")), "one");
    assert.equal(await mc.add("k2", "two"), true);
    assert.equal(await mc.replace("k2", "deux"), true);
    assert.equal(await mc.replace("k3", "trois"), false);
    assert.equal(text(await mc.get("k2")), "deux");
    assert.equal(await mc.delete("k2"), true);
    assert.equal(await mc.delete("k2"), false);
    assert.equal(await mc.get("k2"), null);
  });

  test("values are bytes, kept exactly, with their flags; UTF-8 keys", async () => {
    const bytes = new Uint8Array(300_000).map((_, i) => (i * 7) % 256);
    bytes.set([13, 10, 69, 78, 68, 13, 10], 1000); // "\r\nEND\r\n" inside the value
    await mc.set("binary", bytes, { flags: 0xfffffffe });
    const item = await mc.get("binary");
    assert.deepEqual(item?.value, bytes);
    assert.equal(item?.flags, 0xfffffffe);
    await mc.set("empty", "");
    assert.equal(text(await mc.get("empty")), "");
    await mc.set("clé-ünïcode", "välue");
    assert.equal(text(await mc.get("clé-ünïcode")), "välue");
  });

  test("gets and cas: a change in between makes cas fail", async () => {
    await mc.set("casy", "v1");
    const first = await mc.gets("casy");
    assert.match(first!.cas!, /^\d+$/);
    assert.equal(await mc.cas("casy", "v2", first!.cas!), "stored");
    assert.equal(await mc.cas("casy", "v3", first!.cas!), "exists");
    assert.equal(text(await mc.get("casy")), "v2");
    await mc.delete("casy");
    assert.equal(await mc.cas("casy", "v4", first!.cas!), "not_found");
  });

  test("incr and decr", async () => {
    assert.equal(await mc.incr("counter-missing"), null);
    await mc.set("counter", "10");
    assert.equal(await mc.incr("counter"), 11);
    assert.equal(await mc.incr("counter", 100), 111);
    assert.equal(await mc.decr("counter", 200), 0);
    await mc.set("not-a-number", "abc");
    await assert.rejects(mc.incr("not-a-number"), (e: unknown) => {
      assert.ok(e instanceof MemcachedError);
      assert.match(e.message, /client error: cannot increment or decrement non-numeric value/);
      return true;
    });
    // The connection is still in step.
    assert.equal(await mc.incr("counter", 5), 5);
  });

  test("expiry: ttl, touch, and long ttls sent as Unix times", async () => {
    await mc.set("short", "x", { ttl: 1 });
    await mc.set("touched", "y", { ttl: 1 });
    await mc.set("long", "z", { ttl: 60 * 60 * 24 * 45 });
    assert.equal(await mc.touch("touched", 100), true);
    assert.equal(await mc.touch("never-was", 100), false);
    assert.equal(text(await mc.get("short")), "x");
    await sleep(2100);
    assert.equal(await mc.get("short"), null);
    assert.equal(text(await mc.get("touched")), "y");
    assert.equal(text(await mc.get("long")), "z");
    await mc.set("gone", "x", { ttl: -1 });
    assert.equal(await mc.get("gone"), null);
  });

  test("many concurrent commands are pipelined and answered in order", async () => {
    const keys = Array.from({ length: 500 }, (_, i) => `pipe-${i}`);
    await Promise.all(keys.map((k, i) => mc.set(k, `value ${i}`)));
    const values = await Promise.all(keys.map((k) => mc.get(k)));
    assert.deepEqual(values.map(text), keys.map((_, i) => `value ${i}`));
    const multi = await mc.getMulti([...keys, "pipe-none"]);
    assert.equal(multi.size, 500);
    assert.equal(text(multi.get("pipe-123")!), "value 123");
  });

  test("keys are spread over every server by a consistent hash", async () => {
    const keys = Array.from({ length: 3000 }, (_, i) => `spread-${i}`);
    const counts = new Map<string, number>();
    for (const k of keys) counts.set(mc.serverFor(k), (counts.get(mc.serverFor(k)) ?? 0) + 1);
    assert.equal(counts.size, 3);
    for (const n of counts.values()) assert.ok(n > 600 && n < 1400, `uneven spread: ${n}`);
    // Each key really is on its server: a client of that server alone finds it.
    await Promise.all(keys.slice(0, 60).map((k) => mc.set(k, k)));
    for (const server of servers) {
      const single = new MemcachedClient(server.address);
      try {
        for (const k of keys.slice(0, 60)) {
          const here = await single.get(k);
          assert.equal(here !== null, mc.serverFor(k) === server.address, k);
        }
      } finally {
        single.close();
      }
    }
    // A fourth server takes about a quarter of the keys, and only keys move to it.
    const bigger = new MemcachedClient([...servers.map((s) => s.address), "127.0.0.1:1"]);
    let moved = 0;
    for (const k of keys) {
      const now = bigger.serverFor(k);
      if (now !== mc.serverFor(k)) {
        assert.equal(now, "127.0.0.1:1");
        moved++;
      }
    }
    bigger.close();
    assert.ok(moved > 450 && moved < 1100, `moved ${moved} of 3000`);
    // hashKey: the keys that map to one text live on one server.
    const grouped = new MemcachedClient(servers.map((s) => s.address), {
      hashKey: (key) => key.replace(/:lock$/, ""),
    });
    try {
      let apart = 0;
      for (const k of keys) {
        assert.equal(grouped.serverFor(`${k}:lock`), grouped.serverFor(k));
        if (mc.serverFor(`${k}:lock`) !== mc.serverFor(k)) apart++;
      }
      assert.ok(apart > 1000, "without hashKey, a key and its lock are often apart");
      await grouped.set("g:lock", "x");
      assert.equal(text(await grouped.get("g:lock")), "x");
    } finally {
      grouped.close();
    }
  });

  test("bad keys and arguments are TypeErrors that say what is wrong", async () => {
    await assert.rejects(mc.get(""), /a key must be 1 to 250 bytes long/);
    await assert.rejects(mc.set("a".repeat(251), "x"), /1 to 250 bytes long, not 251/);
    await assert.rejects(mc.set("with space", "x"), /cannot contain spaces or control/);
    await assert.rejects(mc.get("new\r\nline"), /cannot contain spaces or control/);
    await assert.rejects(mc.set("k", "x", { flags: -1 }), /flags must be an integer/);
    await assert.rejects(mc.incr("k", -1), /incr takes an integer >= 0/);
    await assert.rejects(mc.cas("k", "x", "12 34"), /a cas token is a number/);
    assert.throws(() => new MemcachedClient([]), /give at least one server/);
    assert.throws(() => new MemcachedClient("host:99999"), /bad server address/);
    assert.throws(() => new MemcachedClient(["a:1", "a:1"]), /listed twice/);
  });

  test("a value over memcached's item size limit is refused; the connection goes on", async () => {
    await assert.rejects(mc.set("huge", new Uint8Array(2 * 1024 * 1024)), (e: unknown) => {
      assert.ok(e instanceof MemcachedError);
      assert.match(e.message, /server error: object too large for cache/);
      return true;
    });
    await mc.set("after-huge", "fine");
    assert.equal(text(await mc.get("after-huge")), "fine");
  });

  test("flushAll empties every server; version names each", async () => {
    await mc.set("flushed", "x");
    await mc.flushAll();
    assert.equal(await mc.get("flushed"), null);
    const versions = await mc.version();
    assert.equal(versions.length, 3);
    for (const v of versions) assert.match(v, /^\d+\.\d+/);
  });
});

describe("memcached client failures", { skip: storeMissing("memcached") }, () => {
  test("a server that is down: a clear ConnectionError, fast", async () => {
    const server = await startMemcached();
    await server.stop();
    const mc = new MemcachedClient(server.address, { retryDelayMs: 60_000 });
    try {
      await assert.rejects(mc.get("x"), (e: unknown) => {
        assert.ok(e instanceof ConnectionError);
        assert.equal(e.code, "ECONNREFUSED");
        assert.equal(
          e.message,
          `memcached: Cannot connect to ${server.address}: connection refused ` +
            "(nothing listens there) (ECONNREFUSED).",
        );
        return true;
      });
      // Within retryDelayMs the same error comes back without another attempt.
      await assert.rejects(mc.set("x", "y"), /memcached: Cannot connect to/);
    } finally {
      mc.close();
    }
  });

  test("a server that stops answering: the request times out; a restarted one is used again", async () => {
    const server = await startMemcached();
    const mc = new MemcachedClient(server.address, { requestTimeoutMs: 300, retryDelayMs: 0 });
    try {
      await mc.set("k", "v");
      await freeze(server);
      try {
        await assert.rejects(mc.get("k"), (e: unknown) => {
          assert.ok(e instanceof ConnectionError);
          assert.equal(e.code, "ETIMEDOUT");
          assert.equal(
            e.message,
            `memcached server ${server.address} did not answer within 300 ms (ETIMEDOUT).`,
          );
          return true;
        });
      } finally {
        process.kill(server.pid, "SIGCONT");
      }
      assert.equal(text(await mc.get("k")), "v");
      await server.stop();
      await assert.rejects(mc.get("k"), ConnectionError);
      const again = await startMemcached({ port: server.port });
      try {
        await mc.set("k", "v2");
        assert.equal(text(await mc.get("k")), "v2");
      } finally {
        await again.stop();
      }
    } finally {
      mc.close();
      await server.stop();
    }
  });

  test("a peer that speaks something else: the connection is dropped with a clear error", async () => {
    const srv = createServer((s: Socket) => {
      s.on("error", () => {});
      s.on("data", () => s.write("HTTP/1.1 400 Bad Request\r\n\r\n"));
    });
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    const port = (srv.address() as { port: number }).port;
    const mc = new MemcachedClient(`127.0.0.1:${port}`);
    try {
      await assert.rejects(mc.get("k"), (e: unknown) => {
        assert.ok(e instanceof ConnectionError);
        assert.equal(e.code, "EPROTO");
        assert.match(
          e.message,
          /^memcached server 127\.0\.0\.1:\d+ sent an unexpected reply "HTTP\/1\.1 400 Bad Request"/,
        );
        return true;
      });
    } finally {
      mc.close();
      await new Promise((r) => srv.close(r));
    }
  });

  test("over a Unix socket; a closed client refuses commands", async () => {
    const server = await startMemcached({ unixSocket: true });
    const mc = new MemcachedClient(server.socket!);
    try {
      await mc.set("unix", "socket");
      assert.equal(text(await mc.get("unix")), "socket");
      assert.deepEqual(mc.servers, [server.socket]);
    } finally {
      mc.close();
      await server.stop();
    }
    await assert.rejects(mc.get("unix"), /memcached: the client is closed/);
  });
});
