/**
 * `StatsPage`: the statistics report (CherryPy's `cpstats.StatsPage`), to mount anywhere in a
 * tree: `index` renders every namespace of {@link statistics} as HTML tables, `data` gives
 * them as JSON (for monitoring), and `pause`/`resume` (POST) switch a namespace's `Enabled`.
 *
 * @module
 */

import { escapeHtml } from "../http/httputil.ts";
import { isPlainObject, pyRepr, pyStr } from "../http/_pyrepr.ts";
import { HTTPRedirect } from "../core/redirect.ts";
import { currentServing } from "../core/serving.ts";
import { expose } from "../dispatch/expose.ts";
import { extrapolateStatistics, statistics, type StatsScope } from "./cpstats.ts";
import { pyFloatRepr } from "./_xmlrpc_codec.ts";

/**
 * How one value is shown: `null` hides the column, a `%`-format (`"%.3f"`, `"%s"`) is applied
 * to it, a function returns the HTML to show (escape what you put in it).
 */
export type StatFormat = string | null | ((value: unknown) => string);

/** Formats by namespace, then by key (and by column within a collection). */
export type StatsFormatting = Record<
  string,
  Record<string, StatFormat | Record<string, StatFormat>>
>;

const pad = (n: number) => String(n).padStart(2, "0");
const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * Seconds since the epoch as `2026-12-04 20:02:00` (UTC).
 *
 * @example Using `isoFormat`
 * ```ts
 * import { isoFormat } from "./stats_page.ts";
 * isoFormat(0); // "1970-01-01 00:00:00"
 * ```
 */
export function isoFormat(v: unknown): string {
  const d = new Date(Number(v) * 1000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/**
 * Seconds since the epoch as `Fri Dec  4 20:02:00 2026` (UTC, as C's `%c`).
 *
 * @example Using `localeDate`
 * ```ts
 * import { localeDate } from "./stats_page.ts";
 * localeDate(0); // "Thu Jan  1 00:00:00 1970"
 * ```
 */
export function localeDate(v: unknown): string {
  const d = new Date(Number(v) * 1000);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${
    String(d.getUTCDate()).padStart(2)
  } ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${
      pad(d.getUTCSeconds())
    } ${d.getUTCFullYear()}`;
}

/**
 * Python's `fmt % value` for one value: `%s`, `%r`, `%d`, `%i`, `%f` and `%.Nf`, `%e`, `%%`.
 * A value a number format cannot take is written as `%s` would write it.
 *
 * @example Using `pyFormat`
 * ```ts
 * import { pyFormat } from "./stats_page.ts";
 * pyFormat("%.3f", 2); // "2.000"
 * ```
 */
export function pyFormat(fmt: string, value: unknown): string {
  return fmt.replace(/%(?:\.(\d+))?([sdirfe%])/g, (_m, prec: string | undefined, conv: string) => {
    if (conv === "%") return "%";
    if (conv === "s") {
      return typeof value === "number" && !Number.isInteger(value)
        ? pyFloatRepr(value)
        : pyStr(value);
    }
    if (conv === "r") return pyRepr(value);
    if (typeof value !== "number" && typeof value !== "boolean") return pyStr(value);
    const n = Number(value);
    if (conv === "d" || conv === "i") return String(Math.trunc(n));
    if (!Number.isFinite(n)) return Number.isNaN(n) ? "nan" : n > 0 ? "inf" : "-inf";
    const digits = prec === undefined ? 6 : Number(prec);
    return conv === "f"
      ? n.toFixed(digits)
      : n.toExponential(digits).replace(/e([+-])(\d)$/, "e$10$2");
  });
}

/**
 * The Pause/Resume buttons of a namespace (its `Enabled` entry), as a formatting function.
 *
 * @example Buttons for your own namespace
 * ```ts
 * import { pauseResume, StatsPage } from "./stats_page.ts";
 * StatsPage.formatting["My Stuff"] = { Enabled: pauseResume("My Stuff") };
 * ```
 */
export function pauseResume(ns: string): (enabled: unknown) => string {
  const name = escapeHtml(ns).replaceAll('"', "&quot;");
  return (enabled) => {
    const pauseDisabled = enabled ? "" : 'disabled="disabled" ';
    const resumeDisabled = enabled ? 'disabled="disabled" ' : "";
    return `
            <form action="pause" method="POST" style="display:inline">
            <input type="hidden" name="namespace" value="${name}" />
            <input type="submit" value="Pause" ${pauseDisabled}/>
            </form>
            <form action="resume" method="POST" style="display:inline">
            <input type="hidden" name="namespace" value="${name}" />
            <input type="submit" value="Resume" ${resumeDisabled}/>
            </form>
            `;
  };
}

const MISSING = Symbol("missing");

/** A value as the report shows it: formatted, and escaped unless a function formatted it. */
function show(
  value: unknown,
  format: StatFormat | typeof MISSING | Record<string, StatFormat>,
): string {
  if (typeof format === "function") return format(value);
  if (typeof format === "string") return escapeHtml(pyFormat(format, value));
  return escapeHtml(
    typeof value === "number" && !Number.isInteger(value) ? pyFloatRepr(value) : pyStr(value),
  );
}

function formatOf(formatting: Record<string, unknown>, key: string): StatFormat | typeof MISSING {
  return Object.hasOwn(formatting, key) ? formatting[key] as StatFormat : MISSING;
}

const sortedKeys = (o: object) => Object.keys(o).sort();

/** One namespace, ready to render. */
export interface RenderedNamespace {
  /** The namespace's name. */
  title: string;
  /** `[key, shown value]` pairs of its scalars. */
  scalars: Array<[string, string]>;
  /** Its collections: `[name, column headers, rows of shown values]`. */
  collections: Array<[string, string[], string[][]]>;
}

const STYLE = `
th, td {
    padding: 0.25em 0.5em;
    border: 1px solid #666699;
}

table {
    border-collapse: collapse;
}

table.stats1 {
    width: 100%;
}

table.stats1 th {
    font-weight: bold;
    text-align: right;
    background-color: #CCD5DD;
}

table.stats2, h2 {
    margin-left: 50px;
}

table.stats2 th {
    font-weight: bold;
    text-align: center;
    background-color: #CCD5DD;
}
`;

/**
 * The statistics report. Mount it where the report should be (`root.cpstats = new
 * StatsPage()`); `formatting` (shared by all pages unless replaced) says how values show.
 *
 * @example Serving the report
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * class Root {
 *   @cherrypy.expose
 *   index() {
 *     return "see /cpstats/";
 *   }
 *   cpstats = new cherrypy.lib.cpstats.StatsPage();
 * }
 * const conf = { "/": { "tools.cpstats.on": true } };
 * ```
 */
export class StatsPage {
  /** The default formats (CherryPy's `StatsPage.formatting`). */
  static formatting: StatsFormatting = {
    "CherryPy Applications": {
      Enabled: pauseResume("CherryPy Applications"),
      "Bytes Read/Request": "%.3f",
      "Bytes Read/Second": "%.3f",
      "Bytes Written/Request": "%.3f",
      "Bytes Written/Second": "%.3f",
      "Current Time": isoFormat,
      "Requests/Second": "%.3f",
      "Start Time": isoFormat,
      "Total Time": "%.3f",
      Uptime: "%.3f",
      "Slow Queries": { "End Time": null, "Processing Time": "%.3f", "Start Time": isoFormat },
      "URI Set Tracking": { Avg: "%.3f", Max: "%.3f", Min: "%.3f", Sum: "%.3f" },
      Requests: {
        "Bytes Read": "%s",
        "Bytes Written": "%s",
        "End Time": null,
        "Processing Time": "%.3f",
        "Start Time": null,
      },
    },
    "CherryPy HTTPServer": { "Run time": "%.3f", "Work Time": "%.3f" },
    "CherryPy WSGIServer": {
      Enabled: pauseResume("CherryPy WSGIServer"),
      "Connections/second": "%.3f",
      "Start time": isoFormat,
    },
  };

  /** How values show on this page. */
  formatting: StatsFormatting = StatsPage.formatting;

  /** The HTML report. */
  *index(): Generator<string> {
    yield `
<html>
<head>
    <title>Statistics</title>
<style>
${STYLE}
</style>
</head>
<body>
`;
    for (const { title, scalars, collections } of this.getNamespaces()) {
      const t = escapeHtml(title);
      yield `
<h1>${t}</h1>

<table class='stats1'>
    <tbody>
`;
      for (let i = 0; i < scalars.length; i++) {
        const [key, value] = scalars[i]!;
        if (i % 3 === 0) {
          yield `
        <tr>`;
        }
        yield `
            <th>${escapeHtml(key)}</th><td id='${t}-${escapeHtml(key)}'>${value}</td>`;
        if (i % 3 === 2) {
          yield `
        </tr>`;
        }
      }
      const last = (scalars.length - 1) % 3;
      if (scalars.length > 0 && last === 0) {
        yield `
            <th></th><td></td>
            <th></th><td></td>
        </tr>`;
      } else if (scalars.length > 0 && last === 1) {
        yield `
            <th></th><td></td>
        </tr>`;
      }
      yield `
    </tbody>
</table>`;
      for (const [subtitle, headers, rows] of collections) {
        yield `
<h2>${escapeHtml(subtitle)}</h2>
<table class='stats2'>
    <thead>
        <tr>`;
        for (const h of headers) {
          yield `
            <th>${escapeHtml(h)}</th>`;
        }
        yield `
        </tr>
    </thead>
    <tbody>`;
        for (const row of rows) {
          yield `
        <tr>`;
          for (const cell of row) {
            yield `
            <td>${cell}</td>`;
          }
          yield `
        </tr>`;
        }
        yield `
    </tbody>
</table>`;
      }
    }
    yield `
</body>
</html>
`;
  }

  /** Every namespace of {@link statistics}, extrapolated and formatted, sorted by title. */
  getNamespaces(): RenderedNamespace[] {
    const s = extrapolateStatistics(statistics);
    const out: RenderedNamespace[] = [];
    for (const title of sortedKeys(s)) {
      const ns = s[title];
      if (!isPlainObject(ns)) continue;
      const nsFmt = (this.formatting[title] ?? {}) as Record<string, unknown>;
      const scalars: Array<[string, string]> = [];
      const collections: Array<[string, string[], string[][]]> = [];
      for (const k of sortedKeys(ns)) {
        const v = ns[k];
        const fmt = formatOf(nsFmt, k);
        const colFmt = (isPlainObject(fmt) ? fmt : {}) as Record<string, unknown>;
        if (isPlainObject(v)) {
          const [headers, rows] = this.getDictCollection(v, colFmt);
          collections.push([k, ["ID", ...headers], rows]);
        } else if (Array.isArray(v)) {
          const [headers, rows] = this.getListCollection(v, colFmt);
          collections.push([k, headers, rows]);
        } else {
          if (fmt === null) continue;
          scalars.push([k, show(v, fmt)]);
        }
      }
      out.push({ title, scalars, collections });
    }
    return out;
  }

  /** The columns and rows of a collection of records by ID (such as `Requests`). */
  getDictCollection(v: StatsScope, formatting: Record<string, unknown>): [string[], string[][]] {
    const records = sortedKeys(v).map((id) => [id, v[id]] as const);
    const headers = columns(records.map(([, r]) => r), formatting);
    const rows = records.map((
      [id, record],
    ) => [escapeHtml(id), ...cells(record, headers, formatting)]);
    return [headers, rows];
  }

  /** The columns and rows of a list of records (such as `Slow Queries`). */
  getListCollection(
    v: readonly unknown[],
    formatting: Record<string, unknown>,
  ): [string[], string[][]] {
    const headers = columns(v, formatting);
    return [headers, v.map((record) => cells(record, headers, formatting))];
  }

  /** The statistics as JSON (keys sorted, indented by 4). */
  data(): string {
    const { response } = currentServing();
    response.headers.set("Content-Type", "application/json");
    return JSON.stringify(sortDeep(extrapolateStatistics(statistics)), null, 4);
  }

  /** Stops collecting `namespace` (POST). */
  pause(namespace: string): never {
    setEnabled(namespace, false);
    throw new HTTPRedirect("./");
  }

  /** Starts collecting `namespace` again (POST). */
  resume(namespace: string): never {
    setEnabled(namespace, true);
    throw new HTTPRedirect("./");
  }
}

function setEnabled(namespace: string, enabled: boolean): void {
  const ns = Object.hasOwn(statistics, namespace) ? statistics[namespace] : undefined;
  if (isPlainObject(ns)) ns["Enabled"] = enabled;
}

function columns(records: readonly unknown[], formatting: Record<string, unknown>): string[] {
  const headers = new Set<string>();
  for (const record of records) {
    if (!isPlainObject(record)) continue;
    for (const k of Object.keys(record)) if (formatOf(formatting, k) !== null) headers.add(k);
  }
  return [...headers].sort();
}

function cells(record: unknown, headers: string[], formatting: Record<string, unknown>): string[] {
  const r = isPlainObject(record) ? record : {};
  return headers.map((k) => show(Object.hasOwn(r, k) ? r[k] : "", formatOf(formatting, k)));
}

function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const k of sortedKeys(value)) {
    Object.defineProperty(out, k, {
      value: sortDeep(value[k]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

for (const name of ["index", "data", "pause", "resume"] as const) expose(StatsPage.prototype[name]);
const postOnly = { "tools.allow.on": true, "tools.allow.methods": ["POST"] };
(StatsPage.prototype.pause as { _cp_config?: unknown })._cp_config = postOnly;
(StatsPage.prototype.resume as { _cp_config?: unknown })._cp_config = postOnly;
