/**
 * Benchmark baseline for Node: a raw `node:http` server answering every request with
 * `Hello world!` (`text/plain`), with no cherrypy-ts code at all. Plain ESM JavaScript so Node
 * runs it as is.
 *
 *     node scripts/bench/servers/raw_node.mjs [port]   # or PORT=8080; default 0 (any)
 *
 * Prints `LISTENING <port>` once the socket is bound (the benchmark waits for that line).
 *
 * @module
 */

import { Buffer } from "node:buffer";
import http from "node:http";
import process from "node:process";

const port = Number(process.argv[2] ?? process.env.PORT ?? 0);
const body = "Hello world!";
const length = String(Buffer.byteLength(body));

const server = http.createServer((_req, res) => {
  // An explicit Content-Length, as Deno.serve sends; without it Node answers chunked.
  res.writeHead(200, { "content-type": "text/plain", "content-length": length });
  res.end(body);
});
server.listen(port, "127.0.0.1", () => console.log(`LISTENING ${server.address().port}`));
