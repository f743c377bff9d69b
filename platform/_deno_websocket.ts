/**
 * WebSockets on Deno's `native` engine (`Deno.serve`): `Deno.upgradeWebSocket` does the
 * framing, and {@link DenoWebSocket} gives its socket the platform's {@link ServerWebSocket}
 * shape. Deno frames, validates and answers pings itself; the message size limit and the idle
 * timeout are enforced here, on whole messages.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { checkClose, CloseCode } from "./_websocket_frames.ts";
import { switchingHeaders } from "./_websocket_handshake.ts";
import { DEFAULT_MAX_MESSAGE } from "./_websocket.ts";
import type { DenoApi } from "./deno_api.ts";
import {
  type OutgoingResponse,
  type ServerWebSocket,
  UnsupportedError,
  type WebSocketEvents,
  type WebSocketState,
  type WebSocketUpgradeOptions,
} from "./types.ts";

/** A WebSocket of the `native` engine. */
export class DenoWebSocket implements ServerWebSocket {
  readonly protocol: string;
  #state: WebSocketState = "connecting";
  #socket: WebSocket | null = null;
  readonly #events: WebSocketEvents;
  readonly #max: number;
  readonly #heartbeatMs: number;
  readonly #idleMs: number;
  #heard = 0;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** The close code to report when the server failed the connection (1009). */
  #failed = 0;
  #done!: () => void;
  /** Resolves once the socket is closed (or never opened). */
  readonly closed: Promise<void> = new Promise((resolve) => this.#done = resolve);

  /** A socket that opens once {@link DenoWebSocket.accept} switched its request. */
  constructor(events: WebSocketEvents, options: WebSocketUpgradeOptions) {
    this.#events = events;
    this.protocol = options.protocol ?? "";
    this.#max = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE;
    this.#heartbeatMs = options.heartbeatMs ?? 0;
    this.#idleMs = options.idleTimeoutMs ?? 0;
  }

  get readyState(): WebSocketState {
    return this.#state;
  }

  /**
   * The `Response` that switches `req` to this WebSocket, carrying the application's headers
   * from `out` beside Deno's handshake headers.
   */
  accept(D: DenoApi, req: Request, out: OutgoingResponse): Response {
    const options: { protocol?: string; idleTimeout: number } = {
      idleTimeout: this.#heartbeatMs / 1000,
    };
    if (this.protocol !== "") options.protocol = this.protocol;
    const { socket, response } = D.upgradeWebSocket(req, options);
    for (const [name, value] of switchingHeaders(out.headers, [])) {
      if (name.toLowerCase() !== "date") response.headers.append(name, value);
    }
    this.#socket = socket;
    socket.binaryType = "arraybuffer";
    socket.onopen = () => {
      this.#state = "open";
      this.#heard = Date.now();
      this.#armIdle(this.#idleMs);
      this.#events.open();
    };
    socket.onmessage = (e: MessageEvent) => this.#message(e.data as string | ArrayBuffer);
    socket.onclose = (e: CloseEvent) => {
      if (this.#state === "closed") return;
      this.#state = "closed";
      clearTimeout(this.#idleTimer);
      // Deno reports a connection that dropped without a close frame with code 0: that is 1006.
      const code = e.code === 0
        ? CloseCode.Abnormal
        : e.code === CloseCode.NoStatus && this.#failed !== 0
        ? this.#failed
        : e.code;
      this.#events.close(code, e.reason, e.wasClean);
      this.#done();
    };
    socket.onerror = () => {/* the close event follows */};
    return response;
  }

  /** The handshake's answer was not `101`: the socket never opens. */
  abandon(): void {
    this.#state = "closed";
    this.#done();
  }

  #message(raw: string | ArrayBuffer): void {
    if (this.#state !== "open") return;
    this.#heard = Date.now();
    const data = typeof raw === "string" ? raw : new Uint8Array(raw);
    const size = typeof data === "string" ? Buffer.byteLength(data, "utf8") : data.length;
    if (this.#max > 0 && size > this.#max) {
      this.#failed = CloseCode.TooBig;
      this.#closeNow(CloseCode.TooBig, `Message over the limit of ${this.#max} bytes.`);
      return;
    }
    this.#events.message(data);
  }

  /** Arms the idle timer to check again in `ms`. */
  #armIdle(ms: number): void {
    if (this.#idleMs <= 0) return;
    this.#idleTimer = setTimeout(() => {
      if (this.#state !== "open") return;
      const quiet = Date.now() - this.#heard;
      if (quiet >= this.#idleMs) this.#closeNow(CloseCode.GoingAway, "Idle timeout");
      else this.#armIdle(this.#idleMs - quiet);
    }, ms);
  }

  #closeNow(code: number, reason: string): void {
    if (this.#state !== "open") return;
    this.#state = "closing";
    clearTimeout(this.#idleTimer);
    this.#socket!.close(code, reason);
  }

  send(data: string | Uint8Array): void {
    if (this.#state !== "open") {
      throw new Error(`Cannot send on a WebSocket that is ${this.#state}.`);
    }
    this.#socket!.send(data as string | Uint8Array<ArrayBuffer>);
  }

  ping(_data?: Uint8Array): void {
    throw new UnsupportedError(
      "Deno's native engine (server.engine 'native') sends no ping on request: its pings come " +
        "from the heartbeat (tools.websocket.heartbeat_freq). Use the 'cherrypy' engine to ping " +
        "by hand.",
    );
  }

  close(code: number = CloseCode.Normal, reason = ""): void {
    checkClose(code, reason);
    if (this.#state === "connecting") {
      throw new Error("Cannot close a WebSocket before it opens: answer the request instead.");
    }
    this.#closeNow(code, reason);
  }

  /** The server is stopping: close with 1001. */
  goAway(): void {
    this.#closeNow(CloseCode.GoingAway, "Server is shutting down");
  }
}
