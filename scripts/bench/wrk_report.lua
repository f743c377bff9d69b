-- wrk reporting hook for scripts/bench/run.ts: after the run, prints one line
-- `BENCH_JSON {...}` with exact numbers (latencies in microseconds), so the harness does not
-- have to parse wrk's rounded human-readable summary. Defines only `done`, which keeps wrk on
-- its fast path (no per-request Lua).
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"durationUs":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latencyUs":{"mean":%.1f,"max":%d,"p50":%d,"p90":%d,"p99":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency.max, latency:percentile(50), latency:percentile(90),
    latency:percentile(99)))
end
