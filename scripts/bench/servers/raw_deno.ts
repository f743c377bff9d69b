/**
 * Benchmark baseline for Deno: a raw `Deno.serve` answering one app's response with no
 * cherrypy-ts code and no routing at all (`BENCH_APP`: `hello`, the default, answers every
 * request `Hello world!` as `text/plain`; `json` answers every request the JSON payload; `nested`
 * reads the id from `/users/<id>/profile` with one regular expression).
 *
 *     deno run -A scripts/bench/servers/raw_deno.ts [port]   # or PORT=8080; default 0 (any)
 *
 * Prints `LISTENING <port>` once the socket is bound (the benchmark waits for that line), and
 * exits on SIGTERM (so that `--cpu-prof` writes its profile).
 *
 * @module
 */

import { HELLO_BODY, jsonPayload, profileBody } from "./payloads.mjs";

const port = Number(Deno.args[0] ?? Deno.env.get("PORT") ?? 0);
const app = Deno.env.get("BENCH_APP") ?? "hello";
const PROFILE = /^[a-z]+:\/\/[^/]*\/users\/([^/?]+)\/profile(?:\?|$)/;

const handlers: Record<string, (req: Request) => Response> = {
  hello: () => new Response(HELLO_BODY, { headers: { "content-type": "text/plain" } }),
  json: () =>
    new Response(JSON.stringify(jsonPayload()), {
      headers: { "content-type": "application/json" },
    }),
  nested: (req) => {
    const m = PROFILE.exec(req.url);
    if (m === null) return new Response("Not Found", { status: 404 });
    return new Response(profileBody(m[1]), { headers: { "content-type": "text/plain" } });
  },
};
const handler = handlers[app];
if (handler === undefined) {
  console.error(`raw_deno: unknown app ${app}; known: ${Object.keys(handlers).join(", ")}`);
  Deno.exit(2);
}

Deno.addSignalListener("SIGTERM", () => Deno.exit(0));
Deno.serve({
  hostname: "127.0.0.1",
  port,
  onListen: (addr) => console.log(`LISTENING ${addr.port}`),
}, handler);
