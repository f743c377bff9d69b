/**
 * HTTP/2 over TLS with a real client (curl) wherever an engine offers it: node:http2 beside
 * the project's engine on Node and Bun, `Deno.serve` (the `native` engine) on Deno. Streamed
 * responses, uploads, many streams on one connection, no connection-specific headers, and the
 * drain: a stopping server lets open streams finish.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expose, request, response } from "../../mod.ts";
import { curl, withTlsSite } from "../_tls.ts";
import { H2_ENGINES } from "./_gateway.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Called when a request reaches `/slow`. */
let onSlow: () => void = () => {};
/** Requests inside `/slow` now, and the most there were at once. */
const slowCount = { active: 0, most: 0 };

class Site {
  @expose
  index(): string {
    return "Hello world!";
  }

  @expose
  async slow(): Promise<string> {
    onSlow();
    slowCount.most = Math.max(slowCount.most, ++slowCount.active);
    await sleep(300);
    slowCount.active--;
    return `slow ${request.protocol.join(".")}`;
  }

  @expose
  stream(): AsyncIterable<string> {
    response.stream = true;
    return (async function* () {
      for (let i = 0; i < 5; i++) {
        await sleep(20);
        yield `part ${i}\n`;
      }
    })();
  }

  @expose
  async upload(): Promise<string> {
    const bytes = await request.body!.read();
    return `${bytes.length} ${createHash("md5").update(bytes).digest("hex")}`;
  }
}

const h2curl = (args: string[]) => curl(["--http2", ...args]);

for (const engine of H2_ENGINES) {
  test(`h2: streamed response, upload, no connection-specific headers [${engine}]`, async () => {
    await withTlsSite(new Site(), engine, async (base, _server, dir) => {
      const streamed = await h2curl(["-w", "%{http_version}", base + "/stream"]);
      assert.equal(streamed, "part 0\npart 1\npart 2\npart 3\npart 4\n2");

      const data = new Uint8Array(1 << 20).map((_, i) => (i * 7) & 255);
      const file = join(dir, "upload.bin");
      writeFileSync(file, data);
      const md5 = createHash("md5").update(data).digest("hex");
      assert.equal(
        await h2curl([
          "--data-binary",
          `@${file}`,
          "-H",
          "Content-Type: application/octet-stream",
          base + "/upload",
        ]),
        `${data.length} ${md5}`,
      );

      const head = await h2curl(["-D", "-", "-o", "/dev/null", base + "/"]);
      assert.match(head, /^HTTP\/2 200/);
      assert.doesNotMatch(head, /^(connection|keep-alive|transfer-encoding):/im);
    });
  });

  test(`h2: ten streams on one connection, answered concurrently [${engine}]`, async () => {
    await withTlsSite(new Site(), engine, async (base) => {
      const urls = Array.from({ length: 10 }, () => base + "/slow");
      slowCount.most = 0;
      const out = await h2curl([
        "--parallel",
        "--parallel-max",
        "10",
        "-w",
        "|%{http_version} %{num_connects}|",
        ...urls,
      ]);
      assert.equal(out.match(/slow 2\.0/g)?.length, 10, out);
      const connects = [...out.matchAll(/\|2 (\d+)\|/g)].map((m) => Number(m[1]));
      assert.equal(connects.length, 10, out);
      assert.equal(connects.reduce((a, b) => a + b, 0), 1, "one connection for all ten");
      assert.ok(slowCount.most > 1, `streams were handled one at a time (${slowCount.most})`);
    });
  });

  test(`h2: stopping the server lets an open stream finish (GOAWAY, then close) [${engine}]`, async () => {
    await withTlsSite(new Site(), engine, async (base, server) => {
      const arrived = new Promise<void>((resolve) => onSlow = resolve);
      const pending = h2curl(["-w", " %{http_code}", base + "/slow"]);
      await arrived;
      await server.stop();
      assert.equal(await pending, "slow 2.0 200");
      await assert.rejects(h2curl([base + "/"]), "the port is closed after the drain");
    });
  });
}
