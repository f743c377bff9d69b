/**
 * The `debug` option every built-in tool takes: when on, the tool tells the application's error
 * log what it decided, under its own context (`TOOLS.ALLOW`, `TOOLS.PROXY`, ...).
 *
 * @module
 */

import { currentServing } from "../core/serving.ts";

/** Writes `msg` to the current application's error log under `context` when `debug` is on. */
export function debugLog(debug: unknown, msg: string | (() => string), context: string): void {
  if (!debug) return;
  const log = currentServing().request.app?.log;
  log?.error(typeof msg === "function" ? msg() : msg, context);
}
