/**
 * Running code once a response has been handed over (CherryPy's `request.close()`): right
 * after for a body already in memory, after the last chunk (or a failure) for a streamed one.
 *
 * @module
 */

import { BORROWED_CHUNKS, type OutgoingResponse } from "../../platform/mod.ts";

async function* closingAfter(
  chunks: AsyncIterable<Uint8Array>,
  close: () => unknown,
): AsyncGenerator<Uint8Array> {
  try {
    yield* chunks;
  } finally {
    await close();
  }
}

type Lending = AsyncIterable<Uint8Array> & {
  [BORROWED_CHUNKS]?: () => AsyncIterable<Uint8Array>;
};

/** `body`, then `close`; a body that lends its chunks (a file) still does through it. */
function closing(body: Lending, close: () => unknown): Lending {
  const wrapped: Lending = {
    [Symbol.asyncIterator]: () => closingAfter(body, close),
  };
  const lend = body[BORROWED_CHUNKS];
  if (typeof lend === "function") {
    wrapped[BORROWED_CHUNKS] = () =>
      closingAfter(
        { [Symbol.asyncIterator]: () => lend.call(body)[Symbol.asyncIterator]() },
        close,
      );
  }
  return wrapped;
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
