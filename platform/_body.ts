/**
 * Request-body guards shared by both platforms: a size limit and an inactivity timeout
 * applied while the body is read.
 *
 * @module
 */

import { PayloadTooLargeError, RequestTimeoutError } from "./types.ts";

/**
 * Yields `source`'s chunks, throwing {@link PayloadTooLargeError} once more than `maxBytes`
 * arrived (0: no limit) and {@link RequestTimeoutError} when no chunk arrives for `timeoutMs`
 * (0: no timeout).
 */
export async function* guardBody(
  source: AsyncIterable<Uint8Array>,
  maxBytes: number,
  timeoutMs: number,
  onTimeout?: () => void,
): AsyncGenerator<Uint8Array> {
  let total = 0;
  const it = source[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = timeoutMs > 0
        ? await withTimeout(it.next(), timeoutMs, onTimeout)
        : await it.next();
      if (next.done) return;
      total += next.value.length;
      if (maxBytes > 0 && total > maxBytes) throw new PayloadTooLargeError(maxBytes);
      yield next.value;
    }
  } finally {
    // Not awaited: after a timeout a read is still pending, and return() would wait for it.
    it.return?.()?.catch(() => {});
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout?: () => void): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(new RequestTimeoutError(ms));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The declared `Content-Length`, or `null` when absent or not a number. */
export function declaredLength(value: string | null | undefined): number | null {
  if (value === null || value === undefined || !/^\s*\d+\s*$/.test(value)) return null;
  return Number(value);
}

/** The plain response cheroot sends for a body over the limit. */
export const TOO_LARGE_BODY = "The entity sent with the request exceeds the maximum allowed bytes.";
