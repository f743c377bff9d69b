/**
 * The framework: CherryPy's application model (object trees of exposed handlers, config,
 * dispatch, request and response) on top of the engine and the HTTP server.
 *
 * This module is the curated surface `import * as cherrypy from "cherrypy-ts"` gives, grouped
 * as CherryPy groups it: the site singletons (`engine`, `tree`, `config`, `log`, `server`,
 * `quickstart`), the serving context (`request`, `response`, `session`), errors and
 * redirects, `expose` and `popargs`, `cherrypy.dispatch.*`, tools (`tools`, `Tool`,
 * `Toolbox`), and `cherrypy.lib.*` (`httputil`, `cookies`, `reprconf`, `auth_basic`,
 * `auth_digest`, `sessions`). The machinery beneath is exported by each folder's `mod.ts`,
 * published as the subpaths `cherrypy-ts/framework/<folder>`.
 *
 * @example A complete site
 * ```ts
 * import * as cherrypy from "../mod.ts";
 * class HelloWorld {
 *   @cherrypy.expose
 *   index() {
 *     return "Hello world!";
 *   }
 * }
 * if (cherrypy.isMain(import.meta)) await cherrypy.quickstart(new HelloWorld());
 * ```
 *
 * @module
 */

// The site: CherryPy's module-level singletons.
export {
  checker,
  config,
  Engine,
  engine,
  isMain,
  log,
  quickstart,
  server,
  servers,
  tree,
} from "./site/site.ts";
export { Server } from "./site/server.ts";
export { Checker, type CheckerOptions } from "./site/checker.ts";
export { TimeoutMonitor } from "./site/timeout.ts";
export { AssertionError, type PageOptions, WebCase, type WebCaseOptions } from "./site/testing.ts";

// Applications and the tree they are mounted on.
export { type AppConfig, Application } from "./app/application.ts";
export { Tree } from "./app/tree.ts";
export { type RequestNamespaceHandler, requestNamespaces } from "./app/namespaces.ts";

// Tools.
export { DEFAULT_TOOL_CONFIG, type DefaultTools, tools } from "./tools/builtin_tools.ts";
export {
  ErrorTool,
  HandlerTool,
  type HandlerWrapper,
  HandlerWrapperTool,
  Tool,
  Toolbox,
  type ToolCallable,
  type ToolDecorator,
  type ToolOptions,
} from "./tools/tools.ts";
export { WebSocketTool, type WebSocketToolOptions } from "./tools/websocket.ts";
export {
  BinaryMessage,
  type CloseInfo,
  EchoWebSocket,
  type Message,
  TextMessage,
  WebSocketHandler,
  type WebSocketHandlerClass,
  type WebSocketHandlerInit,
} from "./tools/websocket_handler.ts";
export { XMLRPCController } from "./tools/xmlrpc.ts";

// Sessions: `cherrypy.session`, the current request's (stores in `cherrypy.lib.sessions`).
export { type CurrentSession, session } from "./tools/sessions/current.ts";
export { SessionTool } from "./tools/sessions/tool.ts";
export { SessionAuth, SessionAuthTool } from "./tools/session_auth.ts";

// Dispatch: `cherrypy.dispatch.*`, the base Dispatcher, expose and popargs.
export { dispatch, type DispatchNamespace } from "./dispatch/dispatchers.ts";
export { Dispatcher } from "./dispatch/dispatch.ts";
export { expose, isExposed } from "./dispatch/expose.ts";
export { type Popargs, popargs, type PopargsOptions } from "./dispatch/popargs.ts";

// Request bodies (what `request.body` is, and what a custom processor receives).
export { Entity, Part, type Processor, RequestBody } from "./body/mod.ts";

// Config (and the registry of names config files may use).
export { environments, GlobalConfig } from "./config/config.ts";
export { configRegistry } from "./config/config_registry.ts";

// The request being served.
export { request, response } from "./core/serving.ts";
export { Request } from "./core/request.ts";
export { type Body, Response } from "./core/response.ts";
export {
  CherryPyException,
  type ErrorPage,
  type ErrorPageValues,
  getErrorPage,
  HTTPError,
  NotFound,
  TimeoutError,
} from "./core/errors.ts";
export { HTTPRedirect, InternalRedirect } from "./core/redirect.ts";
export { url, type UrlOptions } from "./core/url.ts";
export { type HookPoint, hookpoints } from "./core/hooks.ts";
export { levels, LogManager } from "./core/log.ts";
export { flushLogFiles, reopenLogFiles } from "./core/log_files.ts";
export { cpConfig, refuseLegacyDecorator } from "./core/cp_config.ts";
export { invalidateDispatch } from "./core/types.ts";
export type { ConfigDict, DispatcherLike, DispatchTarget, PageHandler } from "./core/types.ts";
export { SERVER_SOFTWARE, VERSION } from "./core/version.ts";

// `cherrypy.lib.*`: helpers users call.
export * as lib from "./lib/mod.ts";

// The types the values above name in their signatures (types only: no runtime names).
export type { AppNamespaceHandler, PipelineFactory, Site } from "./app/application.ts";
export type { GraftedApp } from "./app/tree.ts";
export type { PipelineBody } from "./app/pipeline.ts";
export type {
  BodyFile,
  BodyParams,
  ByteReader,
  DefaultProcessor,
  PartReader,
  SizedReader,
} from "./body/mod.ts";
export type { CallableConfig, NamespaceHandler } from "./config/config.ts";
export type { ConfigRegistry } from "./config/config_registry.ts";
export type { ConfigDecorator, ConfigDecoratorContext } from "./core/cp_config.ts";
export type {
  AttachOptions,
  Hook,
  HookCallback,
  HookMap,
  HookOptions,
  QuietErrorTest,
} from "./core/hooks.ts";
export type { CallableLog, LogCallOptions, LogHandler, LogRecord } from "./core/log.ts";
export type { Host, RequestApp } from "./core/request.ts";
export type { DecoratorContext, Exposable, ExposeDecorator } from "./dispatch/expose.ts";
export type { MethodDispatcher, VirtualHost, VirtualHostOptions } from "./dispatch/dispatchers.ts";
export type {
  RouteOptions,
  RoutesDispatcher,
  RoutesDispatcherOptions,
} from "./dispatch/routes_dispatcher.ts";
export type { CookieJar, SimpleCookie } from "./core/cookies.ts";
export type { Morsel, MorselAttribute, MorselValue } from "./http/morsel.ts";
export type { HeaderMap } from "./http/headers.ts";
export type { Params } from "./http/httputil.ts";
export type { MediaType } from "./http/media_type.ts";
export type { ToolLike, ToolMap } from "./tools/tools.ts";
export type { XMLRPCDispatcher } from "./dispatch/xmlrpc_dispatcher.ts";
