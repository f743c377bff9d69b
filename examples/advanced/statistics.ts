/**
 * Statistics: the `cpstats` tool records every request of the application, the site's own
 * namespace counts events, and `StatsPage` reports them all at `/cpstats/` (HTML) and
 * `/cpstats/data` (JSON, for monitoring).
 *
 *     deno run -A examples/advanced/statistics.ts
 *     curl http://127.0.0.1:8080/order?item=tea
 *     curl http://127.0.0.1:8080/cpstats/data
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

const { statistics, StatsPage } = cherrypy.lib.cpstats;

/** The shop's own namespace in the statistics registry. */
export const shopStats: Record<string, unknown> = (statistics["Shop"] ??= {});
Object.assign(shopStats, {
  Enabled: true,
  "Start Time": Date.now() / 1000,
  Orders: 0,
  "Orders/Hour": (s: Record<string, number>) =>
    s["Orders"]! / Math.max((Date.now() / 1000 - s["Start Time"]!) / 3600, 1 / 3600),
});

/** The application. */
export class Root {
  /** The report. */
  cpstats: InstanceType<typeof StatsPage> = new StatsPage();

  /** Takes an order (counted while the Shop namespace is enabled). */
  @cherrypy.expose
  order(item = "tea"): string {
    if (shopStats["Enabled"]) shopStats["Orders"] = (shopStats["Orders"] as number) + 1;
    return `One ${item}, coming up.`;
  }
}

/** The application's config: statistics for every page. */
export const config: cherrypy.AppConfig = { "/": { "tools.cpstats.on": true } };

if (cherrypy.isMain(import.meta)) await cherrypy.quickstart(new Root(), "", config);
