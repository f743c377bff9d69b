/**
 * Request-scope config namespaces: how a request's config (`request.config`) is applied before
 * its handler runs. The entries are grouped by namespace (`hooks`, `request`, `response`,
 * `error_page`, the toolboxes, and any namespace added), and what does not depend on the
 * request (the grouping, each toolbox's tool map, the hooks of config and of tools) is worked
 * out once per config and reused while nothing it depends on changes.
 *
 * @module
 */

import type { ConfigDict } from "../core/types.ts";
import type { HookMap } from "../core/hooks.ts";
import type { Request } from "../core/request.ts";
import { classHooks, NO_ERROR_PAGES } from "../core/request.ts";
import type { Response } from "../core/response.ts";
import { Tool, type Toolbox, toolboxVersion, type ToolLike, type ToolMap } from "../tools/tools.ts";
import { CountingMap } from "./_watched.ts";

/**
 * A config namespace handler at request scope: a function given each `key, value` of its
 * namespace, or an object whose `enter()` returns that function and whose `exit()` runs once
 * all the namespace's entries were given (a toolbox works so).
 */
export type RequestNamespaceHandler =
  | ((key: string, value: unknown, request: Request, response: Response) => void)
  | { enter(): (key: string, value: unknown) => void; exit(): void };

/** What applying a request's config needs from its application. */
export interface NamespaceApp {
  /** The toolboxes, by config namespace (`{ tools: cherrypy.tools }`). */
  readonly toolboxes: Record<string, Toolbox>;
  /** Counts changes to {@link NamespaceApp.toolboxes}, when the application keeps count. */
  readonly toolboxChanges?: { readonly count: number };
  /** Request-scope namespaces added by the application, applied after the built-in ones. */
  readonly requestNamespaces: Map<string, RequestNamespaceHandler>;
}

const namespaces = new CountingMap<string, RequestNamespaceHandler>();

/**
 * Request-scope config namespaces every request applies (CherryPy's `Request.namespaces`):
 * `hooks`, `request`, `response`, `error_page`. Add a custom one here to handle keys in every
 * application, or to `app.requestNamespaces` for one application.
 *
 * @example A custom namespace read per request
 * ```ts
 * import { requestNamespaces } from "../../mod.ts";
 * requestNamespaces.set("db", (key, value, request) => {
 *   if (key === "table") request.table = value;
 * });
 * ```
 */
export const requestNamespaces: Map<string, RequestNamespaceHandler> = namespaces;

function attachConfigHook(hooks: HookMap, key: string, value: unknown): void {
  const point = key.split(".", 1)[0]!;
  if (typeof value !== "function") {
    throw new TypeError(
      `Config key hooks.${key} must name a function to attach at ${point}; got ${
        JSON.stringify(value)
      }.`,
    );
  }
  hooks.attach(point, value as () => unknown);
}

const builtinHooksNamespace: RequestNamespaceHandler = (key, value, request) =>
  attachConfigHook(request.hooks, key, value);
requestNamespaces.set("hooks", builtinHooksNamespace);
requestNamespaces.set("request", (key, value, request) => {
  if (key.startsWith("body.")) {
    const body = request.body as Record<string, unknown> | null | undefined;
    if (body !== null && typeof body === "object") body[key.slice(5)] = value;
  } else {
    request[key] = value;
  }
});
requestNamespaces.set("response", (key, value, _request, response) => {
  if (key.startsWith("headers.")) {
    // null: the header is not sent (the default `Server`, say); CherryPy would send "None".
    if (value === null) response.headers.delete(key.slice(8));
    else response.headers.set(key.slice(8), String(value));
  } else (response as unknown as Record<string, unknown>)[key] = value;
});
requestNamespaces.set("error_page", (key, value, request) => {
  if (request.error_page === NO_ERROR_PAGES) request.error_page = {};
  request.error_page[key] = value as never;
});

const EMPTY_GROUPS: Map<string, Array<[string, unknown]>> = new Map();

function groupByNamespace(config: ConfigDict): Map<string, Array<[string, unknown]>> {
  let groups = EMPTY_GROUPS;
  for (const key in config) {
    const dot = key.indexOf(".");
    if (dot <= 0) continue;
    if (groups === EMPTY_GROUPS) groups = new Map();
    const ns = key.slice(0, dot);
    let list = groups.get(ns);
    if (list === undefined) groups.set(ns, list = []);
    list.push([key.slice(dot + 1), config[key]]);
  }
  return groups;
}

function runHandler(
  handler: RequestNamespaceHandler,
  entries: ReadonlyArray<[string, unknown]>,
  request: Request,
  response: Response,
): void {
  if (typeof handler === "function") {
    for (let i = 0; i < entries.length; i++) {
      handler(entries[i]![0], entries[i]![1], request, response);
    }
  } else {
    const fn = handler.enter();
    for (let i = 0; i < entries.length; i++) fn(entries[i]![0], entries[i]![1]);
    handler.exit();
  }
}

/**
 * What applying one config needs, worked out once: its entries grouped by namespace, each
 * toolbox's tool map, and the hooks that do not depend on the request (hooks from config and
 * tools that keep the standard `_setup`), ready to be forked for each request.
 */
interface Plan {
  readonly groups: Map<string, Array<[string, unknown]>>;
  readonly toolmaps: Record<string, ToolMap>;
  readonly hooks: HookMap;
  readonly dynamicTools: ToolLike[];
  readonly toolboxes: Array<[string, Toolbox]>;
  /** `app.toolboxChanges.count` when the plan was made. */
  readonly toolboxChanges: number | undefined;
  readonly toolboxVersion: number;
  readonly classVersion: number;
  readonly namespacesVersion: number;
  /** The request-scope namespaces (but `hooks`) with entries in this config, in order. */
  readonly namespaced: ReadonlyArray<readonly [RequestNamespaceHandler, Array<[string, unknown]>]>;
}

const plans = new WeakMap<object, Plan>();
const standardSetup = Tool.prototype._setup;

function buildPlan(app: NamespaceApp, config: ConfigDict): Plan {
  const groups = groupByNamespace(config);
  const hooks = classHooks.copy();
  const namespaced: Array<[RequestNamespaceHandler, Array<[string, unknown]>]> = [];
  for (const [ns, handler] of requestNamespaces) {
    const entries = groups.get(ns);
    if (entries === undefined) continue;
    if (handler !== builtinHooksNamespace) namespaced.push([handler, entries]);
    else for (const [key, value] of entries) attachConfigHook(hooks, key, value);
  }
  const toolmaps: Record<string, ToolMap> = {};
  const dynamicTools: ToolLike[] = [];
  const toolboxes: Array<[string, Toolbox]> = [];
  for (const ns in app.toolboxes) {
    const toolbox = app.toolboxes[ns]!;
    toolboxes.push([ns, toolbox]);
    const map = toolbox.toolmap(groups.get(ns) ?? []);
    toolmaps[ns] = map;
    for (const tool of toolbox.enabled(map)) {
      if (!(tool instanceof Tool) || tool._setup !== standardSetup) {
        dynamicTools.push(tool);
        continue;
      }
      for (const [point, callback, options] of tool._hooksFor({ ...map[tool._name!] })) {
        hooks.attach(point, callback, options);
      }
    }
  }
  return {
    groups,
    toolmaps,
    hooks,
    dynamicTools,
    toolboxes,
    toolboxChanges: app.toolboxChanges?.count,
    toolboxVersion: toolboxVersion.value,
    classVersion: classHooks.version,
    namespacesVersion: namespaces.changes,
    namespaced,
  };
}

function planIsCurrent(plan: Plan, app: NamespaceApp): boolean {
  if (
    plan.toolboxVersion !== toolboxVersion.value || plan.classVersion !== classHooks.version ||
    plan.namespacesVersion !== namespaces.changes
  ) return false;
  const changes = app.toolboxChanges;
  if (changes !== undefined) return plan.toolboxChanges === changes.count;
  let count = 0;
  for (const ns in app.toolboxes) {
    const entry = plan.toolboxes[count++];
    if (entry === undefined || entry[0] !== ns || entry[1] !== app.toolboxes[ns]) return false;
  }
  return count === plan.toolboxes.length;
}

/**
 * The object a dispatcher remembered `config`'s entries under (its prototype), when the
 * request added none of its own; `null` otherwise (the plan is then built for this request).
 */
function configBase(config: ConfigDict): object | null {
  const proto = Object.getPrototypeOf(config) as object | null;
  if (proto === null || proto === Object.prototype) return null;
  return Object.keys(config).length === 0 ? proto : null;
}

/** Applies `request.config` through the request-scope namespaces and toolboxes. */
export function applyNamespaces(app: NamespaceApp, request: Request, response: Response): void {
  const config = request.config;
  const base = configBase(config);
  let plan = base === null ? undefined : plans.get(base);
  if (plan === undefined || !planIsCurrent(plan, app)) {
    plan = buildPlan(app, config);
    if (base !== null) plans.set(base, plan);
  }
  request.hooks = plan.hooks.fork();
  request.toolmaps = plan.toolmaps;
  const namespaced = plan.namespaced;
  for (let i = 0; i < namespaced.length; i++) {
    runHandler(namespaced[i]![0], namespaced[i]![1], request, response);
  }
  const dynamicTools = plan.dynamicTools;
  for (let i = 0; i < dynamicTools.length; i++) dynamicTools[i]!._setup();
  if (app.requestNamespaces.size > 0) {
    const groups = plan.groups;
    for (const [ns, handler] of app.requestNamespaces) {
      const entries = groups.get(ns);
      if (entries !== undefined) runHandler(handler, entries, request, response);
    }
  }
}
