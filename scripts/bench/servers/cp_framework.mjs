/**
 * Benchmark target: the cherrypy-ts framework serving the benchmark apps, on either runtime, as
 * a site is run in production: `tree.mount` of an object tree with its config, `config.update`
 * with the `production` environment (no autoreload, no screen logging, so no access-log line is
 * built), and `engine.start()`, which starts the site's HTTP server. The apps are in
 * `cp_root.mjs`; `BENCH_APP` names the app measured, whose tool (sessions, staticdir, json_out)
 * the mounted config switches on (`benchConfig`), over the folder `BENCH_STATIC_DIR` for the
 * static apps.
 *
 * One plain-ESM file serves both runtimes, like `cp_server.mjs`:
 *
 *     deno run -A scripts/bench/servers/cp_framework.mjs [port]   # imports mod.ts
 *     node scripts/bench/servers/cp_framework.mjs [port]          # imports npm/mod.js
 *
 * `[port]` or `PORT` is the port to bind on 127.0.0.1 (default 0: any free port); `--mod
 * <path>` or `CP_MOD` the package's main module to import; `CP_ENGINE` the HTTP engine
 * (`server.engine`: `cherrypy` or `native`; default: the runtime's default); `CP_WORKERS` a
 * number of worker processes (`server.workers`; they need a port other than 0); `CP_ACCESS_LOG`
 * a file the access log is written to (`log.access_file`); `CP_LEAN` (any value) sends the
 * minimal response: no `Server` header and `text/plain` as the default type;
 * `BENCH_TLS_CERT` and `BENCH_TLS_KEY` serve over TLS (HTTP/2 and HTTP/1.1 by ALPN);
 * `CP_WEBSOCKET` (any value) adds `/ws`, a WebSocket echoing every message. Prints
 * `LISTENING <port>` once the engine has started (with workers: in the main process, once every
 * worker serves), and exits on SIGTERM (with workers: after stopping them).
 *
 * @module
 */

import process from "node:process";
import { pathToFileURL } from "node:url";
import { benchConfig, benchRoot } from "./cp_root.mjs";

const isDeno = typeof globalThis.Deno?.serve === "function";

let port = process.env.PORT ?? "0";
let modPath = process.env.CP_MOD;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === "--mod") modPath = argv[++i];
  else if (argv[i].startsWith("--mod=")) modPath = argv[i].slice(6);
  else port = argv[i];
}
const defaultMod = isDeno ? "../../../mod.ts" : "../../../npm/mod.js";
const modUrl = modPath ? pathToFileURL(modPath).href : new URL(defaultMod, import.meta.url).href;
const cherrypy = await import(modUrl);
cherrypy.config.update({
  environment: "production",
  "server.socket_host": "127.0.0.1",
  "server.socket_port": Number(port),
  ...(process.env.CP_ENGINE ? { "server.engine": process.env.CP_ENGINE } : {}),
  ...(process.env.CP_WORKERS ? { "server.workers": Number(process.env.CP_WORKERS) } : {}),
  ...(process.env.CP_ACCESS_LOG ? { "log.access_file": process.env.CP_ACCESS_LOG } : {}),
  ...(process.env.BENCH_TLS_CERT
    ? {
      "server.ssl_certificate": process.env.BENCH_TLS_CERT,
      "server.ssl_private_key": process.env.BENCH_TLS_KEY,
    }
    : {}),
});
// With workers, this program runs again in each worker; the main process serves nothing.
const workers = Number(process.env.CP_WORKERS ?? 0) > 0;
const isMainProcess = workers && cherrypy.workerSlot() === null;
const appConfig = benchConfig(process.env.BENCH_APP, process.env.BENCH_STATIC_DIR);
if (process.env.CP_WEBSOCKET) {
  // The websocket group: /ws echoes every message (the tool, with ws4py's EchoWebSocket).
  new cherrypy.WebSocketPlugin(cherrypy.engine).subscribe();
  appConfig["/ws"] = {
    "tools.websocket.on": true,
    "tools.websocket.handler_cls": cherrypy.EchoWebSocket,
  };
}
if (process.env.CP_LEAN) {
  // The minimal response (docs/configuration.md): no Server header, text/plain by default, so
  // that the page leaves with the headers Hono's and Fastify's do.
  appConfig["/"] = {
    ...appConfig["/"],
    "response.headers.server": null,
    "response.headers.Content-Type": "text/plain",
  };
}
cherrypy.tree.mount(benchRoot(cherrypy), "", appConfig);
process.on("SIGTERM", () => {
  if (isMainProcess) cherrypy.engine.exit().finally(() => process.exit(0));
  else process.exit(0);
});
await cherrypy.engine.start();
if (isMainProcess) console.log(`LISTENING ${port}`);
else if (!workers) console.log(`LISTENING ${cherrypy.server.httpserver.boundAddr.port}`);
