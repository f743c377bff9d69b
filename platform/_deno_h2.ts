/**
 * HTTP/2 on Deno's default engine: a TLS connection that negotiates `h2` through ALPN is handed
 * to the same `node:http2` side as on Node (`_node_h2.ts`), through a `node:stream` `Duplex`
 * over the `Deno.TlsConn`. Deno's `node:http2` takes any duplex stream as a connection.
 *
 * `node:http2` is loaded on the first TLS listener only, so a site without TLS never pays for it.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { Duplex } from "node:stream";
import type { H2Side } from "./_node_h2.ts";
import type { DenoConn } from "./deno_api.ts";
import type { ServeOptions } from "./types.ts";

/** The most a read takes at once. */
const READ_SIZE = 16 * 1024;

/** A `Deno.TlsConn` after its handshake: what ALPN chose. */
interface TlsHandshake {
  handshake?(): Promise<{ alpnProtocol: string | null }>;
}

/** The protocol `conn` negotiated by ALPN, or `null` (no TLS, no ALPN, failed handshake). */
export async function negotiated(conn: DenoConn): Promise<string | null | undefined> {
  const tls = conn as DenoConn & TlsHandshake;
  if (typeof tls.handshake !== "function") return null;
  try {
    return (await tls.handshake()).alpnProtocol;
  } catch {
    return undefined;
  }
}

/** Writes all of `bytes` to `conn` (a write may take part of them). */
async function writeAll(conn: DenoConn, bytes: Uint8Array): Promise<void> {
  while (bytes.length > 0) bytes = bytes.subarray(await conn.write(bytes));
}

/**
 * `conn` as a `node:stream` `Duplex` carrying the addresses `node:http2` reports
 * (`remoteAddress`, `remotePort`, `localAddress`, `localPort`). Reads stop while the stream's
 * buffer is full and go on when it asks for more.
 */
export function connDuplex(conn: DenoConn): Duplex {
  let reading = false;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    try {
      conn.close();
    } catch { /* closed already */ }
  };
  const duplex: Duplex = new Duplex({
    allowHalfOpen: true,
    read() {
      if (!reading) pump();
    },
    write(chunk: Uint8Array, _encoding, callback) {
      writeAll(conn, chunk).then(() => callback(), (e) => callback(e));
    },
    writev(chunks, callback) {
      const bytes = Buffer.concat(chunks.map((c) => c.chunk as Uint8Array));
      writeAll(conn, bytes).then(() => callback(), (e) => callback(e));
    },
    final(callback) {
      conn.closeWrite().then(() => callback(), () => callback());
    },
    destroy(error, callback) {
      close();
      callback(error);
    },
  });
  const pump = async () => {
    reading = true;
    try {
      for (;;) {
        const scratch = new Uint8Array(READ_SIZE);
        const n = await conn.read(scratch);
        if (n === null) {
          duplex.push(null);
          return;
        }
        if (!duplex.push(Buffer.from(scratch.buffer, 0, n))) return;
      }
    } catch (e) {
      if (!closed) duplex.destroy(e as Error);
    } finally {
      reading = false;
    }
  };
  const remote = conn.remoteAddr;
  const local = conn.localAddr;
  Object.assign(duplex, {
    remoteAddress: remote.transport === "unix" ? undefined : remote.hostname,
    remotePort: remote.transport === "unix" ? undefined : remote.port,
    localAddress: local.transport === "unix" ? undefined : local.hostname,
    localPort: local.transport === "unix" ? undefined : local.port,
    encrypted: true,
    alpnProtocol: "h2",
  });
  return duplex;
}

/** The HTTP/2 side of a Deno TLS listener: loads `node:http2` once, on first use. */
export class DenoH2 {
  readonly #options: ServeOptions;
  #side: Promise<H2Side> | null = null;
  #ready: H2Side | null = null;

  /** Prepares the side for `options` (nothing is loaded yet). */
  constructor(options: ServeOptions) {
    this.#options = options;
  }

  /** Loads the side now, so that the first `h2` connection does not wait for it. */
  load(): Promise<H2Side> {
    this.#side ??= import("./_node_h2.ts").then((m) => {
      this.#ready = m.createH2Side(this.#options);
      return this.#ready;
    });
    return this.#side;
  }

  /** Serves `conn`, a TLS connection that negotiated `h2`. */
  async accept(conn: DenoConn): Promise<void> {
    const side = this.#ready ?? await this.load();
    side.accept(connDuplex(conn) as unknown as Parameters<H2Side["accept"]>[0]);
  }

  /** Sends GOAWAY on every session and resolves once their open streams have finished. */
  async drain(): Promise<void> {
    if (this.#side !== null) await (await this.#side).drain();
  }

  /** Closes every session at once. */
  closeAll(): void {
    this.#ready?.closeAll();
  }
}
