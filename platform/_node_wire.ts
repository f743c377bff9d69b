/**
 * The project's HTTP/1.1 engine (`_wire.ts`) on Node: listens with `node:net` (or `node:tls`)
 * and serves each socket as it is, since a `net.Socket` has the engine's {@link WireSocket}
 * shape.
 *
 * @module
 */

import type { Buffer } from "node:buffer";
import * as fs from "node:fs";
import * as net from "node:net";
import * as tls from "node:tls";
import { createH2Side } from "./_node_h2.ts";
import { acceptQueueQuiet, WireEngine } from "./_wire_engine.ts";
import type { BoundAddress, NativeServer, ServeOptions } from "./types.ts";

/** The longest a TLS handshake may take when the server has no socket timeout. */
const HANDSHAKE_MS = 60_000;

/** A turn of the event loop: its poll phase accepts every connection waiting. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** Starts the server; see `Platform.serve`. */
export function serve(options: ServeOptions): Promise<NativeServer> {
  const engine = new WireEngine(options, (timer) => timer.unref());
  const noDelay = options.noDelay ?? true;
  /** Sockets accepted while the server stops, held unread until the listener is closed. */
  let held: net.Socket[] | null = null;
  let accepted = 0;
  // TLS connections that negotiate HTTP/2 (ALPN "h2") go to node:http2, the others to the engine.
  const h2 = options.tls ? createH2Side(options) : null;
  const accept = (socket: net.Socket) => {
    if (h2 !== null && (socket as tls.TLSSocket).alpnProtocol === "h2") {
      if (held !== null) socket.destroy();
      else h2.accept(socket as tls.TLSSocket);
      return;
    }
    if (held !== null) {
      socket.pause();
      held.push(socket);
    }
    if (noDelay && socket.remoteAddress !== undefined) socket.setNoDelay(true);
    const conn = engine.accept(socket);
    socket.on("data", (chunk: Buffer) => conn.onData(chunk));
    socket.on("end", () => conn.onEnd());
    socket.on("drain", () => conn.onDrain());
    socket.on("error", () => {});
    socket.on("close", () => conn.onClose());
  };
  const server: net.Server = options.tls
    ? tls.createServer({
      cert: options.tls.cert,
      key: options.tls.key,
      allowHalfOpen: true,
      ALPNProtocols: ["h2", "http/1.1"],
      // A handshake must end within the socket timeout, as a request head must.
      handshakeTimeout: options.timeoutMs || HANDSHAKE_MS,
    })
      .on("secureConnection", accept)
      // A failed or timed-out handshake: nothing to answer, the socket is closed.
      .on("tlsClientError", (_e: Error, socket: tls.TLSSocket) => socket.destroy())
    : net.createServer({ allowHalfOpen: true }, accept);
  // Every socket, a TLS one before its handshake too (it has no connection yet).
  const sockets = new Set<net.Socket>();
  server.on("connection", (socket: net.Socket) => {
    accepted++;
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });

  if (options.path) {
    try {
      if (fs.statSync(options.path).isSocket()) fs.unlinkSync(options.path);
    } catch { /* no stale socket */ }
  }
  return new Promise((resolve, reject) => {
    server.once("error", (e) => {
      engine.dispose();
      reject(e);
    });
    const onListening = () => {
      server.removeAllListeners("error");
      server.on("error", (e) => options.onError?.(e));
      if (options.path) fs.chmodSync(options.path, 0o777);
      const a = server.address();
      const addr: BoundAddress = typeof a === "string" || a === null
        ? { transport: "unix", hostname: options.path ?? String(a), port: 0 }
        : { transport: "tcp", hostname: a.address, port: a.port };
      let closed: Promise<void> | undefined;
      resolve({
        addr,
        shutdown() {
          closed ??= (async () => {
            const draining = Promise.all([engine.drain(), h2?.drain()]);
            held = [];
            await acceptQueueQuiet(() => accepted, nextTurn, 0);
            server.close();
            for (const socket of held) socket.resume();
            held = null;
            await draining;
            // The connections accepted while the queue fell quiet are drained too (the first
            // drain may have found none left before they came).
            await Promise.all([engine.drain(), h2?.drain()]);
            // What is left never became a connection (a TLS handshake in progress).
            for (const socket of sockets) socket.destroy();
            engine.dispose();
          })();
          return closed;
        },
        closeAllConnections() {
          engine.closeAll();
          h2?.closeAll();
          for (const socket of sockets) socket.destroy();
        },
        openWebSockets: () => engine.webSockets(),
      });
    };
    if (options.fd !== undefined) server.listen({ fd: options.fd }, onListening);
    else if (options.path) {
      server.listen({ path: options.path, backlog: options.backlog }, onListening);
    } else {
      server.listen(
        {
          host: options.hostname,
          port: options.port,
          backlog: options.backlog,
          ipv6Only: false,
          reusePort: options.reusePort === true,
        },
        onListening,
      );
    }
  });
}
