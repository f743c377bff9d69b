/**
 * Outgoing connections, for `Platform.connect`: its options, the connection it gives,
 * and the error it fails with.
 *
 * @module
 */

/** Options for `Platform.connect`. */
export interface ConnectOptions {
  /** The host: an IP address or a name to resolve (default `"127.0.0.1"`); unused with `path`. */
  hostname?: string;
  /** The TCP port; required unless `path` is given. */
  port?: number;
  /** A Unix domain socket to connect to instead of `hostname:port`. */
  path?: string;
  /**
   * Milliseconds to wait for the connection before giving up with a {@link ConnectionError}
   * (code `ETIMEDOUT`); default 10 000, 0 for the system's own limit.
   */
  timeoutMs?: number;
  /** Disable Nagle's algorithm, so small writes leave at once (default `true`; TCP only). */
  noDelay?: boolean;
}

/**
 * An open client connection from `Platform.connect`. Reading is iterating it (once):
 * each chunk is what arrived; the iteration ends when the peer closes its side or
 * {@link ClientConnection.close} is called, and throws a {@link ConnectionError} when the
 * connection fails (reset by the peer, ...).
 *
 * @example Write, then read until the peer closes
 * ```ts
 * import type { ClientConnection } from "../mod.ts";
 * async function exchange(conn: ClientConnection, request: string): Promise<number> {
 *   await conn.write(request);
 *   let received = 0;
 *   for await (const chunk of conn) received += chunk.length;
 *   return received;
 * }
 * ```
 */
export interface ClientConnection extends AsyncIterable<Uint8Array> {
  /** The peer as `host:port` (`[v6]:port`) or the socket path, for messages. */
  readonly peer: string;
  /** `true` once the connection is closed: by {@link ClientConnection.close}, the peer or an error. */
  readonly closed: boolean;
  /**
   * Sends `data` (a string as UTF-8). Resolves once the runtime has taken all of it, waiting
   * while its send buffer is full (backpressure); rejects with a {@link ConnectionError} when
   * the connection is closed or fails. Concurrent writes go out whole, in call order.
   */
  write(data: Uint8Array | string): Promise<void>;
  /** Closes the connection now (both directions); a pending read ends. Calling it again does nothing. */
  close(): void;
  /** Lets the process exit while this connection is open (it still works). */
  unref(): void;
  /** Undoes {@link ClientConnection.unref}: the open connection keeps the process alive. */
  ref(): void;
}

/**
 * A client connection could not be made, failed, or was used after it closed. `code` is the
 * system's error code where there is one (`ECONNREFUSED`, `ETIMEDOUT`, `ENOTFOUND`,
 * `ECONNRESET`, `EPIPE`, `ENOENT`), or `ECLOSED` for a write after close.
 *
 * @example Is anything listening?
 * ```ts
 * import { ConnectionError, platform } from "../mod.ts";
 * async function listening(port: number): Promise<boolean> {
 *   try {
 *     (await platform.connect({ port, timeoutMs: 500 })).close();
 *     return true;
 *   } catch (e) {
 *     if (e instanceof ConnectionError && e.code === "ECONNREFUSED") return false;
 *     throw e;
 *   }
 * }
 * ```
 */
export class ConnectionError extends Error {
  /** The peer as `host:port` or the socket path. */
  readonly peer: string;
  /** The error code (`ECONNREFUSED`, ...). */
  readonly code: string;
  /** Creates the error: `message` says what happened; `peer` and `code` are kept as fields. */
  constructor(message: string, peer: string, code: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ConnectionError";
    this.peer = peer;
    this.code = code;
  }
}
