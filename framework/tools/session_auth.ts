/**
 * The `session_auth` tool: a login form backed by the session (CherryPy's `SessionAuth`).
 * A path under it answers the login form until the session holds a user name; `do_login` and
 * `do_logout` (POST only) log in and out, then redirect (303) to `from_page`.
 *
 * Every value written into the login page is HTML-escaped (CherryPy writes them as they are).
 *
 * @module
 */

import { HTTPError } from "../core/errors.ts";
import type { HookOptions } from "../core/hooks.ts";
import { HTTPRedirect } from "../core/redirect.ts";
import { currentServing } from "../core/serving.ts";
import { url } from "../core/url.ts";
import { currentSession } from "./sessions/current.ts";
import type { Awaitable } from "./sessions/record.ts";
import { sessionReady } from "./sessions/tool.ts";
import { checkToolOptions, type OptionCheck } from "./_options.ts";
import { HandlerTool, type Tool } from "./tools.ts";

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#x27;",
};

/** `text` escaped for HTML text and quoted attribute values. */
function escape(text: unknown): string {
  return String(text ?? "").replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** The `session_auth` tool's options: each replaces the {@link SessionAuth} member of its name. */
export interface SessionAuthOptions {
  /** The session key holding the user name (`"username"`). */
  session_key?: string;
  /** Log what happens (`TOOLS.SESSAUTH`). */
  debug?: boolean;
  /** Returns an error message when the credentials are wrong (anything falsy accepts them). */
  check_username_and_password?: (username: string, password: string) => Awaitable<unknown>;
  /** A user name for visitors who are not logged in (none: they get the login form). */
  anonymous?: () => Awaitable<string | null | undefined | void>;
  /** Called after a login. */
  on_login?: (username: string) => Awaitable<unknown>;
  /** Called after a logout. */
  on_logout?: (username: string) => Awaitable<unknown>;
  /** Called on each request of a logged-in user. */
  on_check?: (username: string) => Awaitable<unknown>;
  /** Renders the login page (its values must be escaped by whoever writes it). */
  login_screen?: (
    from_page?: string,
    username?: string,
    error_msg?: string,
  ) => string | Uint8Array;
}

const text: OptionCheck = (v) => typeof v === "string" && v !== "" ? null : "a non-empty string";
const fn: OptionCheck = (v) => typeof v === "function" ? null : "a function";
const CHECKS: Record<string, OptionCheck> = {
  session_key: text,
  check_username_and_password: fn,
  anonymous: fn,
  on_login: fn,
  on_logout: fn,
  on_check: fn,
  login_screen: fn,
};
const OPTIONS = new Set(["debug", ...Object.keys(CHECKS)]);

/** Checks the `session_auth` tool's options (each replaces the `SessionAuth` member). */
export function checkSessionAuthOptions(options: HookOptions, complete: boolean): void {
  checkToolOptions("session_auth", options, CHECKS, complete);
}

/**
 * CherryPy's `SessionAuth`: one is made per request, with the tool's options as members.
 * Subclass it (or pass options) to check passwords and react to logins.
 *
 * @example The login flow of CherryPy's own test
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * class Test {
 *   @cherrypy.expose
 *   index() { return `Hi ${cherrypy.request.login}, you are logged in`; }
 * }
 * const conf = {
 *   "/": {
 *     "tools.sessions.on": true,
 *     "tools.session_auth.on": true,
 *     "tools.session_auth.check_username_and_password": (user: string, pass: string) =>
 *       user === "test" && pass === "password" ? undefined : "Wrong login/password",
 *   },
 * };
 * ```
 */
export class SessionAuth {
  /** The session key holding the user name. */
  session_key = "username";
  /** Log what happens. */
  debug = false;

  /** Returns an error message when the credentials are wrong; this one accepts anything. */
  check_username_and_password(_username: string, _password: string): Awaitable<unknown> {
    return undefined;
  }

  /** A user name for visitors who are not logged in; none here. */
  anonymous(): Awaitable<string | null | undefined | void> {
    return undefined;
  }

  /** Called after a login. */
  on_login(_username: string): Awaitable<unknown> {
    return undefined;
  }

  /** Called after a logout. */
  on_logout(_username: string): Awaitable<unknown> {
    return undefined;
  }

  /** Called on each request of a logged-in user. */
  on_check(_username: string): Awaitable<unknown> {
    return undefined;
  }

  /**
   * The login page: a form posting to `do_login` (every value HTML-escaped), as UTF-8 bytes,
   * as CherryPy's.
   */
  login_screen(from_page = "..", username = "", error_msg = ""): string | Uint8Array {
    return new TextEncoder().encode(`<html><body>
Message: ${escape(error_msg)}
<form method="post" action="do_login">
    Login: <input type="text" name="username" value="${escape(username)}" size="10" />
    <br />
    Password: <input type="password" name="password" size="10" />
    <br />
    <input type="hidden" name="from_page" value="${escape(from_page)}" />
    <br />
    <input type="submit" />
</form>
</body></html>`);
  }

  /** Checks the credentials: on success, logs in and redirects; else the form again. */
  async do_login(username: string, password: string, from_page = ".."): Promise<boolean> {
    const { request, response } = currentServing();
    const error = await this.check_username_and_password(username, password);
    if (error) {
      response.body = this.login_screen(from_page, username, String(error));
      response.headers.delete("Content-Length");
      return true;
    }
    request.login = username;
    currentSession().set(this.session_key, username);
    await this.on_login(username);
    throw new HTTPRedirect(from_page || "/");
  }

  /** Logs out (the session forgets the user name) and redirects to `from_page`. */
  async do_logout(from_page = ".."): Promise<never> {
    const { request } = currentServing();
    const sess = currentSession();
    const username = sess.get(this.session_key);
    sess.set(this.session_key, null);
    if (username) {
      request.login = null;
      await this.on_logout(username);
    }
    throw new HTTPRedirect(from_page);
  }

  /** Lets a logged-in (or anonymous) user through; anyone else gets the login form. */
  async do_check(): Promise<boolean | undefined> {
    const { request, response } = currentServing();
    const sess = currentSession();
    let username = sess.get(this.session_key);
    if (!username) {
      username = (await this.anonymous()) ?? null;
      sess.set(this.session_key, username);
      this.#debug("No session[username], trying anonymous");
    }
    if (!username) {
      const from = url("", request.query_string);
      this.#debug(`No username, routing to login_screen with from_page ${JSON.stringify(from)}`);
      response.body = this.login_screen(from);
      response.headers.delete("Content-Length");
      return true;
    }
    this.#debug(`Setting request.login to ${JSON.stringify(username)}`);
    request.login = username;
    await this.on_check(username);
    return undefined;
  }

  /** Routes the request: the login screen, `do_login`, `do_logout`, or the check. */
  async run(): Promise<boolean | undefined> {
    const { request, response } = currentServing();
    await sessionReady();
    const path = request.path_info;
    if (path.endsWith("login_screen")) {
      this.#debug(`routing ${JSON.stringify(path)} to login_screen`);
      response.body = this.login_screen();
      return true;
    }
    for (const action of ["do_login", "do_logout"] as const) {
      if (!path.endsWith(action)) continue;
      if (request.method !== "POST") {
        response.headers.set("Allow", "POST");
        this.#debug(`${action} requires POST`);
        throw new HTTPError(405);
      }
      this.#debug(`routing ${JSON.stringify(path)} to ${action}`);
      const params = request.params as Record<string, unknown>;
      const from = formValue(params, "from_page") ?? "..";
      if (action === "do_logout") return await this.do_logout(from);
      const username = formValue(params, "username") ?? "";
      const password = formValue(params, "password") ?? "";
      return await this.do_login(username, password, from);
    }
    this.#debug("No special path, running do_check");
    return await this.do_check();
  }

  #debug(message: string): void {
    if (this.debug) currentServing().request.app?.log.error(message, "TOOLS.SESSAUTH");
  }
}

/** A form field's one value; 400 when it was sent more than once. */
function formValue(params: Record<string, unknown>, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") {
    throw new HTTPError(400, `The login form's ${name} must be sent once, as text.`);
  }
  return value;
}

/**
 * The `session_auth` tool's callable (`before_handler`): a {@link SessionAuth} with the tool's
 * options as members runs; `true` when it answered the request itself.
 *
 * @example Using `sessionAuth` directly
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * import { sessionAuth } from "./session_auth.ts";
 * cherrypy.tools.my_auth = new cherrypy.HandlerTool(sessionAuth as cherrypy.ToolCallable);
 * ```
 */
export async function sessionAuth(
  this: Tool | void,
  options: SessionAuthOptions = {},
): Promise<boolean | undefined> {
  const auth = new SessionAuth();
  for (const [key, value] of Object.entries(options)) {
    if (!OPTIONS.has(key)) {
      throw new TypeError(
        `tools.session_auth.${key} is not an option of the session_auth tool; its options ` +
          `are ${[...OPTIONS].join(", ")}.`,
      );
    }
    (auth as unknown as Record<string, unknown>)[key] = value;
  }
  // async: the request follows the awaits inside run() from its first call.
  return await auth.run();
}

/**
 * CherryPy's `SessionAuthTool`: the {@link HandlerTool} running {@link sessionAuth}.
 *
 * @example Switch it on
 * ```ts
 * const conf = { "/": { "tools.sessions.on": true, "tools.session_auth.on": true } };
 * ```
 */
export class SessionAuthTool extends HandlerTool {
  /** Creates the tool. */
  constructor() {
    super(sessionAuth as (options: Record<string, unknown>) => unknown, {
      check: checkSessionAuthOptions,
    });
  }
}
