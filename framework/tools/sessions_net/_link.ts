/**
 * The connection machinery the memcached and Redis clients share: a {@link Link} is one
 * pipelined connection (requests written as they come, replies matched in order, each with a
 * deadline), and a {@link ServerPool} keeps a few links to one server, opening them on demand
 * and failing fast for a moment after the server could not be reached.
 *
 * @module
 */

import { ConnectionError, platform } from "../../../platform/mod.ts";
import type { ClientConnection } from "../../../platform/mod.ts";

/** What a reply parser returns when the bytes so far hold no complete reply. */
export const INCOMPLETE: unique symbol = Symbol("incomplete");
/** A parsed frame that answers no request (a Redis push message): consumed and dropped. */
export const SKIP: unique symbol = Symbol("skip");

/**
 * Parses one reply from the start of `bytes`: `[value, bytesUsed]`, or {@link INCOMPLETE}.
 * A value that is an `Error` rejects its request (the connection stays usable unless the error
 * has `fatal: true`). Throwing means the stream makes no sense: the connection is dropped.
 */
export type Parser<T> = (
  bytes: Uint8Array,
) => readonly [T | Error | typeof SKIP, number] | typeof INCOMPLETE;

/** Where a server listens. */
export interface ServerAddress {
  /** The host (TCP), or `""` for a Unix socket. */
  readonly hostname: string;
  /** The port (TCP), or 0. */
  readonly port: number;
  /** The Unix socket path, if any. */
  readonly path?: string;
  /** `host:port` or the socket path, for messages. */
  readonly label: string;
}

/** Parses `"host:port"`, `"[v6]:port"`, `"host"` (with `defaultPort`) or a socket path. */
export function parseServer(spec: string, defaultPort: number, service: string): ServerAddress {
  const text = String(spec).trim();
  if (text.startsWith("/") || text.startsWith("unix:")) {
    const path = text.startsWith("unix:") ? text.slice(5).replace(/^\/\/(?=\/)/, "") : text;
    if (!path.startsWith("/")) {
      throw new TypeError(`${service}: a Unix socket must be an absolute path: ${spec}`);
    }
    return { hostname: "", port: 0, path, label: path };
  }
  const m = text.match(/^(?:\[([0-9a-fA-F:.]+)\]|([^:\s/\[\]]+))(?::(\d{1,5}))?$/);
  const port = m?.[3] === undefined ? defaultPort : Number(m[3]);
  if (!m || port < 1 || port > 65535) {
    throw new TypeError(
      `${service}: bad server address ${JSON.stringify(spec)}: use "host:port", ` +
        `"[ipv6]:port" or the absolute path of a Unix socket.`,
    );
  }
  const hostname = m[1] ?? m[2]!;
  const label = hostname.includes(":") ? `[${hostname}]:${port}` : `${hostname}:${port}`;
  return { hostname, port, label };
}

/** Timeouts and limits of a connection pool. */
export interface LinkOptions {
  /** Milliseconds to wait for a connection (default 3000). */
  connectTimeoutMs?: number;
  /**
   * Milliseconds to wait for each reply (default 5000; 0: no limit). A reply that does not come
   * in time fails its request and drops the connection.
   */
  requestTimeoutMs?: number;
  /** Connections kept to each server (default 4); requests are pipelined over them. */
  maxConnections?: number;
  /**
   * After a server could not be reached, milliseconds during which requests to it fail at once
   * instead of trying again (default 1000; 0: always try).
   */
  retryDelayMs?: number;
}

interface Pending {
  readonly parse: Parser<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: ReturnType<typeof setTimeout> | undefined;
}

/** One pipelined connection to a server. */
export class Link {
  readonly #conn: ClientConnection;
  readonly #service: string;
  readonly #requestTimeoutMs: number;
  readonly #pending: Pending[] = [];
  #buffer: Uint8Array = new Uint8Array(0);
  #dead: Error | null = null;
  #retiring = false;

  /** Wraps an open connection and starts reading replies. */
  constructor(conn: ClientConnection, service: string, requestTimeoutMs: number) {
    this.#conn = conn;
    this.#service = service;
    this.#requestTimeoutMs = requestTimeoutMs;
    conn.unref();
    this.#read();
  }

  /** `false` once the connection failed, closed or is being retired. */
  get usable(): boolean {
    return this.#dead === null && !this.#retiring && !this.#conn.closed;
  }

  /** Requests sent and not answered yet. */
  get load(): number {
    return this.#pending.length;
  }

  /** Sends `payload` and resolves with the reply `parse` reads. */
  send<T>(payload: Uint8Array, parse: Parser<T>): Promise<T> {
    if (this.#dead) return Promise.reject(this.#dead);
    return new Promise<T>((resolve, reject) => {
      const timer = this.#requestTimeoutMs > 0
        ? setTimeout(() => {
          this.#kill(
            new ConnectionError(
              `${this.#service} server ${this.#conn.peer} did not answer within ` +
                `${this.#requestTimeoutMs} ms (ETIMEDOUT).`,
              this.#conn.peer,
              "ETIMEDOUT",
            ),
          );
        }, this.#requestTimeoutMs)
        : undefined;
      if (this.#pending.length === 0) this.#conn.ref();
      this.#pending.push({
        parse: parse as Parser<unknown>,
        resolve: resolve as (value: unknown) => void,
        reject,
        timer,
      });
      this.#conn.write(payload).catch((e) => this.#kill(this.#wrap(e)));
    });
  }

  /** Closes the connection; requests still waiting fail. */
  close(): void {
    this.#kill(
      new ConnectionError(
        `${this.#service}: the connection to ${this.#conn.peer} was closed.`,
        this.#conn.peer,
        "ECLOSED",
      ),
    );
  }

  #wrap(e: unknown): Error {
    if (e instanceof ConnectionError) {
      return new ConnectionError(`${this.#service}: ${e.message}`, e.peer, e.code, { cause: e });
    }
    return e instanceof Error ? e : new Error(String(e));
  }

  #kill(error: Error): void {
    this.#dead ??= error;
    this.#conn.close();
    const pending = this.#pending.splice(0);
    for (const p of pending) {
      clearTimeout(p.timer);
      p.reject(error);
    }
  }

  async #read(): Promise<void> {
    try {
      for await (const chunk of this.#conn) {
        this.#append(chunk);
        this.#deliver();
        if (this.#dead) return;
      }
      if (this.#pending.length > 0 || this.#buffer.length > 0) {
        this.#kill(
          new ConnectionError(
            `${this.#service} server ${this.#conn.peer} closed the connection before it ` +
              "answered.",
            this.#conn.peer,
            "ECONNRESET",
          ),
        );
      } else {
        this.close();
      }
    } catch (e) {
      this.#kill(this.#wrap(e));
    }
  }

  #append(chunk: Uint8Array): void {
    if (this.#buffer.length === 0) {
      this.#buffer = chunk;
      return;
    }
    const joined = new Uint8Array(this.#buffer.length + chunk.length);
    joined.set(this.#buffer);
    joined.set(chunk, this.#buffer.length);
    this.#buffer = joined;
  }

  #deliver(): void {
    while (this.#buffer.length > 0) {
      const head = this.#pending[0];
      if (head === undefined) {
        this.#kill(this.#protocolError("data that answers no request"));
        return;
      }
      let parsed;
      try {
        parsed = head.parse(this.#buffer);
      } catch (e) {
        this.#kill(this.#protocolError((e as Error).message));
        return;
      }
      if (parsed === INCOMPLETE) return;
      const [value, used] = parsed;
      this.#buffer = this.#buffer.subarray(used);
      if (value === SKIP) continue;
      this.#pending.shift();
      clearTimeout(head.timer);
      if (this.#pending.length === 0 && this.usable) this.#conn.unref();
      if (value instanceof Error) {
        // A fatal error: nothing more is sent here, and the link closes once it is quiet.
        if ((value as Error & { fatal?: boolean }).fatal) this.#retiring = true;
        head.reject(value);
      } else {
        head.resolve(value);
      }
      if (this.#retiring && this.#pending.length === 0) {
        this.close();
        return;
      }
    }
  }

  #protocolError(what: string): Error {
    return new ConnectionError(
      `${this.#service} server ${this.#conn.peer} sent ${what}; the connection was dropped.`,
      this.#conn.peer,
      "EPROTO",
    );
  }
}

/** A few {@link Link}s to one server, opened when needed. */
export class ServerPool {
  /** The server. */
  readonly address: ServerAddress;
  readonly #service: string;
  readonly #connectTimeoutMs: number;
  readonly #requestTimeoutMs: number;
  readonly #max: number;
  readonly #retryDelayMs: number;
  readonly #prepare: ((link: Link) => Promise<void>) | undefined;
  #links: Link[] = [];
  #opening: Array<Promise<Link>> = [];
  #downUntil = 0;
  #downError: ConnectionError | null = null;
  #closed = false;

  /**
   * A pool for `address`; `prepare` runs on each new link before it is used (authentication,
   * database selection) and may reject to refuse it.
   */
  constructor(
    address: ServerAddress,
    service: string,
    options: LinkOptions,
    prepare?: (link: Link) => Promise<void>,
  ) {
    this.address = address;
    this.#service = service;
    this.#connectTimeoutMs = checkedMs(options.connectTimeoutMs, 3000, "connectTimeoutMs", service);
    this.#requestTimeoutMs = checkedMs(options.requestTimeoutMs, 5000, "requestTimeoutMs", service);
    this.#retryDelayMs = checkedMs(options.retryDelayMs, 1000, "retryDelayMs", service);
    const max = options.maxConnections ?? 4;
    if (!Number.isInteger(max) || max < 1) {
      throw new TypeError(`${service}: maxConnections must be an integer >= 1, not ${max}.`);
    }
    this.#max = max;
    this.#prepare = prepare;
  }

  /** Sends one request on a pooled link. */
  async request<T>(payload: Uint8Array, parse: Parser<T>): Promise<T> {
    return (await this.#link()).send(payload, parse);
  }

  /** Closes every link; later requests fail. */
  close(): void {
    this.#closed = true;
    for (const link of this.#links.splice(0)) link.close();
  }

  async #link(): Promise<Link> {
    if (this.#closed) {
      throw new ConnectionError(
        `${this.#service}: the client is closed.`,
        this.address.label,
        "ECLOSED",
      );
    }
    this.#links = this.#links.filter((l) => l.usable);
    const idle = this.#links.find((l) => l.load === 0);
    if (idle) return idle;
    if (this.#links.length + this.#opening.length < this.#max) return await this.#open();
    if (this.#links.length === 0) return await this.#opening[0]!;
    return this.#links.reduce((a, b) => (b.load < a.load ? b : a));
  }

  async #open(): Promise<Link> {
    if (this.#downError && Date.now() < this.#downUntil) throw this.#downError;
    const opening = (async () => {
      let conn: ClientConnection;
      try {
        conn = await platform.connect({
          hostname: this.address.hostname,
          port: this.address.port,
          ...(this.address.path === undefined ? {} : { path: this.address.path }),
          timeoutMs: this.#connectTimeoutMs,
        });
      } catch (e) {
        const error = e instanceof ConnectionError
          ? new ConnectionError(`${this.#service}: ${e.message}`, e.peer, e.code, { cause: e })
          : e;
        if (error instanceof ConnectionError && this.#retryDelayMs > 0) {
          this.#downError = error;
          this.#downUntil = Date.now() + this.#retryDelayMs;
        }
        throw error;
      }
      const link = new Link(conn, this.#service, this.#requestTimeoutMs);
      if (this.#prepare) {
        try {
          await this.#prepare(link);
        } catch (e) {
          link.close();
          throw e;
        }
      }
      if (this.#closed) {
        link.close();
        throw new ConnectionError(
          `${this.#service}: the client is closed.`,
          this.address.label,
          "ECLOSED",
        );
      }
      this.#downError = null;
      this.#links.push(link);
      return link;
    })();
    this.#opening.push(opening);
    try {
      return await opening;
    } finally {
      this.#opening = this.#opening.filter((p) => p !== opening);
    }
  }
}

function checkedMs(value: number | undefined, fallback: number, name: string, service: string) {
  const ms = value ?? fallback;
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) {
    throw new TypeError(`${service}: ${name} must be a number of milliseconds >= 0, not ${value}.`);
  }
  return ms;
}

const decoder = new TextDecoder();

/** The index of the first `\r\n` in `bytes` at or after `from`, or -1. */
export function lineEnd(bytes: Uint8Array, from = 0): number {
  for (let i = bytes.indexOf(13, from); i !== -1; i = bytes.indexOf(13, i + 1)) {
    if (i + 1 >= bytes.length) return -1;
    if (bytes[i + 1] === 10) return i;
  }
  return -1;
}

/** `bytes[from, to)` as text (UTF-8). */
export function textOf(bytes: Uint8Array, from: number, to: number): string {
  return decoder.decode(bytes.subarray(from, to));
}
