/**
 * The platform's WebSocket types: what an engine gives the framework for a connection that
 * switched to the WebSocket protocol (re-exported by `types.ts`).
 *
 * @module
 */

/** The state of a {@link ServerWebSocket}, as the WHATWG `WebSocket.readyState` names them. */
export type WebSocketState = "connecting" | "open" | "closing" | "closed";

/** What a {@link ServerWebSocket} reports, each call once per event. */
export interface WebSocketEvents {
  /** The `101` answer was sent: the connection is a WebSocket now. */
  open(): void;
  /** One whole message: a `string` for a text message, bytes for a binary one. */
  message(data: string | Uint8Array): void;
  /** A pong arrived (an answer to a ping, or unsolicited). Deno's `native` engine reports none. */
  pong?(data: Uint8Array): void;
  /**
   * The connection is closed: the code and reason of the peer's close frame (1005 when it had no
   * code), or, when none arrived, the code the server failed the connection with (1002, 1007,
   * 1009, ...) or 1006 (dropped). `clean` is `true` when both close frames were exchanged.
   */
  close(code: number, reason: string, clean: boolean): void;
}

/** Options of {@link IncomingRequest.upgradeWebSocket}. */
export interface WebSocketUpgradeOptions {
  /** The subprotocol chosen among those the client offered (`Sec-WebSocket-Protocol`), if any. */
  protocol?: string | null;
  /**
   * The largest message accepted, in bytes (all its frames together): a larger one closes the
   * connection with 1009. 0: no limit. Default 16 MiB.
   */
  maxMessageSize?: number;
  /**
   * Milliseconds between the pings the server sends (0, the default: none). A peer that sent
   * nothing, not even the pong, by the next ping is gone: its connection is dropped (1006).
   * On Deno's `native` engine this is Deno's `idleTimeout` (a ping after that long without a
   * message, and the connection closed when no pong answers within half of it).
   */
  heartbeatMs?: number;
  /**
   * Milliseconds without any frame from the peer after which the server closes the connection
   * with 1001 (0, the default: never). Deno's `native` engine counts messages only.
   */
  idleTimeoutMs?: number;
}

/**
 * A WebSocket connection on the server side, the same on every engine: the project's own
 * (RFC 6455 framing in `platform/_websocket.ts`) and Deno's `native` one (`Deno.upgradeWebSocket`).
 *
 * @example An echo server on a native gateway (no framework)
 * ```ts
 * import { HTTPServer, type IncomingRequest, type OutgoingResponse } from "../mod.ts";
 * const server = new HTTPServer({ host: "127.0.0.1", port: 0 }, {
 *   handle(req: IncomingRequest): OutgoingResponse {
 *     const { socket, headers } = req.upgradeWebSocket!({
 *       open() {},
 *       message(data) {
 *         socket.send(data);
 *       },
 *       close(code) {
 *         console.log(`closed with ${code}`);
 *       },
 *     });
 *     return { status: 101, headers: [...headers], body: null };
 *   },
 * });
 * ```
 */
export interface ServerWebSocket {
  /** The subprotocol agreed on in the handshake (`""`: none). */
  readonly protocol: string;
  /** Where the connection stands. */
  readonly readyState: WebSocketState;
  /**
   * Sends one message: a `string` as a text message, bytes as a binary one. Throws when the
   * connection is not open.
   */
  send(data: string | Uint8Array): void;
  /**
   * Sends a ping (at most 125 bytes of data). Deno's `native` engine cannot: it throws an
   * {@link UnsupportedError} there (its pings come from `heartbeatMs`).
   */
  ping(data?: Uint8Array): void;
  /**
   * Starts the closing handshake with `code` (default 1000; 1000, 1001, 1002, 1003, 1007 to
   * 1014, or 3000 to 4999) and `reason` (at most 123 bytes of UTF-8). Does nothing once closing.
   * The connection is dropped when the peer does not answer within a few seconds.
   */
  close(code?: number, reason?: string): void;
}

/** What {@link IncomingRequest.upgradeWebSocket} returns. */
export interface WebSocketUpgrade {
  /** The socket; it opens once the `101` answer is sent. */
  readonly socket: ServerWebSocket;
  /**
   * The headers the `101` answer carries (`Upgrade`, `Connection`, `Sec-WebSocket-Accept` and
   * `Sec-WebSocket-Protocol`); the engine sends these whatever the response says.
   */
  readonly headers: Array<[string, string]>;
}

/**
 * A request that is not a valid WebSocket handshake: `status` (400, or 426 with the headers
 * that name what the server speaks) and a message that says what is wrong.
 */
export class WebSocketHandshakeError extends Error {
  /** The status to answer with. */
  readonly status: number;
  /** Headers the answer carries (`Sec-WebSocket-Version: 13` for a version mismatch). */
  readonly headers: Array<[string, string]>;
  /** Creates the error. */
  constructor(status: number, message: string, headers: Array<[string, string]> = []) {
    super(message);
    this.name = "WebSocketHandshakeError";
    this.status = status;
    this.headers = headers;
  }
}
