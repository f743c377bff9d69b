/**
 * Benchmark peer for the `websocket` group on Node: the `ws` package (devDependency) on a bare
 * `node:http` server, echoing every message on `/ws` as it came (text as text).
 *
 *     node scripts/bench/servers/ws_node.mjs [port]
 *
 * Prints `LISTENING <port>` once bound; exits on SIGTERM.
 *
 * @module
 */

import { createServer } from "node:http";
import process from "node:process";
import { WebSocketServer } from "ws";

const port = Number(process.argv[2] ?? process.env.PORT ?? "0");
const server = createServer((_req, res) => res.end("Hello world!"));
const wss = new WebSocketServer({ server, path: "/ws" });
wss.on("connection", (socket) => {
  socket.on("message", (data, isBinary) => socket.send(data, { binary: isBinary }));
});
server.listen(port, "127.0.0.1", () => console.log(`LISTENING ${server.address().port}`));
process.on("SIGTERM", () => process.exit(0));
