/**
 * The `h2` and `websocket` groups' targets. `h2`: the framework over TLS, loaded by `h2load` with HTTP/2 (and with
 * HTTP/1.1 over the same TLS, for comparison), next to a bare HTTP/2 server of each runtime. On
 * Deno HTTP/2 is the native engine's (`Deno.serve`); the project's engine serves HTTP/1.1 there.
 *
 * @module
 */

import { denoRun, nodeRun, tlsEnv } from "./commands.ts";
import type { AppName, Target } from "./targets.ts";

const HELLO: readonly AppName[] = ["hello"];

/** The `h2` group's targets, in table order. */
export const H2_TARGETS: readonly Target[] = [
  {
    name: "raw_deno_h2",
    runtime: "deno",
    description: "Deno.serve over TLS (ALPN h2) answering Hello world!, no framework",
    groups: ["h2"],
    apps: HELLO,
    protocol: "h2",
    command: (c) => denoRun(c, "h2_deno.ts"),
    env: tlsEnv,
  },
  {
    name: "cp_fw_deno_native_h2",
    runtime: "deno",
    description: "cp_fw_deno_native over TLS, HTTP/2 (Deno.serve), from the sources",
    groups: ["h2"],
    apps: HELLO,
    protocol: "h2",
    floor: "raw_deno_h2",
    command: (c) => denoRun(c, "cp_framework.mjs"),
    env: (c) => ({
      ...tlsEnv(c),
      CP_MOD: `${c.root}/mod.ts`,
      CP_ENGINE: "native",
      BENCH_APP: c.app,
    }),
  },
  {
    name: "cp_fw_deno_tls_h1",
    runtime: "deno",
    description: "cp_fw_deno over TLS, HTTP/1.1 (h2load --h1), from the sources",
    groups: ["h2"],
    apps: HELLO,
    protocol: "h1-tls",
    command: (c) => denoRun(c, "cp_framework.mjs"),
    env: (c) => ({
      ...tlsEnv(c),
      CP_MOD: `${c.root}/mod.ts`,
      CP_ENGINE: "cherrypy",
      BENCH_APP: c.app,
    }),
  },
  {
    name: "raw_node_h2",
    runtime: "node",
    description: "node:http2 secure server answering Hello world!, no framework",
    groups: ["h2"],
    apps: HELLO,
    protocol: "h2",
    command: (c) => nodeRun(c, "h2_node.mjs"),
    env: tlsEnv,
  },
  {
    name: "cp_fw_node_h2",
    runtime: "node",
    description:
      "cp_fw_node over TLS, HTTP/2 (the project's engine hands ALPN h2 to node:http2), from the npm build",
    groups: ["h2"],
    apps: HELLO,
    protocol: "h2",
    floor: "raw_node_h2",
    needsNpmBuild: true,
    command: (c) => nodeRun(c, "cp_framework.mjs"),
    env: (c) => ({ ...tlsEnv(c), CP_MOD: `${c.root}/npm/mod.js`, BENCH_APP: c.app }),
  },
  {
    name: "cp_fw_node_tls_h1",
    runtime: "node",
    description: "cp_fw_node over TLS, HTTP/1.1 (h2load --h1), from the npm build",
    groups: ["h2"],
    apps: HELLO,
    protocol: "h1-tls",
    needsNpmBuild: true,
    command: (c) => nodeRun(c, "cp_framework.mjs"),
    env: (c) => ({ ...tlsEnv(c), CP_MOD: `${c.root}/npm/mod.js`, BENCH_APP: c.app }),
  },
];

/** The `websocket` group's targets: an echo on `/ws`, framework and bare, on each runtime. */
export const WEBSOCKET_TARGETS: readonly Target[] = [
  {
    name: "ws_deno",
    runtime: "deno",
    description: "Deno.serve with Deno.upgradeWebSocket and a bare echo handler",
    groups: ["websocket"],
    apps: HELLO,
    protocol: "websocket",
    command: (c) => denoRun(c, "ws_deno.ts"),
  },
  {
    name: "cp_fw_deno_ws",
    runtime: "deno",
    description:
      "cherrypy-ts: tools.websocket with EchoWebSocket and the WebSocketPlugin, the project's engine, from the sources",
    groups: ["websocket"],
    apps: HELLO,
    protocol: "websocket",
    floor: "ws_deno",
    command: (c) => denoRun(c, "cp_framework.mjs"),
    env: (c) => ({
      CP_MOD: `${c.root}/mod.ts`,
      CP_ENGINE: "cherrypy",
      BENCH_APP: c.app,
      CP_WEBSOCKET: "1",
    }),
  },
  {
    name: "ws_node",
    runtime: "node",
    description: "the ws package (devDependency) on node:http, a bare echo handler",
    groups: ["websocket"],
    apps: HELLO,
    protocol: "websocket",
    command: (c) => nodeRun(c, "ws_node.mjs"),
  },
  {
    name: "cp_fw_node_ws",
    runtime: "node",
    description:
      "cherrypy-ts: tools.websocket with EchoWebSocket and the WebSocketPlugin, from the npm build",
    groups: ["websocket"],
    apps: HELLO,
    protocol: "websocket",
    floor: "ws_node",
    needsNpmBuild: true,
    command: (c) => nodeRun(c, "cp_framework.mjs"),
    env: (c) => ({ CP_MOD: `${c.root}/npm/mod.js`, BENCH_APP: c.app, CP_WEBSOCKET: "1" }),
  },
];
