/**
 * Serving a large file keeps memory flat: a 2 GiB sparse file to a client reading 1 MiB/s (the
 * server may only read as the socket drains), and a 512 MiB one to a client reading as fast as
 * it can (after a first download, which lets the heap reach its working size), on each HTTP
 * engine of the runtime. The resident set size may not grow by 50 MiB for the slow client, nor by
 * a quarter of the file for the fast one: a server that read ahead of its client, or read the file
 * whole, would grow by hundreds.
 * `scripts/static_memory.ts` runs the same for longer.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ENGINES } from "../../server/_gateway.ts";
import { download, serveBigFile } from "./_static_memory.ts";

const MiB = 2 ** 20;
const LIMIT = 50 * MiB;
/**
 * A fast client makes 64 KiB of garbage per chunk on both ends, which the collector frees when it
 * likes (Bun's, running every test file in one process, lags most): a quarter of the file, far
 * below what reading it whole would take.
 */
const FAST_LIMIT = 128 * MiB;

for (const engine of ENGINES) {
  test(`static memory (${engine} engine): a 2 GiB file to a slow client`, async () => {
    const server = await serveBigFile(2048 * MiB, engine);
    try {
      const report = await download(server.port, MiB, 4);
      assert.equal(report.status, "HTTP/1.1 200 OK");
      assert.equal(report.contentLength, 2048 * MiB);
      assert.ok(report.bytes > 0 && report.zeros);
      const growth = report.maxRss - report.baselineRss;
      assert.ok(growth < LIMIT, `RSS grew by ${(growth / MiB).toFixed(1)} MiB`);
    } finally {
      await server.close();
    }
  });

  test(`static memory (${engine} engine): a 512 MiB file to a fast client`, async () => {
    const server = await serveBigFile(512 * MiB, engine);
    try {
      // A first download lets the heap grow to its working size (garbage collected later).
      await download(server.port, 0, 0);
      const report = await download(server.port, 0, 0);
      assert.equal(report.bytes, 512 * MiB);
      assert.ok(report.zeros);
      const growth = report.maxRss - report.baselineRss;
      assert.ok(growth < FAST_LIMIT, `RSS grew by ${(growth / MiB).toFixed(1)} MiB`);
    } finally {
      await server.close();
    }
  });
}
