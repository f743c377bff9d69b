/**
 * Benchmark floor for HTTP engines written in JavaScript on Deno's sockets: a `Deno.listen`
 * keep-alive loop that parses nothing. Each connection reads into one buffer and, for every
 * `\r\n\r\n` it finds (a request without a body ends there), writes the `hello` app's response,
 * prepared once: the bytes `Deno.serve` sends for `raw_deno` (`content-type`, `content-length`,
 * `date`), the date refreshed once a second.
 *
 * Whatever engine runs on `Deno.listen` and `conn.read`/`conn.write` (cherrypy-ts's own does)
 * costs at least this per request before it parses a byte: the row shows what is left for an
 * engine and a framework against `Deno.serve`, whose HTTP/1.1 runs in Rust. It is not a server:
 * it answers anything (and no request with a body) with the same response.
 *
 *     deno run -A scripts/bench/servers/listen_deno.ts [port]   # or PORT=8080; default 0 (any)
 *
 * Prints `LISTENING <port>` once the socket is bound (the benchmark waits for that line), and
 * exits on SIGTERM (so that `--cpu-prof` writes its profile).
 *
 * @module
 */

import { HELLO_BODY } from "./payloads.mjs";

const port = Number(Deno.args[0] ?? Deno.env.get("PORT") ?? 0);
const encoder = new TextEncoder();

/** The response `Deno.serve` sends for `raw_deno`'s `hello`, with the date of `now`. */
function responseBytes(now: Date): Uint8Array {
  return encoder.encode(
    "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n" +
      `content-length: ${encoder.encode(HELLO_BODY).length}\r\n` +
      `date: ${now.toUTCString()}\r\n\r\n${HELLO_BODY}`,
  );
}

let response = responseBytes(new Date());
setInterval(() => response = responseBytes(new Date()), 1000);

/**
 * Counts the `\r\n\r\n` of `buf[0..end)`, from `from`: returns how many, and where the bytes
 * after the last one start (`from` when there is none).
 */
function countHeads(buf: Uint8Array, from: number, end: number): [number, number] {
  let count = 0;
  let after = from;
  for (let i = from; i + 3 < end; i++) {
    if (buf[i] === 13 && buf[i + 1] === 10 && buf[i + 2] === 13 && buf[i + 3] === 10) {
      count++;
      after = i + 4;
      i += 3;
    }
  }
  return [count, after];
}

async function serve(conn: Deno.TcpConn): Promise<void> {
  conn.setNoDelay(true);
  const buf = new Uint8Array(16384);
  let end = 0;
  try {
    for (;;) {
      if (end === buf.length) end = 0; // a head longer than the buffer: dropped
      const n = await conn.read(end === 0 ? buf : buf.subarray(end));
      if (n === null) break;
      // (A head split across reads is searched again from the start: heads are small.)
      end += n;
      const [heads, after] = countHeads(buf, 0, end);
      if (heads === 0) continue;
      // Answered: keep the bytes after the last head (none, without pipelining).
      buf.copyWithin(0, after, end);
      end -= after;
      // Written while the next read waits, as an engine does (awaiting each write before
      // reading again costs Deno an extra turn of its event loop per request). The answer is
      // small: the socket takes it whole.
      for (let i = 0; i < heads; i++) conn.write(response).catch(() => conn.close());
    }
  } catch {
    // A reset connection: nothing to do.
  } finally {
    try {
      conn.close();
    } catch { /* closed already */ }
  }
}

Deno.addSignalListener("SIGTERM", () => Deno.exit(0));
const listener = Deno.listen({ hostname: "127.0.0.1", port });
console.log(`LISTENING ${listener.addr.port}`);
for await (const conn of listener) void serve(conn);
