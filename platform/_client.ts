/**
 * What both platforms' client connections share: validating {@link ConnectOptions}, naming the
 * peer, and turning a runtime's error into a {@link ConnectionError} with a message that says
 * what happened.
 *
 * @module
 */

import { ConnectionError, type ConnectOptions } from "./types.ts";

/** The connect timeout when `ConnectOptions.timeoutMs` is not given. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** What an error code means, in words. */
const MEANINGS: Record<string, string> = {
  ECONNREFUSED: "connection refused (nothing listens there)",
  ETIMEDOUT: "timed out",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  ECONNRESET: "connection reset by the peer",
  ECONNABORTED: "connection aborted",
  EPIPE: "broken pipe (the peer closed the connection)",
  ENOENT: "no such socket file",
  EACCES: "permission denied",
  ENOTSOCK: "not a socket",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  EADDRNOTAVAIL: "address not available",
  ENOTCONN: "not connected",
  ECLOSED: "the connection is closed",
};

/** Deno's error class names, as the system error codes they stand for. */
const DENO_CODES: Record<string, string> = {
  ConnectionRefused: "ECONNREFUSED",
  ConnectionReset: "ECONNRESET",
  ConnectionAborted: "ECONNABORTED",
  BrokenPipe: "EPIPE",
  NotFound: "ENOENT",
  TimedOut: "ETIMEDOUT",
  PermissionDenied: "EACCES",
  NotConnected: "ENOTCONN",
  AddrNotAvailable: "EADDRNOTAVAIL",
  BadResource: "ECLOSED",
  Interrupted: "ECLOSED",
};

/** A connection target, checked. */
export interface Target {
  readonly hostname: string;
  readonly port: number;
  readonly path: string | undefined;
  readonly peer: string;
  readonly timeoutMs: number;
  readonly noDelay: boolean;
}

/** Checks `options` and fills in the defaults; throws a `TypeError` saying what is wrong. */
export function targetOf(options: ConnectOptions): Target {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs < 0) {
    throw new TypeError(`connect: timeoutMs must be a number >= 0, not ${options.timeoutMs}.`);
  }
  const noDelay = options.noDelay ?? true;
  if (options.path !== undefined) {
    if (typeof options.path !== "string" || options.path === "") {
      throw new TypeError("connect: path must name a Unix domain socket file.");
    }
    return { hostname: "", port: 0, path: options.path, peer: options.path, timeoutMs, noDelay };
  }
  const port = options.port;
  if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new TypeError(
      `connect: port must be an integer from 1 to 65535 (or give a Unix socket path), not ${
        JSON.stringify(port)
      }.`,
    );
  }
  const hostname = options.hostname ?? "127.0.0.1";
  if (typeof hostname !== "string" || hostname === "") {
    throw new TypeError("connect: hostname must be a non-empty string.");
  }
  const peer = hostname.includes(":") ? `[${hostname}]:${port}` : `${hostname}:${port}`;
  return { hostname, port, path: undefined, peer, timeoutMs, noDelay };
}

/** The system error code of `error` (Node's `code`, or Deno's error class name mapped). */
export function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && code !== "") return code;
  const name = (error as { name?: unknown } | null)?.name;
  if (typeof name === "string" && DENO_CODES[name]) return DENO_CODES[name];
  const message = String((error as { message?: unknown } | null)?.message ?? error);
  const m = message.match(/\b(E[A-Z]{3,})\b/);
  if (m) return m[1]!;
  if (/os error 111\b/.test(message)) return "ECONNREFUSED";
  if (/os error 104\b/.test(message)) return "ECONNRESET";
  if (/os error 32\b/.test(message)) return "EPIPE";
  return "EIO";
}

function meaning(code: string, error: unknown): string {
  return MEANINGS[code] ?? String((error as { message?: unknown } | null)?.message ?? error);
}

/** The error for a connection that could not be made. */
export function connectError(target: Target, error: unknown): ConnectionError {
  const code = codeOf(error);
  return new ConnectionError(
    `Cannot connect to ${target.peer}: ${meaning(code, error)} (${code}).`,
    target.peer,
    code,
    { cause: error },
  );
}

/** The error for a connection attempt that outlived `target.timeoutMs`. */
export function connectTimeout(target: Target): ConnectionError {
  return new ConnectionError(
    `Cannot connect to ${target.peer}: no connection within ${target.timeoutMs} ms (ETIMEDOUT).`,
    target.peer,
    "ETIMEDOUT",
  );
}

/** The error for an open connection that failed while reading or writing. */
export function ioError(peer: string, error: unknown): ConnectionError {
  if (error instanceof ConnectionError) return error;
  const code = codeOf(error);
  return new ConnectionError(
    `Connection to ${peer} failed: ${meaning(code, error)} (${code}).`,
    peer,
    code,
    { cause: error },
  );
}

/** The error for a write to a closed connection. */
export function closedError(peer: string): ConnectionError {
  return new ConnectionError(
    `Cannot write to ${peer}: the connection is closed (ECLOSED).`,
    peer,
    "ECLOSED",
  );
}

const encoder = new TextEncoder();

/** `data` as bytes (a string as UTF-8). */
export function bytesOf(data: Uint8Array | string): Uint8Array {
  return typeof data === "string" ? encoder.encode(data) : data;
}
