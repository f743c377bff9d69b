/**
 * The Deno implementation of {@link Platform}: HTTP by the project's own HTTP/1.1 engine over
 * Deno's sockets (`_deno_wire.ts`) or by `Deno.serve` (`_deno_native.ts`), as
 * `ServeOptions.engine` says; `Deno.*` for the process, signals and files. `AsyncLocalStorage`
 * comes from Deno's built-in `node:async_hooks`, which Deno implements natively.
 *
 * @module
 */

import { AsyncLocalStorage } from "node:async_hooks";
import { Buffer } from "node:buffer";
import { isProcessAlive, spawnChild } from "./_child.ts";
import { connect } from "./_client_deno.ts";
import { serveNative } from "./_deno_native.ts";
import { serveWire } from "./_deno_wire.ts";
import { cString, cStringArray, openLibc } from "./_libc_deno.ts";
import type { DenoApi, DenoFsFile } from "./deno_api.ts";
import {
  CATCHABLE_SIGNALS,
  groupFrom,
  hash,
  hmac,
  isPortOccupied,
  LINUX_SIGNAL_NUMBERS,
  nameOfSignal,
  procCommandLine,
  procGroups,
  userFrom,
} from "./_shared.ts";
import {
  compressionFormats,
  compressSync,
  createCompressor,
  decompressSync,
} from "./_compression.ts";
import {
  type AsyncContext,
  type FileInfo,
  type NativeServer,
  NotFoundError,
  type Platform,
  type ServeOptions,
  UnsupportedError,
} from "./types.ts";

/** The HTTP engine used when `ServeOptions.engine` names none. */
const DEFAULT_ENGINE = "cherrypy";
const D = (globalThis as unknown as { Deno: DenoApi }).Deno;
const encoder = new TextEncoder();

/** What `Platform.onExit` registered, run once as the process ends. */
const exitHooks: Array<() => void> = [];
function runExitHooks(): void {
  for (const fn of exitHooks.splice(0)) {
    try {
      fn();
    } catch { /* the process ends anyway */ }
  }
}
let exitHooked = false;

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

async function* readFileChunks(path: string): AsyncGenerator<Uint8Array> {
  let file;
  try {
    file = await D.open(path, { read: true });
  } catch (e) {
    throw mapError(e, path);
  }
  // The stream closes the file when it ends or is cancelled.
  const reader = file.readable.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

async function serve(options: ServeOptions): Promise<NativeServer> {
  if (options.fd !== undefined) {
    throw new UnsupportedError(
      "Deno cannot adopt an inherited listening socket (systemd socket activation, " +
        "LISTEN_FDS): let the server bind its address itself (server.socket_host and " +
        "server.socket_port, or server.socket_file), or run the site on Node.",
    );
  }
  const engine = options.engine ?? DEFAULT_ENGINE;
  if (engine === "native") return await serveNative(D, options);
  if (engine === "cherrypy") return serveWire(D, options);
  throw new TypeError(
    `Unknown HTTP engine ${JSON.stringify(engine)} (server.engine): use "cherrypy" ` +
      '(the project\'s own HTTP/1.1 engine) or "native" (Deno.serve).',
  );
}

function readOrEmpty(path: string): string {
  try {
    return D.readTextFileSync(path);
  } catch {
    return "";
  }
}

function check(result: number, call: string): void {
  if (result !== 0) throw new Error(`${call} failed (returned ${result}).`);
}

function ppid(): number {
  const m = readOrEmpty("/proc/self/status").match(/^PPid:\s*(\d+)/m);
  return m ? Number(m[1]) : -1;
}

/** The Deno platform. */
export const denoPlatform: Platform = {
  name: "deno",
  // Read when asked: this module is loaded on every runtime (see mod.ts), Deno or not.
  get version() {
    return D.version.deno;
  },

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
  exit: (code) => {
    runExitHooks();
    return D.exit(code);
  },
  isatty(fd) {
    if (fd === 0) return D.stdin.isTerminal();
    if (fd === 1) return D.stdout.isTerminal();
    if (fd === 2) return D.stderr.isTerminal();
    return false;
  },
  mainModulePath() {
    const main = D.mainModule;
    return main.startsWith("file:") ? decodeURIComponent(new URL(main).pathname) : undefined;
  },
  isMain: (meta) => (meta as ImportMeta & { main?: boolean }).main === true,
  onBeforeExit(fn) {
    globalThis.addEventListener("beforeunload", fn);
  },
  ppid: () => ppid(),
  reusePortCommandLine() {
    const argv = denoPlatform.commandLine();
    const run = argv.indexOf("run");
    if (run < 1 || argv.includes("--unstable-net") || argv.includes("--unstable")) return argv;
    return [...argv.slice(0, run + 1), "--unstable-net", ...argv.slice(run + 1)];
  },
  commandLine: () =>
    procCommandLine(D.readTextFileSync) ??
      [D.execPath(), ...denoPlatform.execArgv(), ...D.args],
  execve(path, argv, env) {
    runExitHooks();
    const lib = openLibc(D);
    const args = cStringArray(D, argv);
    const envp = cStringArray(D, Object.entries(env).map(([k, v]) => `${k}=${v}`));
    lib.execve(cString(path), args.array, envp.array);
    throw new Error(`execve(${path}) failed; the process was not replaced.`);
  },
  canExecve() {
    try {
      openLibc(D);
      return true;
    } catch {
      return false;
    }
  },
  spawn: spawnChild,
  isProcessAlive,

  getuid: () => D.uid() ?? -1,
  getgid: () => D.gid() ?? -1,
  getgroups() {
    const fromProc = procGroups(D.readTextFileSync);
    if (fromProc !== null) return fromProc;
    const lib = openLibc(D);
    const count = lib.getgroups(0, null);
    const list = new Uint32Array(Math.max(count, 1));
    const n = lib.getgroups(count, new Uint8Array(list.buffer));
    return [...list.subarray(0, Math.max(n, 0))];
  },
  assertCanDropPrivileges() {
    openLibc(D);
  },
  setgroups(groups) {
    const list = new Uint32Array(groups);
    check(
      openLibc(D).setgroups(groups.length, groups.length ? new Uint8Array(list.buffer) : null),
      "setgroups",
    );
  },
  setgid: (gid) => check(openLibc(D).setgid(gid), "setgid"),
  setuid: (uid) => check(openLibc(D).setuid(uid), "setuid"),
  umask: (mask) => D.umask(mask),
  lookupUser: (nameOrId) => userFrom(readOrEmpty("/etc/passwd"), nameOrId),
  lookupGroup: (nameOrId) => groupFrom(readOrEmpty("/etc/group"), nameOrId),

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
  readFileSync(path, sizeHint) {
    try {
      if (sizeHint === undefined) return D.readFileSync(path);
      // One read into a buffer a byte larger than expected: a file of that size needs no other
      // call; one that grew is read whole the usual way.
      const file = D.openSync(path);
      const buffer = new Uint8Array(sizeHint + 1);
      let length = 0;
      try {
        for (;;) {
          const n = file.readSync(buffer.subarray(length));
          if (n === null || n === 0) break;
          length += n;
          if (length === buffer.length) return D.readFileSync(path);
        }
      } finally {
        file.close();
      }
      return buffer.subarray(0, length);
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
  readDirSync(path) {
    try {
      return [...D.readDirSync(path)].map((e) => [e.name, e.isDirectory] as [string, boolean]);
    } catch {
      return [];
    }
  },
  makeTempDir: (prefix) => D.makeTempDir(prefix === undefined ? {} : { prefix }),
  removeDir: (path) => D.remove(path, { recursive: true }),
  async createTempFile(prefix) {
    const path = await D.makeTempFile(prefix === undefined ? {} : { prefix });
    const file = await D.open(path, { write: true });
    let closed = false;
    return {
      path,
      async write(data) {
        let rest = data;
        while (rest.length > 0) rest = rest.subarray(await file.write(rest));
      },
      close() {
        if (!closed) {
          closed = true;
          file.close();
        }
        return Promise.resolve();
      },
    };
  },
  readFileChunks,

  isPortOccupied,
  serve,

  createAsyncContext<T>(): AsyncContext<T> {
    const als = new AsyncLocalStorage<T>();
    return {
      run: (value, fn) => als.run(value, fn),
      get: () => als.getStore(),
      enterWith: (value) => als.enterWith(value as T),
    };
  },

  hash,
  hmac,

  compressionFormats,
  compressSync,
  decompressSync,
  createCompressor,

  async createExclusive(path, data, mode = 0o600) {
    let file;
    try {
      file = await D.open(path, { write: true, createNew: true, mode });
    } catch (e) {
      if (e instanceof D.errors.AlreadyExists) return false;
      throw mapError(e, path);
    }
    try {
      let rest = typeof data === "string" ? encoder.encode(data) : data;
      while (rest.length > 0) rest = rest.subarray(await file.write(rest));
    } finally {
      file.close();
    }
    return true;
  },
  async rename(from, to) {
    try {
      await D.rename(from, to);
    } catch (e) {
      throw mapError(e, from);
    }
  },
  async makeDir(path, mode = 0o700) {
    await D.mkdir(path, { recursive: true, mode });
  },
  async readDirNames(path) {
    const names: string[] = [];
    try {
      for await (const entry of D.readDir(path)) names.push(entry.name);
    } catch (e) {
      if (e instanceof D.errors.NotFound) return [];
      throw e;
    }
    return names;
  },
  async touch(path, time = new Date()) {
    try {
      await D.utime(path, time, time);
    } catch (e) {
      throw mapError(e, path);
    }
  },
  realPathSync(path) {
    try {
      return D.realPathSync(path);
    } catch {
      return null;
    }
  },
  async openFile(path) {
    let file: DenoFsFile;
    try {
      file = await D.open(path, { read: true });
    } catch (e) {
      throw mapError(e, path);
    }
    let closed = false;
    // Deno has no positional read: seek then read, one read at a time (no seek when the file
    // is read in order, as a body is).
    let queue: Promise<unknown> = Promise.resolve();
    let offset = 0;
    // A regular file is read on this thread (below); anything else (a pipe, a device) could
    // block the event loop on a read, and is read asynchronously.
    let regular = false;
    try {
      regular = file.statSync().isFile;
    } catch { /* read asynchronously */ }
    return {
      path,
      statSync: () => toFileInfo(file.statSync()),
      read(buffer, position) {
        const run = async () => {
          if (position !== offset) {
            offset = -1;
            await file.seek(position, 0);
            offset = position;
          }
          let n: number;
          try {
            // A read in order on this thread: Deno's async file read hands each read to another
            // thread and back, which costs more than the read itself from the page cache.
            n = (regular ? file.readSync(buffer) : await file.read(buffer)) ?? 0;
          } catch (e) {
            offset = -1;
            throw e;
          }
          offset += n;
          return n;
        };
        const result = queue.then(run, run);
        queue = result.catch(() => {});
        return result;
      },
      close() {
        if (closed) return;
        closed = true;
        queue.then(() => file.close()).catch(() => {});
      },
    };
  },

  connect: (options) => connect(D, options),

  openAppendSync(path) {
    let file: DenoFsFile;
    try {
      file = D.openSync(path, { append: true, create: true, mode: 0o644 });
    } catch (e) {
      throw mapError(e, path);
    }
    return {
      write(text) {
        const bytes = typeof text === "string" ? encoder.encode(text) : text;
        for (let at = 0; at < bytes.length;) at += file.writeSync(bytes.subarray(at));
      },
      close: () => file.close(),
    };
  },
  onExit(fn) {
    exitHooks.push(fn);
    if (!exitHooked) {
      exitHooked = true;
      globalThis.addEventListener("unload", runExitHooks);
    }
  },
  encodeUtf8(text) {
    const n = text.length;
    if (n > POOLED_TEXT) return encoder.encode(text);
    // ASCII (most heads and JSON) byte for byte into Buffer's pool; anything else as usual.
    const out = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c > 0x7f) return encoder.encode(text);
      out[i] = c;
    }
    return out;
  },
};

/** Strings up to this length are encoded into `Buffer`'s pool by `encodeUtf8`. */
const POOLED_TEXT = 2048;
