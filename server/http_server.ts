/**
 * The HTTP server: serves a gateway over an HTTP engine (the project's own HTTP/1.1 engine, or
 * Deno's `serve` on Deno: see {@link HTTPServerOptions.engine}), with CherryPy's server knobs
 * and a graceful stop.
 *
 * @module
 */

import {
  type BoundAddress,
  type HttpEngineName,
  type IncomingRequest,
  type NativeHandler,
  type NativeServer,
  type OutgoingResponse,
  platform,
  type ServeOptions,
} from "../platform/mod.ts";
import { Drain, type DrainLog, type PendingAnswer } from "./drain.ts";
import { type ServerStats, StatsCollector } from "./stats.ts";

/** A Fetch-style application: the standard gateway (`(Request) => Response`). */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

/**
 * What an {@link HTTPServer} serves: a Fetch handler, or a native gateway object whose
 * `handle` takes the platform's {@link IncomingRequest} directly (the framework's fast path).
 */
export type Gateway = FetchHandler | { handle: NativeHandler };

/** A host and port to bind. */
export interface InetBindAddress {
  /** The interface to bind: an IP address, `"0.0.0.0"` or `"::"` (dual stack) for all. */
  host: string;
  /** The port; 0 lets the system choose (see {@link HTTPServer.boundAddr}). */
  port: number;
}

/** Where an {@link HTTPServer} listens: host and port, a Unix socket, or an inherited socket. */
export type BindAddress = InetBindAddress | { path: string } | { fd: number };

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

/** TLS files (PEM). */
export interface TLSFiles {
  /** The certificate file. */
  certificate: string;
  /** The private key file. */
  privateKey: string;
  /** Intermediate certificates, appended to the certificate. */
  certificateChain?: string | null;
}

/**
 * Options of an {@link HTTPServer}, named after CherryPy's `server.*` keys (see
 * `docs/server.md` for what each does on each runtime).
 */
export interface HTTPServerOptions {
  /** Called with errors the gateway throws (the client gets a plain 500). */
  onError?: (error: unknown) => void;
  /** Where the server reports what it does (`(msg, level)`); silent by default. */
  log?: DrainLog;
  /** Serve HTTPS with these files. */
  ssl?: TLSFiles | null;
  /** The listen backlog (`server.socket_queue_size`). */
  socketQueueSize?: number;
  /** Seconds a connection may idle, or a request stall (`server.socket_timeout`). */
  socketTimeout?: number;
  /** Seconds in-flight requests get to finish on stop (`server.shutdown_timeout`, default 5). */
  shutdownTimeout?: number;
  /** The largest request head in bytes (`server.max_request_header_size`; 0: no limit). */
  maxRequestHeaderSize?: number;
  /** The largest request body in bytes (`server.max_request_body_size`; 0: no limit). */
  maxRequestBodySize?: number;
  /** Disable Nagle's algorithm (`server.nodelay`, default true). */
  nodelay?: boolean;
  /** The most requests handled at once (`server.thread_pool_max`; 0 or less: no cap). */
  maxConcurrency?: number;
  /** Requests waiting for a slot beyond that; more get 503 (`server.accepted_queue_size`). */
  queueSize?: number;
  /** Seconds a request may wait for a slot before it gets 503 (`server.accepted_queue_timeout`). */
  queueTimeout?: number;
  /** Keep counters (`server.statistics`); read them from {@link HTTPServer.stats}. */
  statistics?: boolean;
  /**
   * The HTTP engine (`server.engine`): `"cherrypy"`, the project's own HTTP/1.1 engine, or
   * `"native"` (Deno's `serve`, Deno only); `null` or absent: the runtime's default (see
   * `docs/server.md`).
   */
  engine?: HttpEngineName | null;
  /**
   * Listen with `SO_REUSEPORT` (`server.reuse_port`), so that other processes may listen on the
   * same port (the engine's worker processes). Linux.
   */
  reusePort?: boolean;
}

const SERVICE_UNAVAILABLE: OutgoingResponse = {
  status: 503,
  headers: [["Content-Type", "text/plain"], ["Connection", "close"]],
  body: "Service Unavailable",
};

/**
 * An HTTP server serving one {@link Gateway} on one address.
 *
 * @example Serve a Fetch handler on a free port
 * ```ts
 * import { HTTPServer } from "../mod.ts";
 * const server = new HTTPServer({ host: "127.0.0.1", port: 0 }, () => new Response("hi"));
 * await server.start();
 * console.log(`listening on port ${server.boundAddr!.port}`);
 * await server.stop();
 * ```
 */
export class HTTPServer {
  /** The address asked for. */
  readonly bind: BindAddress;
  /** What is served. */
  readonly gateway: Gateway;
  /** The options in force. */
  readonly options: Readonly<HTTPServerOptions>;
  readonly #handler: NativeHandler;
  readonly #stats: StatsCollector;
  #native: NativeServer | undefined;
  #lastAddr: BoundAddress | undefined;
  #drain: Drain | undefined;
  #inFlight = 0;
  readonly #waiting: Array<(go: boolean) => void> = [];

  /** Creates a server; nothing is bound until {@link HTTPServer.start}. */
  constructor(bind: BindAddress, gateway: Gateway, options: HTTPServerOptions = {}) {
    this.bind = bind;
    this.gateway = gateway;
    this.options = options;
    this.#handler = nativeHandlerOf(gateway);
    this.#stats = new StatsCollector(options.statistics === true);
  }

  /** The TCP address asked for, or `undefined` for Unix sockets and inherited sockets. */
  get bindAddr(): InetBindAddress | undefined {
    return "host" in this.bind ? this.bind : undefined;
  }

  /** `true` when it listens with `SO_REUSEPORT` (`reusePort`). */
  get reusesPort(): boolean {
    return this.options.reusePort === true;
  }

  /** `true` when serving HTTPS. */
  get secure(): boolean {
    return this.options.ssl != null;
  }

  /** `true` while the server is listening. */
  get ready(): boolean {
    return this.#native !== undefined;
  }

  /** The address actually bound (with the real port when 0 was asked for), once started. */
  get boundAddr(): BoundAddress | undefined {
    return this.#native?.addr;
  }

  /** The counters, when `statistics` is on (CherryPy's `server.statistics`). */
  get stats(): ServerStats {
    return this.#stats.snapshot(this.#lastAddr, this.#inFlight, this.#waiting.length);
  }

  /** Binds and starts serving; resolves once the server listens. */
  async start(): Promise<void> {
    if (this.#native !== undefined) return;
    const o = this.options;
    const opts: ServeOptions = {
      hostname: "host" in this.bind ? this.bind.host : "",
      port: "host" in this.bind ? this.bind.port : 0,
      handler: (req) => this.#handle(req),
      onError: (e) => {
        this.#stats.count("errors");
        o.onError?.(e);
      },
      noDelay: o.nodelay ?? true,
      maxHeaderSize: o.maxRequestHeaderSize ?? 0,
      maxBodySize: o.maxRequestBodySize ?? 0,
      timeoutMs: (o.socketTimeout ?? 0) * 1000,
    };
    if (o.engine) opts.engine = o.engine;
    if ("path" in this.bind) opts.path = this.bind.path;
    if ("fd" in this.bind) opts.fd = this.bind.fd;
    if (o.socketQueueSize) opts.backlog = o.socketQueueSize;
    if (o.reusePort) opts.reusePort = true;
    if (o.ssl) opts.tls = await readTLS(o.ssl);
    this.#native = await platform.serve(opts);
    this.#lastAddr = this.#native.addr;
    this.#stats.started();
  }

  #handle(
    req: IncomingRequest,
  ): OutgoingResponse | Response | Promise<OutgoingResponse | Response> {
    const cap = this.options.maxConcurrency ?? 0;
    if (cap > 0 && this.#inFlight >= cap) return this.#queue(req);
    return this.#run(req);
  }

  async #queue(req: IncomingRequest): Promise<OutgoingResponse | Response> {
    const limit = this.options.queueSize && this.options.queueSize > 0
      ? this.options.queueSize
      : this.options.maxConcurrency!;
    if (this.#waiting.length >= limit) {
      this.#stats.count("rejected");
      return SERVICE_UNAVAILABLE;
    }
    const go = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        const i = this.#waiting.indexOf(wake);
        if (i >= 0) this.#waiting.splice(i, 1);
        resolve(false);
      }, (this.options.queueTimeout ?? 10) * 1000);
      const wake = (ok: boolean) => {
        clearTimeout(timer);
        resolve(ok);
      };
      this.#waiting.push(wake);
    });
    if (!go) {
      this.#stats.count("rejected");
      return SERVICE_UNAVAILABLE;
    }
    return this.#run(req);
  }

  #run(req: IncomingRequest): OutgoingResponse | Response | Promise<OutgoingResponse | Response> {
    this.#inFlight++;
    const started = this.#stats.requestStarted();
    let result;
    try {
      result = this.#handler(req);
    } catch (e) {
      this.#finished(started);
      throw e;
    }
    if (!(result instanceof Promise)) {
      this.#finished(started);
      return this.#drain ? this.#drain.closing(result) : result;
    }
    // The answer to an asynchronous request is a promise of our own, so that a drain past its
    // deadline can answer it 503 (see Drain.run); its resolver is the pending entry.
    return new Promise((resolve, reject) => {
      this.#pending.add(resolve);
      result.then((out) => {
        this.#pending.delete(resolve);
        this.#finished(started);
        const drain = this.#drain;
        resolve(drain ? drain.closing(out) : out);
      }, (e) => {
        this.#pending.delete(resolve);
        this.#finished(started);
        reject(e);
      });
    });
  }

  /** Resolvers of the asynchronous requests in flight; a drain past its deadline calls them. */
  readonly #pending = new Set<PendingAnswer>();

  #finished(started: number): void {
    this.#inFlight--;
    this.#stats.requestFinished(started);
    const next = this.#waiting.shift();
    if (next) next(true);
  }

  /**
   * Stops gracefully: stops accepting connections and closes idle keep-alive ones at once;
   * in-flight requests get `shutdown_timeout` seconds to finish, and responses sent meanwhile
   * carry `Connection: close`. What is still in flight then is answered 503 and its
   * connection closed; the count is logged. Requests waiting for a slot get 503 at once.
   */
  async stop(): Promise<void> {
    const native = this.#native;
    if (native === undefined) return;
    const drain = this.#drain = new Drain(this.options.log);
    for (const wake of this.#waiting.splice(0)) wake(false);
    try {
      await drain.run(
        native,
        this.#pending,
        (this.options.shutdownTimeout ?? 5) * 1000,
        SERVICE_UNAVAILABLE,
      );
    } finally {
      this.#native = undefined;
      this.#drain = undefined;
      this.#stats.stopped();
    }
  }

  /** `HTTPServer(('127.0.0.1', 8080))`, as the engine's log names it. */
  toString(): string {
    const a = this.#lastAddr;
    if (a?.transport === "unix" || "path" in this.bind) {
      return `HTTPServer('${a?.hostname ?? (this.bind as { path: string }).path}')`;
    }
    if (a === undefined && "fd" in this.bind) return `HTTPServer(fd ${this.bind.fd})`;
    const host = a?.hostname ?? (this.bind as InetBindAddress).host;
    const port = a?.port ?? (this.bind as InetBindAddress).port;
    return `HTTPServer(('${host}', ${port}))`;
  }
}

async function readTLS(files: TLSFiles): Promise<{ cert: string; key: string }> {
  const read = (path: string, what: string) =>
    platform.readTextFile(path).catch((e) => {
      throw new Error(`Cannot read the TLS ${what} '${path}': ${(e as Error).message}`);
    });
  let cert = await read(files.certificate, "certificate (server.ssl_certificate)");
  const key = await read(files.privateKey, "private key (server.ssl_private_key)");
  if (files.certificateChain) {
    const chain = await read(files.certificateChain, "chain (server.ssl_certificate_chain)");
    cert = cert.trimEnd() + "\n" + chain;
  }
  return { cert, key };
}
