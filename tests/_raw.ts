/**
 * A raw-socket HTTP client for protocol tests: writes exact bytes, collects exact bytes.
 *
 * @module
 */
import { connect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";

/** A connection that records what the server sends and whether it closed. */
export interface RawConnection {
  socket: Socket;
  /** Everything received so far, as latin-1 text. */
  text(): string;
  /** Resolves when the server closed the connection. */
  closed: Promise<void>;
  /** `true` once the server closed. */
  isClosed(): boolean;
  /** Writes bytes. */
  write(data: string | Uint8Array): void;
  /** Resolves when `pattern` appears in what was received, or rejects after `ms`. */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>;
  /** Closes the connection. */
  destroy(): void;
}

/** Opens a raw connection to `127.0.0.1:port` (or a Unix socket path, or TLS with `ca`). */
export function rawConnect(
  target: number | string,
  options: { host?: string; tls?: { ca: string; servername?: string } } = {},
): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const host = options.host ?? "127.0.0.1";
    const socket: Socket = options.tls
      ? tlsConnect({
        host,
        port: target as number,
        ca: options.tls.ca,
        servername: options.tls.servername ?? "localhost",
      })
      : typeof target === "string"
      ? connect({ path: target })
      : connect({ host, port: target });
    let data = "";
    let closed = false;
    const waiters = new Set<() => void>();
    const closedP = new Promise<void>((r) =>
      socket.once("close", () => {
        closed = true;
        r();
        for (const w of waiters) w();
      })
    );
    socket.on("data", (d: Uint8Array) => {
      data += new TextDecoder("latin1").decode(d);
      for (const w of waiters) w();
    });
    socket.once("error", (e) => {
      if (!connected) reject(e);
    });
    let connected = false;
    socket.once(options.tls ? "secureConnect" : "connect", () => {
      connected = true;
      resolve({
        socket,
        text: () => data,
        closed: closedP,
        isClosed: () => closed,
        write: (d) => socket.write(d),
        destroy: () => socket.destroy(),
        waitFor(pattern, ms = 5000) {
          return new Promise((res, rej) => {
            const check = () => {
              const m = data.match(pattern);
              if (m) {
                waiters.delete(check);
                clearTimeout(t);
                res(m);
              } else if (closed) {
                waiters.delete(check);
                clearTimeout(t);
                rej(new Error(`closed before ${pattern}; got:\n${data}`));
              }
            };
            const t = setTimeout(() => {
              waiters.delete(check);
              rej(new Error(`timed out waiting for ${pattern}; got:\n${data}`));
            }, ms);
            waiters.add(check);
            check();
          });
        },
      });
    });
  });
}

/** Sends `request` on a new connection and returns everything received until the server closes or `ms` pass. */
export async function rawExchange(
  port: number | string,
  request: string,
  ms = 2000,
): Promise<{ text: string; closed: boolean }> {
  const conn = await rawConnect(port);
  conn.write(request);
  await Promise.race([conn.closed, new Promise((r) => setTimeout(r, ms))]);
  const result = { text: conn.text(), closed: conn.isClosed() };
  conn.destroy();
  return result;
}
