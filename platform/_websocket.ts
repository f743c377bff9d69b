/**
 * WebSockets on the project's HTTP/1.1 engine (every runtime): once the `101` answer is
 * written, the engine's connection hands its socket over to a {@link WireWebSocket}, which
 * reads and writes RFC 6455 frames on it (`_websocket_frames.ts`): messages, ping/pong, the
 * closing handshake, and the failures a bad frame calls for (1002, 1007, 1009). The engine's
 * clock ticks its timers: heartbeat pings, the idle timeout, and the wait for a close answer.
 *
 * @module
 */

import type { Buffer } from "node:buffer";
import {
  checkClose,
  CloseCode,
  closePayload,
  encodeFrame,
  FrameError,
  FrameParser,
  Opcode,
  readClose,
} from "./_websocket_frames.ts";
import { checkHandshake, switchingHeaders } from "./_websocket_handshake.ts";
import type { WireSocket } from "./_wire_request.ts";
import {
  type OutgoingResponse,
  type ServerWebSocket,
  type WebSocketEvents,
  WebSocketHandshakeError,
  type WebSocketState,
  type WebSocketUpgrade,
  type WebSocketUpgradeOptions,
} from "./types.ts";

/** The default largest message (`maxMessageSize`). */
export const DEFAULT_MAX_MESSAGE = 16 * 1024 * 1024;
/** How long a closing connection waits for the peer's close frame, then its TCP close. */
const CLOSE_WAIT_MS = 5_000;
const EMPTY = new Uint8Array(0);
const encoder = new TextEncoder();

/** What the engine's connection passes on once it switched protocols. */
export interface SwitchedConnection {
  /** Bytes received. */
  onData(chunk: Buffer): void;
  /** The peer half-closed. */
  onEnd(): void;
  /** The socket closed. */
  onClose(): void;
  /** The engine's clock ticked. */
  sweep(): void;
  /** The server is stopping: close with 1001. */
  goAway(): void;
  /** `true` until the socket closed. */
  readonly live: boolean;
}

/** A WebSocket on the project's engine. */
export class WireWebSocket implements ServerWebSocket, SwitchedConnection {
  readonly protocol: string;
  /** The handshake's headers for the `101` answer. */
  readonly handshake: ReadonlyArray<readonly [string, string]>;
  #state: WebSocketState = "connecting";
  readonly #events: WebSocketEvents;
  readonly #parser: FrameParser;
  readonly #heartbeatMs: number;
  readonly #idleMs: number;
  #socket: WireSocket | null = null;
  /** When something last arrived from the peer. */
  #heard = 0;
  /** When the last ping went out, and whether anything arrived since. */
  #pinged = 0;
  #answered = true;
  /** When the closing began (our close frame sent, or the socket ended). */
  #closingSince = 0;
  #closeSent = false;
  #closeReceived = false;
  /** No more frames are read (the connection failed, or the close frames were exchanged). */
  #deaf = false;
  /** The close code and reason to report. */
  #code: number = CloseCode.Abnormal;
  #reason = "";
  #reported = false;

  /** A socket that opens once {@link WireWebSocket.attach} gives it its connection. */
  constructor(
    events: WebSocketEvents,
    options: WebSocketUpgradeOptions,
    handshake: ReadonlyArray<readonly [string, string]>,
  ) {
    this.#events = events;
    this.handshake = handshake;
    this.protocol = options.protocol ?? "";
    this.#parser = new FrameParser(
      {
        message: (data) => this.#message(data),
        control: (opcode, payload) => this.#control(opcode, payload),
      },
      options.maxMessageSize ?? DEFAULT_MAX_MESSAGE,
    );
    this.#heartbeatMs = options.heartbeatMs ?? 0;
    this.#idleMs = options.idleTimeoutMs ?? 0;
  }

  get readyState(): WebSocketState {
    return this.#state;
  }

  /** `true` until the socket closed (the engine keeps counting the connection until then). */
  get live(): boolean {
    return this.#state !== "closed";
  }

  /**
   * Writes the `101` answer for `out` and takes over `socket`: `rest` is what the client sent
   * after its handshake. With `stopping`, the server is going away: it closes at once with 1001.
   */
  attach(
    socket: WireSocket,
    out: OutgoingResponse,
    date: string,
    rest: Buffer | null,
    stopping: boolean,
  ): void {
    this.#socket = socket;
    socket.write(switchingHead(out, this.handshake, date), "latin1");
    this.#state = "open";
    this.#heard = this.#pinged = Date.now();
    this.#events.open();
    if (stopping) this.goAway();
    if (rest !== null) this.onData(rest);
  }

  /** The handshake's answer was not `101`: the socket never opens. */
  abandon(): void {
    this.#state = "closed";
  }

  send(data: string | Uint8Array): void {
    if (this.#state !== "open") {
      throw new Error(`Cannot send on a WebSocket that is ${this.#state}.`);
    }
    if (typeof data === "string") this.#write(Opcode.Text, encoder.encode(data));
    else this.#write(Opcode.Binary, data);
  }

  ping(data: Uint8Array = EMPTY): void {
    if (data.length > 125) throw new RangeError("A ping carries at most 125 bytes.");
    if (this.#state !== "open") {
      throw new Error(`Cannot ping a WebSocket that is ${this.#state}.`);
    }
    this.#write(Opcode.Ping, data);
  }

  close(code: number = CloseCode.Normal, reason = ""): void {
    checkClose(code, reason);
    if (this.#state === "connecting") {
      throw new Error("Cannot close a WebSocket before it opens: answer the request instead.");
    }
    this.#sendClose(code, reason);
  }

  goAway(): void {
    if (this.#state === "open") this.#sendClose(CloseCode.GoingAway, "Server is shutting down");
  }

  #write(opcode: number, payload: Uint8Array): void {
    this.#socket!.write(encodeFrame(opcode, payload));
  }

  /** Sends our close frame (once); the connection is closing from now on. */
  #sendClose(code: number, reason: string): void {
    if (this.#closeSent || this.#state === "closed") return;
    this.#closeSent = true;
    this.#state = "closing";
    this.#closingSince = Date.now();
    this.#write(Opcode.Close, closePayload(code, reason));
    if (this.#closeReceived) this.#finish();
  }

  /** Both close frames went (or the connection failed): the server closes the TCP connection. */
  #finish(): void {
    this.#deaf = true;
    this.#socket!.end();
  }

  onData(chunk: Buffer): void {
    if (this.#deaf || this.#state === "closed") return;
    this.#heard = Date.now();
    this.#answered = true;
    try {
      this.#parser.feed(chunk);
    } catch (e) {
      if (!(e instanceof FrameError)) throw e;
      this.#fail(e.code, e.message);
    }
  }

  /** Fails the connection (RFC 6455 §7.1.7): a close frame with `code`, then the TCP close. */
  #fail(code: number, reason: string): void {
    if (!this.#closeReceived) {
      this.#code = code;
      this.#reason = reason;
    }
    this.#deaf = true;
    if (!this.#closeSent) {
      this.#closeSent = true;
      this.#state = "closing";
      this.#closingSince = Date.now();
      this.#write(Opcode.Close, closePayload(code, reason.slice(0, 120)));
    }
    // Half-close: what the peer still sends is read and dropped, so that it sees the close
    // frame rather than a reset.
    this.#socket!.end();
  }

  #message(data: string | Uint8Array): void {
    if (this.#state !== "open") return;
    this.#events.message(data);
  }

  #control(opcode: number, payload: Uint8Array): void {
    if (opcode === Opcode.Ping) {
      if (this.#state === "open") this.#write(Opcode.Pong, payload);
    } else if (opcode === Opcode.Pong) {
      this.#events.pong?.(payload);
    } else {
      const { code, reason } = readClose(payload);
      this.#closeReceived = true;
      this.#code = code;
      this.#reason = reason;
      if (this.#closeSent) this.#finish();
      else this.#sendClose(code === CloseCode.NoStatus ? CloseCode.NoStatus : code, "");
    }
  }

  onEnd(): void {
    // The peer closed its side: nothing more will come. Without its close frame, the
    // connection dropped (1006).
    this.#deaf = true;
    this.#socket?.destroy();
  }

  onClose(): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    if (this.#reported) return;
    this.#reported = true;
    this.#events.close(this.#code, this.#reason, this.#closeSent && this.#closeReceived);
  }

  sweep(): void {
    const state = this.#state;
    if (state === "closed" || this.#socket === null) return;
    const now = Date.now();
    if (state === "closing") {
      if (now - this.#closingSince > CLOSE_WAIT_MS) this.#socket.destroy();
      return;
    }
    if (this.#idleMs > 0 && now - this.#heard >= this.#idleMs) {
      this.#sendClose(CloseCode.GoingAway, "Idle timeout");
      return;
    }
    if (this.#heartbeatMs > 0 && now - this.#pinged >= this.#heartbeatMs) {
      if (!this.#answered) {
        // Nothing arrived since the last ping, not even its pong: the peer is gone.
        this.#reason = "No answer to ping";
        this.#socket.destroy();
        return;
      }
      this.#answered = false;
      this.#pinged = now;
      this.#write(Opcode.Ping, EMPTY);
    }
  }
}

/** What a request of the engine needs to prepare its upgrade. */
export interface UpgradeRequest {
  readonly method: string;
  readonly protocol: string;
  header(name: string): string | null;
}

/** Prepares the upgrade of an engine request (see `IncomingRequest.upgradeWebSocket`). */
export function prepareUpgrade(
  request: UpgradeRequest,
  hasBody: boolean,
  stopping: boolean,
  events: WebSocketEvents,
  options: WebSocketUpgradeOptions,
): { upgrade: WebSocketUpgrade; socket: WireWebSocket } {
  const headers = checkHandshake(request, hasBody, options.protocol);
  if (stopping) {
    throw new WebSocketHandshakeError(503, "The server is shutting down: try again later.");
  }
  const socket = new WireWebSocket(events, options, headers);
  return { upgrade: { socket, headers }, socket };
}

/** The head of the `101` answer for `out`, with the handshake's headers and a `Date`. */
export function switchingHead(
  out: OutgoingResponse,
  handshake: ReadonlyArray<readonly [string, string]>,
  date: string,
): string {
  let head = `HTTP/1.1 101 ${out.statusText || "Switching Protocols"}\r\n`;
  let dated = false;
  for (const [name, value] of switchingHeaders(out.headers, handshake)) {
    if (name.toLowerCase() === "date") dated = true;
    head += `${name}: ${value.replace(/[\r\n]/g, " ")}\r\n`;
  }
  if (!dated) head += `Date: ${date}\r\n`;
  return head + "\r\n";
}
