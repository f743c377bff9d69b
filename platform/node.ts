/**
 * The Node implementation of {@link Platform}: the project's own HTTP/1.1 engine over `node:net`
 * and `node:tls` for HTTP (no Fetch objects on the hot path), `process` for the process and signals, `node:fs` for files and
 * `AsyncLocalStorage` for context-local state.
 *
 * @module
 */

import { AsyncLocalStorage } from "node:async_hooks";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import { constants as osConstants, tmpdir } from "node:os";
import { join } from "node:path";
import { Buffer } from "node:buffer";
import process from "node:process";
import { pathToFileURL } from "node:url";
import { isProcessAlive, spawnChild } from "./_child.ts";
import { connect } from "./_client_node.ts";
import { serve } from "./_node_wire.ts";
import {
  CATCHABLE_SIGNALS,
  groupFrom,
  hash,
  hmac,
  isPortOccupied,
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
  NotFoundError,
  type Platform,
  UnsupportedError,
} from "./types.ts";

function mapError(e: unknown, path: string): unknown {
  return (e as { code?: string }).code === "ENOENT" ? new NotFoundError(path, { cause: e }) : e;
}

function toFileInfo(s: fs.Stats): FileInfo {
  return { isFile: s.isFile(), isDirectory: s.isDirectory(), size: s.size, mtime: s.mtime };
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
    // Bun and Node 24.2+ say it themselves, and in a Bun-compiled binary every module's URL is
    // the binary's, so only import.meta.main tells the entry module from the others.
    const own = (meta as ImportMeta & { main?: unknown }).main;
    if (typeof own === "boolean") return own;
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
  reusePortCommandLine: () => nodePlatform.commandLine(),
  commandLine: () =>
    procCommandLine((p) => fs.readFileSync(p, "utf8")) ??
      [process.execPath, ...process.execArgv, ...process.argv.slice(1)],
  execve(path, argv, env) {
    runExitHooks();
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
  isProcessAlive,

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
  lookupUser: (nameOrId) => userFrom(readOrEmpty("/etc/passwd"), nameOrId),
  lookupGroup: (nameOrId) => groupFrom(readOrEmpty("/etc/group"), nameOrId),

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
  readFileSync(path, sizeHint) {
    try {
      if (sizeHint !== undefined) {
        // One read into a buffer a byte larger than expected: a file of that size needs no
        // other call; one that grew is read whole the usual way.
        const fd = fs.openSync(path, "r");
        const buffer = new Uint8Array(sizeHint + 1);
        let length = 0;
        try {
          for (;;) {
            const n = fs.readSync(fd, buffer, length, buffer.length - length, null);
            if (n === 0) break;
            length += n;
            if (length === buffer.length) break;
          }
        } finally {
          fs.closeSync(fd);
        }
        if (length <= sizeHint) return buffer.subarray(0, length);
      }
      const buffer = fs.readFileSync(path);
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
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
  async createTempFile(prefix) {
    const path = join(tmpdir(), `${prefix ?? "tmp"}${randomBytes(8).toString("hex")}`);
    const handle = await fsp.open(path, "wx", 0o600);
    let closed: Promise<void> | undefined;
    return {
      path,
      async write(data) {
        for (let offset = 0; offset < data.length;) {
          offset += (await handle.write(data, offset)).bytesWritten;
        }
      },
      close: () => closed ??= handle.close(),
    };
  },
  async *readFileChunks(path) {
    const stream = fs.createReadStream(path);
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        yield new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      }
    } catch (e) {
      throw mapError(e, path);
    } finally {
      stream.destroy();
    }
  },

  isPortOccupied,
  serve(options) {
    const engine = options.engine ?? "cherrypy";
    if (engine !== "cherrypy") {
      return Promise.reject(
        new UnsupportedError(
          engine === "native"
            ? 'Node has no native HTTP engine here: server.engine "native" (Deno.serve) ' +
              'exists on Deno only. Use "cherrypy" (the default), or leave server.engine unset.'
            : `Unknown HTTP engine ${JSON.stringify(engine)} (server.engine): use "cherrypy".`,
        ),
      );
    }
    return serve(options);
  },

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
    let handle;
    try {
      handle = await fsp.open(path, "wx", mode);
    } catch (e) {
      if ((e as { code?: string }).code === "EEXIST") return false;
      throw mapError(e, path);
    }
    try {
      await handle.writeFile(data);
    } finally {
      await handle.close();
    }
    return true;
  },
  async rename(from, to) {
    try {
      await fsp.rename(from, to);
    } catch (e) {
      throw mapError(e, from);
    }
  },
  async makeDir(path, mode = 0o700) {
    await fsp.mkdir(path, { recursive: true, mode });
  },
  async readDirNames(path) {
    try {
      return await fsp.readdir(path);
    } catch (e) {
      if ((e as { code?: string }).code === "ENOENT") return [];
      throw e;
    }
  },
  async touch(path, time = new Date()) {
    try {
      await fsp.utimes(path, time, time);
    } catch (e) {
      throw mapError(e, path);
    }
  },
  realPathSync(path) {
    try {
      return fs.realpathSync.native(path);
    } catch {
      return null;
    }
  },
  async openFile(path) {
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(path, "r");
    } catch (e) {
      throw mapError(e, path);
    }
    let closed = false;
    // A regular file is read on this thread: `FileHandle.read` hands each read to the thread
    // pool and back, which costs more than the read itself from the page cache. Anything else
    // (a pipe, a device) could block the event loop on a read, and is read asynchronously, in
    // order (a pipe has no positions).
    let regular = false;
    try {
      regular = fs.fstatSync(handle.fd).isFile();
    } catch { /* read asynchronously */ }
    let offset = 0;
    return {
      path,
      statSync: () => toFileInfo(fs.fstatSync(handle.fd)),
      async read(buffer, position) {
        if (regular) return fs.readSync(handle.fd, buffer, 0, buffer.length, position);
        if (position !== offset) {
          throw new Error(`${path} is not a regular file: it can only be read in order.`);
        }
        const n = (await handle.read(buffer, 0, buffer.length, null)).bytesRead;
        offset += n;
        return n;
      },
      close() {
        if (closed) return;
        closed = true;
        handle.close().catch(() => {});
      },
    };
  },

  connect,
  openAppendSync(path) {
    let fd: number;
    try {
      fd = fs.openSync(path, "a", 0o644);
    } catch (e) {
      throw mapError(e, path);
    }
    return {
      write(text) {
        const bytes = typeof text === "string" ? Buffer.from(text, "utf8") : text;
        for (let at = 0; at < bytes.length;) {
          at += fs.writeSync(fd, bytes, at, bytes.length - at);
        }
      },
      close: () => fs.closeSync(fd),
    };
  },
  onExit(fn) {
    exitHooks.push(fn);
    if (!exitHooked) {
      exitHooked = true;
      process.on("exit", runExitHooks);
    }
  },
  encodeUtf8: (text) => Buffer.from(text, "utf8"),
};
