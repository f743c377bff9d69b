/**
 * Benchmark peer for the `h2` group on Node: a bare `node:http2` secure server (ALPN `h2`,
 * and `http/1.1` through `allowHTTP1`) answering `Hello world!` as `text/plain` to every
 * request, with no framework. The certificate and key are the files `BENCH_TLS_CERT` and
 * `BENCH_TLS_KEY` name.
 *
 *     node scripts/bench/servers/h2_node.mjs [port]
 *
 * Prints `LISTENING <port>` once bound; exits on SIGTERM.
 *
 * @module
 */

import { readFileSync } from "node:fs";
import * as http2 from "node:http2";
import process from "node:process";
import { HELLO_BODY } from "./payloads.mjs";

const port = Number(process.argv[2] ?? process.env.PORT ?? "0");
const server = http2.createSecureServer({
  cert: readFileSync(process.env.BENCH_TLS_CERT),
  key: readFileSync(process.env.BENCH_TLS_KEY),
  allowHTTP1: true,
}, (_req, res) => {
  res.writeHead(200, { "content-type": "text/plain" });
  res.end(HELLO_BODY);
});
server.listen(port, "127.0.0.1", () => console.log(`LISTENING ${server.address().port}`));
process.on("SIGTERM", () => process.exit(0));
