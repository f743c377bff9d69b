/**
 * The default favicon: a root mounted at `""` without a `favicon_ico` of its own gets one, the
 * staticfile tool's handler for the framework's icon (`favicon.ico` beside this module), as
 * CherryPy gives its own red cherries.
 *
 * @module
 */

import { tools } from "../tools/builtin_tools.ts";

/** The framework's icon, when the framework is loaded from files (else `null`). */
export const DEFAULT_FAVICON: string | null = (() => {
  const url = new URL("./favicon.ico", import.meta.url);
  return url.protocol === "file:" ? decodeURIComponent(url.pathname) : null;
})();

/**
 * Gives `root` a `favicon_ico` page serving the default icon, unless it has one (or cannot take
 * one: not an object, frozen). Config for `/favicon.ico` (`tools.staticfile.filename`) overrides
 * the icon.
 *
 * @example Using `addDefaultFavicon`
 * ```ts
 * import { addDefaultFavicon } from "./_favicon.ts";
 * const root: Record<string, unknown> = {};
 * addDefaultFavicon(root);
 * typeof root["favicon_ico"]; // "function"
 * ```
 */
export function addDefaultFavicon(root: unknown): void {
  if (DEFAULT_FAVICON === null || root === null || typeof root !== "object") return;
  if ("favicon_ico" in root || !Object.isExtensible(root)) return;
  (root as Record<string, unknown>)["favicon_ico"] = tools.staticfile.handler({
    filename: DEFAULT_FAVICON,
  });
}
