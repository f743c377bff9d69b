/**
 * `WebSocketPlugin`: the engine side of WebSockets, as ws4py's plugin for CherryPy is. It tracks
 * every open WebSocket that `tools.websocket` announces on the `handle-websocket` channel,
 * sends what is published on `websocket-broadcast` to each of them, and closes them all with
 * 1001 (Going Away) when the engine stops, waiting for their closing handshakes.
 *
 * @module
 */

import type { Bus, Listener } from "../bus/mod.ts";
import { SimplePlugin } from "./simple_plugin.ts";

/**
 * What the plugin needs of a WebSocket handler (the framework's `WebSocketHandler`).
 *
 * @example Track a connection by hand
 * ```ts
 * import { Bus, type ManagedWebSocket, WebSocketPlugin } from "../mod.ts";
 * declare const ws: ManagedWebSocket;
 * const plugin = new WebSocketPlugin(new Bus());
 * plugin.handle(ws);
 * plugin.broadcast("hello");
 * ```
 */
export interface ManagedWebSocket {
  /** `true` once the connection is closed. */
  readonly terminated: boolean;
  /** Sends a message (text for a string unless `binary`). */
  send(payload: string | Uint8Array, binary?: boolean): void;
  /** Starts the closing handshake. */
  close(code?: number, reason?: string): void;
  /** Resolves once the connection is closed. */
  readonly whenClosed: Promise<unknown>;
}

function named(fn: Listener, name: string): Listener {
  Object.defineProperty(fn, "name", { value: name });
  return fn;
}

/**
 * Tracks the WebSockets of a site: `websocket-broadcast` reaches each, and the engine's stop
 * closes them with 1001, waiting up to {@link WebSocketPlugin.closeTimeout} seconds for them to
 * finish closing.
 *
 * @example Subscribe it, then broadcast from anywhere
 * ```ts
 * import * as cherrypy from "../mod.ts";
 * new cherrypy.WebSocketPlugin(cherrypy.engine).subscribe();
 * // Later, from a handler or a background task:
 * await cherrypy.engine.publish("websocket-broadcast", "Server news");
 * ```
 */
export class WebSocketPlugin extends SimplePlugin {
  /** The open WebSockets. */
  readonly sockets: Set<ManagedWebSocket> = new Set();
  /** Seconds the engine's stop waits for the WebSockets to finish closing (default 5). */
  closeTimeout = 5;
  readonly #handle = named(
    (ws: ManagedWebSocket) => this.handle(ws),
    "WebSocketPlugin.handle",
  );
  readonly #broadcast = named(
    (message: string | Uint8Array, binary?: boolean) => this.broadcast(message, binary),
    "WebSocketPlugin.broadcast",
  );

  /** Creates the plugin for `bus`; nothing is subscribed until {@link WebSocketPlugin.subscribe}. */
  constructor(bus: Bus) {
    super(bus);
  }

  /** Subscribes `start`, `stop`, `handle-websocket` and `websocket-broadcast`. */
  override subscribe(): void {
    super.subscribe();
    this.bus.subscribe("handle-websocket", this.#handle);
    this.bus.subscribe("websocket-broadcast", this.#broadcast);
  }

  /** Undoes {@link WebSocketPlugin.subscribe}. */
  override unsubscribe(): void {
    super.unsubscribe();
    this.bus.unsubscribe("handle-websocket", this.#handle);
    this.bus.unsubscribe("websocket-broadcast", this.#broadcast);
  }

  /** Logs that WebSocket processing starts. */
  start(): void {
    this.bus.log("Starting WebSocket processing");
  }

  /** Closes every WebSocket with 1001 and waits (up to `closeTimeout`) until they are closed. */
  async stop(): Promise<void> {
    this.bus.log("Terminating WebSocket processing");
    await this.closeAll();
  }

  /** Tracks `ws` until it closes (the `handle-websocket` channel). */
  handle(ws: ManagedWebSocket): void {
    if (ws.terminated) return;
    this.sockets.add(ws);
    ws.whenClosed.then(() => this.sockets.delete(ws), () => this.sockets.delete(ws));
  }

  /**
   * Sends `message` to every open WebSocket (the `websocket-broadcast` channel): a string as
   * text unless `binary`, bytes as binary. A socket that fails to take it is skipped.
   */
  broadcast(message: string | Uint8Array, binary?: boolean): void {
    for (const ws of this.sockets) {
      if (ws.terminated) continue;
      try {
        ws.send(message, binary);
      } catch {
        // Closing already: it no longer takes messages.
      }
    }
  }

  /**
   * Closes every WebSocket with `code` (default 1001) and `reason`; resolves once all are
   * closed, or after `closeTimeout` seconds.
   */
  async closeAll(code = 1001, reason = "Server is shutting down"): Promise<void> {
    const open = [...this.sockets];
    if (open.length === 0) return;
    for (const ws of open) {
      try {
        ws.close(code, reason);
      } catch {
        // Closing already.
      }
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.closeTimeout * 1000);
    });
    await Promise.race([Promise.allSettled(open.map((ws) => ws.whenClosed)), deadline]);
    clearTimeout(timer);
  }
}
