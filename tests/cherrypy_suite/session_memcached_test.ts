/**
 * CherryPy's test_session, ported: its `MemcachedSessionTest`, on the same site as the RAM and
 * file stores' port (`_session_site.ts`), against a real memcached started for this file on an
 * ephemeral port (CherryPy's `memcached_instance` fixture; its monkeypatch of
 * `MemcachedSession.servers` is done the same way here).
 *
 * Adapted: the store's `len()` is `await cherrypy.session.length()`, which fails with
 * `NotImplementedError` as CherryPy's does; CherryPy's threads are concurrent fetches here.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as cherrypy from "../../mod.ts";
import { startMemcached, storeMissing, type StoreServer } from "../_stores.ts";
import { CookiePages, siteForSessions } from "./_session_site.ts";

const { MemcachedSession } = cherrypy.lib.sessions;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("MemcachedSessionTest", { skip: storeMissing("memcached") }, () => {
  let localDir = "";
  let memcached: StoreServer;
  let site: ReturnType<typeof siteForSessions>;
  let page: CookiePages;
  const defaultServers = MemcachedSession.servers;

  before(async () => {
    memcached = await startMemcached();
    // memcached_configured: MemcachedSession.servers = ['localhost:<port>']
    MemcachedSession.servers = [`localhost:${memcached.port}`];
    MemcachedSession.close();
    localDir = await mkdtemp(join(tmpdir(), "cp-session-memcached-"));
    site = siteForSessions(localDir);
    page = new CookiePages(site.web);
  });
  after(async () => {
    await site?.web.stop();
    await MemcachedSession.stopCleanThread();
    MemcachedSession.close();
    MemcachedSession.servers = defaultServers;
    await memcached?.stop();
    await rm(localDir, { recursive: true, force: true });
  });

  test("test_0_Session", async () => {
    const web = site.web;
    await page.getPage("/set_session_cls/cherrypy.lib.sessions.MemcachedSession");

    await page.getPage("/testStr");
    assert.equal(web.body, "1");
    await page.getPage("/testGen", page.cookies);
    assert.equal(web.body, "2");
    await page.getPage("/testStr", page.cookies);
    assert.equal(web.body, "3");
    await page.getPage("/length", page.cookies);
    web.assertErrorPage(500);
    assert.match(web.body as string, /NotImplementedError/);
    await page.getPage("/delkey?key=counter", page.cookies);
    assert.equal(web.code, 200);

    // Wait for the session.timeout (1 second)
    await sleep(1250);
    await page.getPage("/");
    assert.equal(web.body, "1");

    // Test session __contains__
    await page.getPage("/keyin?key=counter", page.cookies);
    assert.equal(web.body, "True");

    // Test session delete
    await page.getPage("/delete", page.cookies);
    assert.equal(web.body, "done");
  });

  test("test_1_Concurrency", async () => {
    const clientThreadCount = 5;
    const requestCount = 30;

    // Get initial cookie
    await page.getPage("/");
    assert.equal(site.web.body, "1");
    const cookie = page.cookies[0]![1];

    const dataDict: number[] = [];
    const errors: Array<[number, string]> = [];

    async function request(index: number): Promise<void> {
      for (let i = 0; i < requestCount; i++) {
        const response = await fetch(`http://127.0.0.1:${site.web.port}/`, {
          headers: { Cookie: cookie },
        });
        const body = await response.text();
        if (response.status !== 200 || !/^\d+$/.test(body)) errors.push([response.status, body]);
        else dataDict[index] = Math.max(dataDict[index]!, Number(body));
      }
    }

    // Start <request_count> concurrent requests from each of <client_thread_count> clients
    const ts: Promise<void>[] = [];
    for (let c = 0; c < clientThreadCount; c++) {
      dataDict[c] = 0;
      ts.push(request(c));
    }
    await Promise.all(ts);

    const hitcount = Math.max(...dataDict);
    const expected = 1 + clientThreadCount * requestCount;
    assert.deepEqual(errors, []);
    assert.equal(hitcount, expected);
  });

  test("test_3_Redirect", async () => {
    // Start a new session
    await page.getPage("/testStr");
    await page.getPage("/iredir", page.cookies);
    assert.equal(site.web.body, "MemcachedSession");
  });

  test("test_5_Error_paths", async () => {
    await page.getPage("/unknown/page");
    site.web.assertErrorPage(404, "The path '/unknown/page' was not found.");

    // Note: this path is *not* the same as above. The above
    // takes a normal route through the session code; this one
    // skips the session code's before_handler and only calls
    // before_finalize (save) and on_end (close). So the session
    // code has to survive calling save/close without init.
    await page.getPage("/restricted", page.cookies, { method: "POST" });
    site.web.assertErrorPage(405, "Specified method is invalid for this resource");
  });
});
