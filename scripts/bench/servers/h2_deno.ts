/**
 * Benchmark peer for the `h2` group on Deno: a bare `Deno.serve` over TLS (ALPN `h2` and
 * `http/1.1`) answering `Hello world!` as `text/plain` to every request, with no framework.
 * The certificate and key are the files `BENCH_TLS_CERT` and `BENCH_TLS_KEY` name.
 *
 *     deno run -A scripts/bench/servers/h2_deno.ts [port]
 *
 * Prints `LISTENING <port>` once bound; exits on SIGTERM.
 *
 * @module
 */

import { HELLO_BODY } from "./payloads.mjs";

const port = Number(Deno.args[0] ?? Deno.env.get("PORT") ?? "0");
const server = Deno.serve({
  hostname: "127.0.0.1",
  port,
  cert: Deno.readTextFileSync(Deno.env.get("BENCH_TLS_CERT")!),
  key: Deno.readTextFileSync(Deno.env.get("BENCH_TLS_KEY")!),
  onListen: ({ port }) => console.log(`LISTENING ${port}`),
}, () => new Response(HELLO_BODY, { headers: { "content-type": "text/plain" } }));
Deno.addSignalListener("SIGTERM", () => server.shutdown().then(() => Deno.exit(0)));
