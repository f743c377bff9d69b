/**
 * The `log_hooks` tool: writes the request's hooks, point by point in pipeline order, to the
 * error log once the request is over (to see which tools ran where, and in which order).
 *
 * @module
 */

import { type Hook, hookpoints } from "../core/hooks.ts";
import { pyRepr } from "../http/_pyrepr.ts";
import { currentServing } from "../core/serving.ts";
import { url } from "../core/url.ts";

/** The `log_hooks` tool's options (`tools.log_hooks.*`). */
export interface LogHooksOptions {
  /** Accepted as every tool's; the hooks are logged either way. */
  debug?: boolean;
}

/**
 * One hook as the log shows it: `Hook(callback=<function f>, failsafe=False, priority=50, )`.
 *
 * @example Using `describeHook`
 * ```ts
 * import { Hook } from "../core/hooks.ts";
 * import { describeHook } from "./log_hooks.ts";
 * describeHook(new Hook(function f() {}, { priority: 5, level: 2 }));
 * // "Hook(callback=<function f>, failsafe=False, priority=5, level=2)"
 * ```
 */
export function describeHook(hook: Hook): string {
  const options = Object.entries(hook.options).map(([k, v]) => `${k}=${pyRepr(v)}`).join(", ");
  return `Hook(callback=${pyRepr(hook.callback)}, failsafe=${pyRepr(hook.failsafe)}, ` +
    `priority=${hook.priority}, ${options})`;
}

/**
 * The `log_hooks` tool's callable (`on_end_request`, priority 100): logs
 * `Request Hooks for <url>:` then, for each hook point (the standard ones in pipeline order,
 * then any other), the hooks attached there in the order they ran.
 *
 * @example See the hooks of one page
 * ```ts
 * const conf = { "/slow/page": { "tools.log_hooks.on": true } };
 * ```
 */
export function logHooks(_options: LogHooksOptions = {}): void {
  const { request } = currentServing();
  const hooks = request.hooks;
  const points: string[] = [...hookpoints];
  for (const point of hooks.points()) if (!points.includes(point)) points.push(point);
  const lines: string[] = [];
  for (const point of points) {
    lines.push(`    ${point}:`);
    for (const hook of hooks.get(point)) lines.push(`        ${describeHook(hook)}`);
  }
  request.app?.log.error(`\nRequest Hooks for ${url()}:\n${lines.join("\n")}`, "HTTP");
}
