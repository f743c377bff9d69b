/**
 * Benchmark peer on Node: [Fastify](https://fastify.dev) (a devDependency of the workspace)
 * serving the three apps with its defaults (no logger): `GET /` (a string), `GET /json` (an
 * object, serialized by Fastify) and `GET /users/:id/profile` (a route parameter).
 *
 *     node scripts/bench/servers/fastify_node.mjs [port]   # or PORT=8080; default 0 (any)
 *
 * Prints `LISTENING <port>` once the socket is bound, and exits on SIGTERM.
 *
 * @module
 */

import process from "node:process";
import Fastify from "fastify";
import { HELLO_BODY, jsonPayload, profileBody } from "./payloads.mjs";

const port = Number(process.argv[2] ?? process.env.PORT ?? 0);

const app = Fastify({ logger: false });
app.get("/", () => HELLO_BODY);
app.get("/json", () => jsonPayload());
app.get("/users/:id/profile", (request) => profileBody(request.params.id));

process.on("SIGTERM", () => process.exit(0));
await app.listen({ host: "127.0.0.1", port });
console.log(`LISTENING ${app.server.address().port}`);
