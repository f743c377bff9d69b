/**
 * The Node implementation of {@link Platform}: `node:http` for HTTP (no Fetch objects on the
 * hot path), `process` for the process and signals, `node:fs` for files and
 * `AsyncLocalStorage` for context-local state.
 *
 * @module
 */

import { AsyncLocalStorage } from "node:async_hooks";
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as http from "node:http";
import * as https from "node:https";
import { constants as osConstants, tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { Readable } from "node:stream";
import { pathToFileURL } from "node:url";
import { spawnChild } from "./_child.ts";
import {
  CATCHABLE_SIGNALS,
  findDbEntry,
  INTERNAL_ERROR_BODY,
  isBodylessStatus,
  isPortOccupied,
  nameOfSignal,
  procCommandLine,
  procGroups,
} from "./_shared.ts";
import { declaredLength, guardBody, TOO_LARGE_BODY } from "./_body.ts";
import {
  type AsyncContext,
  type BoundAddress,
  type FileInfo,
  type IncomingRequest,
  type NativeServer,
  NotFoundError,
  type OutgoingBody,
  type OutgoingResponse,
  PayloadTooLargeError,
  type Platform,
  RequestTimeoutError,
  type ServeOptions,
  UnsupportedError,
} from "./types.ts";

function mapError(e: unknown, path: string): unknown {
  return (e as { code?: string }).code === "ENOENT" ? new NotFoundError(path, { cause: e }) : e;
}

function toFileInfo(s: fs.Stats): FileInfo {
  return { isFile: s.isFile(), isDirectory: s.isDirectory(), size: s.size, mtime: s.mtime };
}

const METHODS_WITHOUT_BODY = new Set(["GET", "HEAD"]);

class NodeIncoming implements IncomingRequest {
  readonly method: string;
  readonly target: string;
  readonly scheme: string;
  readonly #req: http.IncomingMessage;
  readonly #res: http.ServerResponse;
  readonly #maxBody: number;
  readonly #timeoutMs: number;
  #abort: AbortController | undefined;

  constructor(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    scheme: string,
    maxBody: number,
    timeoutMs: number,
  ) {
    this.#req = req;
    this.#res = res;
    this.#maxBody = maxBody;
    this.#timeoutMs = timeoutMs;
    this.method = req.method ?? "GET";
    this.target = req.url ?? "/";
    this.scheme = scheme;
  }

  get protocol(): string {
    return "HTTP/" + this.#req.httpVersion;
  }
  get remoteAddress(): string {
    return this.#req.socket.remoteAddress ?? "";
  }
  get remotePort(): number {
    return this.#req.socket.remotePort ?? 0;
  }
  get localAddress(): string {
    return this.#req.socket.localAddress ?? "";
  }
  get localPort(): number {
    return this.#req.socket.localPort ?? 0;
  }

  header(name: string): string | null {
    const v = this.#req.headers[name.toLowerCase()];
    if (v === undefined) return null;
    return typeof v === "string" ? v : v.join(", ");
  }

  *headerEntries(): Iterable<[string, string]> {
    const raw = this.#req.rawHeaders;
    for (let i = 0; i + 1 < raw.length; i += 2) yield [raw[i]!.toLowerCase(), raw[i + 1]!];
  }

  body(): AsyncIterable<Uint8Array> | null {
    const req = this.#req;
    if (
      METHODS_WITHOUT_BODY.has(this.method) && req.headers["content-length"] === undefined &&
      req.headers["transfer-encoding"] === undefined
    ) return null;
    if (this.#maxBody === 0 && this.#timeoutMs === 0) return req;
    return guardBody(req, this.#maxBody, this.#timeoutMs);
  }

  get signal(): AbortSignal {
    if (this.#abort === undefined) {
      const ac = this.#abort = new AbortController();
      const res = this.#res;
      if (res.destroyed && !res.writableFinished) ac.abort();
      else {
        res.once("close", () => {
          if (!res.writableFinished) ac.abort();
        });
      }
    }
    return this.#abort.signal;
  }

  toRequest(): Request {
    const req = this.#req;
    const host = req.headers.host ?? `${this.localAddress}:${this.localPort}`;
    const headers: Array<[string, string]> = [...this.headerEntries()];
    const init: RequestInit & { duplex?: "half" } = {
      method: this.method,
      headers,
      signal: this.signal,
    };
    const body = this.body();
    if (body !== null && this.method !== "GET" && this.method !== "HEAD") {
      init.body = (this.#maxBody === 0 && this.#timeoutMs === 0
        ? Readable.toWeb(req)
        : Readable.toWeb(Readable.from(body))) as unknown as ReadableStream<Uint8Array>;
      init.duplex = "half";
    }
    return new Request(`${this.scheme}://${host}${this.target}`, init);
  }
}

/**
 * The headers as Node's flat `[name, value, ...]` list, with a `Content-Length` added for a
 * body whose size is known (otherwise Node would send it chunked).
 */
function flatHeaders(pairs: Array<[string, string]>, body: OutgoingBody): string[] {
  const flat: string[] = new Array(pairs.length * 2);
  let hasLength = false;
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i]!;
    flat[2 * i] = pair[0];
    flat[2 * i + 1] = pair[1];
    if (!hasLength && pair[0].length === 14 && pair[0].toLowerCase() === "content-length") {
      hasLength = true;
    }
  }
  if (!hasLength) {
    if (typeof body === "string") flat.push("Content-Length", String(Buffer.byteLength(body)));
    else if (body instanceof Uint8Array) flat.push("Content-Length", String(body.length));
  }
  return flat;
}

async function pipeBody(
  res: http.ServerResponse,
  body: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>,
): Promise<void> {
  for await (const chunk of body as AsyncIterable<Uint8Array>) {
    if (res.destroyed) break;
    if (!res.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off("drain", done);
          res.off("close", done);
          resolve();
        };
        res.on("drain", done);
        res.on("close", done);
      });
    }
  }
  res.end();
}

function sendBody(res: http.ServerResponse, body: OutgoingBody): void | Promise<void> {
  if (body === null) res.end();
  else if (typeof body === "string" || body instanceof Uint8Array) res.end(body);
  else return pipeBody(res, body);
}

function sendResponse(
  res: http.ServerResponse,
  out: OutgoingResponse | Response,
): void | Promise<void> {
  if (out instanceof Response) {
    const pairs: Array<[string, string]> = [];
    // Fetch header iteration yields each Set-Cookie on its own.
    out.headers.forEach((v, k) => pairs.push([k, v]));
    const body = isBodylessStatus(out.status) ? null : out.body;
    res.writeHead(out.status, out.statusText, flatHeaders(pairs, null));
    return sendBody(res, body);
  }
  const body = isBodylessStatus(out.status) ? null : out.body;
  if (out.statusText !== undefined) {
    res.writeHead(out.status, out.statusText, flatHeaders(out.headers, body));
  } else res.writeHead(out.status, flatHeaders(out.headers, body));
  return sendBody(res, body);
}

function failResponse(res: http.ServerResponse, error: unknown, onError?: (e: unknown) => void) {
  onError?.(error);
  if (res.headersSent) res.destroy();
  else if (error instanceof PayloadTooLargeError) plainResponse(res, 413, TOO_LARGE_BODY);
  else if (error instanceof RequestTimeoutError) plainResponse(res, 408, "Request Timeout");
  else {
    res.writeHead(500, { "content-type": "text/plain" });
    res.end(INTERNAL_ERROR_BODY);
  }
}

/** A plain-text answer that closes the connection (limits, timeouts). */
function plainResponse(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    "Content-Type": "text/plain",
    "Content-Length": String(Buffer.byteLength(text)),
    "Connection": "close",
  });
  res.end(text);
}

function serve(options: ServeOptions): Promise<NativeServer> {
  const { handler, onError } = options;
  const maxBody = options.maxBodySize ?? 0;
  const timeoutMs = options.timeoutMs ?? 0;
  const scheme = options.tls ? "https" : "http";
  const tooLarge = (req: http.IncomingMessage) =>
    maxBody > 0 && (declaredLength(req.headers["content-length"]) ?? 0) > maxBody;

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (tooLarge(req)) {
      plainResponse(res, 413, TOO_LARGE_BODY);
      return;
    }
    let result;
    try {
      result = handler(new NodeIncoming(req, res, scheme, maxBody, timeoutMs));
    } catch (e) {
      failResponse(res, e, onError);
      return;
    }
    if (result instanceof Promise) {
      result.then((out) => sendResponse(res, out)).catch((e) => failResponse(res, e, onError));
    } else {
      try {
        const sent = sendResponse(res, result);
        if (sent) sent.catch((e) => failResponse(res, e, onError));
      } catch (e) {
        failResponse(res, e, onError);
      }
    }
  };

  const serverOptions: http.ServerOptions = {
    noDelay: options.noDelay ?? true,
    // The framework answers a missing Host itself, with CherryPy's message.
    requireHostHeader: false,
  };
  if (options.maxHeaderSize) serverOptions.maxHeaderSize = options.maxHeaderSize;
  const server = options.tls
    ? https.createServer(
      { ...serverOptions, cert: options.tls.cert, key: options.tls.key },
      onRequest,
    )
    : http.createServer(serverOptions, onRequest);
  if (timeoutMs > 0) {
    server.keepAliveTimeout = timeoutMs;
    server.headersTimeout = timeoutMs;
  }
  // Expect: 100-continue: refuse an oversized body before the client sends it.
  server.on("checkContinue", (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (tooLarge(req)) plainResponse(res, 413, TOO_LARGE_BODY);
    else {
      res.writeContinue();
      onRequest(req, res);
    }
  });
  if (options.path) {
    try {
      if (fs.statSync(options.path).isSocket()) fs.unlinkSync(options.path);
    } catch { /* no stale socket */ }
  }
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    const onListening = () => {
      server.off("error", reject);
      if (options.path) fs.chmodSync(options.path, 0o777);
      const a = server.address();
      const addr: BoundAddress = typeof a === "string" || a === null
        ? { transport: "unix", hostname: options.path ?? String(a), port: 0 }
        : { transport: "tcp", hostname: a.address, port: a.port };
      let closed: Promise<void> | undefined;
      resolve({
        addr,
        shutdown() {
          closed ??= new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
          });
          return closed;
        },
        closeAllConnections: () => server.closeAllConnections(),
      });
    };
    if (options.fd !== undefined) server.listen({ fd: options.fd }, onListening);
    else if (options.path) {
      server.listen({ path: options.path, backlog: options.backlog }, onListening);
    } else {
      server.listen(
        { host: options.hostname, port: options.port, backlog: options.backlog, ipv6Only: false },
        onListening,
      );
    }
  });
}

type ExecveFn = (file: string, args: string[], env: Record<string, string>) => never;

function readOrEmpty(path: string): string {
  try {
    return fs.readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

/** The Node platform. */
export const nodePlatform: Platform = {
  name: "node",
  version: process.versions.node,

  pid: () => process.pid,
  args: () => process.argv.slice(2),
  execPath: () => process.execPath,
  execArgv: () => [...process.execArgv, ...(process.argv[1] ? [process.argv[1]] : [])],
  cwd: () => process.cwd(),
  chdir: (path) => process.chdir(path),
  getEnv: (name) => process.env[name],
  setEnv: (name, value) => {
    process.env[name] = value;
  },
  deleteEnv: (name) => {
    delete process.env[name];
  },
  envObject() {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) out[k] = v;
    return out;
  },
  exit: (code) => process.exit(code),
  isatty(fd) {
    try {
      return fs.fstatSync(fd).isCharacterDevice() &&
        (fd === 0
          ? process.stdin.isTTY === true
          : fd === 1
          ? process.stdout.isTTY === true
          : process.stderr.isTTY === true);
    } catch {
      return false;
    }
  },
  mainModulePath() {
    const main = process.argv[1];
    if (!main) return undefined;
    try {
      return fs.realpathSync(main);
    } catch {
      return main;
    }
  },
  isMain(meta) {
    const main = process.argv[1];
    if (!main) return false;
    let path = main;
    try {
      path = fs.realpathSync(main);
    } catch { /* keep the path as given */ }
    return meta.url === pathToFileURL(path).href;
  },
  onBeforeExit(fn) {
    process.on("beforeExit", fn);
  },
  ppid: () => process.ppid,
  commandLine: () =>
    procCommandLine((p) => fs.readFileSync(p, "utf8")) ??
      [process.execPath, ...process.execArgv, ...process.argv.slice(1)],
  execve(path, argv, env) {
    const execve = (process as unknown as { execve?: ExecveFn }).execve;
    if (typeof execve !== "function") {
      throw new UnsupportedError(
        `Node ${process.versions.node} cannot replace a running process (process.execve ` +
          "arrived in Node 23.11); spawn the new process and exit instead.",
      );
    }
    execve(path, argv, env);
    throw new Error(`execve(${path}) failed; the process was not replaced.`);
  },
  canExecve: () => typeof (process as unknown as { execve?: ExecveFn }).execve === "function",
  spawn: spawnChild,
  isProcessAlive(pid) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (e) {
      return (e as { code?: string }).code === "EPERM";
    }
  },

  getuid: () => process.getuid?.() ?? -1,
  getgid: () => process.getgid?.() ?? -1,
  // Node's own getgroups() always adds the effective gid; the kernel's list is the truth.
  getgroups: () => procGroups((p) => fs.readFileSync(p, "utf8")) ?? process.getgroups?.() ?? [],
  assertCanDropPrivileges() {
    const missing = (["setgroups", "setgid", "setuid"] as const).filter((f) =>
      typeof process[f] !== "function"
    );
    if (missing.length > 0) {
      throw new UnsupportedError(
        `Node on ${process.platform} has no process.${
          missing.join("/")
        }: privileges cannot be dropped.`,
      );
    }
  },
  setgroups: (groups) => process.setgroups!(groups),
  setgid: (gid) => process.setgid!(gid),
  setuid: (uid) => process.setuid!(uid),
  umask: (mask) => process.umask(mask),
  lookupUser(nameOrId) {
    const f = findDbEntry(readOrEmpty("/etc/passwd"), nameOrId);
    return f ? { name: f[0]!, uid: Number(f[2]), gid: Number(f[3]) } : null;
  },
  lookupGroup(nameOrId) {
    const f = findDbEntry(readOrEmpty("/etc/group"), nameOrId);
    return f ? { name: f[0]!, gid: Number(f[2]) } : null;
  },

  hasSignal: (signal) =>
    process.platform !== "win32" && CATCHABLE_SIGNALS.has(signal) &&
    (osConstants.signals as Record<string, number>)[signal] !== undefined,
  addSignalListener(signal, listener) {
    if (!nodePlatform.hasSignal(signal)) {
      throw new UnsupportedError(`Node cannot listen for ${signal} on ${process.platform}.`);
    }
    process.on(signal as NodeJS.Signals, listener);
  },
  removeSignalListener(signal, listener) {
    process.off(signal as NodeJS.Signals, listener);
  },
  signalNumber: (signal) => (osConstants.signals as Record<string, number>)[signal],
  signalName: (signal) => nameOfSignal(osConstants.signals as Record<string, number>, signal),
  kill: (pid, signal) => {
    process.kill(pid, signal);
  },

  writeStdout: (text) => {
    process.stdout.write(text);
  },
  writeStderr: (text) => {
    process.stderr.write(text);
  },

  unrefTimer: (id) => {
    (id as unknown as { unref?: () => void }).unref?.();
  },

  async readFile(path) {
    try {
      const buf = await fsp.readFile(path);
      // A plain Uint8Array view (no copy), as on Deno.
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    } catch (e) {
      throw mapError(e, path);
    }
  },
  async readTextFile(path) {
    try {
      return await fsp.readFile(path, "utf8");
    } catch (e) {
      throw mapError(e, path);
    }
  },
  readTextFileSync(path) {
    try {
      return fs.readFileSync(path, "utf8");
    } catch (e) {
      throw mapError(e, path);
    }
  },
  writeFile: (path, data) => fsp.writeFile(path, data),
  writeFileSync: (path, data) => fs.writeFileSync(path, data),
  appendFileSync: (path, data) => fs.appendFileSync(path, data),
  async stat(path) {
    try {
      return toFileInfo(await fsp.stat(path));
    } catch (e) {
      if ((e as { code?: string }).code === "ENOENT") return null;
      throw e;
    }
  },
  statSync(path) {
    const s = fs.statSync(path, { throwIfNoEntry: false });
    return s === undefined ? null : toFileInfo(s);
  },
  remove: (path) => fsp.rm(path, { force: true }),
  removeSync: (path) => fs.rmSync(path, { force: true }),
  readDirSync(path) {
    try {
      return fs.readdirSync(path, { withFileTypes: true }).map((e) =>
        [e.name, e.isDirectory()] as [string, boolean]
      );
    } catch {
      return [];
    }
  },
  makeTempDir: (prefix) => fsp.mkdtemp(join(tmpdir(), prefix ?? "tmp-")),
  removeDir: (path) => fsp.rm(path, { recursive: true, force: true }),

  isPortOccupied,
  serve,

  createAsyncContext<T>(): AsyncContext<T> {
    const als = new AsyncLocalStorage<T>();
    return { run: (value, fn) => als.run(value, fn), get: () => als.getStore() };
  },
};
