/**
 * The `sessions` tool (`tools.sessions.*`): makes the request's session from its cookie, locks
 * and reads it before the handler, saves it after, and releases the lock when the request
 * ends. Its hooks, in order:
 *
 * | point | priority | what |
 * | --- | --- | --- |
 * | `before_request_body` | 50 | {@link init}: the session object, its id checked, the cookie set |
 * | `before_request_body` | 60 | with `locking: "early"`: lock and read |
 * | `before_handler` | 50 | with `locking: "implicit"` (the default): lock and read; with `"explicit"`: read without the lock |
 * | `before_finalize` | 50, failsafe | {@link save} (for a streamed response: at `on_end_request`) |
 * | `on_end_request` | 90, failsafe | {@link close}: releases a lock still held |
 *
 * @module
 */

import { configRegistry } from "../../config/config_registry.ts";
import type { HookCallback, HookOptions, HookPoint } from "../../core/hooks.ts";
import { collapseBody } from "../../core/response.ts";
import {
  bindServing,
  callApplicationWith,
  currentServing,
  followServing,
  selfFollowing,
} from "../../core/serving.ts";
import { shown } from "../_auth.ts";
import { boolean, nonNegative, optionalString, type OptionCheck } from "../_options.ts";
import { Tool } from "../tools.ts";
import { currentSession, sessionOf, setRequestSession } from "./current.ts";
import { FileSession } from "./file.ts";
import { RamSession } from "./ram.ts";
import { Session, type SessionClass } from "./session.ts";

/** The `locking` of each request's session tool. */
const lockingOf = new WeakMap<object, unknown>();

/** The `sessions` tool's options (`tools.sessions.*`); other entries reach the store. */
export interface SessionToolOptions {
  /** The store: a {@link Session} subclass (default `RamSession`). */
  storage_class?: SessionClass;
  /** Deprecated: a store by name (`"ram"`, `"file"`, and those added by {@link registerStorageType}). */
  storage_type?: string | null;
  /** The cookie's `Path` (default: the `path_header` request header, else `/`). */
  path?: string | null;
  /** A request header whose value is the cookie's `Path` when `path` is not set. */
  path_header?: string | null;
  /** The cookie's name (`session_id`). */
  name?: string;
  /** Minutes before unused session data expires (60); also the cookie's lifetime. */
  timeout?: number;
  /** The cookie's `Domain`. */
  domain?: string | null;
  /** Send the cookie over HTTPS only (`Secure`). */
  secure?: boolean;
  /** Hide the cookie from scripts (`HttpOnly`). */
  httponly?: boolean;
  /**
   * The cookie's `SameSite` (`"Lax"`, the default; `"Strict"`, `"None"`; `null` or `false`
   * leaves it out). CherryPy has no such option.
   */
  samesite?: string | null | false;
  /** Give the cookie an expiry (`true`); `false` makes it last until the browser closes. */
  persistent?: boolean;
  /** Minutes between clean-ups of expired sessions (5). */
  clean_freq?: number;
  /** `"implicit"` (lock before the handler), `"early"` (before the body) or `"explicit"`. */
  locking?: string;
  /** Log what the sessions do. */
  debug?: boolean;
  /** Anything else is an option of the store (`storage_path`, `lock_timeout`, ...). */
  [option: string]: unknown;
}

/** The deprecated `storage_type` names and their stores. */
const storageTypes = new Map<string, SessionClass>();

/**
 * Adds a store: `tools.sessions.storage_type = name` picks it (deprecated, as in CherryPy), and
 * config files may name it `cherrypy.lib.sessions.<ClassName>`.
 *
 * @example A store of one's own
 * ```ts
 * import { RamSession, registerStorageType } from "../../lib/sessions.ts";
 * class AuditedSession extends RamSession {}
 * registerStorageType("audited", AuditedSession);
 * const conf = { "/": { "tools.sessions.on": true, "tools.sessions.storage_type": "audited" } };
 * ```
 */
export function registerStorageType(name: string, storageClass: SessionClass): void {
  storageTypes.set(name.toLowerCase(), storageClass);
  configRegistry.register(`cherrypy.lib.sessions.${storageClass.name}`, storageClass);
}

/**
 * The names `storage_type` accepts.
 *
 * @example Using `storageTypeNames`
 * ```ts
 * import { storageTypeNames } from "../../lib/sessions.ts";
 * storageTypeNames(); // ["file", "ram"] (and the names stores added)
 * ```
 */
export function storageTypeNames(): string[] {
  return [...storageTypes.keys()].sort();
}

registerStorageType("ram", RamSession);
registerStorageType("file", FileSession);
configRegistry.register("cherrypy.lib.sessions.Session", Session);

/** Stores whose `setup` is running, by class; and those whose `setup` is done. */
const setups = new WeakMap<object, Promise<void>>();
const setupsDone = new WeakSet<object>();
let warnedStorageType = false;
/** Requests whose session was made, and those whose session was saved. */
const initialized = new WeakSet<object>();
const saved = new WeakSet<object>();
/** The store's options (the entries that are not the tool's own), by the hook's options. */
const storeOptionsOf = new WeakMap<object, Readonly<Record<string, unknown>>>();

function storeOf(options: SessionToolOptions): SessionClass {
  const type = options.storage_type;
  if (type) {
    const found = storageTypes.get(String(type).toLowerCase());
    if (found === undefined) {
      throw new Error(
        `Unknown tools.sessions.storage_type ${JSON.stringify(type)}: use one of ` +
          `${storageTypeNames().join(", ")}, or (better) tools.sessions.storage_class.`,
      );
    }
    return found;
  }
  const cls = options.storage_class ?? RamSession;
  if (typeof cls !== "function" || !(cls.prototype instanceof Session || cls === Session)) {
    throw new TypeError(
      "tools.sessions.storage_class must be a Session subclass (such as " +
        "cherrypy.lib.sessions.FileSession, written without quotes in a config file); got " +
        `${typeof cls === "string" ? JSON.stringify(cls) : String(cls)}.`,
    );
  }
  return cls;
}

/** The `tools.sessions.*` entries that are the tool's own (the rest go to the store). */
const TOOL_OPTIONS = new Set([
  "storage_class",
  "storage_type",
  "path",
  "path_header",
  "name",
  "domain",
  "secure",
  "httponly",
  "samesite",
  "persistent",
  "locking",
  "priority",
]);

function storeOptionsFor(options: SessionToolOptions): Readonly<Record<string, unknown>> {
  let storeOptions = storeOptionsOf.get(options);
  if (storeOptions === undefined) {
    const own: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(options)) if (!TOOL_OPTIONS.has(k)) own[k] = v;
    storeOptions = Object.freeze(own);
    storeOptionsOf.set(options, storeOptions);
  }
  return storeOptions;
}

/** Runs the store's `setup` once per class: a promise only while an asynchronous one runs. */
function setupStore(
  storageClass: SessionClass,
  storeOptions: Readonly<Record<string, unknown>>,
): Promise<void> | void {
  if (setupsDone.has(storageClass)) return;
  const pending = setups.get(storageClass);
  if (pending !== undefined) return pending;
  // As CherryPy: setup() gets the extra options, not the session's own timeout, clean_freq
  // and debug.
  const { timeout: _t, clean_freq: _c, debug: _d, ...extra } = storeOptions;
  const result = storageClass.setup?.(extra);
  if (!(result instanceof Promise)) {
    setupsDone.add(storageClass);
    return;
  }
  const running = result.then(() => {
    setupsDone.add(storageClass);
    setups.delete(storageClass);
  }, (error) => {
    setups.delete(storageClass);
    throw error;
  });
  setups.set(storageClass, running);
  return running;
}

/**
 * Makes the current request's session (the `sessions` tool's callable, at
 * `before_request_body`): the id from the `name` cookie, checked against the store (an unknown,
 * expired or malformed one is replaced), and the response cookie. Runs once per request;
 * returns a promise only when the store makes it wait (the RAM store never does).
 *
 * @example The hook a tool of one's own could attach
 * ```ts
 * import { init } from "../../lib/sessions.ts";
 * import { request } from "../../../mod.ts";
 * request.hooks.attach("before_request_body", init, { timeout: 30 });
 * ```
 */
export function init(options: SessionToolOptions = {}): Promise<void> | void {
  const { request } = currentServing();
  if (initialized.has(request)) return;
  initialized.add(request);
  const name = options.name ?? "session_id";
  const id = request.cookie.get(name)?.value ?? null;
  const storageClass = storeOf(options);
  if (options.debug) {
    request.app?.log.error(
      `ID obtained from request.cookie: ${JSON.stringify(id)}`,
      "TOOLS.SESSIONS",
    );
  }
  if (options.storage_type && !warnedStorageType) {
    warnedStorageType = true;
    request.app?.log.error("storage_type is deprecated. Supply storage_class instead");
  }
  const storeOptions = storeOptionsFor(options);
  const setup = setupStore(storageClass, storeOptions);
  if (setup instanceof Promise) {
    return setup.then(bindServing(() => makeSession(options, storageClass, storeOptions, id)));
  }
  return makeSession(options, storageClass, storeOptions, id);
}
selfFollowing(init);

function makeSession(
  options: SessionToolOptions,
  storageClass: SessionClass,
  storeOptions: Readonly<Record<string, unknown>>,
  id: string | null,
): Promise<void> | void {
  const sess = new storageClass(id, storeOptions);
  const checked = sess._checkIdNow();
  if (checked instanceof Promise) return checked.then(bindServing(() => adopt(options, sess)));
  adopt(options, sess);
}

/** Makes `sess` the current request's session, and sets its cookie. */
function adopt(options: SessionToolOptions, sess: Session): void {
  const { request, response } = currentServing();
  const name = options.name ?? "session_id";
  setRequestSession(request, sess);
  lockingOf.set(request, options.locking ?? "implicit");
  sess.id_observers.push((newId) => {
    response.cookie.set(name, newId);
  });
  set_response_cookie({
    ...options,
    timeout: options.persistent === false ? null : sess.timeout,
  });
}

/** The cookie options of {@link set_response_cookie}. */
export interface SessionCookieOptions {
  /** The cookie's `Path` (else the `path_header` header, else `/`). */
  path?: string | null;
  /** The request header giving the path when `path` is not set. */
  path_header?: string | null;
  /** The cookie name (`session_id`). */
  name?: string;
  /** Minutes the cookie lasts (`Max-Age` and `expires`); `null` or 0: until the browser closes. */
  timeout?: number | null;
  /** `Domain`. */
  domain?: string | null;
  /** `Secure`. */
  secure?: boolean;
  /** `HttpOnly`. */
  httponly?: boolean;
  /** `SameSite` (`"Lax"` unless given; `null` or `false` leaves it out). */
  samesite?: string | null | false;
}

/** The last `expires` made, for the second it was made in (most responses share it). */
let lastExpires = { second: 0, seconds: 0, text: "" };

/** The HTTP date `seconds` from now (to the second). */
function expiresIn(seconds: number): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (lastExpires.second !== second || lastExpires.seconds !== seconds) {
    lastExpires = { second, seconds, text: new Date(now + seconds * 1000).toUTCString() };
  }
  return lastExpires.text;
}

const SAMESITE = new Map([["lax", "Lax"], ["strict", "Strict"], ["none", "None"]]);

/**
 * Sets the session cookie on the response, with the current session's id (CherryPy's
 * `set_response_cookie`; `SameSite` is this project's addition).
 *
 * @example Using `set_response_cookie`
 * ```ts
 * import { set_response_cookie } from "../../lib/sessions.ts";
 * function renew() {
 *   set_response_cookie({ name: "session_id", timeout: 60, httponly: true });
 * }
 * ```
 */
export function set_response_cookie(options: SessionCookieOptions = {}): void {
  const { request, response } = currentServing();
  const name = options.name ?? "session_id";
  const morsel = response.cookie.set(name, currentSession().id);
  const header = options.path_header ? request.header(options.path_header) : null;
  morsel.path = options.path || header || "/";
  const timeout = options.timeout === undefined ? 60 : options.timeout;
  if (timeout) {
    const seconds = Math.round(timeout * 60);
    morsel.maxAge = seconds;
    morsel.expires = expiresIn(seconds);
  }
  if (options.domain !== undefined && options.domain !== null) morsel.domain = options.domain;
  if (options.secure) morsel.secure = true;
  if (options.httponly) morsel.httponly = true;
  const samesite = options.samesite === undefined ? "Lax" : options.samesite;
  if (samesite) {
    const value = SAMESITE.get(String(samesite).toLowerCase());
    if (value === undefined) {
      throw new TypeError(
        `tools.sessions.samesite must be "Lax", "Strict" or "None" (or null to leave it out); ` +
          `got ${JSON.stringify(samesite)}.`,
      );
    }
    morsel.set("samesite", value);
  }
}

function isIterator(body: unknown): boolean {
  if (body === null || typeof body !== "object") return false;
  if (typeof (body as { next?: unknown }).next === "function") return true;
  return typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function";
}

/**
 * Saves the current request's session (at `before_finalize`, failsafe): a body that is an
 * iterator is collapsed first (its code may use the session); a streamed response's session
 * is saved at `on_end_request`, once the body was sent.
 *
 * @example Attached as the session tool attaches it
 * ```ts
 * import { save } from "../../lib/sessions.ts";
 * import { request } from "../../../mod.ts";
 * request.hooks.attach("before_finalize", save);
 * ```
 */
export function save(): Promise<void> | void {
  const { request, response } = currentServing();
  const sess = sessionOf(request);
  if (sess === undefined || saved.has(request)) return;
  saved.add(request);
  if (response.stream) {
    request.hooks.attach("on_end_request", () => sess.save());
    return;
  }
  if (isIterator(response.body)) {
    // The body's code may use the request (and the session) while it is collapsed.
    followServing();
    return collapseBody(response.body).then((body) => {
      response.body = body;
      return sess._saveNow();
    });
  }
  return sess._saveNow();
}
selfFollowing(save);
/** `save` runs even when an earlier `before_finalize` hook failed. */
save.failsafe = true;

/**
 * Releases the session lock if the request still holds it (at `on_end_request`, failsafe).
 *
 * @example Attached as the session tool attaches it
 * ```ts
 * import { close } from "../../lib/sessions.ts";
 * import { request } from "../../../mod.ts";
 * request.hooks.attach("on_end_request", close);
 * ```
 */
export function close(): Promise<void> | void {
  const sess = sessionOf(currentServing().request);
  if (sess === undefined || !sess.locked) return;
  const releasing = sess._releaseNow();
  if (releasing instanceof Promise) {
    return releasing.then(() => sess._debug("Lock released on close."));
  }
  if (sess.debug) sess._debug("Lock released on close.");
}
selfFollowing(close);
/** `close` runs even when an earlier `on_end_request` hook failed. */
close.failsafe = true;
/** `close` runs late among the `on_end_request` hooks. */
close.priority = 90;

/** Locks the session and reads its data (waiting only for a lock held elsewhere). */
const lockSession = selfFollowing(function lockSession(): Promise<void> | void {
  return sessionOf(currentServing().request)?._lockNow();
});

/** Reads the session's data without the lock (`locking: "explicit"`). */
const readSession = selfFollowing(function readSession(): Promise<void> | void {
  const sess = sessionOf(currentServing().request);
  if (sess !== undefined && !sess._ready) return sess._readAheadNow();
});

/**
 * Makes the current session's data ready for synchronous use now, as the session tool's
 * `before_handler` hook would (locking it unless `locking` is `"explicit"`): for tools that
 * run before that hook, or at the same point, and read the session.
 *
 * @example A tool that reads the session at before_handler
 * ```ts
 * import * as cherrypy from "../../../mod.ts";
 * import { sessionReady } from "../../lib/sessions.ts";
 * cherrypy.tools.register("before_handler", { priority: 40 })(async function greet() {
 *   await sessionReady();
 *   cherrypy.request.greeting = `Hello ${cherrypy.session.get("name", "stranger")}`;
 * });
 * ```
 */
export async function sessionReady(): Promise<void> {
  const { request } = currentServing();
  const sess = sessionOf(request);
  if (sess === undefined || sess._ready) return;
  const locking = lockingOf.get(request) ?? "implicit";
  if (locking === "implicit" || locking === "early") await sess.acquire_lock();
  else await sess._read_ahead();
}

const LOCKING = ["implicit", "early", "explicit"];

/** The checks of the tool's own options and the session's (the store's are the store's). */
const SESSION_CHECKS: Record<string, OptionCheck> = {
  storage_class: (v) =>
    typeof v === "function" && (v === Session || v.prototype instanceof Session)
      ? null
      : "a Session subclass (such as cherrypy.lib.sessions.FileSession, written without " +
        "quotes in a config file)",
  storage_type: (v) =>
    v === null || (typeof v === "string" && storageTypes.has(v.toLowerCase()))
      ? null
      : `one of ${storageTypeNames().join(", ")} (or, better, a storage_class)`,
  path: optionalString,
  path_header: optionalString,
  name: (v) =>
    typeof v === "string" && /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(v) ? null : "a cookie name",
  timeout: (v) => typeof v === "number" && v > 0 ? null : "a number of minutes, more than 0",
  domain: optionalString,
  secure: boolean,
  httponly: boolean,
  samesite: (v) =>
    v === null || v === false || (typeof v === "string" && SAMESITE.has(v.toLowerCase()))
      ? null
      : '"Lax", "Strict" or "None" (or null to leave it out)',
  persistent: boolean,
  clean_freq: nonNegative,
  locking: (v) =>
    typeof v === "string" && LOCKING.includes(v) ? null : '"implicit", "early" or "explicit"',
  lock_timeout: (v) => v === null ? null : nonNegative(v),
  debug: boolean,
  priority: (v) => typeof v === "number" ? null : "a number",
};

/**
 * Checks the `sessions` tool's options where they are written and for each request: the
 * tool's own and the session's; any other entry is an option of the store, left to it.
 *
 * @example Using `checkSessionOptions`
 * ```ts
 * import { checkSessionOptions } from "../../lib/sessions.ts";
 * checkSessionOptions({ timeout: 30, locking: "early" }, true); // fine
 * ```
 */
export function checkSessionOptions(options: HookOptions, _complete: boolean): void {
  for (const [key, value] of Object.entries(options)) {
    const check = Object.hasOwn(SESSION_CHECKS, key) ? SESSION_CHECKS[key]! : undefined;
    const wanted = check?.(value) ?? null;
    if (wanted !== null) {
      throw new TypeError(`tools.sessions.${key} must be ${wanted}; got ${shown(value)}.`);
    }
  }
}

/**
 * CherryPy's `SessionTool`: `init` at `before_request_body`, plus the lock, save and close
 * hooks (see the module doc). `tools.sessions.regenerate()` gives the session a new id.
 *
 * @example The docs' configuration
 * ```ts
 * import * as cherrypy from "../../../mod.ts";
 * const conf = { "/": { "tools.sessions.on": true, "tools.sessions.timeout": 30 } };
 * ```
 */
export class SessionTool extends Tool {
  /** Creates the tool. */
  constructor() {
    super("before_request_body", init as (options: HookOptions) => unknown, {
      check: checkSessionOptions,
    });
  }

  /** The session hooks for the tool's config entries (prepared once per config). */
  override _hooksFor(entries: HookOptions): Array<[HookPoint, HookCallback, HookOptions]> {
    const conf: HookOptions = { ...entries };
    delete conf["on"];
    const priority = (conf["priority"] as number | undefined) ?? this._priority;
    delete conf["priority"];
    this._check?.(conf, true);
    const callable = this.callable;
    const initHook = selfFollowing((options: HookOptions) =>
      callApplicationWith(callable, this, options)
    ) as HookCallback;
    // The name log_hooks shows (the tool's).
    Object.defineProperty(initHook, "name", { value: this._name ?? callable.name });
    const hooks: Array<[HookPoint, HookCallback, HookOptions]> = [
      [this._point!, initHook, { ...conf, priority }],
    ];
    const locking = conf["locking"] ?? "implicit";
    if (locking === "implicit") hooks.push(["before_handler", lockSession, {}]);
    else if (locking === "early") {
      hooks.push(["before_request_body", lockSession, { priority: 60 }]);
    } else hooks.push(["before_handler", readSession, {}]);
    hooks.push(["before_finalize", save, {}], ["on_end_request", close, {}]);
    return hooks;
  }

  /**
   * Gives the current session a new id (keeping its data and lock; the old record is deleted)
   * and sets the cookie again with the tool's options.
   */
  async regenerate(): Promise<void> {
    await currentSession().regenerate();
    const conf = this._mergedArgs() as SessionToolOptions;
    set_response_cookie({
      ...conf,
      timeout: conf.persistent === false ? null : currentSession().timeout,
    });
  }
}
