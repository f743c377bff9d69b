/**
 * `cherrypy.lib.cpstats`: program statistics (CherryPy's `lib/cpstats.py`): the registry
 * every part of a program may add namespaces to (`statistics`, Python's
 * `logging.statistics`), the `cpstats` tool that fills the `"CherryPy Applications"`
 * namespace (`appstats`), and `StatsPage`, the report (HTML and JSON). The site's HTTP server
 * reports under `"CherryPy HTTPServer"` (its counters, when `server.statistics` is on), as
 * cheroot's does under its own name.
 *
 * @example Statistics for an application, with the report at /cpstats/
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * class Root {
 *   @cherrypy.expose
 *   index() {
 *     return "Hello";
 *   }
 *   cpstats = new cherrypy.lib.cpstats.StatsPage();
 * }
 * const app = cherrypy.tree.mount(new Root(), "", { "/": { "tools.cpstats.on": true } });
 * ```
 *
 * @module
 */

export {
  appstats,
  averageUrisetTime,
  extrapolateStatistics,
  procTime,
  statistics,
  type StatsOptions,
  type StatsScope,
  StatsTool,
} from "../tools/cpstats.ts";
export {
  isoFormat,
  localeDate,
  pauseResume,
  pyFormat,
  type RenderedNamespace,
  type StatFormat,
  type StatsFormatting,
  StatsPage,
} from "../tools/stats_page.ts";

import { server } from "../site/site.ts";
import { statistics as registry, type StatsScope } from "../tools/cpstats.ts";

// A namespace given as a function is worked out when a report is made.
registry["CherryPy HTTPServer"] ??= (): StatsScope => {
  const stats = (server.httpserver as { stats?: StatsScope } | undefined)?.stats;
  return stats === undefined ? { Enabled: false } : { ...stats };
};
