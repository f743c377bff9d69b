/**
 * Benchmark peer on Node: [Fastify](https://fastify.dev) (a devDependency of the workspace)
 * serving the apps with its defaults (no logger):
 *
 * - `GET /` (a string), `GET /json` (an object, serialized by Fastify), `GET /users/:id/profile`
 *   (a route parameter);
 * - `GET /session`: a counter in a session of `@fastify/session` (its default in-memory store)
 *   over `@fastify/cookie`, registered in a scope of their own so that no other route runs
 *   their hooks. The session secret must be at least 32 characters; `cookie.secure` is off, as
 *   the benchmark speaks plain HTTP (on by default, the cookie would never be set);
 * - `GET /static/<file>`: `@fastify/static` over the folder `BENCH_STATIC_DIR` (when set);
 * - `GET /json_out`: the `json` app's handler on another path.
 *
 *     node scripts/bench/servers/fastify_node.mjs [port]   # or PORT=8080; default 0 (any)
 *
 * Prints `LISTENING <port>` once the socket is bound, and exits on SIGTERM.
 *
 * @module
 */

import process from "node:process";
import fastifyCookie from "@fastify/cookie";
import fastifySession from "@fastify/session";
import fastifyStatic from "@fastify/static";
import Fastify from "fastify";
import { HELLO_BODY, jsonPayload, profileBody, STATIC_PREFIX } from "./payloads.mjs";

const port = Number(process.argv[2] ?? process.env.PORT ?? 0);
const staticDir = process.env.BENCH_STATIC_DIR;

const app = Fastify({ logger: false });
app.get("/", () => HELLO_BODY);
app.get("/json", () => jsonPayload());
app.get("/users/:id/profile", (request) => profileBody(request.params.id));
app.register(async (scope) => {
  await scope.register(fastifyCookie);
  await scope.register(fastifySession, {
    secret: "a benchmark secret of more than 32 characters",
    cookie: { secure: false },
  });
  scope.get("/session", (request) => {
    const count = (request.session.get("count") ?? 0) + 1;
    request.session.set("count", count);
    return String(count);
  });
});
if (staticDir !== undefined) {
  app.register(fastifyStatic, { root: staticDir, prefix: `${STATIC_PREFIX}/` });
}
app.get("/json_out", () => jsonPayload());

process.on("SIGTERM", () => process.exit(0));
await app.listen({ host: "127.0.0.1", port });
console.log(`LISTENING ${app.server.address().port}`);
