/**
 * Binding request parameters to a handler's arguments, with CherryPy's mismatch rules:
 * a mismatch caused by the URL (path segments, query string) is a 404, one caused by the
 * request body is a 400; with `request.show_mismatched_params` the message names the
 * parameters.
 *
 * @module
 */

import { HTTPError } from "../core/errors.ts";
import type { Params } from "../http/httputil.ts";
import type { Signature } from "./signature.ts";

/** Where the keyword parameters came from, for choosing between 404 and 400. */
export interface BindContext {
  /** Names that came from the request body (the others came from the query string). */
  readonly bodyParams: ReadonlySet<string>;
  /** Whether error messages name the offending parameters. */
  readonly showMismatchedParams: boolean;
}

/**
 * For a signature of positional parameters only: how many leading ones a call needs (the
 * later ones all have defaults); `-1` for any other signature.
 */
function countRequired(sig: Signature): number {
  let required = 0;
  for (let i = 0; i < sig.slots.length; i++) {
    const slot = sig.slots[i]!;
    if (slot.kind !== "positional") return -1;
    if (!slot.param.optional) required = i + 1;
  }
  return required;
}

const requiredPositionals = new WeakMap<Signature, number>();

function isEmpty(params: Params): boolean {
  for (const _ in params) return false;
  return true;
}

/**
 * The argument list for a handler with signature `sig`, given the virtual path segments
 * `vpath` (positional) and the keyword `params`. Throws an {@link HTTPError} (404 or 400)
 * when they do not fit.
 *
 * @example Using `bindArguments`
 * ```ts
 * import { bindArguments } from "./mod.ts";
 * import { parseSignature } from "./mod.ts";
 * const sig = parseSignature("generate(length = 8) {}");
 * bindArguments(sig, [], { length: "16" }, { bodyParams: new Set(), showMismatchedParams: true });
 * // ["16"]
 * ```
 */
export function bindArguments(
  sig: Signature,
  vpath: readonly string[],
  params: Params,
  ctx: BindContext,
): readonly unknown[] {
  if (sig.opaque) return [...vpath, params];
  // The common case: only positional parameters, filled by the path, nothing in the query.
  let required = requiredPositionals.get(sig);
  if (required === undefined) requiredPositionals.set(sig, required = countRequired(sig));
  if (
    required >= 0 && vpath.length >= required && vpath.length <= sig.slots.length &&
    isEmpty(params)
  ) return vpath;
  const args: unknown[] = new Array(sig.slots.length).fill(undefined);
  const usage = new Map<string, number>();
  const positionalSlots: number[] = [];
  let keywordSlot = -1;
  for (let i = 0; i < sig.slots.length; i++) {
    const slot = sig.slots[i]!;
    if (slot.kind === "positional") {
      positionalSlots.push(i);
      if (slot.param.name !== null) usage.set(slot.param.name, 0);
    } else if (keywordSlot < 0) {
      keywordSlot = i;
      for (const key of slot.keys) if (key.name !== null) usage.set(key.name, 0);
    }
  }

  const extraVpath: string[] = [];
  for (let i = 0; i < vpath.length; i++) {
    const slotIndex = positionalSlots[i];
    if (slotIndex === undefined) {
      extraVpath.push(vpath[i]!);
      continue;
    }
    args[slotIndex] = vpath[i];
    const name = (sig.slots[slotIndex] as { param: { name: string | null } }).param.name;
    if (name !== null) usage.set(name, (usage.get(name) ?? 0) + 1);
  }

  const keywordSlotSpec = keywordSlot < 0
    ? undefined
    : sig.slots[keywordSlot] as Extract<Signature["slots"][number], { kind: "keywords" }>;
  const keywords: Record<string, unknown> = {};
  const extraKeys: string[] = [];
  for (const key in params) {
    const count = usage.get(key);
    if (count === undefined) {
      if (keywordSlotSpec?.varkw) keywords[key] = params[key];
      else extraKeys.push(key);
      continue;
    }
    usage.set(key, count + 1);
    if (count > 0) continue; // reported as "multiple values" below
    const posIndex = sig.slots.findIndex((s) => s.kind === "positional" && s.param.name === key);
    if (posIndex >= 0) args[posIndex] = params[key];
    else keywords[key] = params[key];
  }
  if (keywordSlot >= 0) args[keywordSlot] = keywords;

  const missing: string[] = [];
  const multiple: string[] = [];
  const optional = new Set<string>();
  for (const slot of sig.slots) {
    if (slot.kind === "positional") {
      if (slot.param.optional && slot.param.name !== null) optional.add(slot.param.name);
    } else {
      for (const key of slot.keys) if (key.optional && key.name !== null) optional.add(key.name);
    }
  }
  for (const [name, count] of usage) {
    if (count === 0 && !optional.has(name)) missing.push(name);
    else if (count > 1) multiple.push(name);
  }
  const show = ctx.showMismatchedParams;

  if (missing.length > 0) {
    throw new HTTPError(404, show ? `Missing parameters: ${missing.join(",")}` : null);
  }
  if (extraVpath.length > 0 && !sig.varargs) throw new HTTPError(404);
  if (multiple.length > 0) {
    const fromUrl = multiple.some((name) => !ctx.bodyParams.has(name));
    throw new HTTPError(
      fromUrl ? 404 : 400,
      show ? `Multiple values for parameters: ${multiple.join(",")}` : null,
    );
  }
  if (extraKeys.length > 0) {
    const fromQuery = extraKeys.filter((k) => !ctx.bodyParams.has(k));
    if (fromQuery.length > 0) {
      throw new HTTPError(
        404,
        show ? `Unexpected query string parameters: ${fromQuery.join(", ")}` : null,
      );
    }
    throw new HTTPError(
      400,
      show ? `Unexpected body parameters: ${extraKeys.join(", ")}` : null,
    );
  }
  if (extraVpath.length > 0) args.push(...extraVpath);
  return args;
}
