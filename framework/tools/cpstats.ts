/**
 * CPStats: a registry of program statistics (`statistics`, CherryPy's `logging.statistics`),
 * the `cpstats` tool that records each request's in the `"CherryPy Applications"` namespace,
 * and the extrapolation the reports use. The report page is {@link StatsPage}
 * (`stats_page.ts`).
 *
 * The registry is a plain object of namespaces (`"CherryPy Applications"`, `"My Stuff"`); a
 * namespace maps names to values: scalars, collections (an object of records, or a list of
 * records, each record an object), or functions of the namespace (or record) they sit in,
 * called when a report is made (`"Requests/Second": (s) => s["Total Requests"] / ...`). A
 * namespace should have an `Enabled` entry: `false` pauses collection, not reporting.
 *
 * @module
 */

import { isPlainObject } from "../http/_pyrepr.ts";
import type { Request } from "../core/request.ts";
import { currentServing } from "../core/serving.ts";
import { VERSION } from "../core/version.ts";
import { Tool, type ToolOptions } from "./tools.ts";

/** A namespace (or record) of statistics: values, collections, or functions of the scope. */
export type StatsScope = Record<string, unknown>;

/**
 * The statistics of the whole program, by namespace (CherryPy's `logging.statistics`).
 * Libraries and applications add their own namespaces to it.
 *
 * @example Counting your own events
 * ```ts
 * import { statistics } from "./cpstats.ts";
 * const mystats = (statistics["My Stuff"] ??= {});
 * Object.assign(mystats, {
 *   Enabled: true,
 *   "Start Time": Date.now() / 1000,
 *   "Important Events": 0,
 *   "Events/Second": (s: Record<string, number>) =>
 *     s["Important Events"]! / (Date.now() / 1000 - s["Start Time"]!),
 * });
 * if (mystats.Enabled) (mystats["Important Events"] as number)++;
 * ```
 */
// deno-lint-ignore no-explicit-any
export const statistics: Record<string, any> = {};

/**
 * A copy of `scope` with every function replaced by its result (called with the scope it sits
 * in), through nested objects and lists of records: what reports show.
 *
 * @example Using `extrapolateStatistics`
 * ```ts
 * import { extrapolateStatistics } from "./cpstats.ts";
 * extrapolateStatistics({ a: 2, twice: (s: { a: number }) => s.a * 2 }); // { a: 2, twice: 4 }
 * ```
 */
export function extrapolateStatistics(scope: StatsScope): StatsScope {
  const copy: StatsScope = {};
  for (const [k, v] of Object.entries({ ...scope })) {
    let out: unknown = v;
    if (isPlainObject(v)) out = extrapolateStatistics(v);
    else if (Array.isArray(v)) {
      out = v.map((record) => isPlainObject(record) ? extrapolateStatistics(record) : record);
    } else if (typeof v === "function") out = v(scope);
    Object.defineProperty(copy, k, {
      value: out,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}

const now = () => Date.now() / 1000;
type Stats = Record<string, number>;

/**
 * The `"CherryPy Applications"` namespace: what the `cpstats` tool records.
 *
 * @example Reading a counter
 * ```ts
 * import { appstats } from "./cpstats.ts";
 * console.log(`${appstats["Total Requests"]} requests so far`);
 * ```
 */
// deno-lint-ignore no-explicit-any
export const appstats: Record<string, any> = (statistics["CherryPy Applications"] ??= {});
Object.assign(appstats, {
  Enabled: true,
  "Bytes Read/Request": (s: Stats) =>
    s["Total Requests"] ? s["Total Bytes Read"]! / s["Total Requests"]! : 0.0,
  "Bytes Read/Second": (s: Stats & { Uptime(s: Stats): number }) =>
    s["Total Bytes Read"]! / s.Uptime(s),
  "Bytes Written/Request": (s: Stats) =>
    s["Total Requests"] ? s["Total Bytes Written"]! / s["Total Requests"]! : 0.0,
  "Bytes Written/Second": (s: Stats & { Uptime(s: Stats): number }) =>
    s["Total Bytes Written"]! / s.Uptime(s),
  "Current Time": () => now(),
  "Current Requests": 0,
  "Requests/Second": (s: Stats & { Uptime(s: Stats): number }) =>
    s["Total Requests"]! / s.Uptime(s),
  "Server Version": VERSION,
  "Start Time": now(),
  "Total Bytes Read": 0,
  "Total Bytes Written": 0,
  "Total Requests": 0,
  "Total Time": 0,
  Uptime: (s: Stats) => now() - s["Start Time"]!,
  Requests: {},
});

/**
 * The time a request in progress has taken so far (a record's `Processing Time`).
 *
 * @example Using `procTime`
 * ```ts
 * import { procTime } from "./cpstats.ts";
 * procTime({ "Start Time": Date.now() / 1000 - 2 }); // about 2
 * ```
 */
export function procTime(s: Record<string, number>): number {
  return now() - s["Start Time"]!;
}

/**
 * The mean time of a URI set (`Avg`).
 *
 * @example Using `averageUrisetTime`
 * ```ts
 * import { averageUrisetTime } from "./cpstats.ts";
 * averageUrisetTime({ Count: 4, Sum: 2 }); // 0.5
 * ```
 */
export function averageUrisetTime(s: Record<string, number>): number {
  return s["Count"] ? s["Sum"]! / s["Count"]! : 0;
}

/** The `cpstats` tool's options (`tools.cpstats.*`). */
export interface StatsOptions {
  /** Also track this request under `URI Set Tracking` with this name (min, max, mean times). */
  uriset?: string | null;
  /** Requests slower than this many seconds go to `Slow Queries` (1.0; 0 to turn off). */
  slow_queries?: number;
  /** How many slow queries are kept (100). */
  slow_queries_count?: number;
  /** Log each record (context `TOOLS.CPSTATS`). */
  debug?: boolean;
}

/** The hook: the tool's {@link StatsTool.recordStop}. */
function recordStop(this: Tool, options: StatsOptions): void {
  (this as StatsTool).recordStop(options);
}
// Whatever failed before it at the end of the request, the count must come down.
recordStop.failsafe = true;

/**
 * The `cpstats` tool (`on_end_request`, priority 50): records each request it is on for in
 * `appstats` — counts, bytes read and written, times — and its last request per worker slot
 * under `Requests` (a slot is like CherryPy's worker thread: requests served at the same time
 * hold different slots, and a slot is reused once its request is over). Collects only while
 * `appstats.Enabled` is true.
 *
 * @example Collect statistics for an application, and serve the report
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * class Root {
 *   cpstats = new cherrypy.lib.cpstats.StatsPage();
 * }
 * const conf = { "/": { "tools.cpstats.on": true } };
 * ```
 */
export class StatsTool extends Tool {
  readonly #slots = new WeakMap<Request, number>();
  readonly #busy = new Set<number>();

  /** Creates the tool (`options.check` checks its options, see {@link Tool.checkOptions}). */
  constructor(options: Pick<ToolOptions, "check"> = {}) {
    super("on_end_request", recordStop, { ...options, priority: 50 });
  }

  /** Records the start of the request, and hooks the end, while collection is enabled. */
  override _setup(): void {
    if (!appstats["Enabled"]) return;
    super._setup();
    this.recordStart();
  }

  /** Counts the request in and opens its record. */
  recordStart(): void {
    const { request } = currentServing();
    let slot = 0;
    while (this.#busy.has(slot)) slot++;
    this.#busy.add(slot);
    this.#slots.set(request, slot);
    appstats["Current Requests"] += 1;
    appstats["Total Requests"] += 1;
    appstats["Requests"][slot] = {
      "Bytes Read": null,
      "Bytes Written": null,
      // A function, so that the address tools.proxy sets later is the one shown.
      Client: () => `${request.remote.ip}:${request.remote.port}`,
      "End Time": null,
      "Processing Time": procTime,
      "Request-Line": request.request_line,
      "Response Status": null,
      "Start Time": now(),
    };
  }

  /** Closes the request's record and adds it to the totals. */
  recordStop(options: StatsOptions = {}): void {
    const { request, response } = currentServing();
    const slot = this.#slots.get(request);
    if (slot === undefined) return;
    this.#slots.delete(request);
    this.#busy.delete(slot);
    const w = appstats["Requests"][slot];
    if (w === undefined) return;

    const body = request.body as { fp?: { bytesRead?: number } } | undefined;
    const read = body?.fp?.bytesRead ?? 0;
    w["Bytes Read"] = read;
    appstats["Total Bytes Read"] += read;

    if (response.stream) w["Bytes Written"] = "chunked";
    else {
      const cl = Number(response.headers.get("Content-Length") ?? 0) || 0;
      w["Bytes Written"] = cl;
      appstats["Total Bytes Written"] += cl;
    }
    w["Response Status"] = response.output_status;
    w["End Time"] = now();
    const p = w["End Time"] - w["Start Time"];
    w["Processing Time"] = p;
    appstats["Total Time"] += p;
    appstats["Current Requests"] -= 1;
    if (options.debug) {
      request.app?.log.error(`Stats recorded: ${JSON.stringify(w)}`, "TOOLS.CPSTATS");
    }

    const uriset = options.uriset;
    if (uriset) {
      const rs = (appstats["URI Set Tracking"] ??= {});
      const r = (rs[uriset] ??= { Min: null, Max: null, Count: 0, Sum: 0, Avg: averageUrisetTime });
      if (r.Min === null || p < r.Min) r.Min = p;
      if (r.Max === null || p > r.Max) r.Max = p;
      r.Count += 1;
      r.Sum += p;
    }
    const slow = options.slow_queries ?? 1.0;
    if (slow && p > slow) {
      const sq: unknown[] = (appstats["Slow Queries"] ??= []);
      sq.push({ ...w });
      if (sq.length > (options.slow_queries_count ?? 100)) sq.shift();
    }
  }
}
