/**
 * The framework's own cost per request, without sockets: the benchmark apps of
 * `servers/cp_framework.mjs`, mounted and started the same way, answered in a loop through
 * `tree.handle` with a prepared native request. What it prints (wall-clock and CPU nanoseconds
 * per request, and the heap after the run) is what the framework adds to a server, free of the
 * load generator's noise; on a busy machine the CPU figure is the steadier one.
 *
 *     deno run -A scripts/bench/inprocess.mjs [--seconds S] [--app hello|json|nested|json_out]
 *     node scripts/bench/inprocess.mjs          # imports npm/mod.js (run the build first)
 *
 * `--browser` sends the headers a browser sends (eleven, a session cookie among them) instead
 * of wrk's three.
 *
 * @module
 */

import process from "node:process";
import { setImmediate } from "node:timers";
import { benchConfig, benchRoot } from "./servers/cp_root.mjs";

const isDeno = typeof globalThis.Deno?.serve === "function";
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at < 0 ? fallback : args[at + 1];
};
const seconds = Number(option("--seconds", "2"));
const only = option("--app", null);

const cherrypy = await import(isDeno ? "../../mod.ts" : "../../npm/mod.js");
cherrypy.config.update({
  environment: "production",
  "server.socket_host": "127.0.0.1",
  "server.socket_port": 0,
  // CP_ACCESS_LOG=<file>: every request's access line written to that file.
  ...(process.env.CP_ACCESS_LOG ? { "log.access_file": process.env.CP_ACCESS_LOG } : {}),
});
cherrypy.tree.mount(
  benchRoot(cherrypy),
  "",
  {
    ...benchConfig("json_out"),
    ...(process.env.CP_LEAN
      ? { "/": { "response.headers.server": null, "response.headers.Content-Type": "text/plain" } }
      : {}),
  },
);
await cherrypy.engine.start();

/** wrk's few headers, or with `--browser` those a browser sends (a session cookie among them). */
const HEADERS = args.includes("--browser")
  ? [
    ["host", "localhost:8080"],
    ["user-agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"],
    ["accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"],
    ["accept-language", "en-US,en;q=0.5"],
    ["accept-encoding", "gzip, deflate, br"],
    ["connection", "keep-alive"],
    ["cookie", "session_id=0123456789abcdef0123456789abcdef01234567"],
    ["upgrade-insecure-requests", "1"],
    ["sec-fetch-dest", "document"],
    ["sec-fetch-mode", "navigate"],
    ["sec-fetch-site", "none"],
  ]
  : [["host", "127.0.0.1:8080"], ["user-agent", "inprocess"], ["accept", "*/*"]];
const signal = new AbortController().signal;

/** A native request as the servers hand them over, for `target`. */
function incoming(target) {
  return {
    method: "GET",
    target,
    protocol: "HTTP/1.1",
    scheme: "http",
    remoteAddress: "127.0.0.1",
    remotePort: 40000,
    localAddress: "127.0.0.1",
    localPort: 8080,
    header(name) {
      const lower = name.toLowerCase();
      for (const [k, v] of HEADERS) if (k === lower) return v;
      return null;
    },
    headerEntries: () => HEADERS,
    body: () => null,
    signal,
    toRequest: () => new Request(`http://127.0.0.1:8080${target}`),
  };
}

const apps = { hello: "/", json: "/json", nested: "/users/42/profile", json_out: "/json_out" };

async function measure(name, target) {
  const req = incoming(target);
  let count = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  while (performance.now() < deadline) {
    for (let i = 0; i < 1000; i++) {
      const out = cherrypy.tree.handle(req);
      if (out instanceof Promise) await out;
    }
    count += 1000;
    // Let scheduled work run, as a server's event loop would.
    await new Promise((resolve) => setImmediate(resolve));
  }
  const ns = (performance.now() - started) * 1e6 / count;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuNs = (cpu.user + cpu.system) * 1e3 / count;
  globalThis.gc?.();
  const heap = process.memoryUsage().heapUsed / 2 ** 20;
  console.log(
    `${name.padEnd(7)} ${ns.toFixed(0).padStart(6)} ns/request  ` +
      `CPU ${cpuNs.toFixed(0).padStart(6)} ns/request  heap ${heap.toFixed(1)} MB`,
  );
}

for (const [name, target] of Object.entries(apps)) {
  if (only === null || only === name) {
    await measure(name, target); // warm-up
    await measure(name, target);
  }
}
await cherrypy.engine.exit();
process.exit(0);
