/**
 * Helpers shared by the Deno and Node platform implementations.
 *
 * @module
 */

import { createHash, createHmac } from "node:crypto";
import {
  type HashAlgorithm,
  type IncomingRequest,
  type OutgoingBody,
  UnsupportedError,
} from "./types.ts";

/** POSIX signal names a listener may be attached to (SIGKILL and SIGSTOP cannot be caught). */
export const CATCHABLE_SIGNALS: ReadonlySet<string> = new Set([
  "SIGHUP",
  "SIGINT",
  "SIGQUIT",
  "SIGILL",
  "SIGTRAP",
  "SIGABRT",
  "SIGBUS",
  "SIGFPE",
  "SIGUSR1",
  "SIGSEGV",
  "SIGUSR2",
  "SIGPIPE",
  "SIGALRM",
  "SIGTERM",
  "SIGCHLD",
  "SIGCONT",
  "SIGTSTP",
  "SIGTTIN",
  "SIGTTOU",
  "SIGURG",
  "SIGXCPU",
  "SIGXFSZ",
  "SIGVTALRM",
  "SIGPROF",
  "SIGWINCH",
  "SIGIO",
  "SIGPWR",
  "SIGSYS",
]);

/** Signal numbers on Linux, for platforms that do not report them. */
export const LINUX_SIGNAL_NUMBERS: Readonly<Record<string, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGCHLD: 17,
  SIGCONT: 18,
  SIGSTOP: 19,
  SIGTSTP: 20,
  SIGTTIN: 21,
  SIGTTOU: 22,
  SIGURG: 23,
  SIGXCPU: 24,
  SIGXFSZ: 25,
  SIGVTALRM: 26,
  SIGPROF: 27,
  SIGWINCH: 28,
  SIGIO: 29,
  SIGPWR: 30,
  SIGSYS: 31,
};

/** Statuses whose responses never carry a body. */
export function isBodylessStatus(status: number): boolean {
  return status < 200 || status === 204 || status === 205 || status === 304;
}

/** `true` for an async iterable that is not a string or byte array. */
export function isAsyncIterable(body: OutgoingBody): body is AsyncIterable<Uint8Array> {
  return body !== null && typeof body === "object" &&
    typeof (body as Partial<AsyncIterable<Uint8Array>>)[Symbol.asyncIterator] === "function";
}

/** The path-and-query part of an absolute URL (`http://h:1/a?b` → `/a?b`). */
export function targetOfUrl(url: string): string {
  const start = url.indexOf("//");
  const slash = url.indexOf("/", start < 0 ? 0 : start + 2);
  return slash < 0 ? "/" : url.slice(slash);
}

/** The plain-text 500 response sent when a handler fails outside the framework. */
export const INTERNAL_ERROR_BODY = "Internal Server Error";

/** The name for a signal number in a name → number table. */
export function nameOfSignal(
  table: Readonly<Record<string, number>>,
  signal: number,
): string | undefined {
  for (const name in table) if (table[name] === signal) return name;
  return undefined;
}

/** Finds an entry of a `name:x:id:...` database file (`/etc/passwd`, `/etc/group`). */
export function findDbEntry(text: string, nameOrId: string | number): string[] | null {
  const byId = typeof nameOrId === "number" || /^\d+$/.test(nameOrId);
  const key = String(nameOrId);
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const fields = line.split(":");
    if (byId ? fields[2] === key : fields[0] === key) return fields;
  }
  return null;
}

/** The command line recorded in `/proc/self/cmdline`, or `null` when there is none. */
export function procCommandLine(read: (path: string) => string): string[] | null {
  try {
    const parts = read("/proc/self/cmdline").split("\0");
    if (parts.at(-1) === "") parts.pop();
    return parts.length > 0 ? parts : null;
  } catch {
    return null;
  }
}

/** Whether `host:port` accepts a TCP connection, using `node:net` (Node and Deno). */
export { isPortOccupied } from "./_net.ts";

/** The supplementary groups from `/proc/self/status`, or `null` where there is no such file. */
export function procGroups(read: (path: string) => string): number[] | null {
  try {
    const line = read("/proc/self/status").match(/^Groups:(.*)$/m);
    if (!line) return null;
    return line[1]!.trim().split(/\s+/).filter((x) => x !== "").map(Number);
  } catch {
    return null;
  }
}

/** A user from `/etc/passwd` text, by name or id. */
export function userFrom(passwd: string, nameOrId: string | number) {
  const f = findDbEntry(passwd, nameOrId);
  return f ? { name: f[0]!, uid: Number(f[2]), gid: Number(f[3]) } : null;
}

/** A group from `/etc/group` text, by name or id. */
export function groupFrom(group: string, nameOrId: string | number) {
  const f = findDbEntry(group, nameOrId);
  return f ? { name: f[0]!, gid: Number(f[2]) } : null;
}

/** `Platform.hash` on both runtimes (Deno, Node and Bun share `node:crypto`). */
export function hash(algorithm: HashAlgorithm, data: Uint8Array | string): string {
  return createHash(algorithm).update(data).digest("hex");
}

/** `Platform.hmac` on both runtimes. */
export function hmac(
  algorithm: HashAlgorithm,
  key: Uint8Array | string,
  data: Uint8Array | string,
): string {
  return createHmac(algorithm, key).update(data).digest("hex");
}

/** The error for `SO_REUSEPORT` on a Deno run without `--unstable-net`. */
export const REUSE_PORT_NEEDS_FLAG: string =
  "Listening with SO_REUSEPORT (server.reuse_port, worker processes) needs Deno's " +
  "--unstable-net flag: run `deno run --unstable-net ...` (the engine adds it to the workers it " +
  "starts), or set server.workers to 0.";

/**
 * Throws when `reusePort` is asked for on a Deno run without `--unstable-net` (Deno would end
 * the process instead of throwing). `unstableNet` tells whether the flag is on.
 */
export function checkReusePort(reusePort: boolean | undefined, unstableNet: boolean): void {
  if (reusePort === true && !unstableNet) throw new UnsupportedError(REUSE_PORT_NEEDS_FLAG);
}

/**
 * The Fetch `Request` for an incoming request at `url` (`IncomingRequest.toRequest` on the
 * engines that do not start from one): its method, headers and signal, and its body as a
 * stream pulled from the request's own body (none for GET and HEAD).
 */
export function fetchRequest(url: string, request: IncomingRequest): Request {
  const init: RequestInit & { duplex?: "half" } = {
    method: request.method,
    headers: [...request.headerEntries()],
    signal: request.signal,
  };
  const body = request.body();
  if (body !== null && request.method !== "GET" && request.method !== "HEAD") {
    const it = body[Symbol.asyncIterator]();
    init.body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await it.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
      cancel: () => void it.return?.(),
    });
    init.duplex = "half";
  }
  return new Request(url, init);
}
