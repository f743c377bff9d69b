/**
 * `Server`: the site's HTTP server as the engine runs it, configured by `server.*` keys.
 *
 * @module
 */

import { type Bus, SystemExit } from "../../bus/mod.ts";
import { ServerAdapter, type Workers } from "../../plugins/mod.ts";
import { type HttpEngineName, platform } from "../../platform/mod.ts";
import { type BindAddress, formatHost, type Gateway, HTTPServer } from "../../server/mod.ts";

/**
 * The HTTP server plugin, configured by the `server.*` config keys (attributes named exactly
 * as the keys). It builds its {@link HTTPServer} at each start, so a changed port takes
 * effect on the next start.
 *
 * @example Using `Server`
 * ```ts
 * import { config, server } from "../../mod.ts";
 * config.update({ "server.socket_port": 9090 });
 * console.log(server.socket_port); // 9090
 * ```
 */
export class Server extends ServerAdapter {
  #socketHost = "127.0.0.1";
  /** The port to listen on; 0 picks a free one. */
  socket_port = 8080;
  /** A Unix socket path to listen on instead of host and port. */
  socket_file: string | null = null;
  /**
   * The listen backlog. CherryPy's default is 5; here it is 128, because a backlog of 5 drops
   * connection attempts of any burst of clients (each then waits the kernel's 1 s SYN retry).
   */
  socket_queue_size = 128;
  /** Seconds a connection may stay idle or a request may stall. */
  socket_timeout = 10;
  /** Seconds in-flight requests get to finish when the server stops. */
  shutdown_timeout = 5;
  /** The protocol the server speaks. */
  protocol_version = "HTTP/1.1";
  /** CherryPy's minimum worker threads; JavaScript has none to start (kept for config files). */
  thread_pool = 10;
  /** The most requests handled at once; -1 for no limit (see `docs/server.md`). */
  thread_pool_max: number = -1;
  /** Requests that may wait for a slot when `thread_pool_max` is reached; -1: as many as that. */
  accepted_queue_size: number = -1;
  /** Seconds a request may wait for a place in the full queue before it gets 503. */
  accepted_queue_timeout = 10;
  /** The largest request head accepted, in bytes. */
  max_request_header_size = 500 * 1024;
  /** The largest request body accepted, in bytes. */
  max_request_body_size = 100 * 1024 * 1024;
  /** A server object to use instead of building one. */
  instance: HTTPServer | null = null;
  /** TLS certificate file. */
  ssl_certificate: string | null = null;
  /** TLS private key file. */
  ssl_private_key: string | null = null;
  /** TLS certificate chain file. */
  ssl_certificate_chain: string | null = null;
  /**
   * The TLS implementation: `"builtin"`, the runtime's own (the only one; CherryPy's
   * `"pyopenssl"` is Python's, and starting with it fails saying so).
   */
  ssl_module = "builtin";
  /** Collect statistics. */
  statistics = false;
  /** Disable Nagle's algorithm on connections. */
  nodelay = true;
  /**
   * The HTTP engine: `"cherrypy"` (the project's own HTTP/1.1 engine) or `"native"`
   * (Deno's `serve`, Deno only); `null`: the runtime's default (see `docs/server.md`).
   */
  engine: HttpEngineName | null = null;
  /**
   * Listen with `SO_REUSEPORT`, so that other processes can serve the same port (Linux); on
   * in worker processes.
   */
  reuse_port = false;
  readonly #gateway: () => Gateway;
  readonly #onError: (error: unknown) => void;

  /** What `new Server()` serves and follows when given nothing: the site's engine and tree. */
  static defaults: { bus?: Bus; gateway?: () => Gateway } = {};

  /**
   * Creates the server plugin for `bus` (default: the engine), serving what `gateway()`
   * returns (default: the tree). Call `subscribe()` to make it follow the engine.
   */
  constructor(bus?: Bus, gateway?: () => Gateway) {
    const b = bus ?? Server.defaults.bus;
    const g = gateway ?? Server.defaults.gateway;
    if (b === undefined || g === undefined) {
      throw new Error("Server needs a bus and a gateway (the engine and tree are not set up).");
    }
    super(b);
    this.#gateway = g;
    this.#onError = (e) => b.log("Error in HTTP server.", 40, e);
  }

  /** The interface to listen on (`"127.0.0.1"`; `"0.0.0.0"` or `"::"` for all). */
  get socket_host(): string {
    return this.#socketHost;
  }
  set socket_host(value: string) {
    if (value === "") {
      throw new Error(
        "The empty string ('') is not an allowed value. Use '0.0.0.0' instead to listen on " +
          "all active interfaces (INADDR_ANY).",
      );
    }
    this.#socketHost = value;
  }

  /** `[host, port]`, or the socket file path. */
  get bind_addr(): [string, number] | string {
    return this.socket_file ?? [this.#socketHost, this.socket_port];
  }

  /**
   * The address actually bound while serving (`[host, port]` with the real port when 0 was
   * asked for), else {@link Server.bind_addr}.
   *
   * @example Using `bound_addr`
   * ```ts
   * import * as cherrypy from "../../mod.ts";
   * const server = new cherrypy.Server();
   * server.socket_port = 0;
   * server.bound_addr; // ["127.0.0.1", 0] until started
   * ```
   */
  get bound_addr(): [string, number] | string {
    const bound = this.running ? this.httpserver?.boundAddr : undefined;
    if (bound === undefined || this.socket_file) return this.bind_addr;
    return [this.#socketHost, bound.port];
  }

  /**
   * Where to listen: an inherited socket under systemd socket activation (`LISTEN_PID` is this
   * process and `LISTEN_FDS` at least 1: fd 3), else `socket_file`, else host and port.
   */
  bindAddress(): BindAddress {
    const listenPid = platform.getEnv("LISTEN_PID");
    if (
      listenPid !== undefined && Number(listenPid) === platform.pid() &&
      Number(platform.getEnv("LISTEN_FDS") ?? "0") >= 1
    ) return { fd: 3 };
    if (this.socket_file) return { path: this.socket_file };
    return { host: this.#socketHost, port: this.socket_port };
  }

  /** The HTTP server these settings describe. */
  httpserverFromSelf(): HTTPServer {
    if (this.ssl_certificate && this.ssl_module !== "builtin") {
      throw new Error(
        `server.ssl_module ${JSON.stringify(this.ssl_module)} does not exist here: TLS is the ` +
          `runtime's own ("builtin", the default); pyOpenSSL is a Python library`,
      );
    }
    return new HTTPServer(this.bindAddress(), this.#gateway(), {
      onError: this.#onError,
      onInterrupt: (e) => {
        this.bus.log(
          e instanceof SystemExit
            ? "SystemExit raised: shutting down HTTP server"
            : "<Ctrl-C> hit: shutting down HTTP server",
        );
        void this.bus.exit();
      },
      log: (msg, level) => this.bus.log(msg, level),
      ssl: this.ssl_certificate
        ? {
          certificate: this.ssl_certificate,
          privateKey: this.ssl_private_key ?? this.ssl_certificate,
          certificateChain: this.ssl_certificate_chain,
        }
        : null,
      socketQueueSize: this.socket_queue_size,
      socketTimeout: this.socket_timeout,
      shutdownTimeout: this.shutdown_timeout,
      maxRequestHeaderSize: this.max_request_header_size,
      maxRequestBodySize: this.max_request_body_size,
      nodelay: this.nodelay,
      maxConcurrency: this.thread_pool_max,
      queueSize: this.accepted_queue_size,
      queueTimeout: this.accepted_queue_timeout,
      statistics: this.statistics,
      engine: this.engine,
      reusePort: this.reuse_port || this.#workers()?.role === "worker",
    });
  }

  /** Builds the HTTP server (unless running) and starts it. */
  override async start(): Promise<void> {
    if (this.#workers()?.role === "main") {
      // The worker processes bind and serve; this process supervises them.
      this.bus.log(`Serving on ${this.base()} through ${this.#workers()!.count} workers`);
      return;
    }
    if (!this.running) this.httpserver = this.instance ?? this.httpserverFromSelf();
    await super.start();
  }

  /**
   * How many worker processes serve the site (`server.workers`): the engine's
   * `engine.workers.count`. 0 serves from this process alone.
   */
  get workers(): number {
    return this.#workers()?.count ?? 0;
  }
  set workers(count: number) {
    const workers = this.#workers();
    if (workers === undefined) {
      throw new Error("server.workers needs the site's engine (this server follows another bus).");
    }
    workers.count = count;
  }

  #workers(): Workers | undefined {
    return (this.bus as { workers?: Workers }).workers;
  }

  /** The base URL of this server, `http://127.0.0.1:8080` (host name for `0.0.0.0`/`::`). */
  base(): string {
    const port = this.httpserver?.boundAddr?.port ?? this.socket_port;
    const host = formatHost(this.#socketHost);
    return port === 80 ? `http://${host}` : `http://${host}:${port}`;
  }
}
