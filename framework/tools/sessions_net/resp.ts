/**
 * RESP, the Redis serialization protocol: commands encoded as arrays of bulk strings, and a
 * reply parser for RESP2 (simple strings, errors, integers, bulk strings, arrays) and the RESP3
 * types (null, booleans, doubles, big numbers, verbatim strings, maps, sets, attributes, push
 * messages, blob errors).
 *
 * @module
 */

import { INCOMPLETE, lineEnd, type Parser, SKIP, textOf } from "./_link.ts";

/** A reply from Redis. Bulk strings are text (UTF-8) unless bytes were asked for. */
export type RedisReply =
  | string
  | Uint8Array
  | number
  | bigint
  | boolean
  | null
  | RedisReply[]
  | Map<RedisReply, RedisReply>;

/** An argument of a command: text (sent as UTF-8), bytes, or a number. */
export type RedisArg = string | Uint8Array | number;

/**
 * An error reply from Redis (`-ERR ...`, `-WRONGTYPE ...`, `-NOSCRIPT ...`); `code` is its
 * first word.
 *
 * @example Reading the code of an error reply
 * ```ts
 * import { RedisError } from "./resp.ts";
 * const error = new RedisError("WRONGTYPE Operation against a key holding the wrong kind of value");
 * error.code; // "WRONGTYPE"
 * ```
 */
export class RedisError extends Error {
  /** The error's first word (`ERR`, `WRONGTYPE`, `NOAUTH`, `WRONGPASS`, ...). */
  readonly code: string;
  /** Creates the error from the server's message. */
  constructor(message: string) {
    super(message);
    this.name = "RedisError";
    this.code = message.match(/^([A-Z][A-Z_]*)\b/)?.[1] ?? "ERR";
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const CRLF = encoder.encode("\r\n");

/** `args` as one RESP command (an array of bulk strings). */
export function encodeCommand(args: readonly RedisArg[]): Uint8Array {
  if (args.length === 0) throw new TypeError("redis: a command needs at least its name.");
  const parts: Uint8Array[] = [encoder.encode(`*${args.length}\r\n`)];
  let size = parts[0]!.length;
  for (const arg of args) {
    let bytes: Uint8Array;
    if (typeof arg === "string") bytes = encoder.encode(arg);
    else if (typeof arg === "number") {
      if (!Number.isFinite(arg)) throw new TypeError(`redis: ${arg} is not a finite number.`);
      bytes = encoder.encode(String(arg));
    } else if (arg instanceof Uint8Array) bytes = arg;
    else throw new TypeError(`redis: an argument must be a string, bytes or a number: ${arg}`);
    const head = encoder.encode(`$${bytes.length}\r\n`);
    parts.push(head, bytes, CRLF);
    size += head.length + bytes.length + 2;
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A parse step: the value and where it ends, or incomplete. */
type Step = readonly [RedisReply | RedisError, number] | typeof INCOMPLETE;

const ATTRIBUTE = Symbol("attribute");

function parseAt(bytes: Uint8Array, at: number, asBytes: boolean): Step {
  if (at >= bytes.length) return INCOMPLETE;
  const end = lineEnd(bytes, at + 1);
  if (end === -1) return INCOMPLETE;
  const type = bytes[at]!;
  const line = textOf(bytes, at + 1, end);
  const next = end + 2;
  switch (type) {
    case 0x2b: // + simple string
      return [line, next];
    case 0x2d: // - error
      return [new RedisError(line), next];
    case 0x3a: // : integer
      return [integer(line), next];
    case 0x24: // $ bulk string
    case 0x21: // ! blob error
    case 0x3d: { // = verbatim string
      const size = Number(line);
      if (line === "-1" && type === 0x24) return [null, next];
      if (!Number.isSafeInteger(size) || size < 0) throw new Error(`a bad length ${line}`);
      if (bytes.length < next + size + 2) return INCOMPLETE;
      if (bytes[next + size] !== 13 || bytes[next + size + 1] !== 10) {
        throw new Error("a bulk string not ended by CRLF");
      }
      const body = bytes.subarray(next, next + size);
      if (type === 0x21) return [new RedisError(decoder.decode(body)), next + size + 2];
      if (type === 0x3d) return [decoder.decode(body.subarray(4)), next + size + 2];
      return [asBytes ? body.slice() : decoder.decode(body), next + size + 2];
    }
    case 0x5f: // _ null
      return [null, next];
    case 0x23: // # boolean
      return [line === "t", next];
    case 0x2c: // , double
      return [line === "inf" ? Infinity : line === "-inf" ? -Infinity : Number(line), next];
    case 0x28: // ( big number
      return [BigInt(line), next];
    case 0x2a: // * array
    case 0x7e: // ~ set
    case 0x3e: // > push
    case 0x25: // % map
    case 0x7c: { // | attribute
      if (line === "-1") return [null, next];
      const count = Number(line);
      if (!Number.isSafeInteger(count) || count < 0) throw new Error(`a bad length ${line}`);
      const pairs = type === 0x25 || type === 0x7c;
      const items: Array<RedisReply | RedisError> = [];
      let pos = next;
      for (let i = 0; i < (pairs ? count * 2 : count); i++) {
        const step = parseValue(bytes, pos, asBytes);
        if (step === INCOMPLETE) return INCOMPLETE;
        items.push(step[0]);
        pos = step[1];
      }
      if (type === 0x7c) return [ATTRIBUTE as unknown as RedisReply, pos];
      if (!pairs) return [items as RedisReply[], pos];
      const map = new Map<RedisReply, RedisReply>();
      for (let i = 0; i < items.length; i += 2) {
        map.set(items[i] as RedisReply, items[i + 1] as RedisReply);
      }
      return [map, pos];
    }
    default:
      throw new Error(`an unknown reply type ${JSON.stringify(String.fromCharCode(type))}`);
  }
}

/** A value, skipping the attributes (`|`) that may come before it. */
function parseValue(bytes: Uint8Array, at: number, asBytes: boolean): Step {
  for (;;) {
    const step = parseAt(bytes, at, asBytes);
    if (step === INCOMPLETE) return step;
    if (step[0] !== (ATTRIBUTE as unknown)) return step;
    at = step[1];
  }
}

function integer(text: string): number | bigint {
  if (!/^-?\d+$/.test(text)) throw new Error(`a bad integer ${text}`);
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

/**
 * The parser of one reply. An error reply becomes a {@link RedisError} (the connection goes
 * on); a push message (RESP3 `>`) answers no request and is skipped. With `asBytes`, bulk
 * strings are `Uint8Array`s.
 */
export function replyParser(asBytes = false): Parser<RedisReply> {
  return (bytes) => {
    const push = bytes[0] === 0x3e;
    const step = parseValue(bytes, 0, asBytes);
    if (step === INCOMPLETE) return INCOMPLETE;
    if (push) return [SKIP, step[1]];
    return step;
  };
}
