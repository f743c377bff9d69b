/**
 * Benchmark peer for the `websocket` group on Deno: `Deno.serve` with `Deno.upgradeWebSocket`
 * on `/ws` and a bare handler echoing every message as it came.
 *
 *     deno run -A scripts/bench/servers/ws_deno.ts [port]
 *
 * Prints `LISTENING <port>` once bound; exits on SIGTERM.
 *
 * @module
 */

const port = Number(Deno.args[0] ?? Deno.env.get("PORT") ?? "0");
const server = Deno.serve({
  hostname: "127.0.0.1",
  port,
  onListen: ({ port }) => console.log(`LISTENING ${port}`),
}, (request) => {
  if (new URL(request.url).pathname !== "/ws") return new Response("Hello world!");
  const { socket, response } = Deno.upgradeWebSocket(request);
  socket.onmessage = (event) => socket.send(event.data);
  return response;
});
Deno.addSignalListener("SIGTERM", () => server.shutdown().then(() => Deno.exit(0)));
