import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { ConnectionError } from "../../../../platform/mod.ts";
import {
  parseRedisUrl,
  RedisClient,
  RedisError,
} from "../../../../framework/tools/sessions_net/redis.ts";
import { encodeCommand, replyParser } from "../../../../framework/tools/sessions_net/resp.ts";
import { INCOMPLETE, SKIP } from "../../../../framework/tools/sessions_net/_link.ts";
import { freeze, startRedis, storeMissing, type StoreServer } from "../../../_stores.ts";

const encoder = new TextEncoder();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("redis URLs", () => {
  assert.deepEqual(parseRedisUrl("redis://127.0.0.1:6380/2"), {
    server: "127.0.0.1:6380",
    db: 2,
    username: undefined,
    password: undefined,
  });
  assert.deepEqual(parseRedisUrl("redis://:s%40cret@cache.example"), {
    server: "cache.example:6379",
    db: 0,
    username: undefined,
    password: "s@cret",
  });
  assert.deepEqual(parseRedisUrl("redis://app:pw@[::1]:7000/15"), {
    server: "[::1]:7000",
    db: 15,
    username: "app",
    password: "pw",
  });
  assert.deepEqual(parseRedisUrl("unix:///run/redis/redis.sock?db=3&password=x"), {
    server: "/run/redis/redis.sock",
    db: 3,
    username: undefined,
    password: "x",
  });
  assert.throws(() => parseRedisUrl("http://host"), /the scheme http: is unknown/);
  assert.throws(() => parseRedisUrl("redis://host/abc"), /the database "abc" is not a number/);
  assert.throws(() => parseRedisUrl("not a url"), /not a URL/);
  assert.throws(() => parseRedisUrl("rediss://host"), /TLS connections \(rediss:\/\/\)/);
  // A password never appears in a message.
  assert.throws(() => parseRedisUrl("redis://u:topsecret@host/x"), (e: unknown) => {
    assert.ok(!String(e).includes("topsecret"));
    assert.match(String(e), /redis:\/\/u:\*\*\*@host\/x/);
    return true;
  });
});

test("RESP: commands are arrays of bulk strings; replies of every type parse", () => {
  assert.equal(
    new TextDecoder().decode(encodeCommand(["SET", "k", "vé", 12])),
    "*4\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\nvé\r\n$2\r\n12\r\n",
  );
  const parse = (text: string, asBytes = false) => replyParser(asBytes)(encoder.encode(text));
  assert.deepEqual(parse("+OK\r\n"), ["OK", 5]);
  assert.deepEqual(parse(":42\r\n"), [42, 5]);
  assert.deepEqual(parse(":9007199254740993\r\n"), [9007199254740993n, 19]);
  assert.deepEqual(parse("$5\r\nhel\r\n\r\n"), ["hel\r\n", 11]);
  assert.deepEqual(parse("$3\r\nabc\r\n", true), [encoder.encode("abc"), 9]);
  assert.deepEqual(parse("$-1\r\n"), [null, 5]);
  assert.deepEqual(parse("*2\r\n$1\r\na\r\n:1\r\n"), [["a", 1], 15]);
  assert.deepEqual(parse("*-1\r\n"), [null, 5]);
  assert.deepEqual(parse("_\r\n"), [null, 3]);
  assert.deepEqual(parse("#t\r\n"), [true, 4]);
  assert.deepEqual(parse(",1.5\r\n"), [1.5, 6]);
  assert.deepEqual(parse("(12345678901234567890\r\n"), [12345678901234567890n, 23]);
  assert.deepEqual(parse("=8\r\ntxt:abcd\r\n"), ["abcd", 14]);
  assert.deepEqual(parse("%1\r\n+a\r\n:1\r\n"), [new Map([["a", 1]]), 12]);
  assert.deepEqual(parse("~1\r\n+x\r\n"), [["x"], 8]);
  assert.deepEqual(parse("|1\r\n+ttl\r\n:3\r\n+real\r\n"), ["real", 21]);
  assert.deepEqual(parse(">2\r\n+message\r\n+x\r\n"), [SKIP, 18]);
  const [error] = parse("-WRONGTYPE Operation against a key\r\n") as [RedisError, number];
  assert.ok(error instanceof RedisError);
  assert.equal(error.code, "WRONGTYPE");
  assert.ok((parse("!5\r\nERR x\r\n") as [unknown, number])[0] instanceof RedisError);
  for (const partial of ["", "+OK", "$5\r\nhel", "*2\r\n$1\r\na\r\n", ":1\r"]) {
    assert.equal(parse(partial), INCOMPLETE, JSON.stringify(partial));
  }
  assert.throws(() => parse("?what\r\n"), /an unknown reply type "\?"/);
  assert.throws(() => parse("$3\r\nabcde\r\n"), /not ended by CRLF/);
});

describe("redis client", { skip: storeMissing("redis-server") }, () => {
  let server: StoreServer;
  let redis: RedisClient;

  before(async () => {
    server = await startRedis({ password: "pw", unixSocket: true });
    redis = new RedisClient(`redis://:pw@${server.address}/1`);
  });
  after(async () => {
    redis?.close();
    await server?.stop();
  });

  test("GET, SET with NX and XX, DEL, EXISTS", async () => {
    assert.equal(await redis.get("nothing"), null);
    assert.equal(await redis.set("a", "one"), true);
    assert.equal(await redis.get("a"), "one");
    assert.equal(await redis.set("a", "two", { nx: true }), false);
    assert.equal(await redis.set("b", "two", { xx: true }), false);
    assert.equal(await redis.set("a", "three", { xx: true }), true);
    assert.equal(await redis.get("a"), "three");
    assert.equal(await redis.exists("a"), true);
    assert.equal(await redis.del("a", "b"), 1);
    assert.equal(await redis.exists("a"), false);
  });

  test("bytes round-trip exactly", async () => {
    const bytes = new Uint8Array(200_000).map((_, i) => (i * 13) % 256);
    await redis.set("bin", bytes);
    assert.deepEqual(await redis.getBytes("bin"), bytes);
  });

  test("the URL's database is selected, and its password used", async () => {
    await redis.set("where", "db1");
    const db0 = new RedisClient(`redis://:pw@${server.address}/0`);
    try {
      assert.equal(await db0.get("where"), null);
    } finally {
      db0.close();
    }
    assert.equal(await redis.command("CLIENT", "INFO").then((s) => /db=1/.test(String(s))), true);
  });

  test("expiry: SET EX and PX, EXPIRE, PEXPIRE, PTTL", async () => {
    await redis.set("ex", "x", { ex: 100 });
    const ttl = await redis.pttl("ex");
    assert.ok(ttl > 90_000 && ttl <= 100_000, String(ttl));
    await redis.set("px", "x", { px: 150 });
    await redis.set("later", "x");
    assert.equal(await redis.pttl("later"), -1);
    assert.equal(await redis.pexpire("later", 150), true);
    assert.equal(await redis.expire("nope", 10), false);
    assert.equal(await redis.pttl("nope"), -2);
    await sleep(300);
    assert.equal(await redis.get("px"), null);
    assert.equal(await redis.get("later"), null);
    assert.equal(await redis.expire("ex", 1000), true);
    await assert.rejects(redis.set("k", "v", { ex: 0 }), /SET ex must be a whole number > 0/);
    await assert.rejects(redis.set("k", "v", { px: 1.5 }), /SET px must be a whole number > 0/);
  });

  test("a lock: SET NX PX to take it; only the token's holder releases it", async () => {
    assert.equal(await redis.set("lock:s", "token-1", { nx: true, px: 5000 }), true);
    assert.equal(await redis.set("lock:s", "token-2", { nx: true, px: 5000 }), false);
    assert.equal(await redis.deleteIfEquals("lock:s", "token-2"), false);
    assert.equal(await redis.get("lock:s"), "token-1");
    assert.equal(await redis.deleteIfEquals("lock:s", "token-1"), true);
    assert.equal(await redis.set("lock:s", "token-2", { nx: true, px: 5000 }), true);
    assert.deepEqual(await redis.eval("return {KEYS[1], ARGV[1], 3}", ["k"], ["a"]), ["k", "a", 3]);
  });

  test("error replies are RedisErrors; the connection goes on", async () => {
    await redis.command("RPUSH", "list", "x");
    await assert.rejects(redis.get("list"), (e: unknown) => {
      assert.ok(e instanceof RedisError);
      assert.equal(e.code, "WRONGTYPE");
      return true;
    });
    await assert.rejects(redis.command("NOSUCHCOMMAND"), /unknown command/);
    assert.equal(await redis.ping(), "PONG");
  });

  test("many concurrent commands are pipelined and answered in order", async () => {
    await Promise.all(Array.from({ length: 500 }, (_, i) => redis.set(`p${i}`, `v${i}`)));
    const got = await Promise.all(Array.from({ length: 500 }, (_, i) => redis.get(`p${i}`)));
    assert.deepEqual(got, Array.from({ length: 500 }, (_, i) => `v${i}`));
    const counts = await Promise.all(Array.from({ length: 200 }, () => redis.command("INCR", "n")));
    assert.deepEqual(
      [...counts].sort((a, b) => Number(a) - Number(b)),
      counts.map((_, i) => i + 1),
    );
  });

  test("RESP3 (HELLO 3) and a Unix socket", async () => {
    const r3 = new RedisClient(`unix://${server.socket}?db=1&password=pw`, { protocol: 3 });
    try {
      await r3.set("m", "x");
      assert.equal(await r3.get("m"), "x");
      const info = await r3.command("HELLO");
      assert.ok(info instanceof Map);
      assert.equal(info.get("proto"), 3);
      assert.equal(await r3.command("EXISTS", "m"), 1);
    } finally {
      r3.close();
    }
  });

  test("a wrong password: a RedisError naming the AUTH that failed", async () => {
    const bad = new RedisClient(`redis://:wrong@${server.address}`);
    try {
      await assert.rejects(bad.get("x"), (e: unknown) => {
        assert.ok(e instanceof RedisError);
        assert.match(e.message, /^WRONGPASS .* \(redis AUTH on connecting to 127\.0\.0\.1:\d+\)$/);
        return true;
      });
    } finally {
      bad.close();
    }
    const none = new RedisClient(`redis://${server.address}`);
    try {
      await assert.rejects(none.get("x"), (e: unknown) => {
        assert.ok(e instanceof RedisError);
        assert.equal(e.code, "NOAUTH");
        return true;
      });
    } finally {
      none.close();
    }
  });
});

describe("redis client failures", { skip: storeMissing("redis-server") }, () => {
  test("a server that is down, then stops answering, then comes back", async () => {
    const server = await startRedis();
    const redis = new RedisClient(`redis://${server.address}`, {
      requestTimeoutMs: 300,
      retryDelayMs: 0,
    });
    try {
      await redis.set("k", "v");
      await freeze(server);
      try {
        await assert.rejects(redis.get("k"), (e: unknown) => {
          assert.ok(e instanceof ConnectionError);
          assert.equal(
            e.message,
            `redis server ${server.address} did not answer within 300 ms (ETIMEDOUT).`,
          );
          return true;
        });
      } finally {
        process.kill(server.pid, "SIGCONT");
      }
      assert.equal(await redis.get("k"), "v");
      await server.stop();
      await assert.rejects(redis.get("k"), (e: unknown) => {
        assert.ok(e instanceof ConnectionError);
        return true;
      });
      await assert.rejects(redis.get("k"), (e: unknown) => {
        assert.ok(e instanceof ConnectionError);
        assert.equal(
          e.message,
          `redis: Cannot connect to ${server.address}: connection refused (nothing listens ` +
            "there) (ECONNREFUSED).",
        );
        return true;
      });
      const again = await startRedis({ port: server.port });
      try {
        assert.equal(await redis.get("k"), null);
        assert.equal(await redis.set("k", "v2"), true);
      } finally {
        await again.stop();
      }
    } finally {
      redis.close();
      await server.stop();
    }
    await assert.rejects(redis.ping(), /redis: the client is closed/);
  });
});
