/**
 * Benchmark baseline for Deno: a raw `Deno.serve` answering every request with `Hello world!`
 * (`text/plain`), with no cherrypy-ts code at all.
 *
 *     deno run -A scripts/bench/servers/raw_deno.ts [port]   # or PORT=8080; default 0 (any)
 *
 * Prints `LISTENING <port>` once the socket is bound (the benchmark waits for that line).
 *
 * @module
 */

const port = Number(Deno.args[0] ?? Deno.env.get("PORT") ?? 0);

Deno.serve({
  hostname: "127.0.0.1",
  port,
  onListen: (addr) => console.log(`LISTENING ${addr.port}`),
}, () => new Response("Hello world!", { headers: { "content-type": "text/plain" } }));
