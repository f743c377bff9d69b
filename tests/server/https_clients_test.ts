/**
 * A site over TLS as real clients reach it, on each engine: curl negotiating HTTP/2 by ALPN
 * where the engine offers it (`node:http2` beside the project's engine on Node and Bun;
 * `Deno.serve`, the `native` engine on Deno) and HTTP/1.1 where it does not, and what the
 * framework then sees; clients that never finish their handshake.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:net";
import { expose, request } from "../../mod.ts";
import { type HttpEngineName, isDeno } from "../../platform/mod.ts";
import { rawExchange } from "../_raw.ts";
import { curl, withTlsSite } from "../_tls.ts";
import { ENGINES } from "./_gateway.ts";

class Site {
  @expose
  index(): string {
    return "Hello world!";
  }

  @expose
  who(): string {
    return `${request.protocol.join(".")} ${request.headers.get("Host")} ${request.base}`;
  }
}

async function withSite(
  tls: boolean,
  engine: HttpEngineName,
  fn: (port: number) => Promise<void>,
): Promise<void> {
  await withTlsSite(new Site(), engine, (base) => fn(Number(new URL(base).port)), { tls });
}

for (const engine of ENGINES) {
  // HTTP/2 over TLS: Deno.serve (native) on Deno, node:http2 beside the project's engine on
  // Node and Bun; the project's engine on Deno offers HTTP/1.1 alone (docs/server.md).
  const h2 = engine === "native" || !isDeno;
  test(`https: curl gets 200 over the protocol it negotiates; HTTP/2's :authority is the Host [${engine}]`, async () => {
    await withSite(true, engine, async (port) => {
      const url = `https://localhost:${port}`;
      const [body, version] = (await curl(["-w", "\n%{http_code} %{http_version}", url + "/"]))
        .split("\n");
      assert.equal(body, "Hello world!");
      assert.equal(version, h2 ? "200 2" : "200 1.1");
      assert.equal(
        await curl([url + "/who"]),
        h2
          ? `2.0 localhost:${port} https://localhost:${port}`
          : `1.1 localhost:${port} https://localhost:${port}`,
      );
      assert.equal(
        await curl(["--http1.1", url + "/who"]),
        `1.1 localhost:${port} https://localhost:${port}`,
      );
    });
  });

  test(`http: HTTP/2 with prior knowledge on Deno.serve; HTTP/1.0 without Host is served [${engine}]`, async () => {
    await withSite(false, engine, async (port) => {
      if (engine === "native") {
        assert.equal(
          await curl(["--http2-prior-knowledge", `http://127.0.0.1:${port}/who`]),
          `2.0 127.0.0.1:${port} http://127.0.0.1:${port}`,
        );
      }
      const old = await rawExchange(port, "GET /who HTTP/1.0\r\n\r\n", 2000);
      assert.match(old.text, /^HTTP\/1\.[01] 200 /);
      assert.match(old.text, /\r\n\r\n1\.0 null http:\/\/127\.0\.0\.1\r?$/);
    });
  });
}

/**
 * Opens a TCP connection to `port`, writes `bytes`, and resolves with the ms until the server
 * closed it, or -1 when it was still open after `limitMs`.
 */
function closedAfter(port: number, bytes: Uint8Array | null, limitMs: number): Promise<number> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(port, "127.0.0.1", () => {
      if (bytes !== null) socket.write(bytes);
    });
    let open = true;
    const timer = setTimeout(() => {
      open = false;
      socket.destroy();
      resolve(-1);
    }, limitMs);
    socket.on("error", () => {});
    socket.on("data", () => {});
    socket.on("close", () => {
      clearTimeout(timer);
      if (open) resolve(Date.now() - started);
    });
  });
}

test("https: a client that never finishes its TLS handshake is given up after socket_timeout; others are served meanwhile [cherrypy]", async () => {
  await withTlsSite(new Site(), "cherrypy", async (base) => {
    const port = Number(new URL(base).port);
    // Deno cannot close a TLS socket whose handshake is under way (docs/runtimes.md): there the
    // server gives the connection up, and its socket lives until the client sends or closes.
    const limit = isDeno ? 2_500 : 5_000;
    const silent = closedAfter(port, null, limit);
    const partial = closedAfter(port, new Uint8Array([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]), limit);
    const garbage = closedAfter(port, new TextEncoder().encode("GET / HTTP/1.1\r\n\r\n"), limit);
    assert.equal(await curl([base + "/"]), "Hello world!");
    assert.equal(await curl(["--http1.1", base + "/"]), "Hello world!");
    const [a, b, c] = await Promise.all([silent, partial, garbage]);
    assert.ok(c < 800, `a client speaking plain HTTP to the TLS port waited ${c} ms`);
    if (isDeno) {
      assert.equal(a, -1, "Deno closed a socket during its handshake: update docs/runtimes.md");
      assert.equal(b, -1);
      assert.equal(await curl([base + "/"]), "Hello world!");
      return;
    }
    assert.ok(a >= 800 && a < 3_000, `the silent client was closed after ${a} ms`);
    assert.ok(b >= 800 && b < 3_000, `the partial handshake was closed after ${b} ms`);
  }, { socketTimeout: 1 });
});
