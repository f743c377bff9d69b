/**
 * Client connections on Node (and Bun) with `node:net`: `connect` with a timeout, writes that
 * wait for `drain` when the socket's buffer is full, and reads as an async iterable that pauses
 * the socket while its consumer is behind.
 *
 * @module
 */

import { connect as netConnect, type Socket } from "node:net";
import {
  bytesOf,
  closedError,
  connectError,
  connectTimeout,
  ioError,
  type Target,
  targetOf,
} from "./_client.ts";
import type { ClientConnection, ConnectionError, ConnectOptions } from "./types.ts";

/** Bytes queued unread beyond which the socket is paused. */
const READ_HIGH_WATER = 256 * 1024;

class NodeClientConnection implements ClientConnection {
  readonly peer: string;
  readonly #socket: Socket;
  #closed = false;
  #error: ConnectionError | null = null;
  #ended = false;
  #queue: Uint8Array[] = [];
  #queued = 0;
  #wake: (() => void) | null = null;
  #drainWaiters: Array<() => void> = [];
  #iterated = false;

  constructor(socket: Socket, peer: string) {
    this.#socket = socket;
    this.peer = peer;
    socket.on("data", (chunk: Buffer) => {
      this.#queue.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      this.#queued += chunk.byteLength;
      if (this.#queued > READ_HIGH_WATER) socket.pause();
      this.#notify();
    });
    socket.on("end", () => {
      this.#ended = true;
      this.#notify();
    });
    socket.on("error", (e) => {
      if (!this.#closed) this.#error ??= ioError(peer, e);
      this.#notify();
    });
    socket.on("close", () => {
      this.#closed = true;
      this.#ended = true;
      this.#notify();
    });
    socket.on("drain", () => this.#releaseWriters());
  }

  get closed(): boolean {
    return this.#closed || this.#socket.destroyed;
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
    if (this.#closed || this.#error) this.#releaseWriters();
  }

  #releaseWriters(): void {
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const w of waiters) w();
  }

  write(data: Uint8Array | string): Promise<void> {
    if (this.#error) return Promise.reject(this.#error);
    if (this.closed) return Promise.reject(closedError(this.peer));
    const bytes = bytesOf(data);
    if (this.#socket.write(bytes)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.#drainWaiters.push(() => {
        if (this.#error) reject(this.#error);
        else if (this.closed) reject(closedError(this.peer));
        else resolve();
      });
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.destroy();
    this.#notify();
  }

  unref(): void {
    this.#socket.unref();
  }

  ref(): void {
    this.#socket.ref();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    if (this.#iterated) throw new TypeError(`The connection to ${this.peer} is read already.`);
    this.#iterated = true;
    try {
      for (;;) {
        const chunk = this.#queue.shift();
        if (chunk !== undefined) {
          this.#queued -= chunk.byteLength;
          if (this.#queued <= READ_HIGH_WATER && !this.closed) this.#socket.resume();
          yield chunk;
          continue;
        }
        if (this.#error) throw this.#error;
        if (this.#ended || this.#closed) return;
        await new Promise<void>((resolve) => this.#wake = resolve);
      }
    } finally {
      this.#wake = null;
    }
  }
}

/** Opens a client connection (see `Platform.connect`). */
export function connect(options: ConnectOptions): Promise<ClientConnection> {
  let target: Target;
  try {
    target = targetOf(options);
  } catch (e) {
    return Promise.reject(e);
  }
  return new Promise((resolve, reject) => {
    const socket = target.path !== undefined
      ? netConnect({ path: target.path })
      : netConnect({ host: target.hostname, port: target.port, noDelay: target.noDelay });
    const timer = target.timeoutMs > 0
      ? setTimeout(() => {
        socket.destroy();
        reject(connectTimeout(target));
      }, target.timeoutMs)
      : undefined;
    const onError = (e: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(connectError(target, e));
    };
    socket.once("error", onError);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.off("error", onError);
      resolve(new NodeClientConnection(socket, target.peer));
    });
  });
}
