/**
 * The `trailing_slash` tool: redirects `/dir` to `/dir/` for index handlers (and, when asked,
 * removes the slash of other handlers); on by default.
 *
 * @module
 */

import { HTTPRedirect } from "../core/redirect.ts";
import { currentServing } from "../core/serving.ts";
import { url } from "../core/url.ts";
import type { Tool } from "./tools.ts";

/** The `trailing_slash` tool's options (`tools.trailing_slash.*`). */
export interface TrailingSlashOptions {
  /** Redirect `/a` to `/a/` when `/a` is an index (`true`, the default). */
  missing?: boolean;
  /** Redirect `/a/` to `/a` when `/a/` is not an index (`false`, the default). */
  extra?: boolean;
  /** The redirect's status (301 unless given). */
  status?: number | null;
}

/** The `trailing_slash` tool's callable (`before_handler`, priority 60). */
export function trailingSlash(this: Tool, options: TrailingSlashOptions): void {
  const { request } = currentServing();
  const pi = request.path_info;
  if (request.is_index === true) {
    if (options.missing !== false && !pi.endsWith("/")) {
      throw new HTTPRedirect(url(pi + "/", request.query_string), options.status ?? 301);
    }
  } else if (request.is_index === false) {
    if (options.extra === true && pi.endsWith("/") && pi !== "/") {
      throw new HTTPRedirect(url(pi.slice(0, -1), request.query_string), options.status ?? 301);
    }
  }
}
