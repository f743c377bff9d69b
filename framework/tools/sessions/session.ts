/**
 * `Session`, the base class of the session stores (CherryPy's `cherrypy.lib.sessions.Session`):
 * one object per request, holding the session id, the session data and the lock, and talking to
 * its store through a small contract that each store class implements: `static setup(options)`,
 * `_exists()`, `_load()`, `_save(data, expirationTime)`, `_delete()`, `_acquire_lock()`,
 * `_release_lock()`, `_length()` and `clean_up()`, each of which may return a promise (a network
 * store's do). docs/sessions.md describes each. Everything else (ids, expiry, lazy loading, the
 * data methods, the cookie) is the base class's.
 *
 * Page handlers use the data synchronously (`cherrypy.session.count += 1`): the session tool
 * reads the record before the handler runs ({@link Session._read_ahead}), and the first access
 * "loads" it; only a loaded session is saved, as in CherryPy. A store whose `_load()` answers at
 * once is also read lazily, at the first access wherever it happens.
 *
 * @module
 */

import type { Bus } from "../../../bus/mod.ts";
import type { BackgroundTask, Monitor } from "../../../plugins/mod.ts";
import { servingNow } from "../../core/serving.ts";
import { cleanThreadOf, cleanup, startCleanup, stopCleanThread } from "./cleanup.ts";
import { expire } from "./expire.ts";
import {
  type Awaitable,
  KeyError,
  type SessionData,
  type SessionOptions,
  type SessionRecord,
} from "./record.ts";

// The shapes and `expire` lived here first; stores may import them from this module still.
export { expire } from "./expire.ts";
export { type Awaitable, KeyError, type SessionData, type SessionOptions, type SessionRecord };

/** A store class: a {@link Session} subclass, possibly with a class-wide `setup`. */
export interface SessionClass {
  /** Makes the session of one request (`id` is the one the client sent, or `null`). */
  new (id?: string | null, options?: SessionOptions): Session;
  /** Called once per process with the store's options, before the first session is made. */
  setup?(options: Record<string, unknown>): Awaitable<void>;
  /** The class name. */
  readonly name: string;
}

/** The ids {@link Session.generate_id} makes: 40 lower-case hexadecimal digits. */
const ID_PATTERN = /^[0-9a-f]{40}$/;

function nullProto(data: SessionData): SessionData {
  if (Object.getPrototypeOf(data) === null) return data;
  return Object.assign(Object.create(null), data);
}

function checkOption(name: string, value: unknown, ok: boolean, expected: string): void {
  if (!ok) {
    throw new TypeError(
      `tools.sessions.${name} must be ${expected}; got ${JSON.stringify(value) ?? String(value)}.`,
    );
  }
}

/**
 * One request's session: its id, its data and its lock, over a store. `cherrypy.session` is
 * the current request's. Subclass it to write a store (see the module doc for the contract).
 *
 * @example A store that keeps records in a Map
 * ```ts
 * import { Session, SessionLocks, type SessionRecord } from "../../lib/sessions.ts";
 * class MapSession extends Session {
 *   static records = new Map<string, SessionRecord>();
 *   static locks = new SessionLocks();
 *   override _exists() { return MapSession.records.has(this.id); }
 *   override _load() { return MapSession.records.get(this.id) ?? null; }
 *   override _save(data: Record<string, unknown>, expirationTime: Date) {
 *     MapSession.records.set(this.id, { data, expirationTime });
 *   }
 *   override _delete() { MapSession.records.delete(this.id); }
 *   override _acquire_lock() { return MapSession.locks.acquire(this.id, this.lock_timeout); }
 *   override _release_lock() { MapSession.locks.release(this.id); }
 *   override _length() { return MapSession.records.size; }
 * }
 * const conf = { "/": { "tools.sessions.on": true, "tools.sessions.storage_class": MapSession } };
 * ```
 */
export class Session {
  /** Minutes after which unused session data expires. */
  timeout = 60;
  /** Minutes between clean-ups of expired sessions (0: none). */
  clean_freq = 5;
  /** Seconds to wait for the lock before `LockTimeout`; `null` waits as long as it takes. */
  lock_timeout: number | null = null;
  /** Log what the session does. */
  debug = false;
  /** `true` while this session holds the lock on its id. */
  locked = false;
  /** `true` once the data was taken from the store (only a loaded session is saved). */
  loaded = false;
  /** The id the client sent (may be missing, unknown or malformed). */
  readonly originalid: string | null;
  /** `true` when the client's id was unknown, expired or malformed and was replaced. */
  missing = false;
  /** `true` after the application called {@link Session.regenerate}. */
  regenerated = false;
  /** Called with each new id (the session tool's keeps the cookie up to date). */
  readonly id_observers: Array<(id: string) => void> = [];
  /** The options the session was made with (the store reads its own from here). */
  readonly options: Readonly<SessionOptions>;
  /** The data, once loaded (a prototype-less object). */
  _data: SessionData = Object.create(null);
  #id: string;
  /** The log of the application the session was made in (for debug lines sent later). */
  #appLog: { error(message: string, context: string): void } | undefined;
  /** A record read ahead of the first access; `undefined` when none was read. */
  #ahead: SessionRecord | null | undefined = undefined;

  /**
   * Makes the session for `id` (the cookie's value, or `null` for a new session, which gets a
   * fresh id at once). Nothing is read here: the session tool then awaits
   * {@link Session._check_id}, which replaces an unknown, expired or malformed id.
   */
  constructor(id: string | null = null, options: SessionOptions = {}) {
    this.options = Object.isFrozen(options) ? options : Object.freeze({ ...options });
    const { timeout, clean_freq, lock_timeout, debug } = options;
    if (timeout !== undefined) {
      checkOption("timeout", timeout, typeof timeout === "number" && timeout > 0, "minutes (> 0)");
      this.timeout = timeout;
    }
    if (clean_freq !== undefined && clean_freq !== null) {
      const ok = typeof clean_freq === "number" && clean_freq >= 0;
      checkOption("clean_freq", clean_freq, ok, "minutes (>= 0)");
      this.clean_freq = clean_freq;
    }
    if (lock_timeout !== undefined) {
      const ok = lock_timeout === null || (typeof lock_timeout === "number" && lock_timeout >= 0);
      checkOption("lock_timeout", lock_timeout, ok, "seconds (>= 0) or null");
      this.lock_timeout = lock_timeout || null;
    }
    if (debug !== undefined) this.debug = Boolean(debug);
    this.originalid = id;
    this.#id = id ?? this.generate_id();
    if (this.debug) this.#appLog = servingNow()?.request.app?.log;
  }

  /** The session id (setting it tells the {@link Session.id_observers}). */
  get id(): string {
    return this.#id;
  }
  set id(value: string) {
    this.#id = value;
    for (const observer of this.id_observers) observer(value);
  }

  // ---- the store contract: subclasses implement these ------------------------------------

  /**
   * Called once per process with the store's options (the extra `tools.sessions.*` entries),
   * before the first session of the class is made; the base class does nothing.
   */
  static setup(_options: Record<string, unknown>): Awaitable<void> {}

  /** Whether a record for {@link Session.id} is stored. */
  _exists(): Awaitable<boolean> {
    return this.#abstract("_exists");
  }
  /** The record stored for {@link Session.id}, or `null`. */
  _load(): Awaitable<SessionRecord | null> {
    return this.#abstract("_load");
  }
  /** Stores `data` for {@link Session.id} until `expirationTime`. */
  _save(_data: SessionData, _expirationTime: Date): Awaitable<void> {
    return this.#abstract("_save");
  }
  /** Removes the record of {@link Session.id}. */
  _delete(): Awaitable<void> {
    return this.#abstract("_delete");
  }
  /** Waits for the exclusive lock on {@link Session.id} (at most `lock_timeout` seconds). */
  _acquire_lock(): Awaitable<void> {
    return this.#abstract("_acquire_lock");
  }
  /** Releases the lock on {@link Session.id}. */
  _release_lock(): Awaitable<void> {
    return this.#abstract("_release_lock");
  }
  /** How many sessions the store holds. */
  _length(): Awaitable<number> {
    return this.#abstract("_length");
  }
  /** Removes expired records (run every `clean_freq` minutes); the base class does nothing. */
  clean_up(): Awaitable<void> {}

  #abstract(name: string): never {
    throw new Error(
      `${this.constructor.name} does not implement ${name}(): a session store implements ` +
        "_exists, _load, _save, _delete, _acquire_lock, _release_lock and _length.",
    );
  }

  // ---- ids ------------------------------------------------------------------------------

  /** A new session id: 20 random bytes as 40 hexadecimal digits. */
  generate_id(): string {
    const bytes = crypto.getRandomValues(new Uint8Array(20));
    let hex = "";
    for (const b of bytes) hex += b.toString(16).padStart(2, "0");
    return hex;
  }

  /**
   * Whether `id` is one {@link Session.generate_id} could have made (40 lower-case hex
   * digits). A client's id that is not is replaced before the store ever sees it; a store that
   * overrides `generate_id` overrides this too.
   */
  is_valid_id(id: string): boolean {
    return ID_PATTERN.test(id);
  }

  /**
   * Checks the id the client sent: an unknown or malformed one is replaced by a fresh id
   * (`missing` is then `true`), which protects against session fixation. The session tool
   * awaits this right after making the session.
   */
  async _check_id(): Promise<void> {
    await this._checkIdNow();
  }

  /**
   * {@link Session._check_id}, synchronous when the store answers `_exists` synchronously
   * (a promise only when it waits): what the session tool calls.
   */
  _checkIdNow(): Promise<void> | void {
    const id = this.originalid;
    if (id !== null && this.is_valid_id(id)) {
      const exists = this._exists();
      if (exists instanceof Promise) {
        return exists.then((found) => found ? this.#keptId(id) : this.#freshId(id));
      }
      if (exists) return this.#keptId(id);
    }
    return this.#freshId(id);
  }

  #keptId(id: string): void {
    if (this.debug) this._debug(`Set id to ${id}.`);
  }

  /** Replaces an unknown or malformed `id` (or gives a new session its first id). */
  #freshId(id: string | null): Promise<void> | void {
    if (id !== null) {
      if (this.debug) {
        this._debug(`Expired or malicious session ${JSON.stringify(id)}; making a new one`);
      }
      this.missing = true;
      this.#id = this.generate_id();
    }
    return this.#untilUnused();
  }

  /** Draws ids until one is not in the store. */
  #untilUnused(): Promise<void> | void {
    for (;;) {
      const exists = this._exists();
      if (exists instanceof Promise) {
        return exists.then((found) => {
          if (!found) return;
          this.#id = this.generate_id();
          return this.#untilUnused();
        });
      }
      if (!exists) return;
      this.#id = this.generate_id();
    }
  }

  /** The session's notion of now (a store may override it). */
  now(): Date {
    return new Date();
  }

  // ---- life cycle -------------------------------------------------------------------------

  /**
   * Gives the session a new id, keeping its data and its lock; the old record is deleted and
   * the cookie carries the new id. Call it when privileges change (at login).
   */
  async regenerate(): Promise<void> {
    this.regenerated = true;
    if (!this.loaded) await this.#materialize();
    await this._regenerate();
  }

  /** {@link Session.regenerate} without marking the session `regenerated`. */
  async _regenerate(): Promise<void> {
    if (this.debug) {
      this._debug(`Deleting the existing session ${JSON.stringify(this.id)} before regeneration.`);
    }
    await this.delete();
    const wasLocked = this.locked;
    if (wasLocked) {
      await this._release_lock();
      this.locked = false;
    }
    this.#id = this.generate_id();
    while (await this._exists()) this.#id = this.generate_id();
    this.id = this.#id;
    if (this.debug) this._debug(`Set id to generated ${this.id}.`);
    if (wasLocked) {
      await this._acquire_lock();
      this.locked = true;
    }
  }

  /**
   * Takes the lock on the session id (waiting for other requests of the same session), then
   * reads the record unless the data was already loaded, so the data is ready for synchronous
   * use. Does nothing when this session holds the lock already.
   */
  async acquire_lock(): Promise<void> {
    await this._lockNow();
  }

  /**
   * {@link Session.acquire_lock}, synchronous when the store locks and reads synchronously (a
   * promise only when it waits): what the session tool calls.
   */
  _lockNow(): Promise<void> | void {
    if (this.locked) return;
    const locking = this._acquire_lock();
    if (locking instanceof Promise) return locking.then(() => this.#locked());
    return this.#locked();
  }

  #locked(): Promise<void> | void {
    this.locked = true;
    if (this.debug) this._debug("Lock acquired.");
    if (!this.loaded) return this._readAheadNow();
  }

  /** Releases the lock (nothing when this session does not hold it). */
  async release_lock(): Promise<void> {
    await this._releaseNow();
  }

  /** {@link Session.release_lock}, synchronous when the store unlocks synchronously. */
  _releaseNow(): Promise<void> | void {
    if (!this.locked) return;
    this.locked = false;
    const releasing = this._release_lock();
    return releasing instanceof Promise ? releasing : undefined;
  }

  /**
   * Reads the record so the data is ready (without marking it loaded): what the session tool
   * does before the handler. A record that has expired under the client's own id gets the
   * session a fresh id, as an unknown id does.
   */
  async _read_ahead(): Promise<void> {
    await this._readAheadNow();
  }

  /** {@link Session._read_ahead}, synchronous when the store reads synchronously. */
  _readAheadNow(): Promise<void> | void {
    const record = this._load();
    if (record instanceof Promise) return record.then((r) => this.#readAhead(r));
    return this.#readAhead(record);
  }

  #readAhead(record: SessionRecord | null): Promise<void> | void {
    if (record !== null && this.#expired(record) && this.id === this.originalid) {
      if (this.debug) this._debug(`Expired session ${JSON.stringify(this.id)}; making a new one`);
      this.missing = true;
      this.#ahead = null;
      return this._regenerate();
    }
    this.#ahead = record;
  }

  /** `true` when the data can be used synchronously (loaded, or its record read ahead). */
  get _ready(): boolean {
    return this.loaded || this.#ahead !== undefined;
  }

  /** Reads the record from the store into this session (CherryPy's `load`). */
  async load(): Promise<void> {
    await this._read_ahead();
    this.#take();
  }

  /** Loads the data unless it is loaded. */
  async #materialize(): Promise<void> {
    if (this.#ahead === undefined) await this._read_ahead();
    this.#take();
  }

  /** Makes the record read ahead the data (expired or missing: empty data). */
  #take(): void {
    const record = this.#ahead;
    this.#ahead = undefined;
    if (record === null || record === undefined || this.#expired(record)) {
      if (this.debug) this._debug(`Expired session ${JSON.stringify(this.id)}, flushing data.`);
      this._data = Object.create(null);
    } else {
      if (this.debug) this._debug(`Data loaded for session ${JSON.stringify(this.id)}.`);
      this._data = nullProto(record.data);
    }
    this.loaded = true;
    startCleanup(this);
  }

  #expired(record: SessionRecord): boolean {
    return record.expirationTime.getTime() < this.now().getTime();
  }

  /**
   * Saves the data if it was loaded (until now plus `timeout` minutes), then releases the lock.
   * The session tool calls it once the handler is done.
   */
  async save(): Promise<void> {
    await this._saveNow();
  }

  /**
   * {@link Session.save}, synchronous when the store saves and unlocks synchronously (a
   * promise only when it waits): what the session tool calls.
   */
  _saveNow(): Promise<void> | void {
    let saving: Awaitable<void> = undefined;
    try {
      if (this.loaded) {
        const expirationTime = new Date(this.now().getTime() + this.timeout * 60_000);
        if (this.debug) {
          this._debug(`Saving session ${JSON.stringify(this.id)} with expiry ${expirationTime}`);
        }
        saving = this._save(this._data, expirationTime);
      } else if (this.debug) {
        this._debug(`Skipping save of session ${JSON.stringify(this.id)} (no session loaded).`);
      }
    } catch (error) {
      return this.#unlockThenThrow(error);
    }
    if (saving instanceof Promise) {
      return saving.then(() => this.#unlockAfterSave(), (e) => this.#unlockThenThrow(e));
    }
    return this.#unlockAfterSave();
  }

  #unlockAfterSave(): Promise<void> | void {
    if (!this.locked) return;
    const releasing = this._releaseNow();
    if (this.debug) this._debug("Lock released after save.");
    return releasing;
  }

  #unlockThenThrow(error: unknown): Promise<never> | never {
    const releasing = this.#unlockAfterSave();
    if (releasing instanceof Promise) {
      return releasing.then(() => {
        throw error;
      });
    }
    throw error;
  }

  /** Deletes the stored record (the data in hand stays). */
  async delete(): Promise<void> {
    await this._delete();
    if (this.debug) this._debug(`Deleted session ${this.id}.`);
  }

  /** How many sessions the store holds (Python's `len(cherrypy.session)`). */
  async length(): Promise<number> {
    return await this._length();
  }

  /**
   * Expires the session cookie on the client: `expires` one year ago, no `Max-Age`
   * (CherryPy's `cherrypy.lib.sessions.expire()`). The stored record stays until it expires
   * or is deleted.
   */
  expire(): void {
    expire();
  }

  // ---- the data -------------------------------------------------------------------------

  /** The data, loading it first when needed (synchronously: see the module doc). */
  _loaded_data(): SessionData {
    if (this.loaded) return this._data;
    if (this.#ahead === undefined) {
      const record = this._load();
      if (record instanceof Promise) {
        record.catch(() => {});
        throw new Error(
          `The data of this ${this.constructor.name} is not read yet, and its store reads ` +
            "asynchronously: await cherrypy.session.load() (or acquire_lock()) before using " +
            "it here. (The session tool reads it before the page handler runs.)",
        );
      }
      this.#ahead = record;
    }
    this.#take();
    return this._data;
  }

  /** The value of `key`, or `defaultValue` (`undefined` unless given). */
  // deno-lint-ignore no-explicit-any
  get(key: string, defaultValue?: unknown): any {
    const data = this._loaded_data();
    return Object.hasOwn(data, key) ? data[key] : defaultValue;
  }

  /** Sets `key` (any name, even one of these methods' names). */
  set(key: string, value: unknown): void {
    this._loaded_data()[key] = value;
  }

  /** The value of `key`, throwing {@link KeyError} when there is none. */
  // deno-lint-ignore no-explicit-any
  getitem(key: string): any {
    const data = this._loaded_data();
    if (!Object.hasOwn(data, key)) throw new KeyError(key);
    return data[key];
  }

  /**
   * Removes `key` and returns its value; when there is none, returns `defaultValue` if one
   * was given, else throws {@link KeyError}.
   */
  // deno-lint-ignore no-explicit-any
  pop(key: string, ...defaultValue: [unknown?]): any {
    const data = this._loaded_data();
    if (!Object.hasOwn(data, key)) {
      if (defaultValue.length === 0) throw new KeyError(key);
      return defaultValue[0];
    }
    const value = data[key];
    delete data[key];
    return value;
  }

  /** The value of `key`; when there is none, sets it to `defaultValue` (`null`) first. */
  // deno-lint-ignore no-explicit-any
  setdefault(key: string, defaultValue: unknown = null): any {
    const data = this._loaded_data();
    if (!Object.hasOwn(data, key)) data[key] = defaultValue;
    return data[key];
  }

  /** Sets every key of `values`. */
  update(values: Readonly<Record<string, unknown>>): void {
    const data = this._loaded_data();
    for (const [k, v] of Object.entries(values)) data[k] = v;
  }

  /** Whether `key` is in the data (also `key in cherrypy.session`). */
  has_key(key: string): boolean {
    return Object.hasOwn(this._loaded_data(), key);
  }

  /** The keys of the data. */
  keys(): string[] {
    return Object.keys(this._loaded_data());
  }

  /** The values of the data. */
  // deno-lint-ignore no-explicit-any
  values(): any[] {
    return Object.values(this._loaded_data());
  }

  /** The `[key, value]` pairs of the data. */
  // deno-lint-ignore no-explicit-any
  items(): Array<[string, any]> {
    return Object.entries(this._loaded_data());
  }

  /** Removes every key. */
  clear(): void {
    const data = this._loaded_data();
    for (const k of Object.keys(data)) delete data[k];
  }

  /** A plain copy of the data (what `JSON.stringify(cherrypy.session)` writes). */
  toJSON(): SessionData {
    return { ...this._loaded_data() };
  }

  // ---- clean-up and logging -----------------------------------------------------------------

  /**
   * The bus the clean-up monitors subscribe to (the site sets it to `cherrypy.engine`), so they
   * stop with it; without one they run on their own unreferenced timer.
   */
  static get engine(): Bus | null {
    return cleanup.engine;
  }
  static set engine(bus: Bus | null) {
    cleanup.engine = bus;
  }

  /** The clean-up task of this store class, once started (`null` before). */
  static get clean_thread(): Monitor | BackgroundTask | null {
    return cleanThreadOf(this);
  }

  /** Stops and forgets this store class's clean-up task (it starts again at the next load). */
  static stopCleanThread(): Promise<void> {
    return stopCleanThread(this);
  }

  /** Logs `message` (context `TOOLS.SESSIONS`) when `debug` is on. */
  _debug(message: string): void {
    if (!this.debug) return;
    const log = servingNow()?.request.app?.log ?? this.#appLog;
    if (log !== undefined) log.error(message, "TOOLS.SESSIONS");
    else cleanup.engine?.log(`TOOLS.SESSIONS ${message}`);
  }
}
