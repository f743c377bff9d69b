/**
 * The `websocket` tool: switches a request to a WebSocket (RFC 6455), as ws4py's
 * `WebSocketTool` does for CherryPy (the library CherryPy's documentation points to for
 * WebSockets). At `before_request_body` it checks the handshake, makes the connection's handler
 * (an instance of `handler_cls`, see {@link WebSocketHandler}), stores it as
 * `cherrypy.request.ws_handler` and sets the `101` status; the page handler then runs as for
 * any request. When the answer goes out as `101`, the engine hands the connection over: the
 * handler's `opened()` is called, the engine's `handle-websocket` channel is published (a
 * {@link WebSocketPlugin} listening there tracks the handler for `websocket-broadcast` and for the
 * engine's stop), and messages flow. Any other answer (an error, a redirect) goes out as usual,
 * and the connection stays HTTP.
 *
 * A request that is not a valid handshake is answered 400, or 426 (with
 * `Sec-WebSocket-Version: 13`) when it is no WebSocket request or speaks another version.
 *
 * @module
 */

import type { Bus } from "../../bus/mod.ts";
import { WebSocketHandshakeError } from "../../platform/mod.ts";
import { configRegistry } from "../config/config_registry.ts";
import { HTTPError } from "../core/errors.ts";
import type { HookOptions } from "../core/hooks.ts";
import { callApplication, currentServing, runServing, type Serving } from "../core/serving.ts";
import { Tool, type ToolCallable } from "./tools.ts";
import {
  BinaryMessage,
  EchoWebSocket,
  TextMessage,
  WebSocketHandler,
  type WebSocketHandlerClass,
} from "./websocket_handler.ts";

/**
 * The options of `tools.websocket`.
 *
 * @example Every option, by decorator
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * const options: cherrypy.WebSocketToolOptions = {
 *   handler_cls: cherrypy.EchoWebSocket,
 *   protocols: ["chat"],
 *   heartbeat_freq: 30,
 *   max_message_size: 64 * 1024,
 *   idle_timeout: 600,
 * };
 * class Root {
 *   @cherrypy.expose
 *   @cherrypy.tools.websocket({ ...options })
 *   ws() {}
 * }
 * ```
 */
export interface WebSocketToolOptions {
  /** The class whose instance handles each connection (default {@link WebSocketHandler}). */
  handler_cls?: WebSocketHandlerClass;
  /**
   * The subprotocols the server speaks: the first one the client offers
   * (`Sec-WebSocket-Protocol`) is agreed on; none when the client offers none of them.
   */
  protocols?: readonly string[] | null;
  /** Seconds between the pings the server sends; a peer silent until the next one is dropped. */
  heartbeat_freq?: number | null;
  /** The largest message accepted, in bytes (default 16 MiB; 0: no limit); larger: 1009. */
  max_message_size?: number;
  /** Seconds without a frame from the peer before the server closes with 1001 (default: none). */
  idle_timeout?: number | null;
}

const OPTIONS = new Set([
  "on",
  "priority",
  "handler_cls",
  "protocols",
  "heartbeat_freq",
  "max_message_size",
  "idle_timeout",
]);

function isHandlerClass(value: unknown): value is WebSocketHandlerClass {
  return typeof value === "function" &&
    (value === WebSocketHandler || value.prototype instanceof WebSocketHandler);
}

function checkSeconds(options: HookOptions, key: string): void {
  const value = options[key];
  if (value === undefined || value === null) return;
  if (typeof value !== "number" || !(value >= 0) || !Number.isFinite(value)) {
    throw new Error(
      `tools.websocket.${key} must be a number of seconds (0 or more, or null); got ` +
        `${JSON.stringify(value)}.`,
    );
  }
}

/** Checks the options of `tools.websocket` that are present. */
function checkWebSocketOptions(options: HookOptions): void {
  for (const key of Object.keys(options)) {
    if (!OPTIONS.has(key)) {
      throw new Error(
        `tools.websocket has no option ${JSON.stringify(key)}; its options are ` +
          `${[...OPTIONS].join(", ")}.`,
      );
    }
  }
  if ("handler_cls" in options && !isHandlerClass(options["handler_cls"])) {
    throw new Error(
      "tools.websocket.handler_cls must be a class extending cherrypy.WebSocketHandler.",
    );
  }
  const protocols = options["protocols"];
  if (
    protocols !== undefined && protocols !== null &&
    !(Array.isArray(protocols) && protocols.every((p) => typeof p === "string" && p !== ""))
  ) {
    throw new Error(
      `tools.websocket.protocols must be a list of subprotocol names; got ${
        JSON.stringify(protocols)
      }.`,
    );
  }
  checkSeconds(options, "heartbeat_freq");
  checkSeconds(options, "idle_timeout");
  const max = options["max_message_size"];
  if (max !== undefined && (typeof max !== "number" || !Number.isInteger(max) || max < 0)) {
    throw new Error(
      `tools.websocket.max_message_size must be a number of bytes (0: no limit); got ${
        JSON.stringify(max)
      }.`,
    );
  }
}

/**
 * Delivers a connection's events to its handler: one at a time, in order, each with the
 * upgrade request current; a failure is reported and closes the connection with 1011.
 */
class HandlerDriver {
  readonly #serving: Serving;
  #handler: WebSocketHandler | null = null;
  /** The call in progress when it waits (the next ones queue behind it). */
  #tail: Promise<void> | null = null;

  /** A driver for the upgrade request `serving`. */
  constructor(serving: Serving) {
    this.#serving = serving;
  }

  /** The handler (made after the socket, which needs the driver for its events). */
  get handler(): WebSocketHandler {
    return this.#handler!;
  }
  set handler(handler: WebSocketHandler) {
    this.#handler = handler;
  }

  /** Calls `method` of the handler with `args`, after the calls before it. */
  deliver(method: "opened" | "received_message" | "ponged" | "closed", args: unknown[]): void {
    const tail = this.#tail;
    if (tail !== null) {
      this.#tail = tail.then(() => this.#call(method, args));
      return;
    }
    const running = this.#call(method, args);
    if (running !== undefined) {
      const next: Promise<void> = running.then(() => {
        if (this.#tail === next) this.#tail = null;
      });
      this.#tail = next;
    }
  }

  /** Runs `fn` once every call delivered so far has finished. */
  after(fn: () => void): void {
    if (this.#tail === null) fn();
    else this.#tail = this.#tail.then(fn);
  }

  #call(method: string, args: unknown[]): Promise<void> | undefined {
    const handler = this.#handler!;
    return runServing(this.#serving, () => {
      let result: unknown;
      try {
        const fn = (handler as unknown as Record<string, (...a: unknown[]) => unknown>)[method]!;
        result = callApplication(fn, handler, args);
      } catch (e) {
        this.#failed(e);
        return undefined;
      }
      if (result instanceof Promise) return result.then(() => {}, (e) => this.#failed(e));
      return undefined;
    });
  }

  #failed(error: unknown): void {
    const handler = this.#handler!;
    try {
      runServing(this.#serving, () => handler.unhandled_error(error));
    } catch { /* the report failed too: nothing more to do */ }
    if (handler.socket.readyState === "open") handler.socket.close(1011, "Internal error");
  }
}

/** The first subprotocol the client offers that the server speaks, or `null`. */
function chooseProtocol(header: string | null, spoken: readonly string[]): string | null {
  if (header === null || spoken.length === 0) return null;
  for (const offered of header.split(",")) {
    const name = offered.trim();
    if (spoken.includes(name)) return name;
  }
  return null;
}

/** Set once the missing plugin was warned about (see `publishHandler`). */
let warned = false;

/**
 * The `websocket` tool's callable (`before_request_body`): prepares the switch of the current
 * request to a WebSocket handled by a new `handler_cls`.
 *
 * @example The echo server of ws4py's documentation
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * new cherrypy.WebSocketPlugin(cherrypy.engine).subscribe();
 * class Root {
 *   @cherrypy.expose
 *   ws() {
 *     // The handler of this connection:
 *     const handler = cherrypy.request.ws_handler;
 *   }
 * }
 * const conf = {
 *   "/ws": { "tools.websocket.on": true, "tools.websocket.handler_cls": cherrypy.EchoWebSocket },
 * };
 * ```
 */
export function upgrade(this: Tool, options: WebSocketToolOptions): void {
  const serving = currentServing();
  const { request, response } = serving;
  request.process_request_body = false;
  const incoming = request.incoming;
  if (incoming?.upgradeWebSocket === undefined) {
    const upgradeHeader = request.headers.get("Upgrade") ?? "";
    if (!/(^|,)\s*websocket\s*(,|$)/i.test(upgradeHeader)) {
      response.headers.set("Upgrade", "websocket");
      response.headers.set("Sec-WebSocket-Version", "13");
      throw new HTTPError(
        426,
        "This resource is a WebSocket: connect with a WebSocket client (Upgrade: websocket).",
      );
    }
    throw new HTTPError(
      501,
      "This request cannot become a WebSocket: it did not come over HTTP/1.1 through the " +
        "HTTP server (HTTP/2, or a request answered by app.fetch).",
    );
  }
  const Handler = options.handler_cls ?? WebSocketHandler;
  const protocol = chooseProtocol(
    request.headers.get("Sec-WebSocket-Protocol") ?? null,
    options.protocols ?? [],
  );
  const heartbeat = options.heartbeat_freq || null;
  const driver = new HandlerDriver(serving);
  const bus = (this as WebSocketTool).bus ?? WebSocketTool.defaultBus;
  let prepared;
  try {
    prepared = incoming.upgradeWebSocket({
      open() {
        // Tracked first, so that what opened() broadcasts reaches this connection too.
        publishHandler(bus, driver.handler);
        driver.deliver("opened", []);
      },
      message(data) {
        const message = typeof data === "string" ? new TextMessage(data) : new BinaryMessage(data);
        driver.deliver("received_message", [message]);
      },
      pong(data) {
        driver.deliver("ponged", [data]);
      },
      close(code, reason) {
        driver.deliver("closed", [code, reason]);
        driver.after(() => driver.handler._ended({ code, reason }));
      },
    }, {
      protocol,
      maxMessageSize: options.max_message_size ?? 16 * 1024 * 1024,
      heartbeatMs: (heartbeat ?? 0) * 1000,
      idleTimeoutMs: (options.idle_timeout ?? 0) * 1000,
    });
  } catch (e) {
    if (!(e instanceof WebSocketHandshakeError)) throw e;
    for (const [name, value] of e.headers) response.headers.set(name, value);
    throw new HTTPError(e.status, e.message);
  }
  const handler = new Handler({
    socket: prepared.socket,
    protocols: protocol === null ? [] : [protocol],
    request,
    heartbeat_freq: heartbeat,
  });
  driver.handler = handler;
  request.ws_handler = handler;
  // The engine adds the handshake's headers (Upgrade, Connection, Sec-WebSocket-Accept, ...)
  // when the answer goes out as 101; any other answer goes without them.
  response.status = 101;
}

/** Publishes `handle-websocket` (handler, [ip, port]) for a plugin to track the handler. */
function publishHandler(bus: Bus | null, handler: WebSocketHandler): void {
  if (bus === null) return;
  if (bus.listenersOf("handle-websocket").length === 0) {
    if (!warned) {
      warned = true;
      bus.log(
        "tools.websocket: no WebSocketPlugin listens on this engine, so websocket-broadcast " +
          "reaches no socket and the engine's stop closes none; subscribe one: " +
          "new WebSocketPlugin(cherrypy.engine).subscribe().",
        30,
      );
    }
    return;
  }
  bus.publish("handle-websocket", handler, handler.peer_address).catch((e) =>
    handler.unhandled_error(e)
  );
}

/**
 * `cherrypy.tools.websocket`: {@link upgrade} at `before_request_body`. Options
 * (`tools.websocket.*`): `handler_cls`, `protocols`, `heartbeat_freq`, `max_message_size`,
 * `idle_timeout`, checked where they are written.
 *
 * @example A WebSocket on `/ws`, the page that opens it on `/`
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * class Root {
 *   @cherrypy.expose
 *   index() {
 *     return "<script>new WebSocket(`ws://${location.host}/ws`)</script>";
 *   }
 *   @cherrypy.expose
 *   @cherrypy.tools.websocket({ handler_cls: cherrypy.EchoWebSocket, heartbeat_freq: 30 })
 *   ws() {}
 * }
 * ```
 */
export class WebSocketTool extends Tool {
  /**
   * The bus whose `handle-websocket` channel hears of each new connection when the tool has no
   * {@link WebSocketTool.bus} of its own: the framework sets it to `cherrypy.engine`.
   */
  static defaultBus: Bus | null = null;
  /** The bus this tool publishes `handle-websocket` on (default {@link WebSocketTool.defaultBus}). */
  bus: Bus | null = null;

  /** Creates the tool. */
  constructor() {
    super("before_request_body", upgrade as unknown as ToolCallable);
  }

  /** Checks the options that are present (see {@link Tool.checkOptions}). */
  override checkOptions(options: HookOptions): void {
    checkWebSocketOptions(options);
  }

  /** The hook, once the request's options are known to be valid. */
  override _hookFor(entries: HookOptions): ReturnType<Tool["_hookFor"]> {
    const options = { ...entries };
    delete options["on"];
    checkWebSocketOptions(options);
    return super._hookFor(entries);
  }
}

// Config files name handler classes as CherryPy code does, ws4py's names included:
// `tools.websocket.handler_cls = ws4py.websocket.EchoWebSocket`.
for (const prefix of ["cherrypy.", "ws4py.websocket."]) {
  configRegistry.register(prefix + "EchoWebSocket", EchoWebSocket);
}
configRegistry.register("cherrypy.WebSocketHandler", WebSocketHandler);
configRegistry.register("ws4py.websocket.WebSocket", WebSocketHandler);
