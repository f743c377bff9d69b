/**
 * Benchmark peer on Deno: [Hono](https://hono.dev) (the npm package, a devDependency of the
 * workspace, imported from `node_modules`) serving the apps on `Deno.serve`:
 *
 * - `GET /` (text), `GET /json` (`c.json`), `GET /users/:id/profile` (a route parameter);
 * - `GET /session`: a counter in a session of [hono-sessions](https://github.com/jcs224/hono_sessions)
 *   with its `MemoryStore`, the middleware on that route only. No `encryptionKey`: the cookie
 *   holds the session's random id as is, as CherryPy's does (with a key, hono-sessions would
 *   encrypt and decrypt the id with iron on every request);
 * - `GET /static/<file>`: `serveStatic` of `hono/deno` over the folder `BENCH_STATIC_DIR` (when
 *   set), which streams each file from an open file handle;
 * - `GET /json_out`: the `json` app's handler (`c.json`) on another path.
 *
 *     deno run -A scripts/bench/servers/hono_deno.ts [port]   # or PORT=8080; default 0 (any)
 *
 * Prints `LISTENING <port>` once the socket is bound, and exits on SIGTERM.
 *
 * @module
 */

import { type Context, Hono } from "hono";
import { serveStatic } from "hono/deno";
import { MemoryStore, type Session, sessionMiddleware } from "hono-sessions";
import { HELLO_BODY, jsonPayload, profileBody, STATIC_PREFIX } from "./payloads.mjs";

const port = Number(Deno.args[0] ?? Deno.env.get("PORT") ?? 0);
const staticDir = Deno.env.get("BENCH_STATIC_DIR");

const app = new Hono<{ Variables: { session: Session<{ count: number }> } }>();
const json = (c: Context) => c.json(jsonPayload());
app.get("/", (c) => c.text(HELLO_BODY));
app.get("/json", json);
app.get("/users/:id/profile", (c) => c.text(profileBody(c.req.param("id"))));
app.use(
  "/session",
  sessionMiddleware({
    store: new MemoryStore(),
    expireAfterSeconds: 3600,
    cookieOptions: { path: "/", httpOnly: true, sameSite: "Lax" },
  }),
);
app.get("/session", (c) => {
  const session = c.get("session");
  const count = (session.get("count") ?? 0) + 1;
  session.set("count", count);
  return c.text(String(count));
});
if (staticDir !== undefined) {
  app.use(
    `${STATIC_PREFIX}/*`,
    serveStatic({ root: staticDir, rewriteRequestPath: (p) => p.slice(STATIC_PREFIX.length) }),
  );
}
app.get("/json_out", json);

Deno.addSignalListener("SIGTERM", () => Deno.exit(0));
Deno.serve({
  hostname: "127.0.0.1",
  port,
  onListen: (addr) => console.log(`LISTENING ${addr.port}`),
}, app.fetch);
