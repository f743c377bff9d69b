/**
 * WebSocket framing (`platform/_websocket_frames.ts`) and the handshake's checks
 * (`platform/_websocket_handshake.ts`): pure functions, fed byte by byte and in one piece.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import {
  closePayload,
  encodeFrame,
  FrameError,
  FrameParser,
  readClose,
  validCloseCode,
} from "../../platform/_websocket_frames.ts";
import {
  acceptKey,
  checkHandshake,
  switchingHeaders,
} from "../../platform/_websocket_handshake.ts";
import { WebSocketHandshakeError } from "../../platform/mod.ts";
import { encodeClientFrame } from "../_ws_raw.ts";

/** Parses `bytes` (in pieces of `step` bytes); returns what was delivered, or the error. */
function parse(bytes: Uint8Array, max = 0, step = bytes.length || 1) {
  const out: Array<[string, unknown]> = [];
  const parser = new FrameParser({
    message: (data) => out.push(["message", typeof data === "string" ? data : [...data]]),
    control: (opcode, payload) => out.push([`control ${opcode}`, [...payload]]),
  }, max);
  try {
    // The parser unmasks in place (the engine hands it fresh chunks): feed copies.
    for (let i = 0; i < bytes.length; i += step) {
      parser.feed(Uint8Array.prototype.slice.call(bytes, i, i + step));
    }
  } catch (e) {
    if (!(e instanceof FrameError)) throw e;
    out.push(["error", e.code]);
  }
  return out;
}

const frames = (...parts: Buffer[]) => Buffer.concat(parts);
const text = (s: string, fin = true) => encodeClientFrame(1, Buffer.from(s), { fin });
const cont = (s: string | Uint8Array, fin = true) =>
  encodeClientFrame(0, typeof s === "string" ? Buffer.from(s) : s, { fin });

test("frames: masked text and binary, whole or byte by byte, with 16- and 64-bit lengths", () => {
  const big = "x".repeat(70_000);
  const mid = "y".repeat(300);
  const bytes = frames(
    text("héllo"),
    encodeClientFrame(2, new Uint8Array([0, 255])),
    text(mid),
    text(big),
  );
  for (const step of [bytes.length, 1, 7, 4096]) {
    assert.deepEqual(parse(bytes, 0, step), [
      ["message", "héllo"],
      ["message", [0, 255]],
      ["message", mid],
      ["message", big],
    ]);
  }
});

test("frames: fragments are joined; control frames come between them", () => {
  const euro = Buffer.from("€", "utf8");
  const bytes = frames(
    encodeClientFrame(1, euro.subarray(0, 1), { fin: false }),
    encodeClientFrame(9, Buffer.from("p")),
    cont(euro.subarray(1, 2), false),
    cont(euro.subarray(2)),
    encodeClientFrame(2, new Uint8Array([1]), { fin: false }),
    cont(new Uint8Array([2])),
  );
  for (const step of [bytes.length, 1]) {
    assert.deepEqual(parse(bytes, 0, step), [
      ["control 9", [112]],
      ["message", "€"],
      ["message", [1, 2]],
    ]);
  }
});

test("frames: a leading BOM stays in a text message; empty messages are delivered", () => {
  assert.deepEqual(parse(frames(text("\ufeffa"), text(""))), [["message", "\ufeffa"], [
    "message",
    "",
  ]]);
});

test("frames: protocol errors are 1002, bad UTF-8 is 1007, too big is 1009", () => {
  const cases: Array<[string, Buffer, number, number?]> = [
    ["unmasked", encodeClientFrame(1, Buffer.from("a"), { mask: false }), 1002],
    ["RSV1", encodeClientFrame(1, Buffer.from("a"), { rsv: 4 }), 1002],
    ["RSV3", encodeClientFrame(1, Buffer.from("a"), { rsv: 1 }), 1002],
    ["opcode 3", encodeClientFrame(3, Buffer.from("a")), 1002],
    ["opcode 11", encodeClientFrame(11, Buffer.from("a")), 1002],
    ["fragmented ping", encodeClientFrame(9, Buffer.from("a"), { fin: false }), 1002],
    ["ping of 126", encodeClientFrame(9, Buffer.alloc(126)), 1002],
    ["lone continuation", cont("a"), 1002],
    ["text in text", frames(text("a", false), text("b")), 1002],
    ["64-bit top bit", Buffer.from([0x82, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]), 1002],
    ["bad UTF-8", encodeClientFrame(1, Buffer.from([0xff])), 1007],
    ["truncated UTF-8", encodeClientFrame(1, Buffer.from([0xe2, 0x82])), 1007],
    ["surrogate in UTF-8", encodeClientFrame(1, Buffer.from([0xed, 0xa0, 0x80])), 1007],
    ["over the limit", text("12345678901"), 1009, 10],
    ["fragments over the limit", frames(text("123456", false), cont("123456")), 1009, 10],
  ];
  for (const [what, bytes, code, max] of cases) {
    const out = parse(bytes, max ?? 0);
    assert.deepEqual(out.at(-1), ["error", code], what);
    // Byte by byte, the error comes as soon as the bytes show it, never later.
    assert.deepEqual(parse(bytes, max ?? 0, 1).at(-1), ["error", code], `${what}, byte by byte`);
  }
  // The size limit fails a frame from its header, before its payload arrives.
  const header = encodeClientFrame(2, Buffer.alloc(1000)).subarray(0, 8);
  assert.deepEqual(parse(header, 100), [["error", 1009]]);
});

test("frames: close payloads are read and checked", () => {
  assert.deepEqual(readClose(new Uint8Array()), { code: 1005, reason: "" });
  assert.deepEqual(readClose(closePayload(1000, "bye")), { code: 1000, reason: "bye" });
  assert.deepEqual(readClose(closePayload(4999, "é")), { code: 4999, reason: "é" });
  for (const bad of [new Uint8Array([3]), closePayload(1004, ""), closePayload(2999, "")]) {
    assert.throws(() => readClose(bad), (e) => e instanceof FrameError && e.code === 1002);
  }
  assert.throws(
    () => readClose(new Uint8Array([3, 232, 0xff])),
    (e) => e instanceof FrameError && e.code === 1007,
  );
  for (const code of [1000, 1001, 1003, 1007, 1011, 1014, 3000, 4999]) {
    assert.ok(validCloseCode(code), `${code}`);
  }
  for (const code of [999, 1004, 1005, 1006, 1015, 2000, 5000, 1000.5]) {
    assert.ok(!validCloseCode(code), `${code}`);
  }
});

test("frames: server frames are unmasked, with the shortest length encoding", () => {
  assert.deepEqual([...encodeFrame(1, Buffer.from("hi"))], [0x81, 2, 104, 105]);
  const mid = encodeFrame(2, new Uint8Array(300));
  assert.deepEqual([...mid.subarray(0, 4)], [0x82, 126, 1, 44]);
  const big = encodeFrame(2, new Uint8Array(70_000));
  assert.deepEqual([...big.subarray(0, 10)], [0x82, 127, 0, 0, 0, 0, 0, 1, 0x11, 0x70]);
  assert.equal(big.length, 70_010);
});

test("handshake: the accept key of RFC 6455's example; what makes a request refused", () => {
  assert.equal(acceptKey("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  const request = (headers: Record<string, string>, method = "GET", protocol = "HTTP/1.1") => ({
    method,
    protocol,
    header: (name: string) => headers[name.toLowerCase()] ?? null,
  });
  const good = {
    upgrade: "WebSocket",
    connection: "keep-alive, Upgrade",
    "sec-websocket-version": "13",
    "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
    "sec-websocket-protocol": "chat, superchat",
  };
  assert.deepEqual(checkHandshake(request(good), false, "superchat"), [
    ["Upgrade", "websocket"],
    ["Connection", "Upgrade"],
    ["Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="],
    ["Sec-WebSocket-Protocol", "superchat"],
  ]);
  const refused = (
    req: ReturnType<typeof request>,
    status: number,
    message: RegExp,
    hasBody = false,
  ) =>
    assert.throws(
      () => checkHandshake(req, hasBody, null),
      (e) => e instanceof WebSocketHandshakeError && e.status === status && message.test(e.message),
    );
  refused(request({ ...good, upgrade: "h2c" }), 426, /connect with a WebSocket client/);
  refused(request(good, "POST"), 400, /is a GET request, not POST/);
  refused(request(good, "GET", "HTTP/1.0"), 400, /needs HTTP\/1\.1/);
  refused(request({ ...good, connection: "close" }), 400, /Connection: Upgrade/);
  refused(request({ ...good, "sec-websocket-version": "8" }), 426, /speaks version 13/);
  refused(request({ ...good, "sec-websocket-key": "c2hvcnQ=" }), 400, /16 bytes in base64/);
  refused(request({ ...good, "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZR==" }), 400, /16 bytes/);
  refused(request(good), 400, /has no body/, true);
  assert.throws(() => checkHandshake(request(good), false, "mqtt"), /was not offered/);
});

test("handshake: the 101 answer keeps the application's headers, not its framing", () => {
  assert.deepEqual(
    switchingHeaders(
      [["Server", "x"], ["Content-Length", "0"], ["Connection", "close"], ["Set-Cookie", "a=1"]],
      [["Upgrade", "websocket"], ["Connection", "Upgrade"]],
    ),
    [["Server", "x"], ["Set-Cookie", "a=1"], ["Upgrade", "websocket"], ["Connection", "Upgrade"]],
  );
});

test("frames: random bytes give messages or a FrameError, never another failure", () => {
  // A fixed-seed generator, so that a failure can be reproduced.
  let seed = 0x9e3779b9;
  const random = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 0x100000000;
  };
  let failed = 0;
  for (let round = 0; round < 2000; round++) {
    const bytes = new Uint8Array(1 + Math.floor(random() * 64));
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
    // Often a plausible first byte and a mask bit, so that parsing goes past the header.
    if (random() < 0.7) bytes[0] = [0x81, 0x82, 0x01, 0x80, 0x89, 0x8a, 0x88][round % 7]!;
    if (random() < 0.7 && bytes.length > 1) bytes[1] = 0x80 | (bytes[1]! & 0x7f);
    const out = parse(bytes, 32, 1 + Math.floor(random() * 8));
    if (out.at(-1)?.[0] === "error") failed++;
  }
  assert.ok(failed > 100, `${failed} rounds ended in a FrameError`);
});
