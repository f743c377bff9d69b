/**
 * `cherrypy.request` / `cherrypy.response` as context-locals: every piece of application code
 * that runs for a request sees that request, across `await`, under concurrency; code that runs
 * outside a request never sees one.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as cherrypy from "../../../mod.ts";
import { asyncContextEntries, servingNow } from "../../../framework/core/serving.ts";
import { getPage, serveRoot } from "../../_helpers.ts";

const { expose } = cherrypy;
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const current = () => String(cherrypy.request.params.n);

/** `n` values seen by `on_end_request` hooks, and by continuations nobody asked to follow. */
const ended: string[] = [];
const unfollowed: Array<[string, string]> = [];

const stampTool = new cherrypy.Tool("before_finalize", async function stamp() {
  await delay(1);
  cherrypy.response.headers.set("X-Stamp", current());
});
cherrypy.tools.serving_test_stamp = stampTool;

class Root {
  /** An async handler reading the request after awaits. */
  @expose
  async awaited(n: string): Promise<string> {
    await delay(Number(n) % 5);
    const first = current();
    await delay(1);
    return `${first}:${current()}:${cherrypy.request.path_info}`;
  }

  /** Not async, but returns a promise; a sync hook after it reads the request. */
  @expose
  @cherrypy.config({
    "hooks.before_finalize": () => cherrypy.response.headers.set("X-After", current()),
  })
  promised(n: string): Promise<string> {
    return delay(Number(n) % 3).then(() => n);
  }

  /** Not async; its first call already returns a promise whose awaits read the request. */
  @expose
  firstPromised(n: string): Promise<string> {
    return (async () => {
      await delay(Number(n) % 3);
      return `${n}:${current()}`;
    })();
  }

  /** An async hook and an async tool around a sync handler. */
  @expose
  @cherrypy.config({
    "hooks.before_handler": async () => {
      await delay(Number(current()) % 4);
      cherrypy.request.tag = `hook${current()}`;
    },
    "tools.serving_test_stamp.on": true,
  })
  hooked(n: string): string {
    return `${cherrypy.request.tag}/${n}`;
  }

  /** Streamed generators: the request is current while each chunk is made. */
  @expose
  @cherrypy.config({ "response.stream": true })
  streamed(n: string): Iterable<string> {
    return (function* () {
      for (let i = 0; i < 3; i++) yield `${current() === n ? n : "wrong"};`;
    })();
  }

  @expose
  @cherrypy.config({ "response.stream": true })
  streamedAsync(n: string): AsyncIterable<string> {
    return (async function* () {
      for (let i = 0; i < 3; i++) {
        await delay(1);
        yield `${current() === n ? n : "wrong"};`;
      }
    })();
  }

  /** An error after an await, answered by an error page function. */
  @expose
  @cherrypy.config({
    "error_page.404": () => `missing ${current()}`,
  })
  async missing(n: string): Promise<string> {
    await delay(Number(n) % 3);
    throw new cherrypy.NotFound();
  }

  /** A failure answered by the error path, whose hooks wait. */
  @expose
  @cherrypy.config({
    "request.show_tracebacks": false,
    "hooks.after_error_response": async () => {
      await delay(1);
      cherrypy.response.headers.set("X-Failed", current());
    },
  })
  broken(n: string): string {
    throw new Error(`broken ${n}`);
  }

  /** An internal redirect after an await, to a handler that awaits too. */
  @expose
  async jump(n: string): Promise<string> {
    await delay(Number(n) % 3);
    throw new cherrypy.InternalRedirect("/landing", `n=${n}`);
  }

  @expose
  async landing(n: string): Promise<string> {
    await delay(Number(n) % 2);
    return `${n}:${current()}:${(cherrypy.request.prev as { path_info?: string })?.path_info}`;
  }

  /** A request served inside another (through the tree), which must not disturb it. */
  @expose
  async outer(n: string): Promise<string> {
    const before = current();
    const inner = await sameTree!.fetch(
      new Request(`http://localhost/awaited?n=${Number(n) + 100}`),
    );
    return `${before}:${await inner.text()}:${current()}`;
  }

  /** A sync handler whose stray promise nobody asked the framework to follow. */
  @expose
  @cherrypy.config({
    "hooks.on_end_request": async () => {
      await delay(1);
      ended.push(current());
    },
  })
  stray(n: string): string {
    const own = n;
    void Promise.resolve().then(() => {
      unfollowed.push([own, servingNow()?.request.params.n as string ?? "none"]);
    });
    return own;
  }
}

/** The tree serving {@link Root}, for requests that make requests. */
let sameTree: cherrypy.Tree | undefined;

const COUNT = 50;
const ids = Array.from({ length: COUNT }, (_, i) => String(i));

test("serving: async handlers see their own request across awaits, 50 at once", async () => {
  const s = await serveRoot(new Root());
  try {
    const pages = await Promise.all(ids.map((i) => getPage(`${s.base}/awaited?n=${i}`)));
    pages.forEach((p, i) => assert.equal(p.body, `${i}:${i}:/awaited`));
    sameTree = s.tree;
    const outer = await Promise.all(ids.map((i) => getPage(`${s.base}/outer?n=${i}`)));
    outer.forEach((p, i) => assert.equal(p.body, `${i}:${i + 100}:${i + 100}:/awaited:${i}`));
  } finally {
    await s.stop();
  }
});

test("serving: hooks and tools that await, and hooks after a promise-returning handler", async () => {
  const s = await serveRoot(new Root());
  try {
    for (let round = 0; round < 2; round++) {
      const hooked = await Promise.all(ids.map((i) => getPage(`${s.base}/hooked?n=${i}`)));
      hooked.forEach((p, i) => {
        assert.equal(p.body, `hook${i}/${i}`);
        assert.equal(p.headers.get("X-Stamp"), String(i));
      });
      const promised = await Promise.all(ids.map((i) => getPage(`${s.base}/promised?n=${i}`)));
      promised.forEach((p, i) => {
        assert.equal(p.body, String(i));
        assert.equal(p.headers.get("X-After"), String(i));
      });
    }
  } finally {
    await s.stop();
  }
});

test("serving: a plain handler returning a promise keeps its request from its first call", async () => {
  const s = await serveRoot(new Root());
  try {
    const pages = await Promise.all(ids.map((i) => getPage(`${s.base}/firstPromised?n=${i}`)));
    pages.forEach((p, i) => assert.equal(p.body, `${i}:${i}`));
  } finally {
    await s.stop();
  }
});

test("serving: streamed generators, error paths and on_end_request see their request", async () => {
  const s = await serveRoot(new Root());
  try {
    const sync = await Promise.all(ids.map((i) => getPage(`${s.base}/streamed?n=${i}`)));
    sync.forEach((p, i) => assert.equal(p.body, `${i};${i};${i};`));
    const agen = await Promise.all(ids.map((i) => getPage(`${s.base}/streamedAsync?n=${i}`)));
    agen.forEach((p, i) => assert.equal(p.body, `${i};${i};${i};`));
    const missing = await Promise.all(ids.map((i) => getPage(`${s.base}/missing?n=${i}`)));
    missing.forEach((p, i) => {
      assert.equal(p.status, 404);
      assert.equal(p.body.trimEnd(), `missing ${i}`); // IE padding follows
    });
    const broken = await Promise.all(ids.map((i) => getPage(`${s.base}/broken?n=${i}`)));
    broken.forEach((p, i) => {
      assert.equal(p.status, 500);
      assert.equal(p.headers.get("X-Failed"), String(i));
    });
    assert.equal(s.errors.filter((line) => line.includes("Error: broken")).length, COUNT);
    const jumps = await Promise.all(ids.map((i) => getPage(`${s.base}/jump?n=${i}`)));
    jumps.forEach((p, i) => assert.equal(p.body, `${i}:${i}:/jump`));
    ended.length = 0;
    const stray = await Promise.all(ids.map((i) => getPage(`${s.base}/stray?n=${i}`)));
    stray.forEach((p, i) => assert.equal(p.body, String(i)));
    await delay(50);
    assert.deepEqual([...ended].sort(), [...ids].sort());
  } finally {
    await s.stop();
  }
});

test("serving: code outside a request never sees one", async () => {
  const s = await serveRoot(new Root());
  try {
    unfollowed.length = 0;
    await Promise.all(ids.map((i) => getPage(`${s.base}/stray?n=${i}`)));
    await Promise.all(ids.map((i) => getPage(`${s.base}/awaited?n=${i}`)));
    await delay(20);
    assert.equal(unfollowed.length, COUNT);
    // A promise the application made without awaiting it in an async function is not
    // followed, but it never sees another request's data.
    for (const [own, seen] of unfollowed) assert.ok(seen === "none" || seen === own, seen);
    assert.equal(servingNow(), undefined);
    await delay(1);
    assert.equal(servingNow(), undefined);
  } finally {
    await s.stop();
  }
});

test("serving: when only the framework waits, its continuations keep the request", async () => {
  // acquire_thread listeners that wait (as the first request's start_thread does), and
  // application code that never does: the request must follow without the async context.
  const log = new cherrypy.LogManager();
  log.screen = false;
  const tree = new cherrypy.Tree({
    globalConfig: () => ({ ...cherrypy.DEFAULT_TOOL_CONFIG }),
    log,
    acquireThread: () => delay(Math.floor(Math.random() * 3)),
  });
  class Plain {
    @expose
    @cherrypy.config({
      "hooks.before_finalize": () => cherrypy.response.headers.set("X-After", current()),
    })
    index(n: string): string {
      return `${n}:${current()}`;
    }
  }
  tree.mount(new Plain(), "");
  const pages = await Promise.all(
    ids.map((i) => tree.fetch(new Request(`http://localhost/?n=${i}`))),
  );
  for (const [i, page] of pages.entries()) {
    assert.equal(await page.text(), `${i}:${i}`);
    assert.equal(page.headers.get("X-After"), String(i));
  }
});

test("serving: handlers that never wait never enter the async context, through the tools that wrap them", async () => {
  const log = new cherrypy.LogManager();
  log.screen = false;
  const tree = new cherrypy.Tree({
    globalConfig: () => ({ ...cherrypy.DEFAULT_TOOL_CONFIG }),
    log,
  });
  class Plain {
    // `encode` (on by default) wraps the page handler in a new function at each request.
    @expose
    index(): string {
      return "plain";
    }

    @expose
    @cherrypy.tools.json_out()
    data(): Record<string, number> {
      return { n: 1 };
    }
  }
  tree.mount(new Plain(), "");
  const get = async (path: string) =>
    await (await tree.fetch(new Request(`http://localhost${path}`))).text();
  // A plain function is followed on its first call, in case it returns a promise.
  assert.equal(await get("/"), "plain");
  assert.equal(await get("/data"), '{"n": 1}');
  const before = asyncContextEntries();
  for (let i = 0; i < 10; i++) {
    assert.equal(await get("/"), "plain");
    assert.equal(await get("/data"), '{"n": 1}');
  }
  assert.equal(asyncContextEntries() - before, 0);
});

test("serving: frozen handlers are remembered too, and keep their request across awaits", async () => {
  const log = new cherrypy.LogManager();
  log.screen = false;
  const tree = new cherrypy.Tree({
    globalConfig: () => ({ ...cherrypy.DEFAULT_TOOL_CONFIG }),
    log,
  });
  const plain = Object.freeze(expose(function plain(): string {
    return "plain";
  }));
  const later = Object.freeze(expose(function later(n: string): Promise<string> {
    return delay(Number(n) % 3).then(() => `${n}:${current()}`);
  }));
  tree.mount({ plain, later }, "");
  const get = async (path: string) =>
    await (await tree.fetch(new Request(`http://localhost${path}`))).text();
  assert.equal(await get("/plain"), "plain");
  const before = asyncContextEntries();
  assert.equal(await get("/plain"), "plain");
  assert.equal(asyncContextEntries(), before);
  const pages = await Promise.all(ids.map((i) => get(`/later?n=${i}`)));
  for (const [i, page] of pages.entries()) assert.equal(page, `${i}:${i}`);
});
