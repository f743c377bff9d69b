/**
 * Tutorial 11's dispatcher (docs §3.11.1): the store's doorman. A dispatcher runs first, and
 * decides which code handles the request; here, which till a customer queues at.
 *
 * @module
 */
import * as cherrypy from "../../../mod.ts";

/** Below this many items, a basket goes to the express till. */
export const EXPRESS_LIMIT = 10;

/**
 * Sends `/checkout` to a till: `/tills/card/checkout` for holders of the store card (the
 * `store_card` cookie), `/tills/express/checkout` for baskets of fewer than ten items, and
 * `/tills/regular/checkout` for the rest. Every other path is dispatched as usual.
 */
export class TillDispatcher extends cherrypy.Dispatcher {
  /** Rewrites `/checkout` to its till, then walks the tree as the default dispatcher does. */
  override dispatch(pathInfo: string, request: cherrypy.DispatchTarget): void {
    if (pathInfo === "/checkout") pathInfo = `/tills/${tillFor(request)}/checkout`;
    super.dispatch(pathInfo, request);
  }
}

/**
 * The till for the request's customer. The dispatcher runs before the query string becomes
 * the handler's parameters (as in CherryPy), so it reads `items` from the query string itself.
 */
export function tillFor(request: cherrypy.DispatchTarget): "card" | "express" | "regular" {
  const cookies = request.header("Cookie") ?? "";
  if (/(?:^|;\s*)store_card=/.test(cookies)) return "card";
  const items = Number(new URLSearchParams(cherrypy.request.query_string).get("items") ?? 1);
  return items < EXPRESS_LIMIT ? "express" : "regular";
}
