/**
 * The graceful drain over HTTP/2, on a real process: 100 concurrent streams on one connection
 * (curl multiplexes `--parallel` transfers), SIGTERM while every one of them waits in its
 * handler. Each stream that started is answered (GOAWAY lets them finish; no new one is
 * taken), and the process exits 0.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { curl, makeCertificate } from "../_tls.ts";
import { runProgram } from "../_helpers.ts";
import { H2_ENGINES } from "./_gateway.ts";

const STREAMS = 100;

for (const engine of H2_ENGINES) {
  test(`HTTP/2: 100 streams on one connection, SIGTERM in their midst: all answered, exit 0 [${engine}]`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "cherrypy-h2-drain-"));
    const { cert, key } = makeCertificate(dir);
    const site = runProgram("tests/fixtures/h2_drain_site", {
      CERT: cert,
      KEY: key,
      DELAY: "1500",
      ENGINE: engine,
    });
    try {
      const port = Number((await site.waitFor(/PORT (\d+)/, 20_000))[1]);
      const urls = Array.from(
        { length: STREAMS },
        (_, i) => `https://localhost:${port}/slow?i=${i}`,
      );
      const transfers = curl([
        "--http2",
        "--parallel",
        "--parallel-max",
        String(STREAMS),
        "-w",
        "%{http_version} %{http_code} %{local_port}\\n",
        ...urls.flatMap((url) => ["-o", "/dev/null", url]),
      ]);
      // Every stream is in its handler (1.5 s long) by now.
      await new Promise((resolve) => setTimeout(resolve, 700));
      site.signal("SIGTERM");
      const lines = (await transfers).trim().split("\n");
      assert.equal(lines.length, STREAMS);
      const answers = lines.map((l) => l.split(" ")).filter(([version, code]) =>
        version === "2" && code === "200"
      );
      assert.equal(answers.length, STREAMS, lines.filter((l) => !l.startsWith("2 200")).join("\n"));
      // One connection carried them all.
      const ports = new Set(lines.map((l) => l.split(" ")[2]));
      assert.equal(ports.size, 1, `${ports.size} connections`);
      assert.equal(await site.exited, 0, site.stderr());
    } finally {
      site.signal("SIGKILL");
      await site.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
