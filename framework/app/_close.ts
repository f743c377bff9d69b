/**
 * Running code once a response has been handed over (CherryPy's `request.close()`): right
 * after for a body already in memory, after the last chunk (or a failure) for a streamed one.
 *
 * @module
 */

import type { OutgoingResponse } from "../../platform/mod.ts";

async function* closing(
  body: AsyncIterable<Uint8Array>,
  close: () => unknown,
): AsyncIterable<Uint8Array> {
  try {
    yield* body;
  } finally {
    await close();
  }
}

/** Returns `out`, arranging for `close` to run when its body has been sent. */
export function wrapClose(out: OutgoingResponse, close: () => unknown): OutgoingResponse {
  const body = out.body;
  if (
    body !== null && typeof body === "object" && !(body instanceof Uint8Array) &&
    Symbol.asyncIterator in body
  ) {
    out.body = closing(body as AsyncIterable<Uint8Array>, close);
  } else {
    queueMicrotask(() => void close());
  }
  return out;
}
