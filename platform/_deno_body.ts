/**
 * What the Deno platform adds around request bodies on `Deno.serve` (`deno.ts`):
 *
 * - errors Deno raises while reading a body (a malformed chunk, a client gone mid-body) become
 *   {@link BadRequestError}s, so the request is a 400, not a 500;
 * - a response to a request whose body was not read to the end closes the connection, unless the
 *   rest of the body is small. Deno would otherwise read and drop the rest, however large (2 GiB
 *   after a 413), even after a `Connection: close` response or a cancelled body. Deno offers no
 *   handle on a connection, but it drops one whose response body fails:
 *   {@link unreadBodyResponse} reads up to {@link DRAIN_LIMIT} of what is left, and when the body
 *   goes on, sends the response body with its `Content-Length` as a stream that fails once the
 *   response is out.
 *
 * @module
 */

import { guardBody } from "./_body.ts";
import {
  BadRequestError,
  type OutgoingResponse,
  PayloadTooLargeError,
  RequestTimeoutError,
} from "./types.ts";

/** Unread request-body bytes read and dropped after a response before the connection is cut. */
export const DRAIN_LIMIT = 1024 * 1024;
/** How long after the response the connection is cut (so that the response leaves first). */
const ABORT_DELAY_MS = 50;
const encoder = new TextEncoder();

/** How far the application read a request body. */
export const BodyState = { Untouched: 0, Partial: 1, Complete: 2 } as const;

/** Follows one request body: whether the application left it untouched, partly read or read. */
export class BodyWatch {
  /** One of {@link BodyState}. */
  state: number = BodyState.Untouched;
}

/**
 * The request body as the application reads it: under the size and stall guards, with Deno's
 * reading errors turned into {@link BadRequestError}s, and `watch` told how far it got (a body
 * of known `length` is read once that many bytes came, even if the reader stops there).
 */
export async function* watchedBody(
  body: ReadableStream<Uint8Array>,
  watch: BodyWatch,
  length: number | null,
  maxBody: number,
  timeoutMs: number,
): AsyncGenerator<Uint8Array> {
  watch.state = BodyState.Partial;
  let total = 0;
  try {
    for await (const chunk of guardBody(body, maxBody, timeoutMs)) {
      total += chunk.length;
      if (total === length) watch.state = BodyState.Complete;
      yield chunk;
    }
  } catch (e) {
    throw clientError(e);
  }
  watch.state = BodyState.Complete;
}

/**
 * The error a failed body read stands for: the guards' own errors as they are; Deno's
 * `BadResource` (the connection is gone) and its HTTP parse errors (`invalid HTTP/1 request`,
 * e.g. a chunk extension too long for it) as a {@link BadRequestError}.
 */
export function clientError(e: unknown): unknown {
  if (
    e instanceof PayloadTooLargeError || e instanceof RequestTimeoutError ||
    e instanceof BadRequestError
  ) return e;
  const error = e as { name?: unknown; message?: unknown } | null;
  if (error?.name === "BadResource" || error?.name === "Interrupted") {
    return new BadRequestError("The client closed the connection.");
  }
  return new BadRequestError(`Malformed request body: ${String(error?.message ?? e)}`);
}

/** The error that cuts a connection (not a failure of the application: not reported). */
export class ConnectionCut extends Error {
  /** Creates the error. */
  constructor() {
    super("The connection is closed: its request body was not read to the end.");
    this.name = "ConnectionCut";
  }
}

/** `true` when `body` can be sent by {@link unreadBodyResponse} (a string, bytes or nothing). */
export function isSized(body: OutgoingResponse["body"]): body is string | Uint8Array | null {
  return body === null || typeof body === "string" || body instanceof Uint8Array;
}

/**
 * The answer to a request whose body was not read to the end. Up to {@link DRAIN_LIMIT} of the
 * unread body `drain` is read and dropped first, for at most {@link DRAIN_MS} (`drain` is `null`
 * when the application holds the body: nothing can be read). When the body ended there and
 * `close` is not set, this resolves to `null`: send the response as usual, the connection can
 * serve the next request. Otherwise it resolves to the response with `Connection: close`, its
 * body with its length, and then the connection is cut.
 *
 * (The body must be read before the response is returned: Deno stops handing out the body of a
 * request whose handler answered asynchronously, and reads it to the end itself.)
 */
export async function unreadBodyResponse(
  out: OutgoingResponse,
  drain: ReadableStream<Uint8Array> | null,
  close: boolean,
): Promise<Response | null> {
  if (drain !== null && await drained(drain) && !close) return null;
  return cuttingResponse(out);
}

/**
 * A refusal: sent with `Connection: close`, then the connection is cut, since Deno would serve the
 * next request despite the header. Up to {@link DRAIN_LIMIT} of an unread body is read first, so
 * that a small one ends cleanly.
 */
export async function refusalResponse(
  out: OutgoingResponse,
  body: ReadableStream<Uint8Array> | null,
): Promise<Response> {
  if (body !== null) await drained(body);
  return cuttingResponse(out);
}

/** The response, then a cut connection (see the module doc). */
function cuttingResponse(out: OutgoingResponse): Response {
  const body = out.body as string | Uint8Array | null;
  const bytes = body === null
    ? new Uint8Array(0)
    : typeof body === "string"
    ? encoder.encode(body)
    : body;
  const headers = out.headers.filter(([name]) => {
    const lower = name.toLowerCase();
    return lower !== "content-length" && lower !== "connection";
  });
  headers.push(["content-length", String(bytes.length)], ["connection", "close"]);
  let step = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (step++ === 0 && bytes.length > 0) {
        controller.enqueue(bytes);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, ABORT_DELAY_MS));
      controller.error(new ConnectionCut());
    },
  });
  return new Response(stream, { status: out.status, headers });
}

/** The longest time spent reading and dropping an unread body. */
export const DRAIN_MS = 1000;

/** Reads and drops `body`; `true` when it ended within {@link DRAIN_LIMIT} and {@link DRAIN_MS}. */
async function drained(body: ReadableStream<Uint8Array>): Promise<boolean> {
  const reader = body.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<null>((resolve) => timer = setTimeout(() => resolve(null), DRAIN_MS));
  let total = 0;
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), late]);
      if (next === null || (!next.done && (total += next.value.length) > DRAIN_LIMIT)) break;
      if (next.done) return true;
    }
  } catch {
    // The body failed (a malformed chunk, a client gone): it did not end.
  } finally {
    clearTimeout(timer);
  }
  reader.cancel().catch(() => {});
  return false;
}

/** `true` when a request's `Transfer-Encoding` is anything but `chunked` alone. */
export function unimplementedCoding(transferEncoding: string): boolean {
  return transferEncoding.trim().toLowerCase() !== "chunked";
}
