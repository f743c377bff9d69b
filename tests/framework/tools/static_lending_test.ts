/**
 * Large files leave byte for byte: a file of varied bytes (no two 64 KiB chunks alike) served by
 * `tools.staticfile` and `serve_file`, whole and by ranges, to a client reading at once and to
 * one reading slowly, on each engine of the runtime. On the project's engine on Deno the file
 * is read into one buffer again and again (each chunk sent before the next is read): a chunk
 * overwritten before it left would change the digest.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
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

class Root {
  @cherrypy.expose
  served(): unknown {
    return cherrypy.lib.static.serveFile(file, "application/octet-stream");
  }
}

/** GETs `path` over a raw socket, pausing `pauseMs` after each piece read; the body's bytes. */
function get(port: number, path: string, headers: string, pauseMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, "127.0.0.1", () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${headers}\r\n`);
    });
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      if (pauseMs > 0) {
        socket.pause();
        setTimeout(() => socket.resume(), pauseMs);
      }
    });
    socket.on("error", reject);
    socket.on("end", () => {
      const all = Buffer.concat(chunks);
      resolve(all.subarray(all.indexOf("\r\n\r\n") + 4));
    });
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
}

test("static lending: clean up", () => rmSync(dir, { recursive: true, force: true }));
