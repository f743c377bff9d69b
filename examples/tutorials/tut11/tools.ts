/**
 * Tutorial 11's tool (docs §3.11.2): the discount spree. A tool is a function that runs for
 * each request at a point of its processing, switched on by config where it applies; this
 * one, at `before_handler`, gives a category of customers a discount the tills then apply.
 *
 * @module
 */
import * as cherrypy from "../../../mod.ts";

/**
 * `tools.discount`: when the customer's `category` cookie is the configured `category`, sets
 * `cherrypy.request.discount` to `percent`. Config: `tools.discount.on`,
 * `tools.discount.category` (default `"student"`), `tools.discount.percent` (default 10).
 */
export const discount: cherrypy.Tool = cherrypy.tools.register("before_handler")(
  function discount(options: Record<string, unknown>) {
    const category = String(options["category"] ?? "student");
    const percent = Number(options["percent"] ?? 10);
    const customer = cherrypy.request.cookie.get("category")?.value;
    if (customer === category) cherrypy.request.discount = percent;
  },
);
