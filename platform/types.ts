/**
 * The platform interface: everything cherrypy-ts needs from the JavaScript runtime.
 *
 * Two implementations exist, one for Deno (`deno.ts`) and one for Node (`node.ts`); `mod.ts`
 * picks the right one at run time. No other folder touches `Deno.*` or `node:*`: the bus, the
 * plugins, the HTTP server and the framework all go through {@link Platform}.
 *
 * @module
 */

import type { ClientConnection, ConnectOptions } from "./connection.ts";
import type {
  CompressionFormat,
  CompressOptions,
  Compressor,
  DecompressOptions,
  ReadableFile,
} from "./io_types.ts";
import type {
  WebSocketEvents,
  WebSocketUpgrade,
  WebSocketUpgradeOptions,
} from "./websocket_types.ts";

export * from "./connection.ts";
export * from "./io_types.ts";
export * from "./websocket_types.ts";

/** The name of the runtime a {@link Platform} drives. */
export type RuntimeName = "deno" | "node";

/** A listening address, as bound. */
export interface BoundAddress {
  /** `"tcp"` for host:port sockets, `"unix"` for Unix domain sockets. */
  readonly transport: "tcp" | "unix";
  /** The host as bound (an IP address), or the socket path for `"unix"`. */
  readonly hostname: string;
  /** The bound port (the real one when port 0 was asked for); 0 for Unix sockets. */
  readonly port: number;
}

/**
 * A request as the HTTP engine received it, before any framework work.
 *
 * The project's engine (both runtimes) gives its parsed head without building Fetch objects,
 * so the framework's hot path stays cheap; on `Deno.serve` (Deno's `native` engine) it wraps
 * the Fetch `Request`. {@link IncomingRequest.toRequest} gives a Fetch `Request` when one is wanted.
 */
export interface IncomingRequest {
  /** The request method, as sent (`"GET"`). */
  readonly method: string;
  /** The request target: path and query string as sent (`"/a/b?x=1"`), not decoded. */
  readonly target: string;
  /**
   * The request protocol (`"HTTP/1.1"`, `"HTTP/1.0"`, `"HTTP/2"`), as sent. `Deno.serve` (the
   * `native` engine) does not report it: there a request with a Host header is `"HTTP/1.1"`, and one without is `"HTTP/2"` (whose
   * `:authority` then stands for Host) or, on cleartext without an authority, `"HTTP/1.0"`.
   */
  readonly protocol: string;
  /** `"http"` or `"https"`. */
  readonly scheme: string;
  /** The client's address. */
  readonly remoteAddress: string;
  /** The client's port. */
  readonly remotePort: number;
  /** The server address the request came in on. */
  readonly localAddress: string;
  /** The server port the request came in on. */
  readonly localPort: number;
  /** One request header by name (any case); repeated headers are joined with `", "`. */
  header(name: string): string | null;
  /** Every request header as `[name, value]` pairs, names lower-cased. */
  headerEntries(): Iterable<[string, string]>;
  /** The request body as a stream of byte chunks, or `null` when there is none. */
  body(): AsyncIterable<Uint8Array> | null;
  /** Aborted when the client goes away before the response is complete. */
  readonly signal: AbortSignal;
  /** The request as a Fetch `Request` (built on demand on Node). */
  toRequest(): Request;
  /**
   * Prepares to upgrade this request's connection to a WebSocket (see the WebSockets section
   * below): checks the handshake (RFC 6455 §4.2.1) and returns the socket and the headers of the
   * `101 Switching Protocols` answer. The switch happens when the handler's response has status
   * 101; any other status sends that response instead, and the socket never opens. Throws a
   * {@link WebSocketHandshakeError} for a request that is no valid handshake. Absent where the
   * engine cannot switch protocols (HTTP/2, or a Fetch `Request` served without a server).
   */
  readonly upgradeWebSocket?:
    | ((events: WebSocketEvents, options?: WebSocketUpgradeOptions) => WebSocketUpgrade)
    | undefined;
}

/**
 * The key of an optional method of an {@link OutgoingBody} iterable: `body[BORROWED_CHUNKS]()`
 * iterates the same bytes, but each chunk is lent: it is valid only until the next one is
 * asked for (a file read into one buffer again and again). An engine that can tell when a
 * chunk has left (the project's engine on Deno) uses it and asks for the next chunk only then;
 * the others iterate the body as usual.
 *
 * @example A body that lends its chunks
 * ```ts
 * import { BORROWED_CHUNKS } from "./types.ts";
 * const body = {
 *   async *[Symbol.asyncIterator]() { yield new Uint8Array([1]); },
 *   async *[BORROWED_CHUNKS]() { const one = new Uint8Array(1); one[0] = 1; yield one; },
 * };
 * ```
 */
export const BORROWED_CHUNKS: unique symbol = Symbol.for("cherrypy-ts.borrowedChunks");

/** A response body the platform can send. */
export type OutgoingBody =
  | null
  | string
  | Uint8Array
  | AsyncIterable<Uint8Array>
  | ReadableStream<Uint8Array>;

/** A response as the framework hands it to the native server. */
export interface OutgoingResponse {
  /** The status code (`200`). */
  status: number;
  /** The reason phrase (`"OK"`); the runtime's standard one when missing. */
  statusText?: string;
  /** Response headers in order; a name may repeat (`Set-Cookie`). */
  headers: Array<[string, string]>;
  /** The body. A `string` is sent as UTF-8. */
  body: OutgoingBody;
}

/** What a native server calls for each request. */
export type NativeHandler = (
  request: IncomingRequest,
) => OutgoingResponse | Response | Promise<OutgoingResponse | Response>;

/** Options for {@link Platform.serve}. */
export interface ServeOptions {
  /** The address to bind (`"127.0.0.1"`, `"::"`); ignored with `path` or `fd`. */
  hostname: string;
  /** The port to bind; 0 asks the system for a free one. */
  port: number;
  /** A Unix domain socket path to listen on instead (a stale socket file is replaced). */
  path?: string;
  /** Adopt this already-listening socket (systemd socket activation passes fd 3). */
  fd?: number;
  /** Serve HTTPS with this PEM certificate (chain appended) and private key. */
  tls?: { readonly cert: string; readonly key: string };
  /** The listen backlog. */
  backlog?: number;
  /**
   * Set `SO_REUSEPORT` on the TCP listener, so that several processes can listen on the same
   * address and port and the kernel spreads connections over them (Linux; the engine's worker
   * processes use it). Ignored for Unix sockets and adopted sockets.
   */
  reusePort?: boolean;
  /** Disable Nagle's algorithm on connections (default true). */
  noDelay?: boolean;
  /** The largest request head (request line and headers), in bytes. */
  maxHeaderSize?: number;
  /**
   * Milliseconds a connection may stay idle between requests, and a request may take to
   * arrive; 0 for the runtime's defaults.
   */
  timeoutMs?: number;
  /**
   * The largest request body, in bytes (0: no limit). A larger `Content-Length` is answered
   * 413 before the body is read; a chunked body that grows past it makes reading it throw a
   * {@link PayloadTooLargeError}.
   */
  maxBodySize?: number;
  /**
   * The HTTP engine: `"cherrypy"`, the project's own HTTP/1.1 engine (cheroot's refusals,
   * timeouts and limits; the only one on Node), or `"native"`, the runtime's own server
   * (`Deno.serve` on Deno, with HTTP/2; Node has none and refuses it). Default: `"cherrypy"`.
   */
  engine?: HttpEngineName;
  /** Called for every request. */
  handler: NativeHandler;
  /** Called when the handler throws; the client gets a plain 500. */
  onError?: (error: unknown) => void;
}

/**
 * The HTTP engines a server can run on (`server.engine`): `"cherrypy"`, the project's own
 * HTTP/1.1 engine, or `"native"`, the runtime's server (`Deno.serve`; Deno only).
 */
export type HttpEngineName = "cherrypy" | "native";

/** Thrown while reading a request body that is larger than `maxBodySize`. */
export class PayloadTooLargeError extends Error {
  /** The limit that was exceeded, in bytes. */
  readonly limit: number;
  /** Creates the error for a body over `limit` bytes. */
  constructor(limit: number) {
    super(`The entity sent with the request exceeds the maximum allowed bytes (${limit}).`);
    this.name = "PayloadTooLargeError";
    this.limit = limit;
  }
}

/** Thrown while reading a request body that stalls longer than the server's timeout. */
export class RequestTimeoutError extends Error {
  /** Creates the error for a stall of `ms` milliseconds. */
  constructor(ms: number) {
    super(`The request body stalled for more than ${ms} ms.`);
    this.name = "RequestTimeoutError";
  }
}

/**
 * Thrown while reading a request body that is malformed (bad chunked framing) or cut short
 * (the client closed the connection): the request is a 400.
 */
export class BadRequestError extends Error {
  /** Creates the error, saying what was wrong with the body. */
  constructor(message: string) {
    super(message);
    this.name = "BadRequestError";
  }
}

/**
 * Thrown by a handler when its request must get no answer at all: the engine closes the
 * connection (what a server does when it is interrupted while serving).
 */
export class ConnectionAbort extends Error {
  /** Creates the abort. */
  constructor(message = "The request was not answered.") {
    super(message);
    this.name = "ConnectionAbort";
  }
}

/** A running native HTTP server. */
export interface NativeServer {
  /** The address the server is bound to. */
  readonly addr: BoundAddress;
  /**
   * Stops accepting connections and closes idle keep-alive connections; in-flight requests go
   * on. Resolves when every connection is closed.
   */
  shutdown(): Promise<void>;
  /**
   * Closes every remaining connection now (after a drain deadline). The project's engine
   * closes the sockets; `Deno.serve` offers no handle on its connections, so there the server
   * layer answers what is still in flight instead.
   */
  closeAllConnections(): void;
  /**
   * How many WebSockets (see {@link IncomingRequest.upgradeWebSocket}) are open or closing on
   * this server. {@link NativeServer.shutdown} closes them with 1001 and waits for them too.
   */
  openWebSockets?(): number;
}

/** Information about one file system entry. */
export interface FileInfo {
  /** `true` for a regular file. */
  readonly isFile: boolean;
  /** `true` for a directory. */
  readonly isDirectory: boolean;
  /** Size in bytes. */
  readonly size: number;
  /** Last modification time, or `null` when the system does not say. */
  readonly mtime: Date | null;
}

/** A file open for writing, from {@link Platform.createTempFile}. */
export interface FileWriter {
  /** The file's path. */
  readonly path: string;
  /** Appends `data` (all of it) to the file. */
  write(data: Uint8Array): Promise<void>;
  /** Closes the file; calling it again does nothing. */
  close(): Promise<void>;
}

/** Context-local storage with `AsyncLocalStorage` semantics. */
export interface AsyncContext<T> {
  /** Runs `fn` with `value` as the current value, for `fn` and everything it awaits. */
  run<R>(value: T, fn: () => R): R;
  /** The current value, or `undefined` outside {@link AsyncContext.run}. */
  get(): T | undefined;
  /**
   * Makes `value` the current value for the rest of the current synchronous run and for every
   * continuation registered during it (`AsyncLocalStorage.enterWith`); enter the previous
   * value again to end that.
   */
  enterWith(value: T | undefined): void;
}

/** A file system error raised when a path does not exist. */
export class NotFoundError extends Error {
  /** Creates the error for `path`. */
  constructor(path: string, options?: ErrorOptions) {
    super(`No such file or directory: ${path}`, options);
    this.name = "NotFoundError";
  }
}

/** Raised when the runtime cannot do what was asked; the message names the alternative. */
export class UnsupportedError extends Error {
  /** Creates the error with a message that says what to do instead. */
  constructor(message: string) {
    super(message);
    this.name = "UnsupportedError";
  }
}

/** Where a spawned child's standard stream goes. */
export type StdioTarget =
  | "inherit"
  | "null"
  | "pipe"
  | { readonly path: string; readonly append?: boolean };

/** Options for {@link Platform.spawn}. */
export interface SpawnOptions {
  /** The program to run. */
  command: string;
  /** Its arguments (without the program itself). */
  args: string[];
  /** The working directory (default: the current one). */
  cwd?: string;
  /** The whole environment of the child (default: this process's). */
  env?: Record<string, string>;
  /** Standard input (default `"null"`). */
  stdin?: StdioTarget;
  /** Standard output (default `"inherit"`). */
  stdout?: StdioTarget;
  /** Standard error (default `"inherit"`). */
  stderr?: StdioTarget;
  /** Start the child in a new session, detached from this process's terminal. */
  detached?: boolean;
}

/** How a child process ended. */
export interface ChildStatus {
  /** The exit code, or `null` when a signal ended it. */
  readonly code: number | null;
  /** The signal that ended it (`"SIGTERM"`), or `null`. */
  readonly signal: string | null;
}

/** A child process started by {@link Platform.spawn}. */
export interface ChildProcess {
  /** Its process id. */
  readonly pid: number;
  /** Resolves when it ends. */
  readonly status: Promise<ChildStatus>;
  /** Its standard output when `stdout` was `"pipe"`. */
  readonly stdout: AsyncIterable<Uint8Array> | null;
  /** Its standard error when `stderr` was `"pipe"`. */
  readonly stderr: AsyncIterable<Uint8Array> | null;
  /** Sends a signal (default SIGTERM). */
  kill(signal?: string): void;
  /** Lets this process exit while the child still runs. */
  unref(): void;
}

/** A user account, from the system's user database. */
export interface UserEntry {
  /** The login name. */
  readonly name: string;
  /** The user id. */
  readonly uid: number;
  /** The primary group id. */
  readonly gid: number;
}

/** A group, from the system's group database. */
export interface GroupEntry {
  /** The group name. */
  readonly name: string;
  /** The group id. */
  readonly gid: number;
}

/** Everything cherrypy-ts needs from the runtime. */
export interface Platform {
  /** Which runtime this is. */
  readonly name: RuntimeName;
  /** The runtime's version (`"2.9.6"`, `"20.20.2"`). */
  readonly version: string;

  // ---- process -------------------------------------------------------------------------------
  /** This process's id. */
  pid(): number;
  /** The program's own arguments (what follows the script path). */
  args(): string[];
  /** The runtime executable (`/usr/bin/node`, `.../deno`). */
  execPath(): string;
  /**
   * The runtime's arguments needed to run the same program again, up to and including the
   * script (e.g. `["run", "-A", "/app/site.ts"]` on Deno, `["/app/site.js"]` on Node).
   */
  execArgv(): string[];
  /** The current working directory. */
  cwd(): string;
  /** Changes the working directory. */
  chdir(path: string): void;
  /** Reads an environment variable. */
  getEnv(name: string): string | undefined;
  /** Sets an environment variable. */
  setEnv(name: string, value: string): void;
  /** Removes an environment variable. */
  deleteEnv(name: string): void;
  /** A copy of the whole environment. */
  envObject(): Record<string, string>;
  /** Ends the process at once with `code`. */
  exit(code: number): never;
  /** `true` when file descriptor `fd` (0, 1 or 2) is a terminal. */
  isatty(fd: number): boolean;
  /** The file path of the program's main module, when it is a local file. */
  mainModulePath(): string | undefined;
  /** `true` when `meta` is the `import.meta` of the program's main module. */
  isMain(meta: ImportMeta): boolean;
  /** Registers `fn` to run when the event loop is about to empty (before a natural exit). */
  onBeforeExit(fn: () => void): void;
  /** The parent process's id. */
  ppid(): number;
  /**
   * The command line that started this process, as the system recorded it (`/proc/self/cmdline`
   * on Linux): `[runtime, ...runtimeFlags, script, ...args]`. Falls back to
   * `[execPath(), ...execArgv(), ...args()]` elsewhere.
   */
  commandLine(): string[];
  /**
   * The command line that runs this program again in a child process that may listen with
   * `SO_REUSEPORT` (on Deno, `deno run` gets `--unstable-net`, which that option needs there).
   */
  reusePortCommandLine(): string[];
  /**
   * Replaces this process with `path` run with `argv` (`argv[0]` included) and `env`, keeping
   * the process id (`execve`). Throws {@link UnsupportedError} when the runtime cannot: then
   * use {@link Platform.spawn} and exit.
   */
  execve(path: string, argv: string[], env: Record<string, string>): never;
  /** `true` when {@link Platform.execve} can work here. */
  canExecve(): boolean;
  /** Starts a child process. */
  spawn(options: SpawnOptions): ChildProcess;
  /** `true` when a process with id `pid` exists. */
  isProcessAlive(pid: number): boolean;

  // ---- privileges ----------------------------------------------------------------------------
  /** The real user id. */
  getuid(): number;
  /** The real group id. */
  getgid(): number;
  /** The supplementary group ids. */
  getgroups(): number[];
  /**
   * Throws {@link UnsupportedError} naming what is missing when this runtime cannot change
   * user, group, supplementary groups and umask here; does nothing when it can.
   */
  assertCanDropPrivileges(): void;
  /** Sets the supplementary groups (root only). */
  setgroups(groups: number[]): void;
  /** Sets the real and effective group id. */
  setgid(gid: number): void;
  /** Sets the real and effective user id. */
  setuid(uid: number): void;
  /** Sets the file-creation mask and returns the previous one. */
  umask(mask: number): number;
  /** Looks a user up by name or id in the system's user database (`/etc/passwd`). */
  lookupUser(nameOrId: string | number): UserEntry | null;
  /** Looks a group up by name or id in the system's group database (`/etc/group`). */
  lookupGroup(nameOrId: string | number): GroupEntry | null;

  // ---- signals -------------------------------------------------------------------------------
  /** `true` when this platform can listen for the signal named `signal` (`"SIGTERM"`). */
  hasSignal(signal: string): boolean;
  /** Adds a listener for `signal`; throws {@link UnsupportedError} for signals it lacks. */
  addSignalListener(signal: string, listener: () => void): void;
  /** Removes a listener added with {@link Platform.addSignalListener}. */
  removeSignalListener(signal: string, listener: () => void): void;
  /** The number of the signal named `signal` on this system, or `undefined`. */
  signalNumber(signal: string): number | undefined;
  /** The name of signal number `signal` on this system, or `undefined`. */
  signalName(signal: number): string | undefined;
  /** Sends `signal` to process `pid`. */
  kill(pid: number, signal: string): void;

  // ---- output --------------------------------------------------------------------------------
  /** Writes text to standard output, synchronously where the runtime allows. */
  writeStdout(text: string): void;
  /** Writes text to standard error, synchronously where the runtime allows. */
  writeStderr(text: string): void;

  // ---- timers --------------------------------------------------------------------------------
  /** Lets the process exit even while the timer `id` is pending. */
  unrefTimer(id: ReturnType<typeof setTimeout>): void;

  // ---- files ---------------------------------------------------------------------------------
  /** Reads a whole file as bytes. Throws {@link NotFoundError} when it does not exist. */
  readFile(path: string): Promise<Uint8Array>;
  /** Reads a whole UTF-8 file. Throws {@link NotFoundError} when it does not exist. */
  readTextFile(path: string): Promise<string>;
  /**
   * Reads a whole file as bytes, synchronously (for small files, where one blocking read costs
   * less than the round trips of an asynchronous one). With `sizeHint` (the size a `stat` just
   * gave), a file of that size is read without asking its size again. Throws
   * {@link NotFoundError} when it does not exist.
   */
  readFileSync(path: string, sizeHint?: number): Uint8Array;
  /** Reads a whole UTF-8 file synchronously. */
  readTextFileSync(path: string): string;
  /** Writes (creates or replaces) a file. */
  writeFile(path: string, data: Uint8Array | string): Promise<void>;
  /** Writes (creates or replaces) a file synchronously. */
  writeFileSync(path: string, data: Uint8Array | string): void;
  /** Appends text to a file synchronously, creating it when missing. */
  appendFileSync(path: string, data: string): void;
  /** Information about `path`, or `null` when it does not exist. */
  stat(path: string): Promise<FileInfo | null>;
  /** Information about `path` synchronously, or `null` when it does not exist. */
  statSync(path: string): FileInfo | null;
  /** Removes a file; does nothing when it does not exist. */
  remove(path: string): Promise<void>;
  /** Removes a file synchronously; does nothing when it does not exist. */
  removeSync(path: string): void;
  /** The entries of a directory, synchronously: `[name, isDirectory]` pairs; `[]` when missing. */
  readDirSync(path: string): Array<[string, boolean]>;
  /** Makes a fresh temporary directory and returns its path. */
  makeTempDir(prefix?: string): Promise<string>;
  /** Removes a directory and everything in it. */
  removeDir(path: string): Promise<void>;
  /**
   * Creates a new, empty file (mode 0600) with a unique name in the system's temporary
   * directory and opens it for writing. The caller removes it with {@link Platform.remove}.
   */
  createTempFile(prefix?: string): Promise<FileWriter>;
  /**
   * Reads a file as a stream of byte chunks; the file is closed when the stream ends or the
   * consumer stops early. Throws {@link NotFoundError} when it does not exist.
   */
  readFileChunks(path: string): AsyncIterable<Uint8Array>;

  // ---- HTTP ----------------------------------------------------------------------------------
  /**
   * `true` when something accepts TCP connections on `host:port` (a connection attempt that
   * gives up after `timeoutMs`).
   */
  isPortOccupied(host: string, port: number, timeoutMs?: number): Promise<boolean>;
  /** Starts the runtime's native HTTP server; resolves once it is listening. */
  serve(options: ServeOptions): Promise<NativeServer>;

  // ---- async context -------------------------------------------------------------------------
  /** Creates a context-local slot (AsyncLocalStorage semantics). */
  createAsyncContext<T>(): AsyncContext<T>;

  // ---- hashing -------------------------------------------------------------------------------
  /**
   * The hex digest of `data` (a string is hashed as UTF-8). `md5` and `sha1` are here for the
   * protocols that name them (HTTP Digest, ETags), not for new security uses.
   */
  hash(algorithm: HashAlgorithm, data: Uint8Array | string): string;
  /** The hex HMAC of `data` under `key` (strings as UTF-8). */
  hmac(algorithm: HashAlgorithm, key: Uint8Array | string, data: Uint8Array | string): string;

  // ---- compression ---------------------------------------------------------------------------
  /**
   * The compression formats this runtime has: `gzip`, `deflate` and `deflate-raw` always; `br`
   * (Brotli) and `zstd` (Zstandard) where its zlib has them (see docs/runtimes.md).
   */
  compressionFormats(): readonly CompressionFormat[];
  /**
   * Compresses `data` at once, blocking until done (for small bodies). Throws
   * {@link UnsupportedError} for a format this runtime lacks, and a `RangeError` for a level
   * outside the format's range.
   */
  compressSync(format: CompressionFormat, data: Uint8Array, options?: CompressOptions): Uint8Array;
  /**
   * Decompresses `data` at once. Throws on corrupt data, and past `options.maxLength` bytes of
   * output.
   */
  decompressSync(
    format: CompressionFormat,
    data: Uint8Array,
    options?: DecompressOptions,
  ): Uint8Array;
  /**
   * A streaming compressor (the work runs off the main thread): each `write` resolves with the
   * compressed bytes ready so far, so a caller that pulls its input only after a write resolved
   * keeps at most one chunk in flight.
   */
  createCompressor(format: CompressionFormat, options?: CompressOptions): Compressor;

  // ---- files: exclusive create, atomic rename, directories (the file session store) --------
  /**
   * Creates `path` holding `data` only when nothing exists there (`O_CREAT | O_EXCL`), with
   * permissions `mode` (default 0o600, less the umask). Resolves `false` when `path` exists.
   */
  createExclusive(path: string, data: Uint8Array | string, mode?: number): Promise<boolean>;
  /**
   * Renames `from` to `to`, atomically replacing `to` when it exists (both on one file
   * system). Throws {@link NotFoundError} when `from` does not exist.
   */
  rename(from: string, to: string): Promise<void>;
  /** Creates directory `path` and its missing parents (mode 0o700 unless given); nothing when it exists. */
  makeDir(path: string, mode?: number): Promise<void>;
  /** The names of the entries of directory `path`; `[]` when it does not exist. */
  readDirNames(path: string): Promise<string[]>;
  /** Sets the access and modification times of `path` to `time` (default now). */
  touch(path: string, time?: Date): Promise<void>;

  // ---- static files: resolving links, reading at a position ----------------------------------
  /**
   * The canonical absolute path of `path`, with every symbolic link, `.` and `..` resolved
   * (`realpath`); `null` when it does not exist or cannot be resolved (a component missing, not
   * a directory, or not readable).
   */
  realPathSync(path: string): string | null;
  /**
   * Opens a file for reading at any position. Throws {@link NotFoundError} when it does not
   * exist.
   */
  openFile(path: string): Promise<ReadableFile>;

  // ---- outgoing connections (TCP and Unix sockets) ------------------------------------------
  /**
   * Opens a client connection to a TCP server (`hostname` and `port`) or a Unix domain socket
   * (`path`), giving up after `timeoutMs`. Failures reject with a `ConnectionError` that
   * names the peer and says what went wrong (refused, timed out, host not found, ...).
   *
   * @example Send a line and read the answer
   * ```ts
   * import { platform } from "../mod.ts";
   * async function ask(port: number, line: string): Promise<string> {
   *   const conn = await platform.connect({ hostname: "127.0.0.1", port, timeoutMs: 2000 });
   *   try {
   *     await conn.write(`${line}\r\n`);
   *     for await (const chunk of conn) return new TextDecoder().decode(chunk);
   *     return "";
   *   } finally {
   *     conn.close();
   *   }
   * }
   * ```
   */
  connect(options: ConnectOptions): Promise<ClientConnection>;

  // ---- log files: an open file appended to, and work done as the process ends ----------------
  /**
   * Opens `path` for appending (created if missing, with mode 0o644), to be written to many
   * times without opening it again.
   *
   * @example Append two lines
   * ```ts
   * import { platform } from "../mod.ts";
   * const file = platform.openAppendSync("/tmp/site.log");
   * file.write("one\ntwo\n");
   * file.close();
   * ```
   */
  openAppendSync(path: string): AppendFile;
  /**
   * Registers `fn` to run synchronously when the process ends: at a natural end, at
   * {@link Platform.exit}, and before {@link Platform.execve} replaces the process.
   */
  onExit(fn: () => void): void;

  // ---- text to bytes ---------------------------------------------------------------------------
  /**
   * `text` as UTF-8 bytes, made the cheapest way the runtime has: short strings go into a
   * shared pool (as `Buffer.from` does on Node; on Deno a fresh `Uint8Array` costs microseconds).
   * The result may be a view of a larger buffer: copy it before keeping it for long.
   *
   * @example Encode a JSON body
   * ```ts
   * import { platform } from "../mod.ts";
   * const bytes = platform.encodeUtf8(JSON.stringify({ ok: true }));
   * bytes.length; // 11
   * ```
   */
  encodeUtf8(text: string): Uint8Array;
}

/** A file open for appending, from {@link Platform.openAppendSync}. */
export interface AppendFile {
  /** Appends `text` (UTF-8), or bytes, now, whole. */
  write(text: string | Uint8Array): void;
  /** Closes the file (further writes throw). */
  close(): void;
}

/** The hash algorithms `Platform.hash` and `Platform.hmac` offer. */
export type HashAlgorithm = "md5" | "sha1" | "sha256" | "sha512" | "sha512-256";
