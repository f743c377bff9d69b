/**
 * The site's singletons: `engine`, `server`, `tree`, `config` and `log`, wired together as
 * CherryPy wires them, plus `quickstart`.
 *
 * @module
 */

import { Bus, type Listener } from "../../bus/mod.ts";
import { platform } from "../../platform/mod.ts";
import { Autoreloader, SignalHandler, ThreadManager, Workers } from "../../plugins/mod.ts";
import { type AppConfig, Application, type Site } from "../app/application.ts";
import { Tree } from "../app/tree.ts";
import { DEFAULT_TOOL_CONFIG } from "../tools/builtin_tools.ts";
import { WebSocketTool } from "../tools/websocket.ts";
import { Checker } from "./checker.ts";
import { readConfigFile } from "../config/config_file.ts";
import {
  type CallableConfig,
  callableConfig,
  GlobalConfig,
  setAttribute,
} from "../config/config.ts";
import { type CallableLog, callableLog, LogManager } from "../core/log.ts";
import { Request } from "../core/request.ts";
import { Response } from "../core/response.ts";
import { Server } from "./server.ts";
import { currentServing, followServing, setFallbackServing } from "../core/serving.ts";
import { setServerBase } from "../core/url.ts";
import { flushLogFiles, reopenLogFiles } from "../core/log_files.ts";
import { TimeoutMonitor } from "./timeout.ts";
import { Session } from "../tools/sessions/session.ts";

/**
 * The engine: the process bus with the site's plugins attached.
 *
 * @example Using `Engine`
 * ```ts
 * import { engine } from "../../mod.ts";
 * engine.subscribe("start", () => engine.log("Opening connections."));
 * ```
 */
export class Engine extends Bus {
  /** The signal handler (SIGTERM, SIGHUP, SIGUSR1); installed by `engine.signals.subscribe()`. */
  readonly signal_handler: SignalHandler = new SignalHandler(this);
  /** Restarts the process when its source files change (`engine.autoreload.on`). */
  readonly autoreload: Autoreloader = new Autoreloader(this);
  /** Publishes `start_thread`/`stop_thread` per worker (see `ThreadManager`). */
  readonly thread_manager: ThreadManager = new ThreadManager(this);
  /**
   * Runs the site in worker processes sharing its port (`server.workers` or
   * `engine.workers.count`; 0, the default, serves from this process). See `docs/workers.md`.
   */
  readonly workers: Workers = new Workers(this);
  /** Marks responses that run past `response.timeout` (`engine.timeout_monitor.on`). */
  readonly timeout_monitor: TimeoutMonitor = new TimeoutMonitor(this);
  /** Installs and removes the signal handlers. */
  readonly signals: { subscribe(): void; unsubscribe(): void } = {
    subscribe: () => this.signal_handler.subscribe(),
    unsubscribe: () => this.signal_handler.unsubscribe(),
  };
}

const globalLog = new LogManager();
/**
 * The global log (`cherrypy.log`): error log to stderr, access log to stdout. Call it to
 * write to the error log: `cherrypy.log("message")`, `cherrypy.log("oops", { traceback: e })`.
 */
export const log: CallableLog = callableLog(globalLog, () => {
  const { request } = currentServing();
  return { log: request.app?.log ?? null, error: request.error };
});

const globalConfig = new GlobalConfig(DEFAULT_TOOL_CONFIG);
/**
 * The global config (`cherrypy.config`); also the `@cherrypy.config({...})` decorator that
 * attaches config to a handler or class.
 */
export const config: CallableConfig = callableConfig(globalConfig);

/** The process bus running this site. */
export const engine: Engine = new Engine();
engine.subscribe("log", (msg: string, level: number) => log.error(msg, "ENGINE", level));
// The log files: written out when the engine stops or exits (after everything else), opened
// again on graceful (SIGUSR1), which is how logrotate asks for it.
engine.subscribe("stop", flushLogFiles, 100);
engine.subscribe("exit", flushLogFiles, 100);
engine.subscribe("graceful", reopenLogFiles);
engine.autoreload.subscribe();
engine.thread_manager.subscribe();
engine.timeout_monitor.subscribe();
engine.workers.subscribe();
// tools.websocket announces new connections on the engine (a WebSocketPlugin tracks them).
WebSocketTool.defaultBus = engine;
// The session clean-up monitors follow the engine (they stop with it).
Session.engine = engine;

/**
 * Publishes `channel` when something listens to it (a request pays nothing otherwise), with
 * the current request following the listeners across `await`.
 */
function publishIfHeard(channel: string): Promise<unknown> | undefined {
  if (engine.listenersOf(channel).length === 0) return undefined;
  followServing();
  return engine.publish(channel);
}

const site: Site = {
  globalConfig: () => globalConfig.values(),
  log: globalLog,
  acquireThread() {
    const listeners = engine.listenersOf("acquire_thread");
    if (listeners.length === 0 || engine.thread_manager.isSettled(listeners)) return;
    // Other listeners may wait and read the request; the manager's own does not.
    if (!engine.thread_manager.isOnlyListener(listeners)) followServing();
    return engine.publish("acquire_thread");
  },
  beforeRequest: () => publishIfHeard("before_request"),
  get afterRequest() {
    return engine.listenersOf("after_request").length > 0
      ? () => publishIfHeard("after_request")
      : undefined;
  },
  trackResponse: (response) => engine.timeout_monitor.track(response),
};
Application.defaultSite = site;

/** The mounted applications. */
export const tree: Tree = new Tree(site);

Server.defaults = { bus: engine, gateway: () => tree };

/** The site's main HTTP server, serving {@link tree}. */
export const server: Server = new Server();
server.subscribe();

/**
 * Extra servers created by `server.<name>.<attr>` config keys (CherryPy's `cherrypy.servers`),
 * each subscribed to the engine like the main one.
 */
export const servers: Record<string, Server> = {};

config.namespaces.set("server", (key, value) => {
  const dot = key.indexOf(".");
  if (dot < 0) {
    setAttribute(server, key, value, "server");
    return;
  }
  const name = key.slice(0, dot);
  const attr = key.slice(dot + 1);
  let extra = servers[name];
  if (extra === undefined) {
    extra = servers[name] = new Server();
    extra.subscribe();
  }
  if (attr === "on") {
    if (value) extra.subscribe();
    else extra.unsubscribe();
    return;
  }
  setAttribute(extra, attr, value, `server.${name}`);
});
config.namespaces.set("log", (key, value) => setAttribute(log, key, value, "log"));
config.namespaces.set("tree", (key, value) => {
  // tree.<script_name>: an application (or a Fetch handler) to mount there.
  if (value instanceof Application) tree.mount(value, value.script_name);
  else if (typeof value === "function") tree.graft(value as never, key);
  else tree.mount(value, key);
});
config.namespaces.set("engine", (key, value) => {
  if (key === "SIGHUP" || key === "SIGTERM") {
    // A listener for the signal's channel; null removes the engine's own handler for it.
    const handler = engine.signal_handler;
    if (value === null) {
      delete handler.handlers[key];
      for (const listener of [...(engine.listeners.get(key) ?? [])]) {
        engine.unsubscribe(key, listener);
      }
    } else engine.subscribe(key, value as Listener);
    return;
  }
  const dot = key.indexOf(".");
  if (dot < 0) {
    setAttribute(engine, key, value, "engine");
    return;
  }
  const name = key.slice(0, dot);
  const attr = key.slice(dot + 1);
  const plugin = (engine as unknown as Record<string, unknown>)[name] as
    | { subscribe?: () => void; unsubscribe?: () => void }
    | undefined;
  if (plugin === null || typeof plugin !== "object") {
    throw new Error(`Unknown engine plugin ${JSON.stringify(name)} in engine.${key}.`);
  }
  if (attr === "on" && typeof plugin.subscribe === "function") {
    if (value) plugin.subscribe();
    else plugin.unsubscribe?.();
    return;
  }
  setAttribute(plugin, attr, value, `engine.${name}`);
});

/**
 * The config checker (CherryPy's `cherrypy.checker`): runs at every engine start (priority
 * 50) and logs a warning for each config mistake it finds. `checker.on: false` in the global
 * config turns it off; `checker.<attribute>` keys set its attributes.
 *
 * @example Skip one check
 * ```ts
 * import { checker, config } from "../../mod.ts";
 * config.update({ "checker.check_skipped_app_config": false });
 * checker.run();
 * ```
 */
export const checker: Checker = new Checker({
  tree,
  config,
  log: (msg, level) => engine.log(msg, level),
  typeSources: {
    request: new Request(),
    response: new Response(),
    server,
    engine,
    log: globalLog,
  },
});
checker.subscribe(engine);
config.namespaces.set("checker", (key, value) => checker.set(key, value));
config.onPathSections = () => {
  checker.global_config_contained_paths = true;
};

setFallbackServing(() => ({ request: new Request(), response: new Response() }));
setServerBase(() => server.base());

/**
 * Mounts `root` at `scriptName` and runs the site until it exits: applies the `global`
 * section of `conf` to the global config, mounts the app with `conf`, installs the signal
 * handlers, starts the engine and blocks until the engine exits. If anything the engine
 * abandoned (a request cut at the drain deadline) still keeps the program alive a second
 * later, the program is ended with code 0.
 *
 * @example The first tutorial
 * ```ts
 * import { expose, quickstart } from "../../mod.ts";
 * class HelloWorld {
 *   @expose
 *   index() { return "Hello world!"; }
 * }
 * await quickstart(new HelloWorld());
 * ```
 */
export async function quickstart(
  root?: unknown,
  scriptName = "",
  conf?: (AppConfig & { global?: Record<string, unknown> }) | string,
): Promise<void> {
  if (typeof conf === "string") {
    conf = readConfigFile(conf);
  }
  if (conf) config.update(conf);
  if (root !== undefined) {
    const { global: _global, ...sections } = conf ?? {};
    tree.mount(root, scriptName, sections as AppConfig);
  }
  engine.signals.subscribe();
  await engine.start();
  await engine.block();
  // The engine has exited. Work it abandoned (a request cut at the drain deadline, a timer a
  // handler left) must not keep the program alive: give it a moment to end by itself.
  const grace = setTimeout(() => {
    engine.log(
      "The program did not end after the engine exited (work abandoned at shutdown is still " +
        "pending); ending it now.",
      30,
    );
    platform.exit(0);
  }, QUICKSTART_EXIT_GRACE_MS);
  platform.unrefTimer(grace);
}

/** How long `quickstart` lets the program end by itself after the engine exited. */
export const QUICKSTART_EXIT_GRACE_MS = 1000;

/**
 * `true` when `meta` is the `import.meta` of the program being run (`deno run x.ts`,
 * `node x.js`): the portable `import.meta.main`.
 *
 * @example Serve only when run directly, so tests can import the module
 * ```ts
 * import { isMain, quickstart } from "../../mod.ts";
 * const root = {};
 * if (isMain(import.meta)) await quickstart(root);
 * ```
 */
export function isMain(meta: ImportMeta): boolean {
  return platform.isMain(meta);
}
