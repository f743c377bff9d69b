/**
 * Benchmark peer on Node: [Express](https://expressjs.com) (a devDependency of the workspace)
 * serving the three apps with its defaults: `GET /` (`res.send`), `GET /json` (`res.json`) and
 * `GET /users/:id/profile` (a route parameter). Express's defaults include a weak ETag on every
 * response and the `X-Powered-By` header; they are left on, as an app would have them.
 *
 *     node scripts/bench/servers/express_node.mjs [port]   # or PORT=8080; default 0 (any)
 *
 * Prints `LISTENING <port>` once the socket is bound, and exits on SIGTERM.
 *
 * @module
 */

import process from "node:process";
import express from "express";
import { HELLO_BODY, jsonPayload, profileBody } from "./payloads.mjs";

const port = Number(process.argv[2] ?? process.env.PORT ?? 0);

const app = express();
app.get("/", (_req, res) => {
  res.send(HELLO_BODY);
});
app.get("/json", (_req, res) => {
  res.json(jsonPayload());
});
app.get("/users/:id/profile", (req, res) => {
  res.send(profileBody(req.params.id));
});

process.on("SIGTERM", () => process.exit(0));
const server = app.listen(port, "127.0.0.1", () => {
  console.log(`LISTENING ${server.address().port}`);
});
