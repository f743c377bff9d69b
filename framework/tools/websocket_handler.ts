/**
 * WebSocket handlers: one object per connection, of a class the application writes (the
 * `handler_cls` of `tools.websocket`), shaped as ws4py's `WebSocket` class that CherryPy's
 * documentation points to: the server calls `opened()`, `received_message(message)` and
 * `closed(code, reason)`; the application calls `send(payload)` and `close(code, reason)`.
 *
 * Every call runs with `cherrypy.request` set to the upgrade request, one at a time: an `async`
 * method finishes before the next event is delivered. An error thrown by one is logged, and the
 * connection closed with 1011.
 *
 * @module
 */

import type { ServerWebSocket } from "../../platform/mod.ts";
import type { Request } from "../core/request.ts";

/**
 * A text message: `data` is its text.
 *
 * @example Answer text and binary messages differently
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * class Shout extends cherrypy.WebSocketHandler {
 *   override received_message(message: cherrypy.Message) {
 *     if (message instanceof cherrypy.TextMessage) this.send(message.data.toUpperCase());
 *     else this.send(message.data.length + " bytes");
 *   }
 * }
 * ```
 */
export class TextMessage {
  /** The text. */
  readonly data: string;
  /** `true`: a text message. */
  readonly is_text = true as const;
  /** `false`: not a binary message. */
  readonly is_binary = false as const;

  /** Creates the message. */
  constructor(data: string) {
    this.data = data;
  }

  /** The text. */
  toString(): string {
    return this.data;
  }
}

/**
 * A binary message: `data` is its bytes.
 *
 * @example Sum the bytes of binary messages
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * class Summer extends cherrypy.WebSocketHandler {
 *   override received_message(message: cherrypy.Message) {
 *     if (message.is_binary) this.send(String(message.data.reduce((a, b) => a + b, 0)));
 *   }
 * }
 * ```
 */
export class BinaryMessage {
  /** The bytes. */
  readonly data: Uint8Array;
  /** `false`: not a text message. */
  readonly is_text = false as const;
  /** `true`: a binary message. */
  readonly is_binary = true as const;

  /** Creates the message. */
  constructor(data: Uint8Array) {
    this.data = data;
  }

  /** The bytes read as UTF-8 (invalid sequences become U+FFFD). */
  toString(): string {
    return new TextDecoder().decode(this.data);
  }
}

/**
 * A message a WebSocket received or sends.
 *
 * @example Echo a message as it came (what `EchoWebSocket` does)
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * class Echo extends cherrypy.WebSocketHandler {
 *   override received_message(message: cherrypy.Message) {
 *     this.send(message.data, message.is_binary);
 *   }
 * }
 * ```
 */
export type Message = TextMessage | BinaryMessage;

/**
 * What the tool gives a handler it creates (see {@link WebSocketHandler}).
 *
 * @example A handler with a constructor of its own
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * class Counted extends cherrypy.WebSocketHandler {
 *   static open = 0;
 *   constructor(init: cherrypy.WebSocketHandlerInit) {
 *     super(init);
 *     Counted.open++;
 *   }
 *   override closed() {
 *     Counted.open--;
 *   }
 * }
 * ```
 */
export interface WebSocketHandlerInit {
  /** The connection. */
  readonly socket: ServerWebSocket;
  /** The subprotocols agreed on (at most one). */
  readonly protocols: readonly string[];
  /** The upgrade request. */
  readonly request: Request;
  /** Seconds between heartbeat pings (`null`: none). */
  readonly heartbeat_freq: number | null;
}

/**
 * The close code and reason a connection ended with.
 *
 * @example Wait for a connection to end
 * ```ts
 * import type { CloseInfo, WebSocketHandler } from "../../mod.ts";
 * declare const handler: WebSocketHandler;
 * const info: CloseInfo = await handler.whenClosed;
 * console.log(`closed with ${info.code}`);
 * ```
 */
export interface CloseInfo {
  /** The close code (1000 normal, 1001 going away, 1006 dropped, ...). */
  readonly code: number;
  /** The reason the peer gave. */
  readonly reason: string;
}

const fatalUtf8 = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

/**
 * The base class of WebSocket handlers: override the methods the server calls, call the ones
 * that act on the connection. `tools.websocket` makes one for each connection it accepts.
 *
 * @example A chat room: every message goes to every connection
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 *
 * class ChatWebSocket extends cherrypy.WebSocketHandler {
 *   override opened() {
 *     this.send(`Welcome, ${this.request.remote.ip}`);
 *   }
 *   override received_message(message: cherrypy.Message) {
 *     cherrypy.engine.publish("websocket-broadcast", String(message));
 *   }
 * }
 * const conf = {
 *   "/ws": { "tools.websocket.on": true, "tools.websocket.handler_cls": ChatWebSocket },
 * };
 * ```
 */
export class WebSocketHandler {
  /** The connection. */
  readonly socket: ServerWebSocket;
  /** The subprotocols agreed on in the handshake (at most one). */
  readonly protocols: readonly string[];
  /** The upgrade request (also `cherrypy.request` while a method of the handler runs). */
  readonly request: Request;
  /** Seconds between heartbeat pings, or `null`. */
  readonly heartbeat_freq: number | null;
  /** Resolves once the connection is closed and {@link WebSocketHandler.closed} returned. */
  readonly whenClosed: Promise<CloseInfo>;
  #closedWith!: (info: CloseInfo) => void;
  #close: CloseInfo | null = null;

  /** Creates the handler of one connection (the tool calls this). */
  constructor(init: WebSocketHandlerInit) {
    this.socket = init.socket;
    this.protocols = init.protocols;
    this.request = init.request;
    this.heartbeat_freq = init.heartbeat_freq;
    this.whenClosed = new Promise((resolve) => this.#closedWith = resolve);
  }

  /** Called once the connection is open (the `101` answer sent). */
  opened(): unknown {
    return undefined;
  }

  /** Called with each message received, in order. */
  received_message(_message: Message): unknown {
    return undefined;
  }

  /** Called with each pong received (the `cherrypy` engine reports them). */
  ponged(_pong: Uint8Array): unknown {
    return undefined;
  }

  /**
   * Called once the connection is closed, with the peer's close code and reason (1006: it
   * dropped without one; 1002, 1007, 1009: the server failed it for a bad frame).
   */
  closed(_code: number, _reason: string): unknown {
    return undefined;
  }

  /**
   * Sends a message: a string as text, bytes as binary, a {@link Message} as its kind. With
   * `binary`, a string goes as a binary message (its UTF-8); `binary = false` sends bytes as
   * text (they must be UTF-8). Throws once the connection is closing.
   */
  send(payload: string | Uint8Array | Message, binary?: boolean): void {
    let data: string | Uint8Array = payload instanceof TextMessage ||
        payload instanceof BinaryMessage
      ? payload.data
      : payload;
    const asBinary = binary ?? (data instanceof Uint8Array);
    if (asBinary && typeof data === "string") data = encoder.encode(data);
    else if (!asBinary && typeof data !== "string") {
      try {
        data = fatalUtf8.decode(data);
      } catch {
        throw new TypeError("A text message must be UTF-8: send these bytes with binary = true.");
      }
    }
    this.socket.send(data);
  }

  /** Sends a ping with `message` (at most 125 bytes). */
  ping(message: string | Uint8Array = ""): void {
    this.socket.ping(typeof message === "string" ? encoder.encode(message) : message);
  }

  /**
   * Starts the closing handshake (`code` 1000 by default). Safe to call more than once: only
   * the first close frame is sent.
   */
  close(code = 1000, reason = ""): void {
    if (this.socket.readyState === "open") this.socket.close(code, reason);
  }

  /** `true` once the connection is closed. */
  get terminated(): boolean {
    return this.socket.readyState === "closed";
  }

  /** How the connection ended, once it did (`null` before). */
  get close_info(): CloseInfo | null {
    return this.#close;
  }

  /** The client's `[address, port]`. */
  get peer_address(): [string, number] {
    return [this.request.remote.ip, this.request.remote.port];
  }

  /** The server's `[address, port]`. */
  get local_address(): [string, number] {
    return [this.request.local.ip, this.request.local.port];
  }

  /**
   * Called with an error a method of the handler threw (or rejected with): logs it with its
   * traceback to the application's error log. The connection is then closed with 1011.
   */
  unhandled_error(error: unknown): void {
    const log = this.request.app?.log;
    if (log) log.error("Error in a WebSocket handler", "WEBSOCKET", 40, error);
    else console.error(error);
  }

  /** Records how the connection ended (the tool calls this after {@link closed}). */
  _ended(info: CloseInfo): void {
    this.#close = info;
    this.#closedWith(info);
  }
}

/**
 * A handler that sends every message back as it came (ws4py's `EchoWebSocket`).
 *
 * @example Echo on `/ws`
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * const conf = {
 *   "/ws": { "tools.websocket.on": true, "tools.websocket.handler_cls": cherrypy.EchoWebSocket },
 * };
 * ```
 */
export class EchoWebSocket extends WebSocketHandler {
  /** Sends `message` back. */
  override received_message(message: Message): void {
    this.send(message.data, message.is_binary);
  }
}

/**
 * A handler class, as `tools.websocket.handler_cls` takes it.
 *
 * @example Choose the handler class per path
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * const handlers: Record<string, cherrypy.WebSocketHandlerClass> = {
 *   "/echo": cherrypy.EchoWebSocket,
 *   "/quiet": cherrypy.WebSocketHandler,
 * };
 * const conf = Object.fromEntries(
 *   Object.entries(handlers).map(([path, cls]) => [
 *     path,
 *     { "tools.websocket.on": true, "tools.websocket.handler_cls": cls },
 *   ]),
 * );
 * ```
 */
export type WebSocketHandlerClass = new (init: WebSocketHandlerInit) => WebSocketHandler;
