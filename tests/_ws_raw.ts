/**
 * A raw WebSocket client for protocol tests: it performs the handshake over a plain socket,
 * then writes exactly the frames a test asks for (masked or not, fragmented, reserved bits,
 * bad opcodes) and reads the server's frames one by one.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";

/** A frame the server sent. */
export interface ServerFrame {
  fin: boolean;
  rsv: number;
  opcode: number;
  masked: boolean;
  payload: Buffer;
}

/** How {@link RawWebSocket.frame} builds a frame. */
export interface FrameOptions {
  /** The FIN bit (default true). */
  fin?: boolean;
  /** Mask the payload, as a client must (default true). */
  mask?: boolean;
  /** The reserved bits RSV1-3 as a 3-bit number (default 0). */
  rsv?: number;
  /** A declared length other than the payload's (for lying headers). */
  length?: number;
}

/** A client connection after a successful handshake. */
export interface RawWebSocket {
  socket: Socket;
  /** The server's handshake answer (status line and headers). */
  head: string;
  /** Writes one frame. */
  frame(opcode: number, payload?: Uint8Array | string, options?: FrameOptions): void;
  /** Writes a masked close frame with `code` and `reason`. */
  closeFrame(code?: number, reason?: string): void;
  /** The next frame from the server (rejects when the connection closes first, or after `ms`). */
  next(ms?: number): Promise<ServerFrame>;
  /** Resolves when the server closed the connection. */
  closed: Promise<void>;
  /** `true` once the connection closed. */
  isClosed(): boolean;
  /** Closes the connection at once. */
  destroy(): void;
}

/** Encodes a client frame. */
export function encodeClientFrame(
  opcode: number,
  payload: Uint8Array,
  options: FrameOptions = {},
): Buffer {
  const fin = options.fin ?? true;
  const mask = options.mask ?? true;
  const n = options.length ?? payload.length;
  const head: number[] = [(fin ? 0x80 : 0) | ((options.rsv ?? 0) << 4) | opcode];
  const m = mask ? 0x80 : 0;
  if (n < 126) head.push(m | n);
  else if (n < 65536) head.push(m | 126, n >> 8, n & 0xff);
  else {
    head.push(m | 127);
    const big = Buffer.alloc(8);
    big.writeBigUInt64BE(BigInt(n));
    head.push(...big);
  }
  let body = Buffer.from(payload);
  if (mask) {
    const key = randomBytes(4);
    head.push(...key);
    body = Buffer.from(body.map((b, i) => b ^ key[i & 3]!));
  }
  return Buffer.concat([Buffer.from(head), body]);
}

/**
 * Connects to `127.0.0.1:port` (over TLS to `localhost` trusting `tls.ca`), sends a handshake
 * for `path` (extra headers in `headers`) and resolves once the server answered `101`; rejects
 * with the answer otherwise.
 */
export function rawWebSocket(
  port: number,
  path = "/",
  headers: Record<string, string> = {},
  tls?: { ca: string },
): Promise<RawWebSocket> {
  return new Promise((resolve, reject) => {
    const socket: Socket = tls
      ? tlsConnect({ host: "127.0.0.1", port, ca: tls.ca, servername: "localhost" })
      : connect({ host: "127.0.0.1", port });
    let buffer = Buffer.alloc(0);
    let head: string | null = null;
    let closed = false;
    const frames: ServerFrame[] = [];
    const waiters: Array<() => void> = [];
    const wake = () => {
      for (const w of waiters.splice(0)) w();
    };
    const closedP = new Promise<void>((r) =>
      socket.once("close", () => {
        closed = true;
        r();
        wake();
        if (head === null) reject(new Error(`closed before the handshake: ${buffer}`));
      })
    );
    socket.on("error", () => {});
    const parse = () => {
      for (;;) {
        if (buffer.length < 2) return;
        const b0 = buffer[0]!;
        const b1 = buffer[1]!;
        let n = b1 & 0x7f;
        let at = 2;
        if (n === 126) {
          if (buffer.length < 4) return;
          n = buffer.readUInt16BE(2);
          at = 4;
        } else if (n === 127) {
          if (buffer.length < 10) return;
          n = Number(buffer.readBigUInt64BE(2));
          at = 10;
        }
        const masked = (b1 & 0x80) !== 0;
        if (masked) at += 4;
        if (buffer.length < at + n) return;
        frames.push({
          fin: (b0 & 0x80) !== 0,
          rsv: (b0 >> 4) & 7,
          opcode: b0 & 0x0f,
          masked,
          payload: Buffer.from(buffer.subarray(at, at + n)),
        });
        buffer = buffer.subarray(at + n);
        wake();
      }
    };
    socket.on("data", (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (head === null) {
        const end = buffer.indexOf("\r\n\r\n");
        if (end < 0) return;
        head = buffer.subarray(0, end).toString("latin1");
        buffer = buffer.subarray(end + 4);
        if (!head.startsWith("HTTP/1.1 101 ")) {
          socket.destroy();
          reject(new Error(`no switch:\n${head}`));
          return;
        }
        resolve(ws);
      }
      parse();
    });
    const ws: RawWebSocket = {
      socket,
      get head() {
        return head ?? "";
      },
      frame(opcode, payload = new Uint8Array(0), options = {}) {
        const bytes = typeof payload === "string" ? Buffer.from(payload, "utf8") : payload;
        socket.write(encodeClientFrame(opcode, bytes, options));
      },
      closeFrame(code = 1000, reason = "") {
        const p = Buffer.alloc(2 + Buffer.byteLength(reason));
        p.writeUInt16BE(code, 0);
        p.write(reason, 2);
        this.frame(8, p);
      },
      next(ms = 5000) {
        return new Promise((res, rej) => {
          const timer = setTimeout(() => rej(new Error("no frame in time")), ms);
          const check = () => {
            const f = frames.shift();
            if (f !== undefined) {
              clearTimeout(timer);
              res(f);
            } else if (closed) {
              clearTimeout(timer);
              rej(new Error("closed without another frame"));
            } else waiters.push(check);
          };
          check();
        });
      },
      closed: closedP,
      isClosed: () => closed,
      destroy: () => socket.destroy(),
    };
    const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("");
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
        `Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\n${extra}\r\n`,
    );
  });
}

/** The close code and reason of a close frame's payload. */
export function closeOf(frame: ServerFrame): { code: number; reason: string } {
  if (frame.opcode !== 8) throw new Error(`not a close frame: opcode ${frame.opcode}`);
  if (frame.payload.length < 2) return { code: 1005, reason: "" };
  return { code: frame.payload.readUInt16BE(0), reason: frame.payload.subarray(2).toString() };
}

/** Opens a WebSocket with the runtime's own client; resolves once open. */
export function openWebSocket(url: string, protocols?: string | string[]): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = protocols === undefined ? new WebSocket(url) : new WebSocket(url, protocols);
    ws.binaryType = "arraybuffer";
    ws.onopen = () => resolve(ws);
    ws.onerror = () => reject(new Error(`could not open ${url}`));
  });
}

/** The messages a runtime WebSocket receives, queued from the moment this is called. */
export interface Inbox {
  /** The next message (text, or bytes); rejects after `ms`. */
  next(ms?: number): Promise<string | Uint8Array>;
  /** The messages received and not yet taken. */
  readonly queued: Array<string | Uint8Array>;
}

/** Starts queuing what `ws` receives. */
export function inbox(ws: WebSocket): Inbox {
  const queued: Array<string | Uint8Array> = [];
  const waiters: Array<() => void> = [];
  ws.addEventListener("message", (e) => {
    const data = (e as MessageEvent).data;
    queued.push(typeof data === "string" ? data : new Uint8Array(data as ArrayBuffer));
    for (const w of waiters.splice(0)) w();
  });
  return {
    queued,
    next(ms = 5000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no message in time")), ms);
        const check = () => {
          if (queued.length > 0) {
            clearTimeout(timer);
            resolve(queued.shift()!);
          } else waiters.push(check);
        };
        check();
      });
    },
  };
}

/** Resolves with the close event's code, reason and cleanliness. */
export function closeEvent(
  ws: WebSocket,
  ms = 10_000,
): Promise<{ code: number; reason: string; wasClean: boolean }> {
  return new Promise((resolve, reject) => {
    if (ws.readyState === WebSocket.CLOSED) {
      reject(new Error("already closed: listen before it closes"));
      return;
    }
    const timer = setTimeout(() => reject(new Error("no close in time")), ms);
    ws.addEventListener("close", (e) => {
      clearTimeout(timer);
      const c = e as CloseEvent;
      resolve({ code: c.code, reason: c.reason, wasClean: c.wasClean });
    }, { once: true });
  });
}
