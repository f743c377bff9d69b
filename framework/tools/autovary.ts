/**
 * The `autovary` tool (CherryPy's `cptools.autovary`): the response's `Vary` header names the
 * request headers the request's code read.
 *
 * @module
 */

import { currentServing } from "../core/serving.ts";
import { CPHeaderMap } from "../core/header_elements.ts";
import { titleCaseHeader } from "../http/httputil.ts";
import { checkBoolean, refuse } from "./_check.ts";
import { debugLog, elementValues } from "./_content.ts";
import type { Tool } from "./tools.ts";

/** Records `name` as read (the set is undefined while the base constructor copies entries in). */
function note(map: MonitoredHeaderMap, name: string): void {
  map.accessed_headers?.add(titleCaseHeader(name));
}

/**
 * Request headers that record the names read (CherryPy's `MonitoredHeaderMap`): each name
 * looked up, tested, set or removed goes into `accessed_headers` (Title-Cased), whether the
 * request had it or not. Listing all headers does not count.
 *
 * @example Using `MonitoredHeaderMap`
 * ```ts
 * import { MonitoredHeaderMap } from "./autovary.ts";
 * const h = new MonitoredHeaderMap([["Accept-Language", "fr"]]);
 * h.get("accept-language");
 * h.has("X-Missing");
 * [...h.accessed_headers]; // ["Accept-Language", "X-Missing"]
 * ```
 */
export class MonitoredHeaderMap extends CPHeaderMap {
  /** The names read so far (set once construction copied the headers in). */
  declare accessed_headers: Set<string>;

  /** Creates the map from `entries`; copying them in is not an access. */
  constructor(entries?: Iterable<readonly [string, string]>) {
    super(entries);
    this.accessed_headers = new Set();
  }

  /** The value of `name` (recorded), or `null`. */
  override get(name: string): string | null {
    note(this, name);
    return super.get(name);
  }

  /** `true` when `name` (recorded) is set. */
  override has(name: string): boolean {
    note(this, name);
    return super.has(name);
  }

  /** Sets `name` (recorded). */
  override set(name: string, value: string): this {
    note(this, name);
    return super.set(name, value);
  }

  /** Removes `name` (recorded). */
  override delete(name: string): boolean {
    note(this, name);
    return super.delete(name);
  }
}

/**
 * The `autovary` tool's options (`tools.autovary.*`).
 *
 * @example Never vary on Cookie
 * ```ts
 * import type { AutovaryOptions } from "./autovary.ts";
 * const options: AutovaryOptions = { ignore: ["Content-Type", "Cookie"] };
 * ```
 */
export interface AutovaryOptions {
  /**
   * Header names never put in `Vary` (default: `Content-Disposition`, `Content-Length`,
   * `Content-Type`).
   */
  ignore?: Iterable<string> | null;
  /** Log the headers read (context `TOOLS.AUTOVARY`). */
  debug?: boolean;
}

const DEFAULT_IGNORE: readonly string[] = ["Content-Disposition", "Content-Length", "Content-Type"];

/**
 * Checks the `autovary` tool's options that are present; the error names the option.
 *
 * @example Using `checkAutovaryOptions`
 * ```ts
 * import { checkAutovaryOptions } from "./autovary.ts";
 * checkAutovaryOptions({ ignore: ["Content-Type"] }); // fine
 * ```
 */
export function checkAutovaryOptions(options: Record<string, unknown>): void {
  const ignore = options["ignore"];
  const names = ignore instanceof Set ? [...ignore] : ignore;
  if (
    "ignore" in options && ignore !== null &&
    !(Array.isArray(names) && names.every((n) => typeof n === "string"))
  ) refuse("autovary", "ignore", "a list of header names", ignore);
  checkBoolean("autovary", options, "debug");
}

/**
 * The `autovary` tool's callable (`on_start_resource`, priority 0): puts a
 * {@link MonitoredHeaderMap} in place of `request.headers`, and attaches a `before_finalize`
 * hook that sets `Vary` to the sorted union of the names already in it and the names read,
 * minus `ignore`. As in CherryPy's code, that hook runs at priority 50 and is failsafe (the
 * 95 CherryPy passes lands in the `failsafe` argument), so tools later at `before_finalize`
 * (gzip, at 80) add their own names after it.
 *
 * @example Vary on the language the handler looked at
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * class Root {
 *   @cherrypy.expose
 *   @cherrypy.tools.autovary()
 *   index() {
 *     return cherrypy.request.headers.get("Accept-Language") === "fr" ? "Bonjour" : "Hello";
 *   }
 * }
 * ```
 */
export function autovary(this: Tool | void, options: AutovaryOptions = {}): void {
  const { request, response } = currentServing();
  checkAutovaryOptions(options as Record<string, unknown>);
  const monitored = new MonitoredHeaderMap(request.headers);
  request.headers = monitored;
  const ignore = new Set(options.ignore ?? DEFAULT_IGNORE);
  request.hooks.attach("before_finalize", () => {
    if (options.debug) {
      debugLog(request, "TOOLS.AUTOVARY", `Accessed headers: ${[...monitored.accessed_headers]}`);
    }
    const names = new Set(elementValues(response.headers.get("Vary")));
    for (const name of monitored.accessed_headers) names.add(name);
    const vary = [...names].filter((n) => !ignore.has(n)).sort();
    response.headers.set("Vary", vary.join(", "));
  }, { priority: 50, failsafe: true });
}
