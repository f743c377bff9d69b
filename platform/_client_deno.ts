/**
 * Client connections on Deno with `Deno.connect`: the connect is aborted at the timeout,
 * writes go out whole and in order (each waits until Deno took every byte: backpressure), and
 * reads are an async iterable over `conn.read`.
 *
 * @module
 */

import {
  bytesOf,
  closedError,
  connectError,
  connectTimeout,
  ioError,
  type Target,
  targetOf,
} from "./_client.ts";
import type { DenoApi, DenoConn, DenoTcpConn } from "./deno_api.ts";
import type { ClientConnection, ConnectionError, ConnectOptions } from "./types.ts";

/** The most one read takes. */
const READ_SIZE = 64 * 1024;

class DenoClientConnection implements ClientConnection {
  readonly peer: string;
  readonly #conn: DenoConn;
  #closed = false;
  #error: ConnectionError | null = null;
  #writing: Promise<void> = Promise.resolve();
  #iterated = false;

  constructor(conn: DenoConn, peer: string) {
    this.#conn = conn;
    this.peer = peer;
  }

  get closed(): boolean {
    return this.#closed;
  }

  #fail(e: unknown): ConnectionError {
    if (this.#closed) return closedError(this.peer);
    this.#error ??= ioError(this.peer, e);
    this.close();
    return this.#error;
  }

  write(data: Uint8Array | string): Promise<void> {
    if (this.#error) return Promise.reject(this.#error);
    if (this.#closed) return Promise.reject(closedError(this.peer));
    const bytes = bytesOf(data);
    const run = async () => {
      if (this.#error) throw this.#error;
      if (this.#closed) throw closedError(this.peer);
      let rest = bytes;
      try {
        while (rest.length > 0) rest = rest.subarray(await this.#conn.write(rest));
      } catch (e) {
        throw this.#fail(e);
      }
    };
    const done = this.#writing.then(run, run);
    this.#writing = done.catch(() => {});
    return done;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn.close();
    } catch { /* closed already */ }
  }

  unref(): void {
    this.#conn.unref();
  }

  ref(): void {
    this.#conn.ref();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    if (this.#iterated) throw new TypeError(`The connection to ${this.peer} is read already.`);
    this.#iterated = true;
    for (;;) {
      if (this.#error) throw this.#error;
      if (this.#closed) return;
      const buffer = new Uint8Array(READ_SIZE);
      let n: number | null;
      try {
        n = await this.#conn.read(buffer);
      } catch (e) {
        if (this.#closed && !this.#error) return;
        throw this.#fail(e);
      }
      if (n === null) {
        this.close();
        return;
      }
      yield buffer.subarray(0, n);
    }
  }
}

/** Opens a client connection with `Deno.connect` (see `Platform.connect`). */
export async function connect(D: DenoApi, options: ConnectOptions): Promise<ClientConnection> {
  const target: Target = targetOf(options);
  const abort = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    if (target.timeoutMs > 0) {
      timer = setTimeout(() => {
        abort.abort();
        reject(connectTimeout(target));
      }, target.timeoutMs);
    }
  });
  const opening: Promise<DenoConn> = target.path !== undefined
    ? D.connect({ transport: "unix", path: target.path })
    : D.connect({ hostname: target.hostname, port: target.port, signal: abort.signal }).then(
      (conn: DenoTcpConn) => {
        conn.setNoDelay(target.noDelay);
        return conn;
      },
    );
  try {
    const conn = await Promise.race([opening, timedOut]);
    return new DenoClientConnection(conn, target.peer);
  } catch (e) {
    // A Unix socket connect cannot be aborted: close it should it succeed after all.
    opening.then((c) => c.close(), () => {});
    if ((e as { name?: string }).name === "ConnectionError") throw e;
    throw connectError(target, e);
  } finally {
    clearTimeout(timer);
  }
}
