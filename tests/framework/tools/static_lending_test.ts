/**
 * Large files leave byte for byte: a file of varied bytes (no two 64 KiB chunks alike) served by
 * `tools.staticfile` and `serve_file`, whole and by ranges, to a client reading at once and to
 * one reading slowly or late, on each engine of the runtime. On the project's engine the file
 * is read into one buffer again and again (each chunk sent before the next is read): a chunk
 * overwritten before it left would change the digest. A file larger than the system's socket
 * buffers, to a client that reads late, makes the writes queue in the runtime.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as cherrypy from "../../../mod.ts";
import { ENGINES } from "../../server/_gateway.ts";
import { withTlsSite } from "../../_tls.ts";

const SIZE = 3 * 1024 * 1024 + 12_345;
const dir = mkdtempSync(join(tmpdir(), "cherrypy-ts-lending-"));
const file = join(dir, "big.bin");
const data = randomBytes(SIZE);
writeFileSync(file, data);
const md5 = (bytes: Uint8Array) => createHash("md5").update(bytes).digest("hex");

const LARGE_SIZE = 16 * 1024 * 1024 + 4321;
const largeFile = join(dir, "large.bin");
const large = randomBytes(LARGE_SIZE);
writeFileSync(largeFile, large);

class Root {
  @cherrypy.expose
  served(): unknown {
    return cherrypy.lib.static.serveFile(file, "application/octet-stream");
  }

  @cherrypy.expose
  large(): unknown {
    return cherrypy.lib.static.serveFile(largeFile, "application/octet-stream");
  }
}

/**
 * GETs `path` over a raw socket (a TLS one when `secure`), pausing `pauseMs` after each piece
 * read (and `lateMs` before the first); the body's bytes.
 */
function get(
  port: number,
  path: string,
  headers: string,
  pauseMs: number,
  lateMs = 0,
  secure = false,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const open = (ready: () => void) =>
      secure
        ? tlsConnect({
          port,
          host: "127.0.0.1",
          servername: "localhost",
          rejectUnauthorized: false,
        }, ready)
        : connect(port, "127.0.0.1", ready);
    const socket = open(() => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${headers}\r\n`);
      if (lateMs > 0) {
        socket.pause();
        setTimeout(() => socket.resume(), lateMs);
      }
    });
    let received = 0;
    const body = () => {
      const all = Buffer.concat(chunks);
      return all.subarray(all.indexOf("\r\n\r\n") + 4);
    };
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      if (secure && received >= LARGE_SIZE && lateMs > 0) {
        // Deno's TLS client, paused and resumed, may not report the server's close: the whole
        // large file (and its head) in hand is the end.
        const bytes = body();
        if (bytes.length === LARGE_SIZE) {
          socket.destroy();
          resolve(bytes);
          return;
        }
      }
      if (pauseMs > 0) {
        socket.pause();
        setTimeout(() => socket.resume(), pauseMs);
      }
    });
    socket.on("error", reject);
    socket.on("end", () => resolve(body()));
  });
}

for (const engine of ENGINES) {
  test(`static: a large file leaves byte for byte, whole and by ranges, fast and slow [${engine}]`, async () => {
    await withTlsSite(new Root(), engine, async (base) => {
      const port = Number(new URL(base).port);
      assert.equal(md5(await get(port, "/served", "", 0)), md5(data));
      assert.equal(md5(await get(port, "/served", "", 2)), md5(data));
      const from = 70_000;
      const to = 2_500_000;
      assert.equal(
        md5(await get(port, "/served", `Range: bytes=${from}-${to}\r\n`, 0)),
        md5(data.subarray(from, to + 1)),
      );
      const tail = await get(port, "/served", "Range: bytes=-100000\r\n", 1);
      assert.equal(md5(tail), md5(data.subarray(SIZE - 100_000)));
    }, { tls: false });
  });

  for (const tls of [false, true]) {
    const over = tls ? "HTTPS" : "HTTP";
    test(`static: a file larger than the socket buffers, read late, leaves byte for byte [${engine}, ${over}]`, async () => {
      // The client reads nothing for 300 ms: the system's buffers fill, and the server's writes
      // queue in the runtime, still holding the buffer the file is read into.
      await withTlsSite(new Root(), engine, async (base) => {
        const port = Number(new URL(base).port);
        assert.equal(md5(await get(port, "/large", "", 0, 300, tls)), md5(large));
      }, { tls });
    });
  }
}

test("static lending: clean up", () => rmSync(dir, { recursive: true, force: true }));
