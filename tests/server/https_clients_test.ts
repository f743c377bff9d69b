/**
 * A site over TLS as real clients reach it, on each engine: curl negotiating HTTP/2 by ALPN
 * where the engine offers it (`Deno.serve`, the `native` engine on Deno) and HTTP/1.1 where it
 * does not (the project's engine, on Node and Deno), and what the framework then sees.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
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
  // Node and Bun; the project's engine on Deno speaks HTTP/1.1 only.
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
