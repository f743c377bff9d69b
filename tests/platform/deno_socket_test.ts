/**
 * The Deno engine's socket adapter (`DenoSocket`) encodes what the engine writes as strings
 * into views of a shared slab: ASCII and latin1 heads, UTF-8 bodies, long strings, and the
 * slab's rollover all leave as the right bytes, in order. Runs on every runtime (the adapter
 * sees only a `Deno.Conn`-shaped object).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { DenoSocket } from "../../platform/_deno_wire.ts";
import { writeStream } from "../../platform/_wire_stream.ts";
import { BORROWED_CHUNKS } from "../../platform/types.ts";
import type { DenoConn } from "../../platform/deno_api.ts";

/**
 * A connection that records what is written, taking at most `most` bytes per write and, when
 * `slow`, answering each write a macrotask later.
 */
function recordingConn(most = 1000, slow = false): { conn: DenoConn; written: () => Buffer } {
  const chunks: Uint8Array[] = [];
  const addr = { transport: "tcp" as const, hostname: "127.0.0.1", port: 1 };
  const conn: DenoConn = {
    localAddr: addr,
    remoteAddr: addr,
    read: () => new Promise<number | null>(() => {}),
    write: (p) => {
      const n = Math.min(p.length, most);
      chunks.push(p.slice(0, n));
      return slow ? new Promise((resolve) => setTimeout(() => resolve(n), 0)) : Promise.resolve(n);
    },
    closeWrite: () => Promise.resolve(),
    close: () => {},
    ref: () => {},
    unref: () => {},
  };
  return { conn, written: () => Buffer.concat(chunks) };
}

test("DenoSocket: strings leave as UTF-8 or latin1 bytes, in order, across the slab's rollover", async () => {
  const { conn, written } = recordingConn();
  const socket = new DenoSocket(conn);
  let drained = 0;
  socket.start({ onData() {}, onEnd() {}, onClose() {}, onDrain: () => drained++ } as never);
  const expected: Buffer[] = [];
  const put = (text: string, latin1: boolean) => {
    socket.write(text, latin1 ? "latin1" : undefined);
    expected.push(Buffer.from(text, latin1 ? "latin1" : "utf8"));
  };
  for (let i = 0; i < 400; i++) {
    put(`HTTP/1.1 200 OK\r\nX-N: ${i}\r\nX-Name: caf\u00e9\r\n\r\n`, true);
    put(`body ${i} \u20ac \u00e9 ${"x".repeat(i)}`, false);
    if (i % 50 === 0) put("y".repeat(5000 + i), false); // beyond the slab's strings
    if (i % 7 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
  }
  put("\u0100\u00ff", true); // latin1 keeps each code unit's low byte, as Buffer does
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.ok(Buffer.concat(expected).length > 128 * 1024, "the slab rolled over");
  assert.ok(written().equals(Buffer.concat(expected)));
  assert.ok(drained > 0);
  socket.destroy();
});

test("DenoSocket: a string still being sent is not overwritten by later writes", async () => {
  const { conn, written } = recordingConn(500, true);
  const socket = new DenoSocket(conn);
  socket.start({ onData() {}, onEnd() {}, onClose() {}, onDrain() {} } as never);
  const first = "first ".repeat(500);
  socket.write(first, "latin1");
  // The first string is in flight, 500 bytes per turn, while 80 KiB more are written.
  await Promise.resolve();
  const later: string[] = [];
  for (let i = 0; i < 40; i++) {
    later.push(`${i} ${"z".repeat(2000)}`);
    socket.write(later[i]!, "latin1");
  }
  const total = first.length + later.reduce((n, s) => n + s.length, 0);
  for (let i = 0; i < 2000 && written().length < total; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  assert.equal(written().toString("latin1"), first + later.join(""));
  socket.destroy();
});

test("DenoSocket + writeStream: a body's lent chunks are each sent before the next is read", async () => {
  const { conn, written } = recordingConn(700, true);
  const socket = new DenoSocket(conn);
  let drains = 0;
  socket.start({ onData() {}, onEnd() {}, onClose() {}, onDrain: () => drains++ } as never);
  const CHUNKS = 20;
  const SIZE = 4096;
  // One buffer, refilled for every chunk: chunk i is SIZE bytes of value i.
  const lent = new Uint8Array(SIZE);
  const body = {
    async *[Symbol.asyncIterator]() {
      for (let i = 0; i < CHUNKS; i++) yield new Uint8Array(SIZE).fill(i);
    },
    async *[BORROWED_CHUNKS]() {
      for (let i = 0; i < CHUNKS; i++) yield lent.fill(i);
    },
  };
  let finished: boolean | null = null;
  await writeStream(
    { socket, closed: false, waitDrain: () => socket.whenFlushed() },
    { headSent: false } as never,
    body,
    { chunked: false, declared: CHUNKS * SIZE, keepAlive: true, head: "HTTP/1.1 200 OK\r\n\r\n" },
    { overrun: () => assert.fail("overrun"), finished: (keep) => finished = keep },
  );
  await socket.whenFlushed();
  const out = written();
  const bodyBytes = out.subarray(out.indexOf("\r\n\r\n") + 4);
  assert.equal(bodyBytes.length, CHUNKS * SIZE);
  for (let i = 0; i < CHUNKS; i++) {
    const chunk = bodyBytes.subarray(i * SIZE, (i + 1) * SIZE);
    assert.ok(chunk.every((b) => b === i), `chunk ${i} was overwritten before it left`);
  }
  assert.equal(finished, true);
  assert.ok(drains > 0);
  socket.destroy();
});
