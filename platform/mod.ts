/**
 * The platform layer: the one place that touches the runtime (`Deno.*`, `node:*`).
 *
 * {@link platform} is the implementation for the runtime this program runs on, picked once at
 * load time. Everything above this layer (bus, plugins, server, framework) uses it and nothing
 * else to reach signals, files, sockets, HTTP serving, processes and async context.
 *
 * @example Which runtime is this?
 * ```ts
 * import { platform } from "../mod.ts";
 * console.log(`${platform.name} ${platform.version}, pid ${platform.pid()}`);
 * ```
 *
 * @module
 */

import { denoPlatform } from "./deno.ts";
import { nodePlatform } from "./node.ts";
import type { Platform } from "./types.ts";

export * from "./types.ts";

/** `true` when running on Deno (including `deno compile` binaries). */
export const isDeno: boolean = typeof (globalThis as { Deno?: { serve?: unknown } }).Deno?.serve ===
  "function";

/**
 * The platform implementation for the current runtime. Both implementations are imported
 * statically (neither touches its runtime until called), so the module graph has no top-level
 * `await` and CommonJS code can `require()` the package (Node 22.12+).
 */
export const platform: Platform = isDeno ? denoPlatform : nodePlatform;
