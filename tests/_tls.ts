/**
 * Test helpers for TLS sites: a self-signed certificate for `localhost`, a mounted root served
 * over HTTPS on a chosen engine, and curl as the client.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HTTPServer, LogManager, Tree } from "../mod.ts";
import type { HttpEngineName } from "../platform/mod.ts";

/** Writes a self-signed certificate for `localhost` into `dir`. */
export function makeCertificate(dir: string): { cert: string; key: string } {
  const cert = join(dir, "cert.pem");
  const key = join(dir, "key.pem");
  execFileSync("openssl", [
    ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert],
    ...["-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"],
  ], { stdio: "ignore" });
  return { cert, key };
}

/** Runs curl (`-sk`, 20 s at most) and resolves with its standard output. */
export function curl(args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(
      "curl",
      ["-sk", "--max-time", "20", ...args],
      { maxBuffer: 1 << 24 },
      (e, out) => e ? reject(e) : resolve(out),
    )
  );
}

/**
 * Serves `root` (mounted at `""` with `config`) over HTTPS (or plain HTTP with `tls: false`)
 * on `engine`, runs `fn` with the base URL, the server and a scratch folder, then stops.
 */
export async function withTlsSite(
  root: object,
  engine: HttpEngineName,
  fn: (base: string, server: HTTPServer, dir: string) => Promise<void>,
  options: {
    config?: Record<string, Record<string, unknown>>;
    tls?: boolean;
    /** The server's socket timeout, in seconds (none by default). */
    socketTimeout?: number;
  } = {},
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "cherrypy-ts-tls-"));
  const log = new LogManager();
  log.screen = false;
  const tree = new Tree({ globalConfig: () => ({}), log });
  tree.mount(root, "", options.config ?? {});
  const tls = options.tls !== false;
  const { cert, key } = makeCertificate(dir);
  const server = new HTTPServer(
    { host: "127.0.0.1", port: 0 },
    tree,
    {
      ...(tls ? { ssl: { certificate: cert, privateKey: key } } : {}),
      engine,
      shutdownTimeout: 5,
      ...(options.socketTimeout ? { socketTimeout: options.socketTimeout } : {}),
    },
  );
  await server.start();
  const scheme = tls ? "https://localhost" : "http://127.0.0.1";
  try {
    await fn(`${scheme}:${server.boundAddr!.port}`, server, dir);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
