/**
 * The chunked request body decoder (RFC 9112 §7.1) of the project's own HTTP/1.1 engine: sizes,
 * extensions and trailers read as the bytes arrive, split anywhere. Pure code on bytes: no
 * sockets here.
 *
 * @module
 */

import { CONTROL, trimOWS } from "./_http1.ts";

/** A malformed chunked body: the connection cannot be read any further. */
export class ChunkedBodyError extends Error {
  /** Creates the error, saying what was wrong. */
  constructor(message: string) {
    super(`Malformed chunked request body: ${message}`);
    this.name = "ChunkedBodyError";
  }
}

const ChunkState = { Size: 0, Data: 1, DataEnd: 2, Trailers: 3, Done: 4 } as const;

/** The longest chunk-size line (with extensions) and the most trailer bytes accepted. */
const MAX_CHUNK_LINE = 4096;
const MAX_TRAILERS = 16384;

/**
 * Decodes a chunked body (RFC 9112 §7.1) as its bytes arrive: {@link ChunkedDecoder.feed}
 * hands the data to `onData` and says how many bytes belonged to the body. Extensions are
 * ignored; trailers are read and dropped.
 */
export class ChunkedDecoder {
  #state: number = ChunkState.Size;
  #remaining = 0;
  #line = "";
  #trailerBytes = 0;

  /** `true` once the last chunk and the trailers were read. */
  get done(): boolean {
    return this.#state === ChunkState.Done;
  }

  /**
   * Reads what it can of `bytes` (from `start`), giving chunk data to `onData`. Returns the
   * index after the last byte of the body that was read; throws {@link ChunkedBodyError}.
   */
  feed(bytes: Uint8Array, start: number, onData: (chunk: Uint8Array) => void): number {
    let i = start;
    const n = bytes.length;
    while (i < n && this.#state !== ChunkState.Done) {
      switch (this.#state) {
        case ChunkState.Data: {
          const take = Math.min(this.#remaining, n - i);
          onData(bytes.subarray(i, i + take));
          i += take;
          this.#remaining -= take;
          if (this.#remaining === 0) this.#state = ChunkState.DataEnd;
          break;
        }
        case ChunkState.DataEnd: {
          // The CRLF after the data, possibly split over two reads.
          const expected = this.#line === "" ? 13 : 10;
          if (bytes[i] !== expected) throw new ChunkedBodyError("chunk data not followed by CRLF");
          i++;
          if (expected === 13) this.#line = "\r";
          else {
            this.#line = "";
            this.#state = ChunkState.Size;
          }
          break;
        }
        default: {
          const lf = bytes.indexOf(10, i);
          const end = lf < 0 ? n : lf + 1;
          for (let j = i; j < end; j++) this.#line += String.fromCharCode(bytes[j]!);
          i = end;
          if (this.#state === ChunkState.Trailers) {
            if (this.#trailerBytes + this.#line.length > MAX_TRAILERS) {
              throw new ChunkedBodyError("trailers too large");
            }
          } else if (this.#line.length > MAX_CHUNK_LINE) {
            throw new ChunkedBodyError("chunk-size line too long");
          }
          if (lf < 0) break;
          this.#endLine();
        }
      }
    }
    return i;
  }

  #endLine(): void {
    const line = this.#line;
    this.#line = "";
    if (line.length < 2 || line.charCodeAt(line.length - 2) !== 13) {
      throw new ChunkedBodyError("lines must end in CRLF");
    }
    const text = line.slice(0, -2);
    if (this.#state === ChunkState.Trailers) {
      this.#trailerBytes += line.length;
      if (text === "") this.#state = ChunkState.Done;
      else if (CONTROL.test(text) || text.indexOf(":") <= 0) {
        throw new ChunkedBodyError("bad trailer field");
      }
      return;
    }
    const semi = text.indexOf(";");
    const size = trimOWS(semi < 0 ? text : text.slice(0, semi));
    if (!/^[0-9A-Fa-f]{1,12}$/.test(size)) throw new ChunkedBodyError("bad chunk size");
    if (CONTROL.test(text)) throw new ChunkedBodyError("bad chunk extension");
    this.#remaining = parseInt(size, 16);
    this.#state = this.#remaining === 0 ? ChunkState.Trailers : ChunkState.Data;
  }
}
