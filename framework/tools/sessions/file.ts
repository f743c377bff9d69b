/**
 * `FileSession`: one file per session in a directory (`tools.sessions.storage_path`), so that
 * sessions survive restarts and can be shared by several processes on one machine.
 *
 * - Each session is `session-<id>`, holding JSON: `{"expirationTime": "<ISO date>", "data":
 *   {...}}`. A save writes a temporary file (`session-<id>.tmp-<random>`, mode 0600) and
 *   renames it over the old one, so a reader sees the old or the new record, never half of one.
 * - What survives is what JSON keeps: strings, finite numbers, booleans, `null`, arrays and
 *   plain objects of these. A `Date` comes back as its ISO string, `undefined` values and
 *   functions are dropped, a `Map` or `Set` becomes `{}`, and a `BigInt` cannot be saved (the
 *   save fails, and so does the request).
 * - The lock of a session is the file `session-<id>.lock`, created exclusively; requests of one
 *   process queue in memory first ({@link SessionLocks}), so only processes compete for the
 *   file. A holder refreshes its lock file's time while it holds it; a lock file left behind
 *   by a crashed process stops being refreshed, and is broken once it is older than
 *   `lock_timeout` seconds (60 when `lock_timeout` is `null`).
 *
 * @module
 */

import { NotFoundError, platform } from "../../../platform/mod.ts";
import { HTTPError } from "../../core/errors.ts";
import { SessionLocks } from "./locks.ts";
import { LockTimeout } from "./locks.ts";
import type { SessionData, SessionRecord } from "./record.ts";
import { Session } from "./session.ts";

/** `path` made absolute (against the working directory) and normalized, with `/` separators. */
function absolutePath(path: string): string {
  const slashed = path.replaceAll("\\", "/");
  const drive = /^[A-Za-z]:\//.test(slashed);
  const full = slashed.startsWith("/") || drive
    ? slashed
    : platform.cwd().replaceAll("\\", "/") + "/" + slashed;
  const parts: string[] = [];
  for (const part of full.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.length > (drive ? 1 : 0)) parts.pop();
    } else parts.push(part);
  }
  return (drive ? "" : "/") + parts.join("/");
}

function randomHex(bytes: number): string {
  let hex = "";
  for (const b of crypto.getRandomValues(new Uint8Array(bytes))) {
    hex += b.toString(16).padStart(2, "0");
  }
  return hex;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Directories made ready (created when missing), by path. */
const readyDirs = new Map<string, Promise<void>>();

/** A lock file this process holds: its token and the timer that keeps it fresh. */
interface HeldLock {
  token: string;
  heartbeat: ReturnType<typeof setInterval>;
}

/**
 * The file store. `storage_path` is required (made absolute; created, mode 0700, when
 * missing). `lock_timeout` (seconds, default `null`: no limit) bounds the wait for a lock.
 *
 * Ids reach the files only after they were checked as 40 hexadecimal digits (a forged cookie
 * such as `session_id=../../etc/passwd` just gets a new session). As in CherryPy, a file name
 * that would still fall outside `storage_path` answers 400 `Invalid session id in cookie.`.
 *
 * @example The docs' configuration, in code
 * ```ts
 * import * as cherrypy from "../../../mod.ts";
 * const conf = {
 *   "/": {
 *     "tools.sessions.on": true,
 *     "tools.sessions.storage_class": cherrypy.lib.sessions.FileSession,
 *     "tools.sessions.storage_path": "/some/directory",
 *   },
 * };
 * ```
 */
export class FileSession extends Session {
  /** The prefix of session file names. */
  static SESSION_PREFIX = "session-";
  /** The suffix of lock file names. */
  static LOCK_SUFFIX = ".lock";
  /** How old a lock file gets, in seconds, before it counts as stale when `lock_timeout` is `null`. */
  static STALE_LOCK_SECONDS = 60;
  /** The directory `setup()` was given (sessions use their own `storage_path` option first). */
  static storage_path: string | null = null;
  /** The in-process locks, by lock file path. */
  static readonly locks: SessionLocks = new SessionLocks();

  /** The directory of the session files (absolute). */
  readonly storage_path: string;
  #held: HeldLock | null = null;

  /** Makes the session; `storage_path` comes from the options (or `setup()`). */
  constructor(id: string | null = null, options: Record<string, unknown> = {}) {
    super(id, options);
    const cls = this.constructor as typeof FileSession;
    const path = options["storage_path"] ?? cls.storage_path;
    if (typeof path !== "string" || path === "") {
      throw new TypeError(
        "FileSession needs a directory: set tools.sessions.storage_path (got " +
          `${JSON.stringify(path ?? null)}).`,
      );
    }
    this.storage_path = absolutePath(path);
  }

  /** Records the class-wide `storage_path` and makes sure the directory exists. */
  static override async setup(options: Record<string, unknown>): Promise<void> {
    const path = options["storage_path"];
    if (typeof path !== "string" || path === "") {
      throw new TypeError(
        "FileSession needs a directory: set tools.sessions.storage_path (got " +
          `${JSON.stringify(path ?? null)}).`,
      );
    }
    this.storage_path = absolutePath(path);
    await ensureDir(this.storage_path);
  }

  get #cls(): typeof FileSession {
    return this.constructor as typeof FileSession;
  }

  /** The file of this session; 400 when the id would put it outside `storage_path`. */
  _get_file_path(): string {
    const id = this.id;
    const name = this.#cls.SESSION_PREFIX + id;
    if (/[/\\\0]/.test(id)) {
      throw new HTTPError(400, "Invalid session id in cookie.");
    }
    const path = absolutePath(this.storage_path + "/" + name);
    if (!path.startsWith(this.storage_path + "/")) {
      throw new HTTPError(400, "Invalid session id in cookie.");
    }
    return path;
  }

  /** Seconds without a refresh after which a lock file is stale. */
  get #staleSeconds(): number {
    return this.lock_timeout ?? this.#cls.STALE_LOCK_SECONDS;
  }

  /** The session file exists. */
  override async _exists(): Promise<boolean> {
    return (await platform.stat(this._get_file_path()))?.isFile === true;
  }

  /** Reads and parses the session file; `null` when it is missing or not a session record. */
  override async _load(): Promise<SessionRecord | null> {
    const path = this._get_file_path();
    let text;
    try {
      text = await platform.readTextFile(path);
    } catch (e) {
      if (e instanceof NotFoundError) return null;
      throw e;
    }
    const record = parseRecord(text);
    if (record === null) this._debug(`Error loading the session file ${path}: not a record.`);
    return record;
  }

  /** Writes the record to a temporary file and renames it over the session file. */
  override async _save(data: SessionData, expirationTime: Date): Promise<void> {
    await ensureDir(this.storage_path);
    const path = this._get_file_path();
    const text = JSON.stringify({ expirationTime: expirationTime.toISOString(), data });
    const temp = `${path}.tmp-${randomHex(8)}`;
    try {
      await platform.createExclusive(temp, text, 0o600);
      await platform.rename(temp, path);
    } catch (e) {
      await platform.remove(temp);
      throw e;
    }
  }

  /** Removes the session file. */
  override async _delete(): Promise<void> {
    await platform.remove(this._get_file_path());
  }

  /** Waits for this process's turn, then for the lock file. */
  override async _acquire_lock(): Promise<void> {
    const lockPath = this._get_file_path() + this.#cls.LOCK_SUFFIX;
    const started = Date.now();
    const locks = this.#cls.locks;
    await locks.acquire(lockPath, this.lock_timeout);
    try {
      const deadline = this.lock_timeout === null ? null : started + this.lock_timeout * 1000;
      const token = await this.#lockFile(lockPath, deadline);
      const every = Math.max(50, (this.#staleSeconds * 1000) / 3);
      const heartbeat = setInterval(() => {
        platform.touch(lockPath).catch(() => {});
      }, every);
      platform.unrefTimer(heartbeat);
      this.#held = { token, heartbeat };
    } catch (e) {
      locks.release(lockPath);
      throw e;
    }
  }

  /** Removes the lock file (when it is still this session's) and lets the next request in. */
  override async _release_lock(): Promise<void> {
    const lockPath = this._get_file_path() + this.#cls.LOCK_SUFFIX;
    const held = this.#held;
    this.#held = null;
    try {
      if (held !== null) {
        clearInterval(held.heartbeat);
        if (await readToken(lockPath) === held.token) await platform.remove(lockPath);
      }
    } finally {
      this.#cls.locks.release(lockPath);
    }
  }

  /** Creates the lock file, waiting while another process holds it; returns its token. */
  async #lockFile(lockPath: string, deadline: number | null): Promise<string> {
    const token = `${platform.pid()} ${randomHex(12)}`;
    await ensureDir(this.storage_path);
    let delay = 5;
    for (;;) {
      if (await platform.createExclusive(lockPath, token, 0o600)) return token;
      const info = await platform.stat(lockPath);
      if (info === null) continue;
      if (isStale(info.mtime, this.#staleSeconds)) {
        this._debug(`Breaking the stale lock ${lockPath}.`);
        if (await breakStale(lockPath, info.mtime!, this.#staleSeconds)) continue;
      }
      const now = Date.now();
      if (deadline !== null && now >= deadline) throw new LockTimeout(this.id);
      await sleep(deadline === null ? delay : Math.min(delay, Math.max(1, deadline - now)));
      delay = Math.min(delay * 2, 100);
    }
  }

  /** How many session files there are. */
  override async _length(): Promise<number> {
    return (await this.#sessionFiles()).length;
  }

  /** The names of the session files (neither locks nor temporary files). */
  async #sessionFiles(): Promise<string[]> {
    const prefix = this.#cls.SESSION_PREFIX;
    const names = await platform.readDirNames(this.storage_path);
    return names.filter((n) => n.startsWith(prefix) && !n.slice(prefix.length).includes("."));
  }

  /**
   * Removes stale lock files and temporary files left by a crash, then the expired session
   * files (those whose lock is free: a session in use is not expired).
   */
  override async clean_up(): Promise<void> {
    const dir = this.storage_path;
    const cls = this.#cls;
    const stale = this.#staleSeconds;
    const now = this.now().getTime();
    for (const name of await platform.readDirNames(dir)) {
      if (!name.startsWith(cls.SESSION_PREFIX)) continue;
      const path = `${dir}/${name}`;
      const leftover = name.includes(".tmp-") || name.endsWith(cls.LOCK_SUFFIX) ||
        name.endsWith(".break");
      if (!leftover) continue;
      const info = await platform.stat(path);
      if (info === null || !isStale(info.mtime, stale)) continue;
      if (name.endsWith(cls.LOCK_SUFFIX)) {
        if (!cls.locks.isLocked(path)) await breakStale(path, info.mtime!, stale);
      } else await platform.remove(path);
    }
    for (const name of await this.#sessionFiles()) {
      const path = `${dir}/${name}`;
      const lockPath = path + cls.LOCK_SUFFIX;
      if (!cls.locks.tryAcquire(lockPath)) continue;
      try {
        const token = `${platform.pid()} ${randomHex(12)}`;
        if (!await platform.createExclusive(lockPath, token, 0o600)) continue;
        try {
          let text: string | null = null;
          try {
            text = await platform.readTextFile(path);
          } catch (e) {
            if (!(e instanceof NotFoundError)) throw e;
          }
          const record = text === null ? null : parseRecord(text);
          if (record !== null && record.expirationTime.getTime() < now) {
            await platform.remove(path);
          }
        } finally {
          await platform.remove(lockPath);
        }
      } finally {
        cls.locks.release(lockPath);
      }
    }
  }
}

/** Creates `dir` once per process (when missing). */
function ensureDir(dir: string): Promise<void> {
  let ready = readyDirs.get(dir);
  if (ready === undefined) {
    ready = platform.makeDir(dir, 0o700);
    readyDirs.set(dir, ready);
    ready.catch(() => readyDirs.delete(dir));
  }
  return ready;
}

function isStale(mtime: Date | null, seconds: number): boolean {
  return mtime !== null && Date.now() - mtime.getTime() > seconds * 1000;
}

async function readToken(path: string): Promise<string | null> {
  try {
    return await platform.readTextFile(path);
  } catch (e) {
    if (e instanceof NotFoundError) return null;
    throw e;
  }
}

/**
 * Removes the stale lock file `lockPath` (last refreshed at `seen`), under a short-lived
 * `.break` lock so that two processes breaking it at once cannot remove a fresh lock that
 * replaced it. `true` when the caller may try again at once.
 */
async function breakStale(lockPath: string, seen: Date, staleSeconds: number): Promise<boolean> {
  const breakPath = lockPath + ".break";
  if (!await platform.createExclusive(breakPath, String(platform.pid()), 0o600)) {
    const info = await platform.stat(breakPath);
    if (info !== null && isStale(info.mtime, Math.max(10, staleSeconds))) {
      await platform.remove(breakPath);
    }
    return false;
  }
  try {
    const again = await platform.stat(lockPath);
    if (again?.mtime?.getTime() === seen.getTime() && isStale(again.mtime, staleSeconds)) {
      await platform.remove(lockPath);
    }
  } finally {
    await platform.remove(breakPath);
  }
  return true;
}

/** The record in a session file's text, or `null` when it is not one. */
function parseRecord(text: string): SessionRecord | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (parsed === null || typeof parsed !== "object") return null;
  const { expirationTime, data } = parsed as { expirationTime?: unknown; data?: unknown };
  if (typeof expirationTime !== "string" || data === null || typeof data !== "object") return null;
  if (Array.isArray(data)) return null;
  const when = new Date(expirationTime);
  if (Number.isNaN(when.getTime())) return null;
  return { data: data as SessionData, expirationTime: when };
}
