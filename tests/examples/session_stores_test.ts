/**
 * The session-store examples (docs §4.6.2, and Redis): the config files name the stores, and
 * two sites over one store (as two processes of one site would be) count the same visits; the
 * example program itself runs against a private server.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as cherrypy from "../../mod.ts";
import {
  MEMCACHED_CONF,
  memcachedConfig,
  REDIS_CONF,
  redisConfig,
  Visits,
} from "../../examples/basics/session_stores.ts";
import { freePort, runProgram, serveRoot } from "../_helpers.ts";
import { startMemcached, startRedis, storeMissing, type StoreServer } from "../_stores.ts";

const { MemcachedSession, RedisSession } = cherrypy.lib.sessions;
const { readConfigFile } = cherrypy.lib.reprconf;

test("the config files name the stores", () => {
  const memcached = readConfigFile(MEMCACHED_CONF)["/"]!;
  assert.equal(memcached["tools.sessions.on"], true);
  assert.equal(memcached["tools.sessions.storage_class"], MemcachedSession);
  const redis = readConfigFile(REDIS_CONF)["/"]!;
  assert.equal(redis["tools.sessions.storage_class"], RedisSession);
  assert.equal(redis["tools.sessions.url"], "redis://localhost:6379/0");
});

function cookieOf(res: Response): string {
  return res.headers.getSetCookie()[0]!.split(";", 1)[0]!;
}

/** Visits `/` of each base in turn with one cookie; the counts. */
async function visits(bases: string[]): Promise<number[]> {
  let cookie = "";
  const counts: number[] = [];
  for (const base of bases) {
    const res = await fetch(`${base}/`, cookie ? { headers: { Cookie: cookie } } : {});
    cookie ||= cookieOf(res);
    counts.push(Number((await res.text()).split(" ")[0]));
  }
  return counts;
}

describe("memcached example", { skip: storeMissing("memcached") }, () => {
  let server: StoreServer;
  const defaults = MemcachedSession.servers;
  before(async () => {
    server = await startMemcached();
    // The store is set up once per process: point the class itself at the private server too,
    // in case another test of this process set it up first.
    MemcachedSession.servers = [server.address];
    MemcachedSession.close();
  });
  after(async () => {
    MemcachedSession.close();
    MemcachedSession.servers = defaults;
    await MemcachedSession.stopCleanThread();
    await server?.stop();
  });

  test("two sites over one memcached count the same visits", async () => {
    const one = await serveRoot(new Visits(), memcachedConfig([server.address]));
    const two = await serveRoot(new Visits(), memcachedConfig([server.address]));
    try {
      assert.deepEqual(await visits([one.base, two.base, one.base, two.base]), [1, 2, 3, 4]);
    } finally {
      await one.stop();
      await two.stop();
    }
  });

  test("the program, as run by hand, against a private memcached", async () => {
    const port = await freePort();
    const program = runProgram("examples/basics/session_stores", {
      SESSION_SERVERS: server.address,
      PORT: String(port),
    });
    try {
      await program.waitFor(/ENGINE Bus STARTED\n/, 30_000);
      const base = `http://127.0.0.1:${port}`;
      assert.deepEqual(await visits([base, base, base]), [1, 2, 3]);
    } finally {
      program.signal("SIGTERM");
      await program.exited;
    }
  });
});

describe("Redis example", { skip: storeMissing("redis-server") }, () => {
  let server: StoreServer;
  const defaults = RedisSession.url;
  before(async () => {
    server = await startRedis();
    RedisSession.url = `redis://${server.address}/0`;
    RedisSession.close();
  });
  after(async () => {
    RedisSession.close();
    RedisSession.url = defaults;
    await RedisSession.stopCleanThread();
    await server?.stop();
  });

  test("two sites over one Redis count the same visits", async () => {
    const url = `redis://${server.address}/0`;
    const one = await serveRoot(new Visits(), redisConfig(url));
    const two = await serveRoot(new Visits(), redisConfig(url));
    try {
      assert.deepEqual(await visits([one.base, two.base, two.base, one.base]), [1, 2, 3, 4]);
    } finally {
      await one.stop();
      await two.stop();
    }
  });

  test("the program, as run by hand, against a private Redis", async () => {
    const port = await freePort();
    const program = runProgram("examples/basics/session_stores", {
      SESSION_STORE: "redis",
      SESSION_URL: `redis://${server.address}/0`,
      PORT: String(port),
    });
    try {
      await program.waitFor(/ENGINE Bus STARTED\n/, 30_000);
      const base = `http://127.0.0.1:${port}`;
      assert.deepEqual(await visits([base, base]), [1, 2]);
    } finally {
      program.signal("SIGTERM");
      await program.exited;
    }
  });
});
