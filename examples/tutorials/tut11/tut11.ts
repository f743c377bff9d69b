/**
 * Tutorial 11 (docs §3.11): organize my code. A superstore, in four files, one per mechanism:
 *
 * - `store.ts`, the application: the tills and the shelves (the handlers and the data);
 * - `dispatchers.ts`, a dispatcher: which till serves which customer (`/checkout` goes to the
 *   card till for store-card holders, the express till for baskets under ten items, else the
 *   regular till);
 * - `tools.ts`, a tool: the discount for a category of customers, switched on in config;
 * - `plugins.ts`, a plugin: the crew that fills the shelves when the store opens, answers the
 *   tills over the engine's bus, restocks in the background and closes up at the end.
 *
 * This module wires them: the config names the dispatcher and the tool, the plugin is
 * subscribed to the engine, and `quickstart` serves the store.
 *
 *     deno run -A examples/tutorials/tut11/tut11.ts
 *     curl 'http://127.0.0.1:8080/checkout?product=apple&items=3'            # express till
 *     curl 'http://127.0.0.1:8080/checkout?product=apple&items=12'           # regular till
 *     curl -b store_card=1 'http://127.0.0.1:8080/checkout?product=milk'     # card till
 *     curl -b category=student 'http://127.0.0.1:8080/checkout?product=bread'  # 10% off
 *     curl http://127.0.0.1:8080/shelves
 *
 * The manual's tutorial 11 has no code; this program is its superstore. `PORT` serves
 * elsewhere than 8080.
 *
 * @module
 */
import * as cherrypy from "../../../mod.ts";
import { TillDispatcher } from "./dispatchers.ts";
import { StockPlugin } from "./plugins.ts";
import { PRICES, Store } from "./store.ts";
import "./tools.ts";

export { StockPlugin, Store, TillDispatcher };

/** The application's config: the till dispatcher everywhere, the student discount at the tills. */
export const conf: cherrypy.AppConfig = {
  "/": {
    "request.dispatch": new TillDispatcher(),
  },
  "/tills": {
    "tools.discount.on": true,
    "tools.discount.category": "student",
    "tools.discount.percent": 10,
  },
};

/** The crew for `bus` (the engine by default), keeping the store's products. */
export function crew(bus: cherrypy.Bus = cherrypy.engine, frequency = 60): StockPlugin {
  return new StockPlugin(bus, Object.keys(PRICES), frequency);
}

if (cherrypy.isMain(import.meta)) {
  const port = cherrypy.platform.getEnv("PORT");
  if (port !== undefined) cherrypy.config.update({ "server.socket_port": Number(port) });
  crew().subscribe();
  await cherrypy.quickstart(new Store(), "/", conf);
}
