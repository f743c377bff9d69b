/**
 * `cherrypy.session`: the current request's session, wherever it is read from (a handler, a
 * tool, or code they await), like `cherrypy.request`.
 *
 * The docs' `cherrypy.session['mystring']` reads as `cherrypy.session.mystring` or
 * `cherrypy.session["mystring"]`: the data keys are the properties of `cherrypy.session`.
 *
 * - Reading a key that is not there throws {@link KeyError}, as in Python (a handler that does
 *   answers 500); `cherrypy.session.get("k", fallback)` reads without throwing.
 * - `"k" in cherrypy.session`, `delete cherrypy.session.k`, `Object.keys(cherrypy.session)`
 *   and `JSON.stringify(cherrypy.session)` see the data.
 * - The session's own members are reachable too. Their names ({@link SESSION_MEMBERS}: `get`,
 *   `set`, `pop`, `keys`, `id`, `save`, ..., and the names of `Object.prototype` and `then`)
 *   are not data keys when read as properties; a data key with such a name still works
 *   through `get("keys")`, `set("keys", v)`, `pop("keys")` and `has_key("keys")`. Assigning to
 *   one of those names as a property throws a `TypeError` that says so, rather than hiding the
 *   member.
 *
 * @module
 */

import { servingNow } from "../../core/serving.ts";
import { Session } from "./session.ts";

/** The session of each request being served (set by the session tool). */
const sessions = new WeakMap<object, Session>();

/** Makes `session` the session of `request` (what the session tool does). */
export function setRequestSession(request: object, session: Session): void {
  sessions.set(request, session);
}

/** The session of `request`, if the session tool made one. */
export function sessionOf(request: object): Session | undefined {
  return sessions.get(request);
}

/**
 * The current request's {@link Session} object itself (not the `cherrypy.session` view of it);
 * throws when the request has no session.
 *
 * @example Using `currentSession`
 * ```ts
 * import { currentSession } from "../../lib/sessions.ts";
 * function minutesLeft() {
 *   return currentSession().timeout;
 * }
 * ```
 */
export function currentSession(): Session {
  const serving = servingNow();
  const session = serving === undefined ? undefined : sessions.get(serving.request);
  if (session === undefined) {
    throw new Error(
      serving === undefined
        ? "cherrypy.session is used outside a request: it exists while a request with " +
          "tools.sessions on is being served."
        : "This request has no session: switch the session tool on for its path " +
          '("tools.sessions.on": true).',
    );
  }
  return session;
}

/**
 * The names `cherrypy.session` reads as the session's members rather than as data keys (the
 * names of `Object.prototype` and `then` too, so that the object behaves as objects do).
 *
 * @example Storing a key whatever its name
 * ```ts
 * import { SESSION_MEMBERS } from "../../lib/sessions.ts";
 * import { session } from "../../../mod.ts";
 * function remember(key: string, value: unknown) {
 *   if (SESSION_MEMBERS.has(key)) session.set(key, value);
 *   else session[key] = value;
 * }
 * ```
 */
export const SESSION_MEMBERS: ReadonlySet<string> = new Set([
  "id",
  "get",
  "set",
  "getitem",
  "pop",
  "setdefault",
  "update",
  "has_key",
  "keys",
  "values",
  "items",
  "clear",
  "length",
  "regenerate",
  "expire",
  "acquire_lock",
  "release_lock",
  "save",
  "load",
  "delete",
  "toJSON",
  "locked",
  "loaded",
  "missing",
  "originalid",
  "regenerated",
  "then",
  ...Object.getOwnPropertyNames(Object.prototype),
]);

/** The members of a session reachable through `cherrypy.session`. */
export type SessionMembers = Pick<
  Session,
  | "id"
  | "get"
  | "set"
  | "getitem"
  | "pop"
  | "setdefault"
  | "update"
  | "has_key"
  | "keys"
  | "values"
  | "items"
  | "clear"
  | "length"
  | "regenerate"
  | "expire"
  | "acquire_lock"
  | "release_lock"
  | "save"
  | "load"
  | "delete"
  | "toJSON"
  | "locked"
  | "loaded"
  | "missing"
  | "originalid"
  | "regenerated"
>;

/** What `cherrypy.session` is: the session's members, and its data keys as properties. */
export type CurrentSession = SessionMembers & {
  /** A data key (reading a missing one throws `KeyError`). */
  // deno-lint-ignore no-explicit-any
  [key: string]: any;
};

/** The custom-inspect symbol of Node's `util.inspect` (Deno's and Bun's consoles honour it too). */
const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/**
 * The current request's session: data keys as properties, plus the session's members (see the
 * module doc for how the two share names).
 *
 * @example The docs' counter
 * ```ts
 * import * as cherrypy from "../../../mod.ts";
 * class Root {
 *   @cherrypy.expose
 *   index() {
 *     if (!("count" in cherrypy.session)) cherrypy.session.count = 0;
 *     cherrypy.session.count += 1;
 *     return `You have been here ${cherrypy.session.count} times.`;
 *   }
 * }
 * const conf = { "/": { "tools.sessions.on": true } };
 * ```
 */
export const session: CurrentSession = new Proxy(Object.create(Session.prototype), {
  get(_, key) {
    if (typeof key === "symbol") {
      if (key === Symbol.iterator) return () => currentSession().keys()[Symbol.iterator]();
      if (key === Symbol.toStringTag) return "Session";
      if (key === INSPECT) {
        return () => {
          const serving = servingNow();
          const s = serving === undefined ? undefined : sessions.get(serving.request);
          return s === undefined ? "Session (none)" : { ...s._loaded_data() };
        };
      }
      return undefined;
    }
    if (key === "then") return undefined;
    const current = currentSession();
    if (SESSION_MEMBERS.has(key)) {
      const value = Reflect.get(current, key, current);
      return typeof value === "function" ? value.bind(current) : value;
    }
    return current.getitem(key);
  },
  set(_, key, value) {
    if (typeof key === "symbol") return false;
    if (SESSION_MEMBERS.has(key)) {
      throw new TypeError(
        `${JSON.stringify(key)} names a member of cherrypy.session: store a data key of that ` +
          `name with cherrypy.session.set(${JSON.stringify(key)}, value) and read it with ` +
          `cherrypy.session.get(${JSON.stringify(key)}).`,
      );
    }
    currentSession().set(key, value);
    return true;
  },
  has: (_, key) => typeof key === "string" && currentSession().has_key(key),
  deleteProperty(_, key) {
    if (typeof key === "string") currentSession().pop(key, undefined);
    return true;
  },
  ownKeys: () => currentSession().keys(),
  getOwnPropertyDescriptor(_, key) {
    if (typeof key !== "string") return undefined;
    const current = currentSession();
    if (!current.has_key(key)) return undefined;
    return { value: current.get(key), writable: true, enumerable: true, configurable: true };
  },
  defineProperty(_, key, descriptor) {
    if (typeof key === "symbol" || !("value" in descriptor)) return false;
    currentSession().set(key, descriptor.value);
    return true;
  },
}) as CurrentSession;
