/**
 * Memory while serving a large file: a sparse file served by the staticfile tool to a client
 * that reads slowly (a rate in bytes per second, over a socket paused between reads) or as fast
 * as it can, with this process's resident set size sampled meanwhile. Used by
 * `static_memory_test.ts` (a short run) and `scripts/static_memory.ts` (the full one).
 *
 * @module
 */
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import * as cherrypy from "../../../mod.ts";
import { HTTPServer } from "../../../mod.ts";
import type { HttpEngineName } from "../../../platform/mod.ts";

/** A large file served on 127.0.0.1. */
export interface BigFileServer {
  /** The port. */
  port: number;
  /** The file's size. */
  size: number;
  /** Stops the server and removes the file. */
  close(): Promise<void>;
}

/** Serves a sparse file of `size` bytes (all zeros) at `/big.bin`. */
export async function serveBigFile(size: number, engine?: HttpEngineName): Promise<BigFileServer> {
  const dir = mkdtempSync(join(tmpdir(), "cp-bigfile-"));
  const path = join(dir, "big.bin");
  const fd = openSync(path, "w");
  ftruncateSync(fd, size);
  closeSync(fd);
  const log = new cherrypy.LogManager({ screen: false });
  const tree = new cherrypy.Tree({
    globalConfig: () => ({ ...cherrypy.DEFAULT_TOOL_CONFIG }),
    log,
  });
  tree.mount({}, "", {
    "/big.bin": { "tools.staticfile.on": true, "tools.staticfile.filename": path },
  });
  const server = new HTTPServer({ host: "127.0.0.1", port: 0 }, tree, engine ? { engine } : {});
  await server.start();
  return {
    port: server.boundAddr!.port,
    size,
    async close() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What a download saw. */
export interface DownloadReport {
  /** The response's status line. */
  status: string;
  /** Its Content-Length. */
  contentLength: number;
  /** Body bytes received. */
  bytes: number;
  /** `true` when the body bytes were 0 (the sparse file's content; checked every 509th byte). */
  zeros: boolean;
  /** Seconds the download ran. */
  seconds: number;
  /** Resident set size before the request, in bytes. */
  baselineRss: number;
  /** The largest resident set size sampled during it. */
  maxRss: number;
}

const rss = () => process.memoryUsage().rss;

/**
 * Downloads `/big.bin` over a raw socket, reading at most `rate` bytes per second (0: as fast as
 * possible), and stops after `seconds` (0: at the end of the body). Samples the resident set
 * size every 100 ms.
 */
export function download(port: number, rate: number, seconds: number): Promise<DownloadReport> {
  return new Promise((resolve, reject) => {
    const baselineRss = rss();
    let maxRss = baselineRss;
    const sampler = setInterval(() => maxRss = Math.max(maxRss, rss()), 100);
    const socket = connect({ host: "127.0.0.1", port });
    const started = Date.now();
    let head = "";
    let status = "";
    let contentLength = -1;
    let bytes = 0;
    let zeros = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = () => {
      clearInterval(sampler);
      clearTimeout(timer);
      maxRss = Math.max(maxRss, rss());
      socket.destroy();
      resolve({
        status,
        contentLength,
        bytes,
        zeros,
        seconds: (Date.now() - started) / 1000,
        baselineRss,
        maxRss,
      });
    };
    socket.once("error", (e) => {
      clearInterval(sampler);
      reject(e);
    });
    socket.on("data", (chunk: Uint8Array) => {
      let body = chunk;
      if (status === "") {
        head += new TextDecoder("latin1").decode(chunk);
        const end = head.indexOf("\r\n\r\n");
        if (end < 0) return;
        status = head.slice(0, head.indexOf("\r\n"));
        contentLength = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? -1);
        body = chunk.subarray(chunk.length - (head.length - end - 4));
      }
      bytes += body.length;
      // Sampled: a whole-body check would cost more than the serving it measures.
      for (let i = 0; zeros && i < body.length; i += 509) zeros = body[i] === 0;
      if (zeros && body.length > 0) zeros = body[body.length - 1] === 0;
      const elapsed = (Date.now() - started) / 1000;
      if (seconds > 0 && elapsed >= seconds) return finish();
      if (bytes >= contentLength && contentLength >= 0) return finish();
      if (rate > 0) {
        const ahead = bytes / rate - elapsed;
        if (ahead > 0) {
          socket.pause();
          timer = setTimeout(() => socket.resume(), ahead * 1000);
        }
      }
    });
    socket.once("end", finish);
    socket.write("GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  });
}
