/**
 * The `websocket` group's load generator: opens `connections` WebSockets to `url` and keeps one
 * message in flight on each (send, wait for the echo, send again) for `seconds`; every echo must
 * equal what was sent. Prints one line, `BENCH_JSON {...}`: messages echoed, messages per second,
 * p50 and p99 round-trip latency (ms), errors.
 *
 *     deno run -A scripts/bench/ws_load.ts <url> <seconds> <connections> [message size]
 *
 * The harness runs it pinned to the client CPU, as it runs wrk.
 *
 * @module
 */

/** What one run measured. */
export interface WsLoadResult {
  /** Messages sent and echoed back equal, in the measured time. */
  messages: number;
  /** Messages per second. */
  rps: number;
  /** Median round trip, in milliseconds. */
  p50Ms: number;
  /** 99th-percentile round trip, in milliseconds. */
  p99Ms: number;
  /** Connections that failed or closed early, and echoes that differed. */
  errors: number;
}

/** Loads `url` as the module documentation says. */
export async function wsLoad(
  url: string,
  seconds: number,
  connections: number,
  size = 64,
): Promise<WsLoadResult> {
  const payload = "x".repeat(Math.max(1, size - 8));
  const latencies: number[] = [];
  let errors = 0;
  let measuring = false;
  let stopping = false;
  const sockets = await Promise.all(
    Array.from({ length: connections }, (_, i) =>
      new Promise<WebSocket | null>((resolve) => {
        const ws = new WebSocket(url);
        ws.onopen = () => resolve(ws);
        ws.onerror = () => {
          errors++;
          resolve(null);
        };
        let sentAt = 0;
        let expected = "";
        let n = 0;
        const send = () => {
          if (stopping) return;
          expected = `${i}:${n++}:${payload}`;
          sentAt = performance.now();
          ws.send(expected);
        };
        ws.onmessage = (event) => {
          if (event.data !== expected) errors++;
          else if (measuring) latencies.push(performance.now() - sentAt);
          send();
        };
        ws.addEventListener("open", send);
        ws.onclose = () => {
          if (!stopping) errors++;
        };
      })),
  );
  // Warm the connections up for a moment, then measure.
  await new Promise((resolve) => setTimeout(resolve, 300));
  measuring = true;
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  measuring = false;
  const elapsed = (performance.now() - started) / 1000;
  stopping = true;
  for (const ws of sockets) ws?.close();
  const sorted = latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return {
    messages: sorted.length,
    rps: sorted.length / elapsed,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    errors,
  };
}

if (import.meta.main) {
  const [url, seconds, connections, size] = Deno.args;
  const result = await wsLoad(url!, Number(seconds), Number(connections), Number(size ?? 64));
  console.log(`BENCH_JSON ${JSON.stringify(result)}`);
  Deno.exit(0);
}
