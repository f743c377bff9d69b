/**
 * Benchmark target: cherrypy-ts's {@link HTTPServer} serving a small app, on either runtime.
 *
 * One plain-ESM file serves both runtimes, so the same code is measured on each: it imports the
 * project from a module path chosen at run time, the TypeScript sources on Deno and the npm
 * build on Node by default.
 *
 *     deno run -A scripts/bench/servers/cp_server.mjs [port]     # imports server/mod.ts
 *     node scripts/bench/servers/cp_server.mjs [port]            # imports npm/server/mod.js
 *
 * Options (a flag wins over its environment variable):
 *
 * - `[port]` or `PORT`: the port to bind on 127.0.0.1 (default 0: any free port).
 * - `--mod <path>` or `CP_MOD`: the module to import; it must export `HTTPServer` (the server
 *   module, or the package's main module `mod.ts` / `npm/mod.js`, which re-exports it).
 * - `--app <name>` or `CP_APP`: which entry of {@link APPS} to serve (default `native`).
 * - `CP_ENGINE`: the HTTP engine (`cherrypy` or `native`; default: the runtime's default).
 *
 * Prints `LISTENING <port>` once the socket is bound (the benchmark waits for that line), and
 * exits on SIGTERM (so that `--cpu-prof` writes its profile).
 *
 * @module
 */

import process from "node:process";
import { pathToFileURL } from "node:url";

const isDeno = typeof globalThis.Deno?.serve === "function";

/**
 * The apps this program can serve, by name. Each takes the imported project module and returns
 * a gateway for `HTTPServer` (a Fetch handler or a native `{ handle }` object). Add an entry here
 * (and a row in `../targets.ts`) to benchmark another app; apps that need the framework should be
 * run with `--mod` pointing at the package's main module.
 */
export const APPS = {
  /** The server layer alone: a native gateway, no Fetch objects, no framework. */
  native: () => ({
    handle: () => ({
      status: 200,
      headers: [["Content-Type", "text/plain"]],
      body: "Hello world!",
    }),
  }),
};

function parseArgs(argv) {
  const out = { port: process.env.PORT, mod: process.env.CP_MOD, app: process.env.CP_APP };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--mod" || arg === "--app") out[arg.slice(2)] = argv[++i];
    else if (arg.startsWith("--mod=") || arg.startsWith("--app=")) {
      out[arg.slice(2, 5)] = arg.slice(6);
    } else out.port = arg;
  }
  return out;
}

const args = parseArgs(process.argv.slice(2));
const defaultMod = isDeno ? "../../../server/mod.ts" : "../../../npm/server/mod.js";
const modUrl = args.mod ? pathToFileURL(args.mod).href : new URL(defaultMod, import.meta.url).href;
const makeApp = APPS[args.app ?? "native"];
if (makeApp === undefined) {
  console.error(`cp_server: unknown app ${args.app}; known: ${Object.keys(APPS).join(", ")}`);
  process.exit(2);
}

process.on("SIGTERM", () => process.exit(0));
const mod = await import(modUrl);
const server = new mod.HTTPServer(
  { host: "127.0.0.1", port: Number(args.port ?? 0) },
  await makeApp(mod),
  process.env.CP_ENGINE ? { engine: process.env.CP_ENGINE } : {},
);
await server.start();
console.log(`LISTENING ${server.boundAddr.port}`);
