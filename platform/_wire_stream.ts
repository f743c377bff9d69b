/**
 * Writing a streamed response body for the project's HTTP/1.1 engine (`_wire.ts`): chunked
 * framing or a declared `Content-Length` (whose head goes out with the first chunk, so that a
 * first chunk longer than declared can still be answered with cheroot's 500), back-pressure
 * from the socket, and a turn of the event loop every so often when the socket never pushes
 * back (Bun's sockets take megabytes at once).
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { setImmediate } from "node:timers";
import type { WireIncoming, WireSocket } from "./_wire_request.ts";
import { BORROWED_CHUNKS } from "./types.ts";

/** Bytes a streamed body may write without waiting before the engine yields to the event loop. */
const YIELD_BYTES = 256 * 1024;

/** A socket whose `write` takes a callback, called once the bytes are written (Node's). */
interface CallbackSocket {
  write(chunk: Uint8Array, done: () => void): boolean;
}

/**
 * Writes a lent chunk on a socket whose `write` takes a callback, and resolves once the chunk
 * is no longer in use: at once when the system took every byte (`writableLength` 0), else
 * after the drain of a full queue (or the close), or after the write's callback. `true` when it
 * had to wait.
 */
async function writeLent(socket: WireSocket, target: StreamTarget, chunk: Uint8Array) {
  let written!: () => void;
  const left = new Promise<void>((resolve) => written = resolve);
  const ok = (socket as unknown as CallbackSocket).write(chunk, () => written());
  if (!ok) {
    if (!target.closed) await target.waitDrain();
    return true;
  }
  if (socket.writableLength! === 0) return false;
  await left;
  return true;
}

/** The connection as the writer sees it. */
export interface StreamTarget {
  readonly socket: WireSocket;
  readonly closed: boolean;
  waitDrain(): Promise<void>;
}

/** How the body is framed. */
export interface StreamFraming {
  /** Chunked transfer coding. */
  chunked: boolean;
  /** The declared `Content-Length`, or -1. */
  declared: number;
  /** Whether the connection may be kept once the body is sent. */
  keepAlive: boolean;
  /** The response head, when it is to be sent with the first chunk. */
  head: string | null;
}

/** Sends `body` on `target`'s socket; `done.finished(keepAlive)` ends the exchange. */
export async function writeStream(
  target: StreamTarget,
  exchange: WireIncoming,
  body: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>,
  framing: StreamFraming,
  done: { overrun(): void; finished(keepAlive: boolean): void },
): Promise<void> {
  const socket = target.socket;
  const { chunked, declared } = framing;
  let { keepAlive, head } = framing;
  let sent = 0;
  let unyielded = 0;
  // A body that lends its chunks (a file read into one buffer), on a socket that tells when
  // what was written has left: each chunk is sent before the next is read. Deno's adapter
  // says so itself (`whenFlushed`); Node's and Bun's sockets by the callback of the write and
  // their `writableLength` (0 once the system took every byte), for one chunk per write.
  const lending = (body as { [BORROWED_CHUNKS]?: () => AsyncIterable<Uint8Array> })[
    BORROWED_CHUNKS
  ];
  const flushed = (socket as { whenFlushed?: () => Promise<void> }).whenFlushed;
  const called = typeof flushed !== "function" && !chunked &&
    typeof socket.writableLength === "number";
  const borrowed = typeof lending === "function" && (typeof flushed === "function" || called);
  const chunks = borrowed ? lending.call(body) : body as AsyncIterable<Uint8Array>;
  for await (const chunk of chunks) {
    if (target.closed) break;
    if (chunk.length === 0) continue;
    let ok;
    let waited = false;
    if (head !== null) {
      if (chunk.length > declared) {
        done.overrun();
        return;
      }
      exchange.headSent = true;
      socket.write(head, "latin1");
      head = null;
    }
    if (chunked) {
      socket.cork();
      socket.write(chunk.length.toString(16) + "\r\n", "latin1");
      socket.write(chunk);
      ok = socket.write("\r\n", "latin1");
      socket.uncork();
    } else if (declared >= 0 && sent + chunk.length > declared) {
      // More than the declared length: send what fits, then close.
      socket.write(chunk.subarray(0, declared - sent));
      sent = declared;
      keepAlive = false;
      break;
    } else if (borrowed && called) {
      waited = await writeLent(socket, target, chunk);
      ok = true;
    } else ok = socket.write(chunk);
    sent += chunk.length;
    unyielded = waited ? 0 : unyielded + chunk.length;
    if (borrowed && !called) {
      await flushed!.call(socket);
      unyielded = 0;
    } else if (!ok && !target.closed) {
      await target.waitDrain();
      unyielded = 0;
    } else if (unyielded >= YIELD_BYTES) {
      // The socket took everything so far: let other connections, timers and the close of
      // this one be seen before writing more.
      unyielded = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  if (target.closed) {
    done.finished(false);
    return;
  }
  if (head !== null) {
    exchange.headSent = true;
    socket.write(head, "latin1");
  }
  if (chunked) socket.write("0\r\n\r\n", "latin1");
  else if (declared >= 0 && sent < declared) keepAlive = false;
  done.finished(keepAlive);
}

/** The length of a whole body in bytes (a string's UTF-8 length only when it matters). */
export function bodySize(body: string | Uint8Array, declared: number): number {
  if (typeof body !== "string") return body.length;
  // A string's UTF-8 length is at least its length in UTF-16 units.
  return body.length > declared ? body.length : Buffer.byteLength(body);
}

/** cheroot's answer to a body longer than its declared `Content-Length` (the head not sent). */
export function overrunResponse(date: string): string {
  const body = "The requested resource returned more bytes than the declared Content-Length.";
  return "HTTP/1.1 500 Internal Server Error\r\n" +
    `Content-Length: ${body.length}\r\nContent-Type: text/plain\r\n` +
    `Date: ${date}\r\nConnection: close\r\n\r\n${body}`;
}
