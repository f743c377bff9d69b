/**
 * The HTTP server: serves a gateway over the runtime's native HTTP engine (Deno's `serve` on
 * Deno, `node:http` on Node).
 *
 * @module
 */

import {
  type BoundAddress,
  type IncomingRequest,
  type NativeHandler,
  type NativeServer,
  platform,
} from "../platform/mod.ts";

/** A Fetch-style application: the standard gateway (`(Request) => Response`). */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

/**
 * What an {@link HTTPServer} serves: a Fetch handler, or a native gateway object whose
 * `handle` takes the platform's {@link IncomingRequest} directly (the framework's fast path).
 */
export type Gateway = FetchHandler | { handle: NativeHandler };

/** A host and port to bind. */
export interface InetBindAddress {
  /** The interface to bind: an IP address, `"0.0.0.0"` or `"::"` for all. */
  host: string;
  /** The port; 0 lets the system choose (see {@link HTTPServer.boundAddr}). */
  port: number;
}

/** Turns a {@link Gateway} into the platform's native handler. */
export function nativeHandlerOf(gateway: Gateway): NativeHandler {
  if (typeof gateway === "function") {
    return (req: IncomingRequest) => gateway(req.toRequest());
  }
  return (req: IncomingRequest) => gateway.handle(req);
}

/** Formats a host for a URL: IPv6 addresses get brackets. */
export function formatHost(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

/** Options of an {@link HTTPServer}. */
export interface HTTPServerOptions {
  /** Called with errors the gateway throws (the client gets a plain 500). */
  onError?: (error: unknown) => void;
}

/**
 * An HTTP server serving one {@link Gateway} on one address.
 *
 * @example Serve a Fetch handler on a free port
 * ```ts
 * import { HTTPServer } from "./http_server.ts";
 * const server = new HTTPServer({ host: "127.0.0.1", port: 0 }, () => new Response("hi"));
 * await server.start();
 * console.log(`listening on port ${server.boundAddr!.port}`);
 * await server.stop();
 * ```
 */
export class HTTPServer {
  /** The address asked for. */
  readonly bindAddr: InetBindAddress;
  /** What is served. */
  readonly gateway: Gateway;
  readonly #options: HTTPServerOptions;
  #native: NativeServer | undefined;
  #lastAddr: BoundAddress | undefined;

  /** Creates a server; nothing is bound until {@link HTTPServer.start}. */
  constructor(bindAddr: InetBindAddress, gateway: Gateway, options: HTTPServerOptions = {}) {
    this.bindAddr = bindAddr;
    this.gateway = gateway;
    this.#options = options;
  }

  /** `true` while the server is listening. */
  get ready(): boolean {
    return this.#native !== undefined;
  }

  /** The address actually bound (with the real port when 0 was asked for), once started. */
  get boundAddr(): BoundAddress | undefined {
    return this.#native?.addr;
  }

  /** Binds and starts serving; resolves once the server listens. */
  async start(): Promise<void> {
    if (this.#native !== undefined) return;
    const opts: Parameters<typeof platform.serve>[0] = {
      hostname: this.bindAddr.host,
      port: this.bindAddr.port,
      handler: nativeHandlerOf(this.gateway),
    };
    if (this.#options.onError) opts.onError = this.#options.onError;
    this.#native = await platform.serve(opts);
    this.#lastAddr = this.#native.addr;
  }

  /** Stops accepting, lets in-flight requests finish, then closes. */
  async stop(): Promise<void> {
    const native = this.#native;
    if (native === undefined) return;
    this.#native = undefined;
    await native.shutdown();
  }

  /** `HTTPServer(('127.0.0.1', 8080))`, as the engine's log names it. */
  toString(): string {
    const a = this.#lastAddr ?? { hostname: this.bindAddr.host, port: this.bindAddr.port };
    return `HTTPServer(('${a.hostname}', ${a.port}))`;
  }
}
