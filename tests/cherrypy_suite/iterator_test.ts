/**
 * CherryPy's test_iterator, ported: iterables returned by handlers are consumed whole before a
 * buffered response is sent, and a streamed one is closed when the client goes away.
 *
 * JavaScript's close for an iterator is its `return()` method (what `for...of` calls when it
 * stops early); CherryPy's `close()` maps to it. CherryPy's iterators also count themselves
 * down in `__del__`, which CPython runs as soon as the last reference goes: JavaScript has no
 * deterministic finalizer, so here an iterator counts itself down once it is exhausted instead.
 * (CherryPy's own test swallows every failure, see its #1419; this one does not.)
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as cherrypy from "../../mod.ts";
import { rawConnect } from "../_raw.ts";
import { eventually } from "../_helpers.ts";
import { suiteSite } from "./_suite.ts";

const { expose } = cherrypy;
const datachunk = "butternut squash".repeat(256);
const created: Record<string, number> = {};

class OurGenerator {
  *[Symbol.iterator]() {
    created.OurGenerator = (created.OurGenerator ?? 0) + 1;
    try {
      for (let i = 0; i < 1024; i++) yield datachunk;
    } finally {
      created.OurGenerator = (created.OurGenerator ?? 0) - 1;
    }
  }
}

class OurIterator {
  started = false;
  closedOff = false;
  count = 0;
  get name() {
    return this.constructor.name;
  }
  increment() {
    created[this.name] = (created[this.name] ?? 0) + 1;
  }
  decrement() {
    if (!this.closedOff) {
      this.closedOff = true;
      created[this.name] = (created[this.name] ?? 0) - 1;
    }
  }
  [Symbol.iterator]() {
    return this;
  }
  next(): IteratorResult<string> {
    if (!this.started) {
      this.started = true;
      this.increment();
    }
    this.count += 1;
    if (this.count > 1024) {
      this.decrement(); // in place of CherryPy's __del__
      return { done: true, value: undefined };
    }
    return { done: false, value: datachunk };
  }
}

class OurClosableIterator extends OurIterator {
  return(): IteratorResult<string> {
    this.decrement();
    return { done: true, value: undefined };
  }
}

class OurNotClosableIterator extends OurIterator {
  // A close that needs an argument cannot be called.
  return(somearg?: unknown): IteratorResult<string> {
    if (somearg === undefined) throw new TypeError("return() needs an argument");
    this.decrement();
    return { done: true, value: undefined };
  }
}

class OurUnclosableIterator extends OurIterator {
  return = "close"; // not callable
}

const classes: Record<string, new () => unknown> = {
  OurGenerator,
  OurClosableIterator,
  OurNotClosableIterator,
  OurUnclosableIterator,
};

class Root {
  @expose
  count(clsname: string) {
    cherrypy.response.headers.set("Content-Type", "text/plain");
    return String(created[clsname] ?? 0);
  }
  @expose
  getall(clsname: string) {
    cherrypy.response.headers.set("Content-Type", "text/plain");
    return new classes[clsname]!();
  }
  @expose
  @cherrypy.config({ "response.stream": true })
  stream(clsname: string) {
    return this.getall(clsname);
  }
}

const site = suiteSite();
const web = site.web;
before(() => web.mount(new Root()));
after(() => web.stop());

test("iterator: test_iterator", async () => {
  const closables = ["OurClosableIterator", "OurGenerator"];
  const unclosables = ["OurUnclosableIterator", "OurNotClosableIterator"];
  const allClasses = [...closables, ...unclosables].sort(() => Math.random() - 0.5);

  for (const clsname of allClasses) {
    await web.getPage("/count/" + clsname);
    web.assertStatus(200);
    web.assertBody("0");
  }

  // The whole body can be read; what matters is the Content-Length.
  for (const clsname of allClasses) {
    const res = await fetch(`http://127.0.0.1:${web.port}/getall/${clsname}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("Content-Length"), String(1024 * 16 * 256));
    // The body was consumed before the response was sent: the count is back at zero.
    await web.getPage("/count/" + clsname);
    web.assertStatus(200);
    web.assertBody("0");
    await res.body?.cancel();
  }

  // Streamed: some iterators are closed when the client goes away, others cannot be.
  const streamCounts: Record<string, number> = {};
  for (const clsname of allClasses) {
    const conn = await rawConnect(web.port);
    conn.write(`GET /stream/${clsname} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    await conn.waitFor(/^HTTP\/1\.1 200 /);
    await eventually(() => conn.text().length >= 65536 ? true : undefined, 5000, "64 KiB");
    // CherryPy's client reads 64 KiB, then nothing more until it closes.
    conn.socket.pause();

    await web.getPage("/count/" + clsname);
    web.assertBody("1");

    conn.destroy();
    await web.getPage("/count/" + clsname);
    if (closables.includes(clsname)) {
      // The server may notice the closed connection a moment later.
      await eventually(
        async () => {
          await web.getPage("/count/" + clsname);
          return web.body === "0" ? true : undefined;
        },
        2000,
        `${clsname} closed`,
      ).catch(() => undefined);
    }
    streamCounts[clsname] = Number(web.body);
  }

  for (const clsname of closables) {
    assert.equal(
      streamCounts[clsname],
      0,
      `did not close off stream response correctly, expected count of zero for ${clsname}: ${
        JSON.stringify(streamCounts)
      }`,
    );
  }
});
