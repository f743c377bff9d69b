/**
 * How the Deno engine reads a connection. `Deno.Conn.read` wraps each read in an async function
 * that also tracks the read (for `ref`/`unref`), then turns Deno's `0` at the end of the stream
 * into `null`: two more promises and a set's insert and delete per read, which the engine never
 * needs. When Deno's own read primitive (the one `Conn.read` calls) and the connection's
 * resource id can be found, the engine calls it directly; otherwise, or once turned off, it
 * calls `Conn.read`. Either way a read resolves to the number of bytes read, and to `0` or
 * `null` at the end of the stream.
 *
 * @module
 */

import type { DenoConn } from "./deno_api.ts";

/** Reads into `buffer`: the number of bytes read; `0` or `null` at the end of the stream. */
export type ConnRead = (buffer: Uint8Array) => Promise<number | null>;

/** Deno's read primitive: `read(rid, buffer)`, resolving to the bytes read (`0`: the end). */
type CoreRead = (rid: number, buffer: Uint8Array) => Promise<number>;

/** The primitive, `null` when it is not there; `undefined` until looked for. */
let coreRead: CoreRead | null | undefined;
/** The key of a connection's resource id, once found on a connection. */
let ridKey: symbol | undefined;
let enabled = true;

function findCoreRead(): CoreRead | null {
  try {
    const deno = (globalThis as { Deno?: Record<PropertyKey, unknown> }).Deno;
    const internal = deno?.internal;
    if (typeof internal !== "symbol") return null;
    const core = (deno![internal] as { core?: { read?: unknown } } | undefined)?.core;
    const read = core?.read;
    return typeof read === "function" ? read.bind(core) as CoreRead : null;
  } catch {
    return null;
  }
}

/** `conn`'s resource id, or `null` when it cannot be found. */
function ridOf(conn: DenoConn): number | null {
  const key = ridKey ??
    Object.getOwnPropertySymbols(conn).find((s) => s.description === "Deno.internal.rid");
  if (key === undefined) return null;
  ridKey = key;
  const rid = (conn as unknown as Record<symbol, unknown>)[key];
  return typeof rid === "number" && Number.isInteger(rid) && rid >= 0 ? rid : null;
}

/**
 * The read function for `conn`: Deno's primitive on its resource id when both can be found
 * (and {@link setDirectReads} did not turn that off), else `conn.read`.
 */
export function connReader(conn: DenoConn): ConnRead {
  if (enabled) {
    if (coreRead === undefined) coreRead = findCoreRead();
    const read = coreRead;
    const rid = read === null ? null : ridOf(conn);
    if (read !== null && rid !== null) return (buffer) => read(rid, buffer);
  }
  return (buffer) => conn.read(buffer);
}

/**
 * Turns the direct reads on (the default) or off, for the connections accepted from then on;
 * returns whether they were on. Tests run the engine both ways with it.
 */
export function setDirectReads(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}

/** `true` when this runtime offers what direct reads need (Deno's read primitive). */
export function directReadsAvailable(): boolean {
  if (coreRead === undefined) coreRead = findCoreRead();
  return coreRead !== null;
}
