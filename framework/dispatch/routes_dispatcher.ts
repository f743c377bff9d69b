/**
 * `RoutesDispatcher`: URL patterns mapped to controllers, CherryPy's answer to RESTful URLs
 * (it wraps the Python Routes library; this one has its own matcher, `route_pattern.ts`).
 *
 * @module
 */

import { isBuiltinMember, isClass } from "./_classes.ts";
import {
  type ConfigDict,
  type DispatcherLike,
  type DispatchTarget,
  getAttr,
  notFoundHandler,
  pageHandler,
} from "./dispatch.ts";
import { HTTPRedirect } from "../core/redirect.ts";
import { buildRoute, compileRoute, matchRoute, type RoutePattern } from "./route_pattern.ts";
import { encodeQuery, url } from "../core/url.ts";

/** Options of {@link RoutesDispatcher.connect}; other keys are default route variables. */
export interface RouteOptions {
  /** The controller's method to call (a route's `:action` variable wins; default `"index"`). */
  action?: string;
  /**
   * Restricts the route to some request methods (`{ method: ["GET", "HEAD"] }`), and to the
   * matches a `function` accepts: it gets the route's variables and the path, and may change
   * the variables.
   */
  conditions?: {
    method?: readonly string[];
    function?: (vars: Record<string, unknown>, path: string) => boolean;
  };
  /** Regular expressions for route variables: `{ id: "\\d+" }`. */
  requirements?: Readonly<Record<string, string | RegExp>>;
  /** Default values for route variables or extra parameters (`format: "html"`). */
  [variable: string]: unknown;
}

/** Options of the {@link RoutesDispatcher} constructor. */
export interface RoutesDispatcherOptions {
  /** Also pass `controller` (the route's name) and `action` as parameters. */
  fullResult?: boolean;
}

interface Route {
  readonly name: string;
  readonly pattern: RoutePattern;
  readonly action: string | undefined;
  readonly methods: readonly string[] | null;
  readonly accepts: ((vars: Record<string, unknown>, path: string) => boolean) | null;
  readonly defaults: Readonly<Record<string, unknown>>;
  /** Where a {@link RoutesDispatcher.redirect} route sends the client, and with which status. */
  readonly redirect?: { readonly to: RoutePattern | string; readonly status: number };
}

/**
 * Maps URL patterns to controllers, like CherryPy's `RoutesDispatcher` (which wraps the
 * Python Routes library): `connect(name, route, controller, options)` adds a route; the
 * first route that matches the whole path and the request's method wins; its variables
 * become request parameters, and the controller's method named by the action is called
 * with them as keyword parameters. No route matches: `404 Not Found`.
 *
 * The route syntax (`:name`, `{name}`, `{name:regex}`, `*rest`) is described in
 * `route_pattern.ts`. The action is the route's `:action` variable, else `options.action`,
 * else `"index"`; a controller that is a plain function (no `action`) is itself the
 * handler, and a controller given as a class is instantiated for each request. Like
 * CherryPy's, this dispatcher does not require `@expose`.
 *
 * Config: the global config, the root's `_cp_config`, the app's `/` section and the
 * sections for the path's leading segments, then the controller's and the action's
 * `_cp_config`, then the section for the whole path.
 *
 * @example Two routes to one controller
 * ```ts
 * import { RoutesDispatcher } from "./mod.ts";
 *
 * class Library {
 *   index(id: string) { return `library ${id}`; }
 *   book(id: string, book: string) { return `book ${book} of library ${id}`; }
 * }
 * const d = new RoutesDispatcher();
 * const library = new Library();
 * d.connect("library", "/library/:id", library);
 * d.connect("book", "/library/{id}/book/{book:\\d+}", library, { action: "book" });
 * const config = { "/": { "request.dispatch": d } };
 * // cherrypy.quickstart(null, "", config);
 * ```
 */
export class RoutesDispatcher implements DispatcherLike {
  /** Whether `controller` and `action` are passed as parameters too. */
  readonly fullResult: boolean;
  /** The controllers by route name. */
  readonly controllers: Map<string, unknown> = new Map();
  readonly #routes: Route[] = [];

  /** Creates a dispatcher with no routes. */
  constructor(options: RoutesDispatcherOptions = {}) {
    this.fullResult = options.fullResult ?? false;
  }

  /**
   * Adds the route `route` named `name`, answered by `controller`. Throws a `SyntaxError`
   * for a route that does not compile.
   */
  connect(name: string, route: string, controller: unknown, options: RouteOptions = {}): void {
    const { action, conditions, requirements, ...defaults } = options;
    if ("controller" in defaults) {
      throw new TypeError(
        `connect(${JSON.stringify(name)}, ...): the controller is the third argument, ` +
          "not an option.",
      );
    }
    if (action !== undefined && typeof action !== "string") {
      throw new TypeError(`connect(${JSON.stringify(name)}, ...): action must be a string.`);
    }
    const methods = conditions?.method;
    if (methods !== undefined && !Array.isArray(methods)) {
      throw new TypeError(
        `connect(${JSON.stringify(name)}, ...): conditions.method must be a list of methods ` +
          `such as ["GET", "HEAD"]; got ${JSON.stringify(methods)}.`,
      );
    }
    const accepts = conditions?.function;
    if (accepts !== undefined && typeof accepts !== "function") {
      throw new TypeError(
        `connect(${JSON.stringify(name)}, ...): conditions.function must be a function.`,
      );
    }
    this.controllers.set(name, controller);
    this.#routes.push({
      name,
      pattern: compileRoute(route, requirements),
      action,
      methods: methods === undefined ? null : methods.map((m) => m.toUpperCase()),
      accepts: accepts ?? null,
      defaults,
    });
  }

  /**
   * Adds a route that redirects: a request matching `route` is sent to `destination`, whose
   * variables take the values `route` matched (Routes' `mapper.redirect`). `destination` is
   * a path in the application (made absolute with the mount point) or an absolute URL.
   *
   * @example Using `redirect`
   * ```ts
   * import { RoutesDispatcher } from "./mod.ts";
   * const d = new RoutesDispatcher();
   * d.redirect("/old/:id", "/library/:id"); // GET /old/5 → 301 to /library/5
   * ```
   */
  redirect(route: string, destination: string, options: { status?: number } = {}): void {
    const status = options.status ?? 301;
    if (!Number.isInteger(status) || status < 300 || status > 399) {
      throw new TypeError(`redirect(${JSON.stringify(route)}, ...): status must be a 3xx code.`);
    }
    const pattern = compileRoute(route);
    // An absolute URL is used as it is; a path is a route whose variables are filled in.
    const absolute = /^[a-z][a-z0-9+.-]*:\/\//i.test(destination);
    const to = absolute ? destination : compileRoute(destination);
    for (const name of typeof to === "string" ? [] : to.names) {
      if (!pattern.names.includes(name)) {
        throw new SyntaxError(
          `redirect(${JSON.stringify(route)}, ${JSON.stringify(destination)}): the destination's ` +
            `variable ${JSON.stringify(name)} is not one of the route's.`,
        );
      }
    }
    this.#routes.push({
      name: `redirect ${route}`,
      pattern,
      action: undefined,
      methods: null,
      accepts: null,
      defaults: {},
      redirect: { to, status },
    });
  }

  /**
   * The path (below the mount point) that the route named `name` answers with `params` as its
   * variables, Routes' `url_for`/`mapper.generate`; parameters that are not route variables
   * (and differ from the route's defaults) go into the query string. Pass the result to
   * `cherrypy.url()` for an absolute URL. Throws when there is no such route or a variable
   * is missing or has a value the route does not accept.
   *
   * @example Using `generate`
   * ```ts
   * import { RoutesDispatcher } from "./mod.ts";
   * const d = new RoutesDispatcher();
   * d.connect("book", "/library/{id}/book/{book:\\d+}", {}, { action: "book" });
   * d.generate("book", { id: 5, book: 3, format: "pdf" }); // "/library/5/book/3?format=pdf"
   * ```
   */
  generate(name: string, params: Readonly<Record<string, unknown>> = {}): string {
    const route = this.#routes.find((r) => r.name === name && r.redirect === undefined);
    if (route === undefined) throw new TypeError(`No route is named ${JSON.stringify(name)}.`);
    const vars = { ...route.defaults, ...params };
    const path = buildRoute(route.pattern, vars);
    const extra: Array<[string, unknown]> = [];
    for (const [key, value] of Object.entries(params)) {
      if (route.pattern.names.includes(key) || value === undefined) continue;
      if (key in route.defaults && route.defaults[key] === value) continue;
      extra.push([key, value]);
    }
    return extra.length === 0 ? path : `${path}?${encodeQuery(extra)}`;
  }

  /**
   * The first route matching `path` for `method`: its defaults and variables, with
   * `controller` (the route's name) and `action` (when known); `null` when none matches.
   */
  match(path: string, method = "GET"): Record<string, unknown> | null {
    return this.#find(path, method)?.[1] ?? null;
  }

  #find(path: string, method: string): [Route, Record<string, unknown>] | null {
    const upper = method.toUpperCase();
    for (const route of this.#routes) {
      if (route.methods !== null && !route.methods.includes(upper)) continue;
      const vars = matchRoute(route.pattern, path);
      if (vars === null) continue;
      const result: Record<string, unknown> = { ...route.defaults };
      if (route.action !== undefined) result.action = route.action;
      Object.assign(result, vars);
      if (route.accepts !== null && !route.accepts(result, path)) continue;
      result.controller = route.name;
      return [route, result];
    }
    return null;
  }

  /** Sets `request.handler`, `request.config` and the route's parameters for `pathInfo`. */
  dispatch(pathInfo: string, request: DispatchTarget): void {
    const found = this.#find(pathInfo, request.method);
    const redirect = found?.[0].redirect;
    // A redirect route has no controller: its config is the path's, as for a path no route has.
    const handled = this.#resolve(pathInfo, request, redirect === undefined ? found : null);
    if (redirect !== undefined) {
      const { to, status } = redirect;
      const vars = found![1];
      request.handler = () => {
        throw new HTTPRedirect(typeof to === "string" ? to : url(buildRoute(to, vars)), status);
      };
    } else {
      request.handler = handled === null
        ? notFoundHandler(request, pathInfo)
        : pageHandler(handled[0], handled[1], []);
    }
  }

  /**
   * Matches `pathInfo`, adds the route's variables to `request.params`, sets
   * `request.config`; returns `[handler, this]`, or `null` when nothing answers.
   */
  findHandler(
    pathInfo: string,
    request: DispatchTarget,
  ): [(...args: unknown[]) => unknown, unknown] | null {
    return this.#resolve(pathInfo, request, this.#find(pathInfo, request.method));
  }

  #resolve(
    pathInfo: string,
    request: DispatchTarget,
    found: [Route, Record<string, unknown>] | null,
  ): [(...args: unknown[]) => unknown, unknown] | null {
    const result = found?.[1] ?? null;
    if (result !== null) {
      const params = { ...result };
      if (!this.fullResult) {
        delete params.controller;
        delete params.action;
      }
      for (const [key, value] of Object.entries(params)) {
        (request.params as Record<string, unknown>)[key] = value;
      }
    }

    const app = request.app;
    const base: ConfigDict = { ...app?.globalConfig() };
    request.config = base;
    let curpath = "";
    const merge = (conf: unknown) => {
      if (conf === null || typeof conf !== "object") return;
      const nodeconf = { ...conf as ConfigDict };
      if ("tools.staticdir.dir" in nodeconf) {
        nodeconf["tools.staticdir.section"] = curpath || "/";
      }
      Object.assign(base, nodeconf);
    };
    merge(getAttr(app?.root, "_cp_config"));
    merge(app?.config["/"]);
    const atoms = pathInfo.split("/").filter((x) => x !== "");
    const last = atoms.pop();
    for (const atom of atoms) {
      curpath += "/" + atom;
      merge(app?.config[curpath]);
    }

    let handler: unknown = undefined;
    let thisArg: unknown = undefined;
    if (result !== null) {
      let controller = this.controllers.get(result.controller as string);
      const action = result.action ??
        (typeof controller === "function" && !isClass(controller) ? undefined : "index");
      if (isClass(controller)) controller = new controller();
      merge(getAttr(controller, "_cp_config"));
      if (action === undefined) {
        handler = controller;
      } else {
        const name = String(action);
        handler = getAttr(controller, name);
        if (isBuiltinMember(name, handler)) handler = undefined;
        thisArg = controller;
        merge(getAttr(handler, "_cp_config"));
      }
    }

    if (last !== undefined) {
      curpath += "/" + last;
      merge(app?.config[curpath]);
    }
    if (typeof handler !== "function") return null;
    return [handler as (...args: unknown[]) => unknown, thisArg];
  }
}
