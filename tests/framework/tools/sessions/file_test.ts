/**
 * The file store: its files, what survives JSON, its lock files (stale ones are broken), the
 * guard on ids, and sessions that outlive the process (a clean stop and restart, and a crash
 * with the lock held).
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as cherrypy from "../../../../mod.ts";
import { runProgram, serveRoot } from "../../../_helpers.ts";
import { Browser } from "../../../_browser.ts";

const { expose } = cherrypy;
const { FileSession } = cherrypy.lib.sessions;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "sessions-file-"));
  dirs.push(dir);
  return dir;
}
after(async () => {
  await FileSession.stopCleanThread();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

function fileConf(dir: string, extra: Record<string, unknown> = {}) {
  return {
    "/": {
      "tools.sessions.on": true,
      "tools.sessions.storage_class": FileSession,
      "tools.sessions.storage_path": dir,
      ...extra,
    },
  };
}

class Store {
  @expose
  put() {
    cherrypy.session["text"] = "héllo";
    cherrypy.session["number"] = 4.5;
    cherrypy.session["nested"] = { list: [1, "two", null, true] };
    cherrypy.session["date"] = new Date(Date.UTC(2030, 0, 2, 3, 4, 5));
    cherrypy.session["nothing"] = undefined;
    cherrypy.session["map"] = new Map([["a", 1]]);
    return "ok";
  }
  @expose
  get() {
    return JSON.stringify(cherrypy.session);
  }
  @expose
  async hold(ms: string) {
    cherrypy.session["held"] = true;
    await sleep(Number(ms));
    return "held";
  }
  @expose
  count() {
    cherrypy.session["count"] = cherrypy.session.get("count", 0) + 1;
    return String(cherrypy.session["count"]);
  }
}

test("one JSON file per session (mode 0600), written whole; the lock file goes with the request", async () => {
  const dir = await tempDir();
  const s = await serveRoot(new Store(), fileConf(dir));
  try {
    const client = new Browser(s.base);
    await client.fetch("/put");
    const id = client.jar.get("session_id")!;
    assert.deepEqual(await readdir(dir), [`session-${id}`]);
    const file = join(dir, `session-${id}`);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const onDisk = JSON.parse(await readFile(file, "utf8"));
    assert.ok(Date.parse(onDisk.expirationTime) > Date.now() + 59 * 60_000);
    // What JSON keeps: text, numbers, nested arrays and objects; a Date as its ISO string;
    // undefined values are dropped and a Map becomes {}.
    const expected = {
      text: "héllo",
      number: 4.5,
      nested: { list: [1, "two", null, true] },
      date: "2030-01-02T03:04:05.000Z",
      map: {},
    };
    assert.deepEqual(onDisk.data, expected);
    assert.deepEqual(JSON.parse((await client.fetch("/get")).body), expected);
    assert.deepEqual(await readdir(dir), [`session-${id}`]);
  } finally {
    await s.stop();
  }
});

test("a session file that is not a record counts as no data", async () => {
  const dir = await tempDir();
  const s = await serveRoot(new Store(), fileConf(dir));
  try {
    const client = new Browser(s.base);
    await client.fetch("/count");
    const id = client.jar.get("session_id")!;
    for (const junk of ["not json", "[1,2]", '{"data": {}, "expirationTime": "never"}', "null"]) {
      await writeFile(join(dir, `session-${id}`), junk);
      const page = await client.fetch("/count");
      assert.deepEqual([page.status, page.body], [200, "1"], junk);
    }
  } finally {
    await s.stop();
  }
});

test("a stale lock file (a crashed holder) is broken after lock_timeout; a fresh one times out", async () => {
  const dir = await tempDir();
  const s = await serveRoot(new Store(), fileConf(dir, { "tools.sessions.lock_timeout": 0.5 }));
  try {
    const client = new Browser(s.base);
    await client.fetch("/count");
    const id = client.jar.get("session_id")!;
    const lock = join(dir, `session-${id}.lock`);
    // Left by a process that died an hour ago.
    await writeFile(lock, "12345 deadbeef");
    const anHourAgo = new Date(Date.now() - 3600_000);
    await utimes(lock, anHourAgo, anHourAgo);
    const page = await client.fetch("/count");
    assert.deepEqual([page.status, page.body], [200, "2"]);
    assert.deepEqual(await readdir(dir), [`session-${id}`]);
    // A lock another process holds (and keeps fresh): the wait ends in LockTimeout.
    await writeFile(lock, "12345 cafe");
    const timer = setInterval(() => {
      const now = new Date();
      utimes(lock, now, now).catch(() => {});
    }, 100);
    try {
      const waited = await client.fetch("/count");
      assert.equal(waited.status, 500);
      assert.ok(s.errors.some((l) => l.includes(`LockTimeout: Timeout acquiring lock for ${id}`)));
    } finally {
      clearInterval(timer);
    }
    await rm(lock);
    assert.equal((await client.fetch("/count")).body, "3");
  } finally {
    await s.stop();
  }
});

test("a held lock file is kept fresh, so a long request is not taken for a crash", async () => {
  const dir = await tempDir();
  const s = await serveRoot(new Store(), fileConf(dir, { "tools.sessions.lock_timeout": 0.3 }));
  try {
    const client = new Browser(s.base);
    await client.fetch("/count");
    const id = client.jar.get("session_id")!;
    const lock = join(dir, `session-${id}.lock`);
    const cookie = client.cookieHeader()!;
    const holding = fetch(s.base + "/hold?ms=1500", { headers: { cookie } });
    let first = 0;
    while (first === 0) first = await stat(lock).then((info) => info.mtimeMs, () => 0);
    await sleep(600);
    assert.ok((await stat(lock)).mtimeMs > first, "the holder refreshed its lock file");
    assert.equal((await holding).status, 200);
  } finally {
    await s.stop();
  }
});

test("clean_up removes expired sessions, stale locks and temporary files left by a crash", async () => {
  const dir = await tempDir();
  const live = "a".repeat(40);
  const dead = "b".repeat(40);
  const write = (id: string, expires: number) =>
    writeFile(
      join(dir, `session-${id}`),
      JSON.stringify({ expirationTime: new Date(expires).toISOString(), data: { id } }),
    );
  await write(live, Date.now() + 3600_000);
  await write(dead, Date.now() - 1000);
  const old = new Date(Date.now() - 3600_000);
  for (const name of [`session-${dead}.lock`, `session-${live}.tmp-0011`]) {
    await writeFile(join(dir, name), "x");
    await utimes(join(dir, name), old, old);
  }
  await writeFile(join(dir, "unrelated.txt"), "kept");
  const session = new FileSession(null, { storage_path: dir, lock_timeout: 1 });
  await session.clean_up();
  assert.deepEqual((await readdir(dir)).sort(), [`session-${live}`, "unrelated.txt"]);
  assert.equal(await session.length(), 1);
});

test("FileSession: an id that would leave storage_path is a 400; storage_path is required", async () => {
  const dir = await tempDir();
  for (const id of ["../x", "a/../../b", "/etc/passwd", "a\\b", "a\0b"]) {
    const session = new FileSession(id, { storage_path: dir });
    assert.throws(
      () => session._get_file_path(),
      (e: unknown) =>
        e instanceof cherrypy.HTTPError && e.status === 400 &&
        e.message === "Invalid session id in cookie.",
      id,
    );
  }
  assert.equal(
    new FileSession("c".repeat(40), { storage_path: dir + "/./" })._get_file_path(),
    join(dir, "session-" + "c".repeat(40)),
  );
  const classWide = FileSession.storage_path;
  FileSession.storage_path = null; // as before any setup()
  try {
    assert.throws(
      () => new FileSession(),
      /FileSession needs a directory: set tools\.sessions\.storage_path \(got null\)\./,
    );
  } finally {
    FileSession.storage_path = classWide;
  }
});

test("a missing storage_path directory is created (mode 0700)", async () => {
  const dir = join(await tempDir(), "deep", "sessions");
  const s = await serveRoot(new Store(), fileConf(dir));
  try {
    const client = new Browser(s.base);
    assert.equal((await client.fetch("/count")).body, "1");
    assert.equal((await stat(dir)).mode & 0o777, 0o700);
    assert.equal((await readdir(dir)).length, 1);
  } finally {
    await s.stop();
  }
});

/** Starts the session site fixture on `dir`; resolves with it and its base URL. */
async function startSite(dir: string, env: Record<string, string> = {}) {
  const prog = runProgram("tests/fixtures/session_site", { SESSION_DIR: dir, ...env });
  const [, port] = await prog.waitFor(/Serving on http:\/\/127\.0\.0\.1:(\d+)/);
  await prog.waitFor(/Bus STARTED/);
  return { prog, base: `http://127.0.0.1:${port}` };
}

test("sessions survive a stop and a restart of the process: none is lost", async () => {
  const dir = await tempDir();
  let site = await startSite(dir);
  try {
    // 20 clients, each counting a few times; some still counting when the stop comes.
    const clients = Array.from({ length: 20 }, () => new Browser(site.base));
    for (const client of clients) await client.fetch("/count");
    const acknowledged = new Map<Browser, number>();
    let stopping = false;
    const counting = clients.map(async (client) => {
      for (let i = 0; i < 50 && !stopping; i++) {
        try {
          const page = await client.fetch("/count");
          if (page.status === 200) acknowledged.set(client, Number(page.body));
        } catch {
          return; // the server went away
        }
      }
    });
    await sleep(150);
    stopping = true;
    site.prog.signal("SIGTERM");
    assert.equal(await site.prog.exited, 0, site.prog.stderr());
    await Promise.all(counting);

    site = await startSite(dir);
    for (const client of clients) {
      const next = new Browser(site.base);
      for (const [k, v] of client.jar) next.jar.set(k, v);
      const shown = Number((await next.fetch("/show")).body);
      const acked = acknowledged.get(client) ?? 1;
      assert.ok(shown >= acked, `a session lost its count: ${shown} < ${acked}`);
      assert.ok(shown <= acked + 1, `${shown} > ${acked} + 1`);
      assert.equal(next.jar.get("session_id"), client.jar.get("session_id"));
    }
  } finally {
    if (site.prog.child.exitCode === null) {
      site.prog.signal("SIGTERM");
      await site.prog.exited;
    }
  }
});

test("a process killed while holding a lock: the next one breaks it and keeps the data", async () => {
  const dir = await tempDir();
  let site = await startSite(dir, { LOCK_TIMEOUT: "1" });
  try {
    const client = new Browser(site.base);
    assert.equal((await client.fetch("/count")).body, "1");
    assert.equal((await client.fetch("/count")).body, "2");
    const id = client.jar.get("session_id")!;
    // A request that holds the lock, then the process dies.
    const cookie = client.cookieHeader()!;
    fetch(site.base + "/hold?ms=60000", { headers: { cookie } }).catch(() => {});
    const lock = join(dir, `session-${id}.lock`);
    for (let i = 0; i < 500; i++) {
      if (await stat(lock).then(() => true, () => false)) break;
      await sleep(20);
    }
    site.prog.signal("SIGKILL");
    await site.prog.exited;
    assert.ok(
      (await readdir(dir)).includes(`session-${id}.lock`),
      "the lock file outlived the process",
    );

    site = await startSite(dir, { LOCK_TIMEOUT: "1" });
    const next = new Browser(site.base);
    next.jar.set("session_id", id);
    const page = await next.fetch("/count");
    assert.deepEqual([page.status, page.body], [200, "3"], site.prog.stderr());
    assert.equal(next.jar.get("session_id"), id);
  } finally {
    if (site.prog.child.exitCode === null) {
      site.prog.signal("SIGTERM");
      await site.prog.exited;
    }
  }
});
