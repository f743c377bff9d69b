/**
 * The C library through Deno's FFI, for what Deno has no API for: `execve`, `setuid`,
 * `setgid`, `setgroups`, `getgroups`. Opened on first use; needs `--allow-ffi` (or `-A`).
 *
 * @module
 */

import type { DenoApi } from "./deno_api.ts";
import { UnsupportedError } from "./types.ts";

const SYMBOLS = {
  execve: { parameters: ["buffer", "buffer", "buffer"], result: "i32" },
  setuid: { parameters: ["u32"], result: "i32" },
  setgid: { parameters: ["u32"], result: "i32" },
  setgroups: { parameters: ["usize", "buffer"], result: "i32" },
  getgroups: { parameters: ["i32", "buffer"], result: "i32" },
} as const;

/** The libc calls used. */
export interface Libc {
  execve(path: Uint8Array, argv: Uint8Array, envp: Uint8Array): number;
  setuid(uid: number): number;
  setgid(gid: number): number;
  setgroups(size: number | bigint, list: Uint8Array | null): number;
  getgroups(size: number, list: Uint8Array | null): number;
}

const LIBRARIES: Record<string, string> = { linux: "libc.so.6", darwin: "libSystem.dylib" };
let libc: Libc | undefined;
let failure: string | undefined;

/** The C library, or an {@link UnsupportedError} saying why it cannot be used. */
export function openLibc(D: DenoApi): Libc {
  if (libc) return libc;
  if (failure === undefined) {
    const name = LIBRARIES[D.build.os];
    if (name === undefined) failure = `Deno on ${D.build.os} has no C library binding here.`;
    else {
      try {
        libc = D.dlopen(name, SYMBOLS).symbols as unknown as Libc;
        return libc;
      } catch (e) {
        failure = `Deno could not open ${name} through FFI (${(e as Error).message}); ` +
          "run with --allow-ffi (or -A).";
      }
    }
  }
  throw new UnsupportedError(failure!);
}

const encoder = new TextEncoder();

/** A NUL-terminated C string. */
export function cString(text: string): Uint8Array {
  return encoder.encode(text + "\0");
}

/**
 * A NULL-terminated `char*[]` for `items`. The returned `keep` array must stay referenced
 * until the call that uses the pointers returns.
 */
export function cStringArray(
  D: DenoApi,
  items: string[],
): { array: Uint8Array; keep: Uint8Array[] } {
  const keep = items.map(cString);
  const pointers = new BigUint64Array(items.length + 1);
  keep.forEach((bytes, i) => {
    pointers[i] = BigInt(D.UnsafePointer.value(D.UnsafePointer.of(bytes)));
  });
  return { array: new Uint8Array(pointers.buffer), keep };
}
