/**
 * The rows of the `h2` group: the answer checked with curl, then the load from `h2load`; and
 * the certificate they are served with.
 *
 * @module
 */

import { runH2load } from "./h2load.ts";
import type { Options } from "./options.ts";
import { runToEnd } from "./procs.ts";
import { cpuSecondsOfTree, rssOfTree } from "./procstat.ts";
import type { RunResult, Unit } from "./report.ts";
import { HELLO_BODY } from "./servers/payloads.mjs";
import { APPS } from "./targets.ts";

/**
 * A row of the `h2` group: the answer checked with curl (status, body, protocol), then
 * `h2load` over TLS: HTTP/2 with `--connections` streams in flight over 10 connections, or
 * HTTP/1.1 (`--h1`) on `--connections` connections.
 */
export async function measureTls(
  unit: Unit,
  round: number,
  opts: Options,
  server: { pid: number; exited: boolean; stderr: string },
  port: number,
): Promise<RunResult> {
  const target = unit.target;
  const url = `https://localhost:${port}${APPS[unit.app].path}`;
  const h1 = target.protocol === "h1-tls";
  const check = await runToEnd(
    [
      "curl",
      "-sk",
      "--max-time",
      "10",
      h1 ? "--http1.1" : "--http2",
      "-w",
      "\n%{http_code} %{http_version}",
      url,
    ],
    { timeoutMs: 15_000 },
  );
  const expected = `${HELLO_BODY}\n200 ${h1 ? "1.1" : "2"}`;
  if (check.stdout !== expected) {
    throw new Error(
      `${target.name}: GET ${url} answered ${JSON.stringify(check.stdout)}, expected ${
        JSON.stringify(expected)
      }`,
    );
  }
  const clients = h1 ? opts.connections : Math.min(10, opts.connections);
  const plan = { clients, streams: Math.max(1, Math.round(opts.connections / clients)), h1 };
  if (opts.warmup > 0) await runH2load(url, opts.warmup, plan, opts.clientCpu);
  const cpuBefore = cpuSecondsOfTree(server.pid);
  const result = await runH2load(url, opts.duration, plan, opts.clientCpu);
  const cpuAfter = cpuSecondsOfTree(server.pid);
  const rssBytes = rssOfTree(server.pid);
  if (server.exited) {
    throw new Error(`${target.name} died during the run:\n${server.stderr.trim()}`);
  }
  const cpuUsPerRequest = cpuBefore !== null && cpuAfter !== null && result.requests > 0
    ? ((cpuAfter - cpuBefore) * 1e6) / result.requests
    : null;
  return { round, ...result, rssBytes, cpuUsPerRequest, session: null };
}

/** A self-signed certificate for `localhost`, in a temporary folder removed at the end. */
export async function makeCertificate(
  tempDirs: Set<string>,
): Promise<{ cert: string; key: string }> {
  const dir = await Deno.makeTempDir({ prefix: "cherrypy-bench-tls-" });
  tempDirs.add(dir);
  const cert = `${dir}/cert.pem`;
  const key = `${dir}/key.pem`;
  const r = await runToEnd([
    ...["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert],
    ...["-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"],
  ], { timeoutMs: 30_000 });
  if (r.code !== 0) throw new Error(`openssl failed: ${r.stderr.trim()}`);
  return { cert, key };
}
