/**
 * The part of the `Deno` namespace that the Deno platform uses, declared here so that the
 * npm build (compiled by the TypeScript compiler, which has no Deno types) type-checks too.
 * `scripts/check_deno_api.ts` proves under `deno check` that the real `Deno` namespace
 * satisfies this interface, so a drift between the two fails CI.
 *
 * @module
 */

/** An address as Deno reports it. */
export interface DenoNetAddr {
  transport: string;
  hostname?: string;
  port?: number;
  path?: string;
}

/** Deno's file information. */
export interface DenoFileInfo {
  isFile: boolean;
  isDirectory: boolean;
  size: number;
  mtime: Date | null;
}

/** A synchronous writer (stdout, stderr). */
export interface DenoWriterSync {
  writeSync(p: Uint8Array): number;
}

/** An open file (`Deno.FsFile`), as far as the platform uses it. */
export interface DenoFsFile {
  write(p: Uint8Array): Promise<number>;
  close(): void;
  readonly readable: ReadableStream<Uint8Array>;
  read(p: Uint8Array): Promise<number | null>;
  /** `whence` 0 is `Deno.SeekMode.Start`. */
  seek(offset: number, whence: number): Promise<number>;
  statSync(): DenoFileInfo;
  readSync(p: Uint8Array): number | null;
  writeSync(p: Uint8Array): number;
}

/** What `Deno.serve` returns. */
export interface DenoHttpServer {
  readonly addr: DenoNetAddr;
  readonly finished: Promise<void>;
  shutdown(): Promise<void>;
}

/** A connected socket (`Deno.Conn`, `Deno.TcpConn`, `Deno.TlsConn`, `Deno.UnixConn`). */
export interface DenoConn {
  readonly localAddr: DenoNetAddr;
  readonly remoteAddr: DenoNetAddr;
  read(p: Uint8Array): Promise<number | null>;
  write(p: Uint8Array): Promise<number>;
  closeWrite(): Promise<void>;
  close(): void;
  ref(): void;
  unref(): void;
}

/** A TCP connection (`Deno.TcpConn`). */
export interface DenoTcpConn extends DenoConn {
  setNoDelay(noDelay?: boolean): void;
}

/** A listening socket (`Deno.Listener`). */
export interface DenoListener {
  readonly addr: DenoNetAddr;
  accept(): Promise<DenoConn>;
  close(): void;
}

/** The subset of the `Deno` namespace used by `platform/deno.ts`. */
export interface DenoApi {
  /** Present only with `--unstable-net` (how the platform tells the flag is on). */
  listenDatagram?: unknown;
  readonly version: { readonly deno: string };
  readonly pid: number;
  readonly args: readonly string[];
  readonly mainModule: string;
  readonly build: { readonly os: string };
  readonly env: {
    get(key: string): string | undefined;
    set(key: string, value: string): void;
    delete(key: string): void;
    toObject(): { [index: string]: string };
  };
  readonly stdin: { isTerminal(): boolean };
  readonly stdout: DenoWriterSync & { isTerminal(): boolean };
  readonly stderr: DenoWriterSync & { isTerminal(): boolean };
  readonly errors: {
    readonly NotFound: abstract new (...args: never[]) => Error;
    readonly AlreadyExists: abstract new (...args: never[]) => Error;
  };
  execPath(): string;
  uid(): number | null;
  gid(): number | null;
  umask(mask?: number): number;
  // deno-lint-ignore no-explicit-any
  dlopen(filename: string, symbols: any): { symbols: unknown; close(): void };
  readonly UnsafePointer: {
    // deno-lint-ignore no-explicit-any
    of(value: any): unknown;
    // deno-lint-ignore no-explicit-any
    value(pointer: any): number | bigint;
  };
  cwd(): string;
  chdir(directory: string): void;
  exit(code?: number): never;
  // deno-lint-ignore no-explicit-any
  addSignalListener(signal: any, handler: () => void): void;
  // deno-lint-ignore no-explicit-any
  removeSignalListener(signal: any, handler: () => void): void;
  // deno-lint-ignore no-explicit-any
  kill(pid: number, signo?: any): void;
  unrefTimer(id: number): void;
  readFile(path: string): Promise<Uint8Array>;
  readDirSync(path: string): Iterable<{ name: string; isDirectory: boolean }>;
  readTextFile(path: string): Promise<string>;
  readTextFileSync(path: string): string;
  readFileSync(path: string): Uint8Array;
  openSync(
    path: string,
    options?: { append?: boolean; create?: boolean; mode?: number },
  ): DenoFsFile;
  lstatSync(path: string): DenoFileInfo & { isSocket: boolean | null };
  chmodSync(path: string, mode: number): void;
  writeFile(path: string, data: Uint8Array): Promise<void>;
  writeFileSync(path: string, data: Uint8Array, options?: { append?: boolean }): void;
  stat(path: string): Promise<DenoFileInfo>;
  statSync(path: string): DenoFileInfo;
  remove(path: string, options?: { recursive?: boolean }): Promise<void>;
  removeSync(path: string): void;
  makeTempDir(options?: { prefix?: string }): Promise<string>;
  makeTempFile(options?: { prefix?: string }): Promise<string>;
  open(
    path: string,
    options?: { read?: boolean; write?: boolean; createNew?: boolean; mode?: number },
  ): Promise<DenoFsFile>;
  rename(from: string, to: string): Promise<void>;
  mkdir(path: string, options?: { recursive?: boolean; mode?: number }): Promise<void>;
  readDir(path: string): AsyncIterable<{ name: string }>;
  utime(path: string, atime: Date, mtime: Date): Promise<void>;
  realPathSync(path: string): string;
  connect(
    options: { hostname?: string; port: number; transport?: "tcp"; signal?: AbortSignal },
  ): Promise<DenoTcpConn>;
  connect(options: { path: string; transport: "unix" }): Promise<DenoConn>;
  listen(
    options: {
      hostname?: string;
      port: number;
      tcpBacklog?: number;
      reusePort?: boolean;
      transport?: "tcp";
    },
  ): DenoListener;
  listen(options: { path: string; transport: "unix" }): DenoListener;
  listenTls(
    options: {
      hostname?: string;
      port: number;
      tcpBacklog?: number;
      reusePort?: boolean;
      transport?: "tcp";
      cert: string;
      key: string;
      alpnProtocols?: string[];
    },
  ): DenoListener;
  serve(
    options: {
      hostname?: string;
      port?: number;
      path?: string;
      reusePort?: boolean;
      cert?: string;
      key?: string;
      onListen?: (localAddr: DenoNetAddr) => void;
      onError?: (error: unknown) => Response | Promise<Response>;
    },
    handler: (
      request: Request,
      info: { remoteAddr: DenoNetAddr },
    ) => Response | Promise<Response>,
  ): DenoHttpServer;
  /** Switches a `Deno.serve` request to a WebSocket (the `native` engine's WebSockets). */
  upgradeWebSocket(
    request: Request,
    options?: { protocol?: string; idleTimeout?: number },
  ): { socket: WebSocket; response: Response };
}
