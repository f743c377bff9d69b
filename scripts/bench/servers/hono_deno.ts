/**
 * Benchmark peer on Deno: [Hono](https://hono.dev) (the npm package, a devDependency of the
 * workspace, imported from `node_modules`) serving the three apps on `Deno.serve`:
 * `GET /` (text), `GET /json` (`c.json`) and `GET /users/:id/profile` (a route parameter).
 *
 *     deno run -A scripts/bench/servers/hono_deno.ts [port]   # or PORT=8080; default 0 (any)
 *
 * Prints `LISTENING <port>` once the socket is bound, and exits on SIGTERM.
 *
 * @module
 */

import { Hono } from "hono";
import { HELLO_BODY, jsonPayload, profileBody } from "./payloads.mjs";

const port = Number(Deno.args[0] ?? Deno.env.get("PORT") ?? 0);

const app = new Hono();
app.get("/", (c) => c.text(HELLO_BODY));
app.get("/json", (c) => c.json(jsonPayload()));
app.get("/users/:id/profile", (c) => c.text(profileBody(c.req.param("id"))));

Deno.addSignalListener("SIGTERM", () => Deno.exit(0));
Deno.serve({
  hostname: "127.0.0.1",
  port,
  onListen: (addr) => console.log(`LISTENING ${addr.port}`),
}, app.fetch);
