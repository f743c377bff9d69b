/**
 * Benchmark peer on Node: [Express](https://expressjs.com) (a devDependency of the workspace)
 * serving the apps with its defaults:
 *
 * - `GET /` (`res.send`), `GET /json` (`res.json`), `GET /users/:id/profile` (a route
 *   parameter);
 * - `GET /session`: a counter in a session of `express-session` (its default `MemoryStore`),
 *   the middleware on that route only (`resave` and `saveUninitialized` off, as its
 *   documentation recommends; it signs the cookie with the secret);
 * - `GET /static/<file>`: `express.static` over the folder `BENCH_STATIC_DIR` (when set);
 * - `GET /json_out`: the `json` app's handler on another path.
 *
 * The new routes come after the first three, so these never run their middleware. Express's
 * defaults include a weak ETag on every response and the `X-Powered-By` header; they are left on,
 * as an app would have them.
 *
 *     node scripts/bench/servers/express_node.mjs [port]   # or PORT=8080; default 0 (any)
 *
 * Prints `LISTENING <port>` once the socket is bound, and exits on SIGTERM.
 *
 * @module
 */

import process from "node:process";
import express from "express";
import session from "express-session";
import { HELLO_BODY, jsonPayload, profileBody, STATIC_PREFIX } from "./payloads.mjs";

const port = Number(process.argv[2] ?? process.env.PORT ?? 0);
const staticDir = process.env.BENCH_STATIC_DIR;

const app = express();
const json = (_req, res) => {
  res.json(jsonPayload());
};
app.get("/", (_req, res) => {
  res.send(HELLO_BODY);
});
app.get("/json", json);
app.get("/users/:id/profile", (req, res) => {
  res.send(profileBody(req.params.id));
});
app.get(
  "/session",
  session({ secret: "a benchmark secret", resave: false, saveUninitialized: false }),
  (req, res) => {
    req.session.count = (req.session.count ?? 0) + 1;
    res.send(String(req.session.count));
  },
);
if (staticDir !== undefined) app.use(STATIC_PREFIX, express.static(staticDir));
app.get("/json_out", json);

process.on("SIGTERM", () => process.exit(0));
const server = app.listen(port, "127.0.0.1", () => {
  console.log(`LISTENING ${server.address().port}`);
});
