/**
 * WebSocket framing (RFC 6455 §5), as a server reads and writes it: client frames are parsed
 * (masked, possibly fragmented, text checked as UTF-8 frame by frame, messages limited in
 * size) and server frames encoded (never masked). A frame that breaks the protocol throws a
 * {@link FrameError} carrying the close code to fail the connection with.
 *
 * @module
 */

import { Buffer } from "node:buffer";

/** Opcodes (RFC 6455 §5.2). */
export const Opcode = {
  Continuation: 0,
  Text: 1,
  Binary: 2,
  Close: 8,
  Ping: 9,
  Pong: 10,
} as const;

/** Close codes (RFC 6455 §7.4.1). */
export const CloseCode = {
  Normal: 1000,
  GoingAway: 1001,
  ProtocolError: 1002,
  Unsupported: 1003,
  NoStatus: 1005,
  Abnormal: 1006,
  InvalidData: 1007,
  PolicyViolation: 1008,
  TooBig: 1009,
  InternalError: 1011,
} as const;

/** A frame that breaks the protocol: the connection is failed with `code`. */
export class FrameError extends Error {
  /** The close code to send. */
  readonly code: number;
  /** Creates the error. */
  constructor(code: number, message: string) {
    super(message);
    this.name = "FrameError";
    this.code = code;
  }
}

/**
 * `true` for a code an endpoint may send in a close frame: 1000-1003, 1007-1014 (1004, 1005,
 * 1006 and 1015 are reserved for reports), or 3000-4999 (registered and private codes).
 */
export function validCloseCode(code: number): boolean {
  return Number.isInteger(code) &&
    ((code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
      (code >= 3000 && code <= 4999));
}

/** One server frame (FIN set, unmasked): `opcode` with `payload`. */
export function encodeFrame(opcode: number, payload: Uint8Array): Buffer {
  const n = payload.length;
  const size = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(size + n);
  frame[0] = 0x80 | opcode;
  if (n < 126) frame[1] = n;
  else if (n < 65536) {
    frame[1] = 126;
    frame.writeUInt16BE(n, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(n / 0x100000000), 2);
    frame.writeUInt32BE(n >>> 0, 6);
  }
  frame.set(payload, size);
  return frame;
}

/** The payload of a close frame: the code (none for 1005) and the reason. */
export function closePayload(code: number, reason: string): Uint8Array {
  if (code === CloseCode.NoStatus) return new Uint8Array(0);
  const text = Buffer.from(reason, "utf8");
  const payload = Buffer.allocUnsafe(2 + text.length);
  payload.writeUInt16BE(code, 0);
  payload.set(text, 2);
  return payload;
}

/** Checks a close code and reason an application asks to send; throws what is wrong. */
export function checkClose(code: number, reason: string): void {
  if (!validCloseCode(code)) {
    throw new RangeError(
      `A WebSocket close code must be 1000-1003, 1007-1014 or 3000-4999; got ${code}.`,
    );
  }
  if (Buffer.byteLength(reason, "utf8") > 123) {
    throw new RangeError("A WebSocket close reason must be at most 123 bytes of UTF-8.");
  }
}

/** What a {@link FrameParser} delivers. */
export interface FrameSink {
  /** A whole data message: text decoded, binary as bytes. */
  message(data: string | Uint8Array): void;
  /** A ping, pong or close frame, with its (unmasked) payload. */
  control(opcode: number, payload: Uint8Array): void;
}

/** Reads the close code and reason of a close frame's payload; throws a {@link FrameError}. */
export function readClose(payload: Uint8Array): { code: number; reason: string } {
  if (payload.length === 0) return { code: CloseCode.NoStatus, reason: "" };
  if (payload.length === 1) {
    throw new FrameError(CloseCode.ProtocolError, "A close frame cannot carry 1 byte.");
  }
  const code = (payload[0]! << 8) | payload[1]!;
  if (!validCloseCode(code)) {
    throw new FrameError(CloseCode.ProtocolError, `Invalid close code ${code}.`);
  }
  let reason: string;
  try {
    reason = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(payload.subarray(2));
  } catch {
    throw new FrameError(CloseCode.InvalidData, "The close reason is not valid UTF-8.");
  }
  return { code, reason };
}

/** XORs `bytes` with the 4-byte `mask`, starting at mask position `offset`. */
function unmask(bytes: Uint8Array, mask: Uint8Array, offset: number): void {
  for (let i = 0; i < bytes.length; i++) bytes[i]! ^= mask[(offset + i) & 3]!;
}

const EMPTY = new Uint8Array(0);

/**
 * Parses the frames a client sends, as bytes arrive ({@link FrameParser.feed}). Data messages
 * larger than `maxMessage` bytes (0: no limit) fail before their payload is read.
 */
export class FrameParser {
  readonly #sink: FrameSink;
  readonly #max: number;
  /** Header bytes received of the frame being read. */
  #head = Buffer.alloc(14);
  #headLength = 0;
  // The frame being read (once its header is complete).
  #inFrame = false;
  #fin = false;
  #opcode = 0;
  #mask = new Uint8Array(4);
  #remaining = 0;
  #received = 0;
  #chunks: Uint8Array[] = [];
  // The data message being assembled (its first frame's opcode; 0: none).
  #message = 0;
  #size = 0;
  #parts: Uint8Array[] = [];
  #text = "";
  #decoder: TextDecoder | null = null;

  /** Delivers what it parses to `sink`. */
  constructor(sink: FrameSink, maxMessage: number) {
    this.#sink = sink;
    this.#max = maxMessage;
  }

  /** Parses `chunk`; throws a {@link FrameError} when a frame breaks the protocol. */
  feed(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length) {
      if (!this.#inFrame) {
        at = this.#readHead(chunk, at);
        if (!this.#inFrame) return;
        if (this.#remaining === 0) {
          this.#frameDone(EMPTY);
          continue;
        }
      }
      const take = Math.min(this.#remaining, chunk.length - at);
      const piece = chunk.subarray(at, at + take);
      at += take;
      unmask(piece, this.#mask, this.#received);
      this.#received += take;
      this.#remaining -= take;
      if (this.#remaining > 0) {
        // Each chunk the engine delivers is a fresh buffer: keeping a view of it is safe.
        this.#chunks.push(piece);
        return;
      }
      const chunks = this.#chunks;
      let payload: Uint8Array = piece;
      if (chunks.length > 0) {
        chunks.push(piece);
        payload = Buffer.concat(chunks);
        this.#chunks = [];
      }
      this.#frameDone(payload);
    }
  }

  /** Reads header bytes from `chunk` at `at`; returns where it stopped. */
  #readHead(chunk: Uint8Array, at: number): number {
    const head = this.#head;
    while (at < chunk.length) {
      head[this.#headLength++] = chunk[at++]!;
      // What the first two bytes say is checked at once: a bad frame fails before the rest.
      if (this.#headLength === 2) this.#checkStart(head[0]!, head[1]!);
      if (this.#headLength >= 2 && this.#headLength === this.#headSize()) {
        this.#startFrame();
        return at;
      }
    }
    return at;
  }

  /** The header's full size, from its first two bytes. */
  #headSize(): number {
    const len = this.#head[1]! & 0x7f;
    return 2 + (len === 126 ? 2 : len === 127 ? 8 : 0) + 4;
  }

  /** Checks the first two bytes of a frame: reserved bits, mask, opcode, control frames. */
  #checkStart(b0: number, b1: number): void {
    if (b0 & 0x70) {
      throw new FrameError(CloseCode.ProtocolError, "Reserved bits set (no extension agreed).");
    }
    if (!(b1 & 0x80)) throw new FrameError(CloseCode.ProtocolError, "A client frame is unmasked.");
    const opcode = b0 & 0x0f;
    if (opcode >= 8) {
      if (opcode > Opcode.Pong) {
        throw new FrameError(CloseCode.ProtocolError, `Unknown opcode ${opcode}.`);
      }
      if (!(b0 & 0x80)) {
        throw new FrameError(CloseCode.ProtocolError, "A control frame is fragmented.");
      }
      if ((b1 & 0x7f) > 125) {
        throw new FrameError(CloseCode.ProtocolError, "A control frame is over 125 bytes.");
      }
    } else if (opcode === Opcode.Continuation) {
      if (this.#message === 0) {
        throw new FrameError(CloseCode.ProtocolError, "A continuation frame starts no message.");
      }
    } else if (opcode === Opcode.Text || opcode === Opcode.Binary) {
      if (this.#message !== 0) {
        throw new FrameError(CloseCode.ProtocolError, "A new message inside a fragmented one.");
      }
    } else throw new FrameError(CloseCode.ProtocolError, `Unknown opcode ${opcode}.`);
  }

  #startFrame(): void {
    const head = this.#head;
    const b0 = head[0]!;
    const b1 = head[1]!;
    this.#headLength = 0;
    const fin = (b0 & 0x80) !== 0;
    const opcode = b0 & 0x0f;
    let length = b1 & 0x7f;
    let at = 2;
    if (length === 126) {
      length = head.readUInt16BE(2);
      at = 4;
    } else if (length === 127) {
      const high = head.readUInt32BE(2);
      if (high & 0x80000000) {
        throw new FrameError(CloseCode.ProtocolError, "A 64-bit frame length has its top bit set.");
      }
      length = high * 0x100000000 + head.readUInt32BE(6);
      at = 10;
    }
    if (opcode === Opcode.Text || opcode === Opcode.Binary) {
      this.#message = opcode;
      this.#size = 0;
    }
    if (opcode < 8) {
      this.#size += length;
      if (this.#max > 0 && this.#size > this.#max) {
        throw new FrameError(
          CloseCode.TooBig,
          `Message over the limit of ${this.#max} bytes.`,
        );
      }
    }
    this.#mask.set(head.subarray(at, at + 4));
    this.#fin = fin;
    this.#opcode = opcode;
    this.#remaining = length;
    this.#received = 0;
    this.#inFrame = true;
  }

  #frameDone(payload: Uint8Array): void {
    this.#inFrame = false;
    const opcode = this.#opcode;
    if (opcode >= 8) {
      this.#sink.control(opcode, payload);
      return;
    }
    const fin = this.#fin;
    if (this.#message === Opcode.Text) {
      const decoder = this.#decoder ??= new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
      try {
        this.#text += decoder.decode(payload, { stream: !fin });
      } catch {
        this.#decoder = null;
        throw new FrameError(CloseCode.InvalidData, "A text message is not valid UTF-8.");
      }
      if (!fin) return;
      const text = this.#text;
      this.#text = "";
      this.#message = 0;
      this.#sink.message(text);
      return;
    }
    if (!fin) {
      this.#parts.push(payload);
      return;
    }
    const parts = this.#parts;
    let data = payload;
    if (parts.length > 0) {
      parts.push(payload);
      data = Buffer.concat(parts);
      this.#parts = [];
    }
    this.#message = 0;
    this.#sink.message(data);
  }
}
