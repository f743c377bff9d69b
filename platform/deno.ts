/**
 * The Deno implementation of {@link Platform}: `Deno.serve` for HTTP, `Deno.*` for the
 * process, signals and files. `AsyncLocalStorage` comes from Deno's built-in
 * `node:async_hooks`, which Deno implements natively.
 *
 * @module
 */

import { AsyncLocalStorage } from "node:async_hooks";
import type { DenoApi, DenoNetAddr } from "./deno_api.ts";
import {
  CATCHABLE_SIGNALS,
  INTERNAL_ERROR_BODY,
  isAsyncIterable,
  isBodylessStatus,
  LINUX_SIGNAL_NUMBERS,
  nameOfSignal,
  targetOfUrl,
} from "./_shared.ts";
import {
  type AsyncContext,
  type BoundAddress,
  type FileInfo,
  type IncomingRequest,
  type NativeServer,
  NotFoundError,
  type OutgoingResponse,
  type Platform,
  type ServeOptions,
  UnsupportedError,
} from "./types.ts";

type StreamFrom = { from(source: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> };
const D = (globalThis as unknown as { Deno: DenoApi }).Deno;
const encoder = new TextEncoder();

function writeAll(w: { writeSync(p: Uint8Array): number }, text: string): void {
  let bytes = encoder.encode(text);
  while (bytes.length > 0) bytes = bytes.subarray(w.writeSync(bytes));
}

function mapError(e: unknown, path: string): unknown {
  return e instanceof D.errors.NotFound ? new NotFoundError(path, { cause: e }) : e;
}

function toFileInfo(
  i: { isFile: boolean; isDirectory: boolean; size: number; mtime: Date | null },
): FileInfo {
  return { isFile: i.isFile, isDirectory: i.isDirectory, size: i.size, mtime: i.mtime };
}

class DenoIncoming implements IncomingRequest {
  readonly method: string;
  readonly protocol = "HTTP/1.1";
  readonly scheme: string;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  readonly #req: Request;
  #target: string | undefined;

  constructor(req: Request, remote: DenoNetAddr, local: BoundAddress, scheme: string) {
    this.#req = req;
    this.method = req.method;
    this.scheme = scheme;
    this.remoteAddress = remote.hostname ?? "";
    this.remotePort = remote.port ?? 0;
    this.localAddress = local.hostname;
    this.localPort = local.port;
  }

  get target(): string {
    return this.#target ??= targetOfUrl(this.#req.url);
  }

  header(name: string): string | null {
    return this.#req.headers.get(name);
  }

  headerEntries(): Iterable<[string, string]> {
    return this.#req.headers;
  }

  body(): AsyncIterable<Uint8Array> | null {
    return this.#req.body;
  }

  get signal(): AbortSignal {
    return this.#req.signal;
  }

  toRequest(): Request {
    return this.#req;
  }
}

function toResponse(out: OutgoingResponse | Response): Response {
  if (out instanceof Response) return out;
  let body = out.body;
  if (isBodylessStatus(out.status)) body = null;
  else if (isAsyncIterable(body) && !(body instanceof ReadableStream)) {
    body = (ReadableStream as unknown as StreamFrom).from(body);
  }
  const init: ResponseInit = { status: out.status, headers: out.headers };
  if (out.statusText !== undefined) init.statusText = out.statusText;
  return new Response(body as BodyInit | null, init);
}

async function serve(options: ServeOptions): Promise<NativeServer> {
  let bound: BoundAddress | undefined;
  let listening!: () => void;
  const listened = new Promise<void>((resolve) => listening = resolve);
  const onError = options.onError;
  const handler = options.handler;
  const server = D.serve(
    {
      hostname: options.hostname,
      port: options.port,
      onListen(addr) {
        bound = {
          transport: addr.transport === "unix" ? "unix" : "tcp",
          hostname: addr.hostname ?? addr.path ?? "",
          port: addr.port ?? 0,
        };
        listening();
      },
      onError(error) {
        onError?.(error);
        return new Response(INTERNAL_ERROR_BODY, {
          status: 500,
          headers: { "content-type": "text/plain" },
        });
      },
    },
    (req, info) => {
      const result = handler(new DenoIncoming(req, info.remoteAddr, bound!, "http"));
      return result instanceof Promise ? result.then(toResponse) : toResponse(result);
    },
  );
  await listened;
  return {
    addr: bound!,
    async shutdown() {
      await server.shutdown();
    },
  };
}

/** The Deno platform. */
export const denoPlatform: Platform = {
  name: "deno",
  version: D.version.deno,

  pid: () => D.pid,
  args: () => [...D.args],
  execPath: () => D.execPath(),
  execArgv() {
    const main = D.mainModule;
    const script = main.startsWith("file:") ? decodeURIComponent(new URL(main).pathname) : main;
    return ["run", "-A", script];
  },
  cwd: () => D.cwd(),
  chdir: (path) => D.chdir(path),
  getEnv: (name) => D.env.get(name),
  setEnv: (name, value) => D.env.set(name, value),
  deleteEnv: (name) => D.env.delete(name),
  envObject: () => D.env.toObject(),
  exit: (code) => D.exit(code),
  isatty(fd) {
    if (fd === 0) return D.stdin.isTerminal();
    if (fd === 1) return D.stdout.isTerminal();
    if (fd === 2) return D.stderr.isTerminal();
    return false;
  },
  isMain: (meta) => (meta as ImportMeta & { main?: boolean }).main === true,
  onBeforeExit(fn) {
    globalThis.addEventListener("beforeunload", fn);
  },

  hasSignal: (signal) => D.build.os !== "windows" && CATCHABLE_SIGNALS.has(signal),
  addSignalListener(signal, listener) {
    if (!denoPlatform.hasSignal(signal)) {
      throw new UnsupportedError(`Deno cannot listen for ${signal} on ${D.build.os}.`);
    }
    D.addSignalListener(signal, listener);
  },
  removeSignalListener(signal, listener) {
    if (denoPlatform.hasSignal(signal)) D.removeSignalListener(signal, listener);
  },
  signalNumber: (signal) => D.build.os === "linux" ? LINUX_SIGNAL_NUMBERS[signal] : undefined,
  signalName: (signal) =>
    D.build.os === "linux" ? nameOfSignal(LINUX_SIGNAL_NUMBERS, signal) : undefined,
  kill: (pid, signal) => D.kill(pid, signal),

  writeStdout: (text) => writeAll(D.stdout, text),
  writeStderr: (text) => writeAll(D.stderr, text),

  unrefTimer: (id) => D.unrefTimer(id as unknown as number),

  async readFile(path) {
    try {
      return await D.readFile(path);
    } catch (e) {
      throw mapError(e, path);
    }
  },
  async readTextFile(path) {
    try {
      return await D.readTextFile(path);
    } catch (e) {
      throw mapError(e, path);
    }
  },
  readTextFileSync(path) {
    try {
      return D.readTextFileSync(path);
    } catch (e) {
      throw mapError(e, path);
    }
  },
  writeFile: (path, data) =>
    D.writeFile(path, typeof data === "string" ? encoder.encode(data) : data),
  writeFileSync: (path, data) =>
    D.writeFileSync(path, typeof data === "string" ? encoder.encode(data) : data),
  appendFileSync: (path, data) => D.writeFileSync(path, encoder.encode(data), { append: true }),
  async stat(path) {
    try {
      return toFileInfo(await D.stat(path));
    } catch (e) {
      if (e instanceof D.errors.NotFound) return null;
      throw e;
    }
  },
  statSync(path) {
    try {
      return toFileInfo(D.statSync(path));
    } catch (e) {
      if (e instanceof D.errors.NotFound) return null;
      throw e;
    }
  },
  async remove(path) {
    try {
      await D.remove(path);
    } catch (e) {
      if (!(e instanceof D.errors.NotFound)) throw e;
    }
  },
  removeSync(path) {
    try {
      D.removeSync(path);
    } catch (e) {
      if (!(e instanceof D.errors.NotFound)) throw e;
    }
  },
  makeTempDir: (prefix) => D.makeTempDir(prefix === undefined ? {} : { prefix }),
  removeDir: (path) => D.remove(path, { recursive: true }),

  serve,

  createAsyncContext<T>(): AsyncContext<T> {
    const als = new AsyncLocalStorage<T>();
    return { run: (value, fn) => als.run(value, fn), get: () => als.getStore() };
  },
};
