/**
 * `ServerAdapter`: starts and stops an HTTP server with the bus.
 *
 * @module
 */

import type { Bus } from "../bus/mod.ts";
import { type BoundAddress, platform } from "../platform/mod.ts";

/** What a {@link ServerAdapter} drives: anything that starts, stops and reports its address. */
export interface ManagedServer {
  /** Binds and serves; resolves once listening. */
  start(): Promise<void>;
  /** Stops serving; resolves once closed. */
  stop(): Promise<void>;
  /** `true` while listening. */
  readonly ready: boolean;
  /** The address bound, once started. */
  readonly boundAddr?: BoundAddress | undefined;
  /** `true` when it serves HTTPS. */
  readonly secure?: boolean;
  /** The TCP address asked for (absent for Unix sockets and adopted sockets). */
  readonly bindAddr?: { readonly host: string; readonly port: number } | undefined;
  /** `true` when it listens with `SO_REUSEPORT` (others may share the port: not waited for). */
  readonly reusesPort?: boolean;
}

/** How long to wait for a port to be freed before start, and to be bound after (seconds). */
export const Timeouts = { free: 1, occupied: 5 };

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Formats a bound address as CherryPy logs it: `http://127.0.0.1:8080`, `socket file: /p`. */
export function describeAddress(addr: BoundAddress, secure = false): string {
  if (addr.transport === "unix") return `socket file: ${addr.hostname}`;
  const scheme = secure ? "https" : "http";
  const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  const defaultPort = secure ? 443 : 80;
  return addr.port === defaultPort ? `${scheme}://${host}` : `${scheme}://${host}:${addr.port}`;
}

function named<F extends () => unknown>(fn: F, name: string, priority: number): F {
  Object.defineProperty(fn, "name", { value: name });
  return Object.assign(fn, { priority });
}

/** Waits up to `Timeouts.free` seconds for `host:port` to be free; throws when it is not. */
export async function waitForFreePort(host: string, port: number): Promise<void> {
  const deadline = Date.now() + Timeouts.free * 1000;
  while (await platform.isPortOccupied(host, port, 250)) {
    if (Date.now() >= deadline) throw new Error(`Port ${port} not free on ${host}.`);
    await sleep(100);
  }
}

/**
 * Adapts an HTTP server to the bus: `start` at priority 75 (after daemonizing and the PID
 * file, before dropping privileges), `stop` at priority 25 (before other services stop).
 *
 * @example Using `ServerAdapter`
 * ```ts
 * import { Bus } from "../mod.ts";
 * import { HTTPServer } from "../mod.ts";
 * import { ServerAdapter } from "../mod.ts";
 * const bus = new Bus();
 * const http = new HTTPServer({ host: "127.0.0.1", port: 0 }, () => new Response("hi"));
 * new ServerAdapter(bus, http).subscribe();
 * await bus.start();   // logs "Serving on http://127.0.0.1:<port>"
 * await bus.exit();
 * ```
 */
export class ServerAdapter {
  /** The bus this adapter follows. */
  readonly bus: Bus;
  /** The server driven; may be set later, before the bus starts. */
  httpserver: ManagedServer | undefined;
  /** `true` once the server is serving. */
  running = false;
  readonly #start = named(() => this.start(), `${this.constructor.name}.start`, 75);
  readonly #stop = named(() => this.stop(), `${this.constructor.name}.stop`, 25);

  /** Creates the adapter; nothing is subscribed until {@link ServerAdapter.subscribe}. */
  constructor(bus: Bus, httpserver?: ManagedServer) {
    this.bus = bus;
    this.httpserver = httpserver;
  }

  /** Subscribes `start` (priority 75) and `stop` (priority 25). */
  subscribe(): void {
    this.bus.subscribe("start", this.#start);
    this.bus.subscribe("stop", this.#stop);
  }

  /** Undoes {@link ServerAdapter.subscribe}. */
  unsubscribe(): void {
    this.bus.unsubscribe("start", this.#start);
    this.bus.unsubscribe("stop", this.#stop);
  }

  /** Where the server listens, as logged (`http://127.0.0.1:8080`). */
  get description(): string {
    const server = this.httpserver;
    const addr = server?.boundAddr;
    return addr === undefined ? "(not bound)" : describeAddress(addr, server?.secure === true);
  }

  /** Starts the server unless it runs already. */
  async start(): Promise<void> {
    if (this.running) {
      this.bus.log(`Already serving on ${this.description}`);
      return;
    }
    const server = this.httpserver;
    if (server === undefined) throw new Error("No HTTP server has been created.");
    const bind = server.bindAddr;
    if (
      bind !== undefined && bind.port !== 0 && platform.getEnv("LISTEN_PID") === undefined &&
      server.reusesPort !== true
    ) {
      await waitForFreePort(bind.host, bind.port);
    }
    await server.start();
    await this.wait();
    this.running = true;
    this.bus.log(`Serving on ${this.description}`);
  }

  /**
   * Resolves once the server is ready and its port accepts connections (up to
   * `Timeouts.occupied` seconds); throws when it is not. For servers bound to every interface
   * the port check only warns, as a firewall may hide it.
   */
  async wait(): Promise<void> {
    const server = this.httpserver;
    if (server?.ready !== true) throw new Error("The HTTP server did not become ready.");
    const addr = server.boundAddr;
    if (addr === undefined || addr.transport !== "tcp" || platform.getEnv("LISTEN_PID")) return;
    const deadline = Date.now() + Timeouts.occupied * 1000;
    while (!(await platform.isPortOccupied(addr.hostname, addr.port, 500))) {
      if (Date.now() >= deadline) {
        const msg = `Unable to verify that the server is bound on ${addr.hostname}:${addr.port}`;
        if (addr.hostname === "0.0.0.0" || addr.hostname === "::") {
          this.bus.log(msg, 30);
          return;
        }
        throw new Error(msg);
      }
      await sleep(100);
    }
  }

  /** Stops the server if it runs. */
  async stop(): Promise<void> {
    const server = this.httpserver;
    if (this.running && server !== undefined) {
      await server.stop();
      this.running = false;
      this.bus.log(`HTTP Server ${String(server)} shut down`);
    } else {
      this.bus.log(`HTTP Server ${String(server)} already shut down`);
    }
  }

  /** Stops then starts the server. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }
}
