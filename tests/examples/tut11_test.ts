/**
 * Tutorial 11 (organize my code): the till dispatcher, the discount tool and the stock plugin
 * of examples/tutorials/tut11/, together and apart.
 *
 * @module
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as cherrypy from "../../mod.ts";
import { conf, crew, Store } from "../../examples/tutorials/tut11/tut11.ts";
import { FULL_SHELF } from "../../examples/tutorials/tut11/plugins.ts";
import { eventually, getPage, quietly, recordingBus, serveRoot } from "../_helpers.ts";

test("tut11: the dispatcher picks the till, the tool the discount, the plugin the stock", async () => {
  const plugin = crew(cherrypy.engine);
  plugin.subscribe();
  const s = await serveRoot(new Store(), conf);
  const checkout = async (query: string, cookie?: string) => {
    const page = await getPage(
      `${s.base}/checkout?${query}`,
      cookie ? { headers: { Cookie: cookie } } : {},
    );
    return { status: page.status, body: page.body, json: () => JSON.parse(page.body) };
  };
  try {
    await quietly(async () => {
      plugin.start(); // what the engine's "start" does
      assert.deepEqual((await checkout("product=apple&items=3")).json(), {
        till: "express",
        product: "apple",
        items: 3,
        price: 150,
        discount: 0,
        total: 150,
        left: FULL_SHELF - 3,
      });
      const big = (await checkout("product=apple&items=12")).json();
      assert.equal(big.till, "regular");
      assert.equal(big.left, FULL_SHELF - 15);
      assert.equal((await checkout("product=milk&items=12", "store_card=1")).json().till, "card");
      const student = (await checkout("product=bread", "category=student")).json();
      assert.equal(student.discount, 10);
      assert.equal(student.total, 198);
      assert.equal((await checkout("product=bread", "category=pensioner")).json().discount, 0);
      // The tool is on under /tills only: the till's own URL gets it too.
      const direct = await getPage(`${s.base}/tills/regular/checkout?product=cherry`, {
        headers: { Cookie: "category=student" },
      });
      assert.equal(JSON.parse(direct.body).till, "regular");
      assert.equal(JSON.parse(direct.body).discount, 10);

      const short = await checkout("product=apple&items=500");
      assert.equal(short.status, 409);
      assert.match(short.body, /Only 85 apple left on the shelf\./);
      const unknown = await checkout("product=gold");
      assert.equal(unknown.status, 404);
      assert.match(unknown.body, /We sell no gold\./);
      const bad = await checkout("product=apple&items=-2");
      assert.equal(bad.status, 400);
      assert.match(bad.body, /items must be a whole number above 0, not -2\./);

      const shelves = await getPage(`${s.base}/shelves`);
      assert.deepEqual(JSON.parse(shelves.body), {
        apple: 85,
        bread: FULL_SHELF - 2,
        cherry: FULL_SHELF - 1,
        milk: FULL_SHELF - 12,
      });
      assert.match(
        (await getPage(`${s.base}/`)).body,
        /^Welcome to the superstore\.\napple: 0\.50 EUR/,
      );
      plugin.stop();
      const closed = await checkout("product=apple");
      assert.equal(closed.status, 503);
      assert.match(closed.body, /The store is closed\./);
    });
  } finally {
    plugin.unsubscribe();
    await s.stop();
  }
  assert.equal(cherrypy.engine.listenersOf("stock-take").length, 0);
});

test("tut11: the crew follows the engine: fills, restocks in the background, closes", async () => {
  const { bus, messages } = recordingBus();
  const plugin = crew(bus, 0.05);
  plugin.subscribe();
  assert.deepEqual(await bus.publish("stock-level"), [], "closed before the engine starts");
  await bus.start();
  try {
    const [taken] = await bus.publish("stock-take", "milk", 30);
    assert.deepEqual(taken, { taken: true, left: FULL_SHELF - 30 });
    assert.deepEqual((await bus.publish("stock-take", "milk", 500))[0], {
      taken: false,
      left: FULL_SHELF - 30,
    });
    await eventually(() => plugin.stock.get("milk") === FULL_SHELF || undefined, 5_000, "restock");
  } finally {
    await bus.stop();
  }
  assert.equal(plugin.stock.size, 0);
  assert.deepEqual(await bus.publish("stock-take", "milk", 1), []);
  const lines = messages();
  assert.ok(lines.indexOf("Filling the shelves") > lines.indexOf("Bus STARTING"));
  assert.ok(lines.includes("Started monitor thread 'Restocker'."), lines.join("\n"));
  assert.ok(lines.indexOf("Closing the shelves") > lines.indexOf("Bus STOPPING"));
  plugin.unsubscribe();
  assert.equal(bus.listenersOf("start").length, 0);
  await bus.exit();
});
