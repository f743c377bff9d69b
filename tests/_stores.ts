/**
 * Session-store servers for the tests: finds (or installs, with
 * `scripts/install_session_stores.sh`) the `memcached` and `redis-server` binaries, and starts
 * private instances on ephemeral ports as child processes, stopped by the test that started
 * them. No test assumes a running service.
 *
 * @module
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { freePort } from "./_helpers.ts";

/** The servers the session stores use. */
export type StoreBinary = "memcached" | "redis-server";

const checked = new Map<StoreBinary, string | false>();

function which(name: string): string | null {
  const r = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** The repository's `scripts/` folder (from the sources, or from the npm build in `npm/`). */
function installer(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const path = join(dir, "scripts", "install_session_stores.sh");
    if (existsSync(path)) return path;
    dir = dirname(dir);
  }
  return null;
}

/**
 * `false` when `name` is installed (installing it first when missing); otherwise the reason
 * the tests that need it are skipped, printed once as one line.
 */
export function storeMissing(name: StoreBinary): string | false {
  const known = checked.get(name);
  if (known !== undefined) return known;
  let result: string | false = false;
  if (which(name) === null) {
    const script = installer();
    if (script !== null) spawnSync("bash", [script], { stdio: ["ignore", "ignore", "inherit"] });
    if (which(name) === null) {
      const pkg = name === "memcached" ? "memcached" : "redis-server";
      result = `skipped: ${name} is not installed and could not be installed ` +
        `(apt-get install ${pkg}, or scripts/install_session_stores.sh as root)`;
      console.log(result);
    }
  }
  checked.set(name, result);
  return result;
}

/** A private server started for a test. */
export interface StoreServer {
  /** `127.0.0.1:<port>` (for a memcached on a Unix socket, the port it would have used). */
  readonly address: string;
  /** Its port. */
  readonly port: number;
  /** Its Unix socket, when one was asked for. */
  readonly socket: string | undefined;
  /** Its process id. */
  readonly pid: number;
  /** Kills it (SIGKILL: nothing is saved) and waits for it to end. */
  stop(): Promise<void>;
}

/** Options for a started server. */
export interface StartOptions {
  /** Listen on this port (default: a free one). */
  port?: number;
  /** Also listen on a Unix socket (its path is {@link StoreServer.socket}). */
  unixSocket?: boolean;
  /** Redis only: require this password (`requirepass`). */
  password?: string;
  /** The address to listen on (default 127.0.0.1), e.g. a bridge's for other namespaces. */
  host?: string;
}

/**
 * The process id the server on `port` reports (memcached's `stats`, Redis's `INFO server`), or
 * null when nothing answers there: a port another process took meanwhile is told apart from
 * the one started.
 */
function pidOn(
  host: string,
  port: number,
  name: StoreBinary,
  password?: string,
): Promise<number | null> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let text = "";
    const done = (pid: number | null) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(pid);
    };
    const timer = setTimeout(() => done(null), 2000);
    socket.once("connect", () => {
      socket.write(
        name === "memcached"
          ? "stats\r\n"
          : `${password === undefined ? "" : `AUTH ${password}\r\n`}INFO server\r\n`,
      );
    });
    socket.on("data", (d) => {
      text += d;
      const m = text.match(name === "memcached" ? /STAT pid (\d+)\r\n/ : /process_id:(\d+)\r\n/);
      if (m) done(Number(m[1]));
      else if (/^-|\r\n(END|ERROR)\r\n$/.test(text)) done(-1);
    });
    socket.once("error", () => done(null));
    socket.once("close", () => done(null));
  });
}

async function launch(
  name: StoreBinary,
  args: (port: number, socket: string | undefined, host: string) => string[],
  options: StartOptions,
  tcp = true,
): Promise<StoreServer> {
  for (let attempt = 0;; attempt++) {
    const port = options.port ?? await freePort();
    const dir = options.unixSocket ? mkdtempSync(join(tmpdir(), `cp-${name}-`)) : undefined;
    const socket = dir === undefined ? undefined : join(dir, `${name}.sock`);
    const host = options.host ?? "127.0.0.1";
    const child: ChildProcess = spawn(name, args(port, socket, host), {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (d) => stderr += d);
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    let ended = false;
    exited.then(() => ended = true);
    const deadline = Date.now() + 10_000;
    // Ready when the server on the port is this child (memcached with a Unix socket listens
    // on nothing else: there, the socket file in this child's own directory).
    let foreign = false;
    const ready = async () => {
      if (socket !== undefined && !existsSync(socket)) return false;
      if (!tcp) return true;
      const pid = await pidOn(host, port, name, options.password);
      if (pid !== null && pid !== child.pid) foreign = true;
      return pid === child.pid;
    };
    while (!ended && !foreign && Date.now() < deadline && !(await ready())) {
      await new Promise((r) => setTimeout(r, 20));
    }
    if (!ended && !foreign && Date.now() < deadline) {
      return {
        address: `${host}:${port}`,
        port,
        socket,
        pid: child.pid!,
        async stop() {
          if (!ended) child.kill("SIGKILL");
          await exited;
          if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    child.kill("SIGKILL");
    await exited;
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    // Another process took the port in the meantime: try another one.
    if (attempt >= 9 || options.port !== undefined) {
      throw new Error(`${name} did not start on port ${port}: ${stderr.trim()}`);
    }
  }
}

/**
 * Starts a private memcached on 127.0.0.1 or `options.host` (64 MB), or, with `unixSocket`, on a Unix socket
 * only (memcached then listens on nothing else).
 */
export function startMemcached(options: StartOptions = {}): Promise<StoreServer> {
  const asRoot = process.getuid?.() === 0 ? ["-u", "root"] : [];
  return launch(
    "memcached",
    (port, socket, host) => [
      "-l",
      host,
      "-p",
      String(port),
      "-U",
      "0",
      "-m",
      "64",
      ...(socket === undefined ? [] : ["-s", socket]),
      ...asRoot,
    ],
    options,
    !options.unixSocket,
  );
}

/** Starts a private Redis on 127.0.0.1 (or `options.host`) that saves nothing to disk. */
export function startRedis(options: StartOptions = {}): Promise<StoreServer> {
  const dir = tmpdir();
  return launch(
    "redis-server",
    (port, socket, host) => [
      "--port",
      String(port),
      "--bind",
      host,
      // (Redis refuses clients from other hosts without a password unless told otherwise.)
      ...(host === "127.0.0.1" ? [] : ["--protected-mode", "no"]),
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dir,
      "--daemonize",
      "no",
      "--loglevel",
      "warning",
      ...(options.password === undefined ? [] : ["--requirepass", options.password]),
      ...(socket === undefined ? [] : ["--unixsocket", socket, "--unixsocketperm", "700"]),
    ],
    options,
  );
}

/** Whether every thread of process `pid` is stopped (state `T` in `/proc`). */
function allThreadsStopped(pid: number): boolean {
  try {
    return readdirSync(`/proc/${pid}/task`).every((tid) => {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      return /\) [Tt] /.test(stat);
    });
  } catch {
    return false;
  }
}

/**
 * Stops `server` with SIGSTOP and resolves once the kernel has stopped every one of its
 * threads, so a request sent afterwards cannot be answered by a thread still running.
 */
export async function freeze(server: StoreServer): Promise<void> {
  process.kill(server.pid, "SIGSTOP");
  for (let i = 0; i < 200 && !allThreadsStopped(server.pid); i++) {
    await new Promise((r) => setTimeout(r, 5));
  }
  if (!allThreadsStopped(server.pid)) throw new Error(`process ${server.pid} did not stop`);
}
