/**
 * Tools: reusable request-processing functions switched on by config (`tools.<name>.on`),
 * by decorator (`@cherrypy.tools.<name>()`) or by `_cp_config`. A tool attaches a hook at its
 * point when it is on for the request; its config entries (`tools.<name>.<option>`) become the
 * hook's options.
 *
 * `Tool` hooks a function at a point; `HandlerTool` may answer the request itself (skipping
 * the page handler); `HandlerWrapperTool` wraps the page handler; `ErrorTool` replaces the error
 * response. A `Toolbox` is a config namespace of tools: `cherrypy.tools` is the default one,
 * and applications may add their own (`app.toolboxes`).
 *
 * @module
 */

import { type ConfigDecoratorContext, mergeCpConfig } from "../core/cp_config.ts";
import { NotFound } from "../core/errors.ts";
import { expose } from "../dispatch/expose.ts";
import type { HookCallback, HookOptions, HookPoint } from "../core/hooks.ts";
import {
  callApplication,
  callApplicationWith,
  currentServing,
  selfFollowing,
} from "../core/serving.ts";

/** What calling a tool returns: a decorator that switches the tool on for its target. */
export type ToolDecorator = <T>(target: T, context?: ConfigDecoratorContext) => T;

/** The function a tool runs: called with the tool's config options; `this` is the tool. */
export type ToolCallable = (this: Tool, options: HookOptions) => unknown;

/** Options of the {@link Tool} constructor. */
export interface ToolOptions {
  /** The config name (`tools.<name>`); defaults to the name it is registered under. */
  name?: string;
  /** The hook priority (lower runs first; default 50). */
  priority?: number;
  /**
   * Checks the tool's options where they are written (`complete` false: the ones present) and
   * when a request's options are put together (`complete` true): see {@link Tool.checkOptions}.
   */
  check?: (options: HookOptions, complete: boolean) => void;
}

/** A tool is callable: `tool(options)` returns a decorator (see {@link Tool}). */
export interface Tool {
  /** `@tool({option: value})`: switches the tool on for a method or class, with options. */
  (options?: HookOptions): ToolDecorator;
}

/**
 * A function hooked at one point of the request, switched on per path by config.
 *
 * @example A tool, switched on by decorator and by config
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 *
 * const secureheaders = cherrypy.tools.register("before_finalize", { priority: 60 })(
 *   function secureheaders() {
 *     cherrypy.response.headers.set("X-Frame-Options", "DENY");
 *   },
 * );
 *
 * class Root {
 *   @cherrypy.expose
 *   @secureheaders()
 *   index() { return "hello"; }
 * }
 * const conf = { "/": { "tools.secureheaders.on": true } };
 * ```
 *
 * @example A stateful tool (the docs' TimingTool)
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 *
 * class TimingTool extends cherrypy.Tool {
 *   constructor() {
 *     super("before_handler", () => cherrypy.request._time = performance.now(), { priority: 95 });
 *   }
 *   override _setup() {
 *     super._setup();
 *     cherrypy.request.hooks.attach("before_finalize", () => {
 *       const took = performance.now() - (cherrypy.request._time as number);
 *       cherrypy.log(`Page handler took ${took.toFixed(4)} ms`);
 *     }, { priority: 5 });
 *   }
 * }
 * cherrypy.tools.timeit = new TimingTool();
 * ```
 */
export class Tool {
  /** The hook point (`null` for tools that act another way, like {@link ErrorTool}). */
  declare _point: HookPoint | null;
  /** The function run at the point. */
  declare callable: ToolCallable;
  /** The config name; set when the tool is added to a toolbox. */
  declare _name: string | undefined;
  /** The default hook priority. */
  declare _priority: number;
  /** The toolbox namespace (`"tools"`). */
  declare namespace: string;
  /** The options check given to the constructor, if any. */
  declare _check: ToolOptions["check"];

  /**
   * Creates a tool running `callable` at `point`. The fourth argument (CherryPy's
   * `priority`) may also be given as `{ name, priority }` in place of `name`.
   */
  constructor(
    point: HookPoint | null,
    callable: ToolCallable,
    name?: string | ToolOptions,
    priority = 50,
  ) {
    const self = ((options?: HookOptions) => self.decorate(options)) as unknown as Tool;
    Object.setPrototypeOf(self, new.target.prototype);
    const opts: ToolOptions = typeof name === "object" && name !== null
      ? name
      : { ...(name === undefined ? {} : { name }), priority };
    self._point = point;
    self.callable = callable;
    self._name = opts.name;
    self._priority = opts.priority ?? priority;
    self._check = opts.check;
    self.namespace = "tools";
    return self;
  }

  /** Tools are switched on by config (`tools.<name>.on`), not by reading or setting `on`. */
  get on(): never {
    throw new Error(
      `The ${this._name} Tool cannot be turned on by setting Tool.on; use config ` +
        `("${this.namespace}.${this._name}.on": true) or the decorator instead.`,
    );
  }
  set on(_value: never) {
    void this.on;
  }

  /** The decorator that `tool(options)` returns. */
  decorate(options: HookOptions = {}): ToolDecorator {
    if (options === null || typeof options !== "object" || Array.isArray(options)) {
      throw new TypeError(
        `The ${this._name} Tool takes its options as an object ({option: value}); got ` +
          `${JSON.stringify(options)}.`,
      );
    }
    this.checkOptions(options);
    return <T>(target: T, context?: ConfigDecoratorContext): T => {
      if (this._name === undefined) {
        throw new Error(
          "This Tool has no name: add it to a toolbox (cherrypy.tools.<name> = tool) before " +
            "using it as a decorator.",
        );
      }
      const prefix = `${this.namespace}.${this._name}.`;
      const entries: Record<string, unknown> = { [prefix + "on"]: true };
      for (const [k, v] of Object.entries(options)) entries[prefix + k] = v;
      mergeCpConfig(target, entries, context);
      return target;
    };
  }

  /**
   * Checks options given to this tool where they are written (the decorator's, an application
   * config section's when it is mounted), throwing an error that names the option and says what
   * to change. Options may be spread over several config sections, so a missing one is not an
   * error here. This one runs the constructor's `check` (if any); tools with options to check
   * give one, or override this method.
   */
  checkOptions(options: HookOptions): void {
    this._check?.(options, false);
  }

  /**
   * `extra` with this tool's config for the current request merged over it (config wins, as in
   * CherryPy), minus `on`.
   */
  _mergedArgs(extra?: HookOptions): HookOptions {
    const { request } = currentServing();
    const map = request.toolmaps[this.namespace];
    const conf: HookOptions = { ...extra };
    if (this._name !== undefined) Object.assign(conf, map?.[this._name]);
    delete conf["on"];
    return conf;
  }

  /** The function attached as the hook (the callable, called with `this` = the tool). */
  _hookCallback(): HookCallback {
    const callable = this.callable;
    const bound =
      ((options: HookOptions) => callApplicationWith(callable, this, options)) as HookCallback;
    const own = callable as { priority?: number; failsafe?: boolean };
    if (own.failsafe !== undefined) bound.failsafe = own.failsafe;
    return named(bound, this._name ?? callable.name);
  }

  /**
   * The hook this tool attaches given its config entries (`on` and `priority` included), as
   * `[point, callback, options]`; `null` for tools without a point.
   */
  _hookFor(entries: HookOptions): [HookPoint, HookCallback, HookOptions] | null {
    if (this._point === null) return null;
    const conf: HookOptions = { ...entries };
    delete conf["on"];
    let priority = conf["priority"] as number | undefined;
    delete conf["priority"];
    priority ??= (this.callable as { priority?: number }).priority ?? this._priority;
    this._check?.(conf, true);
    return [this._point, this._hookCallback(), { ...conf, priority }];
  }

  /**
   * Every hook this tool attaches given its config entries: {@link Tool._hookFor}'s one by
   * default. A tool with several hooks (at several points) overrides this, and its hooks are
   * still prepared once per config.
   */
  _hooksFor(entries: HookOptions): Array<[HookPoint, HookCallback, HookOptions]> {
    const hook = this._hookFor(entries);
    return hook === null ? [] : [hook];
  }

  /**
   * Attaches the hooks to the current request; runs when the tool is on for it. Tools that
   * override this are set up for every request; the others' hooks are prepared once per
   * config and shared.
   */
  _setup(): void {
    const { request } = currentServing();
    const map = request.toolmaps[this.namespace];
    const hooks = this._hooksFor({ ...(this._name === undefined ? {} : map?.[this._name]) });
    for (const [point, callback, options] of hooks) request.hooks.attach(point, callback, options);
  }
}

/**
 * A tool that may answer the request itself: when its function returns true, the page handler
 * is skipped (the static-file tools work so). `handler(options)` makes a page handler of it.
 *
 * @example Using `HandlerTool`
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * const maintenance = new cherrypy.HandlerTool(() => {
 *   cherrypy.response.body = "Down for maintenance";
 *   return true;
 * });
 * cherrypy.tools.maintenance = maintenance;
 * ```
 */
export class HandlerTool extends Tool {
  /** Creates the tool (hooked at `before_handler`). */
  constructor(callable: ToolCallable, name?: string | ToolOptions) {
    super("before_handler", callable, name);
  }

  /**
   * An exposed page handler that runs the tool with `options` (config entries for the tool
   * override them), 404 when it does not handle the request.
   */
  handler(options: HookOptions = {}): () => unknown {
    const page = () => {
      const { request, response } = currentServing();
      const answer = (handled: unknown) => {
        if (!handled) throw new NotFound(request.script_name + request.path_info);
        return response.body;
      };
      const handled = callApplicationWith(this.callable, this, this._mergedArgs(options));
      return handled instanceof Promise ? handled.then(answer) : answer(handled);
    };
    // Like CherryPy's `handle_func(*a, **kw)`: any path segments and parameters are accepted
    // (and ignored).
    Object.assign(page, { _cp_signature: { slots: [], varargs: true, opaque: true } });
    return expose(page);
  }

  /** The hook this tool attaches (see {@link Tool._hookCallback}). */
  override _hookCallback(): HookCallback {
    return named((options: HookOptions) => {
      const { request } = currentServing();
      const skip = (handled: unknown) => {
        if (handled) request.handler = null;
      };
      const handled = callApplicationWith(this.callable, this, options);
      return handled instanceof Promise ? handled.then(skip) : skip(handled);
    }, this._name ?? this.callable.name);
  }
}

/** The function a {@link HandlerWrapperTool} wraps the page handler with. */
export type HandlerWrapper = (inner: () => unknown, options: HookOptions) => unknown;

/**
 * A tool that wraps the page handler: `newhandler(inner, options)` runs in its place and calls
 * `inner()` for the handler's result (the json_out tool works so).
 *
 * @example Using `HandlerWrapperTool`
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * cherrypy.tools.upper = new cherrypy.HandlerWrapperTool(async (inner) =>
 *   String(await inner()).toUpperCase()
 * );
 * ```
 */
export class HandlerWrapperTool extends Tool {
  /** The wrapper. */
  readonly newhandler: HandlerWrapper;

  /** Creates the tool. */
  constructor(
    newhandler: HandlerWrapper,
    point: HookPoint = "before_handler",
    name?: string | ToolOptions,
    priority = 50,
  ) {
    super(point, () => undefined, name, priority);
    this.newhandler = newhandler;
  }

  /** The hook this tool attaches (see {@link Tool._hookCallback}). */
  override _hookCallback(): HookCallback {
    return named((options: HookOptions) => {
      const request = currentServing().request;
      const inner = request.handler;
      if (inner === null) return;
      request.handler = selfFollowing(() =>
        callApplication(this.newhandler, this, [inner, options])
      );
    }, this._name ?? this.newhandler.name);
  }
}

/**
 * A tool that replaces the error response (`request.error_response`) for its paths.
 *
 * @example Using `ErrorTool`
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * cherrypy.tools.plain_errors = new cherrypy.ErrorTool(() => {
 *   cherrypy.response.status = 500;
 *   cherrypy.response.headers.set("Content-Type", "text/plain");
 *   cherrypy.response.body = "Something broke.";
 * });
 * ```
 */
export class ErrorTool extends Tool {
  /** Creates the tool. */
  constructor(callable: ToolCallable, name?: string | ToolOptions) {
    super(null, callable, name);
  }

  /** Replaces `request.error_response` with this tool for the request. */
  override _setup(): void {
    const options = this._mergedArgs();
    this._check?.(options, true);
    currentServing().request.error_response = () =>
      callApplicationWith(this.callable, this, options);
  }
}

/** Gives a hook function the name log_hooks shows for it (the tool's). */
function named<F extends HookCallback>(fn: F, name: string): F {
  if (name) Object.defineProperty(fn, "name", { value: name, configurable: true });
  return fn;
}

/**
 * Anything a toolbox can switch on: a {@link Tool}, or any object with a `_setup()` method
 * that attaches what it needs to the current request (CherryPy does not require tools to
 * inherit from `Tool`).
 */
export interface ToolLike {
  /** Called for each request the tool is on for. */
  _setup(): void;
  /** The config name, when the object keeps one. */
  _name?: string | undefined;
}

function isToolLike(value: unknown): value is Tool | ToolLike {
  return value instanceof Tool ||
    (value !== null && typeof value === "object" &&
      typeof (value as { _setup?: unknown })._setup === "function");
}

/** Counts changes to toolboxes (tools added or replaced), for caches built from them. */
export const toolboxVersion: { value: number } = { value: 0 };

/** The config entries of each tool of one toolbox, for one request: `{ name: { on, ...} }`. */
export type ToolMap = Record<string, Record<string, unknown>>;

/**
 * A config namespace of tools (`cherrypy.tools` is `new Toolbox("tools")`). Assigning a tool
 * to a toolbox property names it; `register(point)` makes a tool of a function.
 *
 * @example The docs' custom toolbox
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * const newauthtools = new cherrypy.Toolbox("newauth");
 * newauthtools.register("before_request_body")(function check_access({ default: d = false }) {
 *   if (!(cherrypy.request.userid ?? d)) throw new cherrypy.HTTPError(401);
 * });
 * class Root {
 *   @cherrypy.expose
 *   default() { return "Hello"; }
 * }
 * const app = cherrypy.tree.mount(new Root(), "", {
 *   "/demo": { "newauth.check_access.on": true, "newauth.check_access.default": true },
 * });
 * app.toolboxes["newauth"] = newauthtools;
 * ```
 */
export class Toolbox {
  /** Tools by name (also reachable as properties). */
  // deno-lint-ignore no-explicit-any
  [tool: string]: any;
  /** The config namespace (`"tools"`). */
  declare readonly namespace: string;

  /** Creates an empty toolbox answering config keys `<namespace>.*`. */
  constructor(namespace: string) {
    Object.defineProperty(this, "namespace", { value: namespace, enumerable: false });
    return new Proxy(this, {
      set(target, key, value, receiver) {
        if (value instanceof Tool && typeof key === "string") {
          value._name ??= key;
          value.namespace = namespace;
        }
        toolboxVersion.value++;
        return Reflect.set(target, key, value, receiver);
      },
    });
  }

  /**
   * `toolbox.register(point, {name, priority})(fn)`: makes `fn` a tool at `point`, added to
   * this toolbox under `name` (default: the function's name). Returns the tool.
   */
  register(point: HookPoint, options: ToolOptions = {}): (fn: ToolCallable) => Tool {
    return (fn: ToolCallable) => {
      const name = options.name ?? fn.name;
      if (!name) {
        throw new Error(
          `Toolbox.register needs a name for an anonymous function: register(${
            JSON.stringify(point)
          }, { name: "..." }).`,
        );
      }
      const tool = new Tool(point, fn, { name, priority: options.priority ?? 50 });
      this[name] = tool;
      return tool;
    };
  }

  /** The tool named `name` (a {@link Tool} or another {@link ToolLike}), if any. */
  get(name: string): Tool | ToolLike | undefined {
    const value = Object.hasOwn(this, name) ? this[name] : undefined;
    return isToolLike(value) ? value : undefined;
  }

  /** The names of the tools in this toolbox. */
  names(): string[] {
    return Object.keys(this).filter((k) => isToolLike(this[k]));
  }

  /** Groups this toolbox's config entries (`name.option` keys) by tool: `{ name: {...} }`. */
  toolmap(entries: ReadonlyArray<readonly [string, unknown]>): ToolMap {
    const map: ToolMap = {};
    for (const [key, value] of entries) {
      const dot = key.indexOf(".");
      if (dot < 0) continue;
      const name = key.slice(0, dot);
      (map[name] ??= {})[key.slice(dot + 1)] = value;
    }
    return map;
  }

  /**
   * Checks the options one config section (`{ "tools.x.option": value }`) gives this
   * toolbox's tools (see {@link Tool.checkOptions}); the error names the section.
   */
  checkSection(section: string, entries: Readonly<Record<string, unknown>>): void {
    const prefix = this.namespace + ".";
    const own: Array<[string, unknown]> = [];
    for (const key in entries) {
      if (key.startsWith(prefix)) own.push([key.slice(prefix.length), entries[key]]);
    }
    if (own.length === 0) return;
    const map = this.toolmap(own);
    for (const name in map) {
      try {
        const tool = this.get(name);
        if (tool instanceof Tool) tool.checkOptions(map[name]!);
      } catch (e) {
        if (e instanceof Error) e.message = `Config section [${section}]: ${e.message}`;
        throw e;
      }
    }
  }

  /** The tools that `map` switches on, in order; an unknown name is an error. */
  enabled(map: ToolMap): Array<Tool | ToolLike> {
    const out: Array<Tool | ToolLike> = [];
    for (const name in map) {
      if (!map[name]!["on"]) continue;
      const tool = this.get(name);
      if (tool === undefined) {
        throw new Error(
          `Config enables "${this.namespace}.${name}", but the ${this.namespace} toolbox has ` +
            `no tool named ${JSON.stringify(name)}.`,
        );
      }
      out.push(tool);
    }
    return out;
  }

  /**
   * Applies this toolbox's config entries to the current request: records them in
   * `request.toolmaps` and sets up each tool that is on, in the order the entries came.
   */
  configure(entries: ReadonlyArray<readonly [string, unknown]>): void {
    const { request } = currentServing();
    const map = this.toolmap(entries);
    request.toolmaps = { ...request.toolmaps, [this.namespace]: map };
    for (const tool of this.enabled(map)) tool._setup();
  }
}
