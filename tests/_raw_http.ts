/**
 * An HTTP client that sends only the headers given and never unzips (`fetch` adds
 * `Accept-Encoding` and decompresses the body by itself): `node:http`, on every runtime.
 *
 * @module
 */
import { request as httpRequest } from "node:http";
import { spawn } from "node:child_process";

/** An answer, its body as bytes exactly as sent. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array;
  /** The chunks as they arrived. */
  chunks: Uint8Array[];
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Requests `path` from `127.0.0.1:port` with exactly `headers`. */
export function rawGet(
  port: number,
  path: string,
  headers: Record<string, string> = {},
  method = "GET",
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: "127.0.0.1", port, path, method, headers, agent: false },
      (res) => {
        const chunks: Uint8Array[] = [];
        res.on("data", (c: Uint8Array) => chunks.push(new Uint8Array(c)));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: concat(chunks),
            chunks,
          }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/**
 * Sends `request` (a GET) and hands back the response stream unread, for tests that read
 * slowly or not at all.
 */
export function rawOpen(
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<import("node:http").IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path, headers, agent: false }, resolve);
    req.on("error", reject);
    req.end();
  });
}

/** Runs `command args` with `input` on its standard input; resolves with its output. */
export function pipeThrough(command: string, args: string[], input: Uint8Array): Promise<{
  code: number | null;
  stdout: Uint8Array;
  stderr: string;
}> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
    const out: Uint8Array[] = [];
    let err = "";
    child.stdout!.on("data", (c: Uint8Array) => out.push(new Uint8Array(c)));
    child.stderr!.on("data", (c: Uint8Array) => err += new TextDecoder().decode(c));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout: concat(out), stderr: err }));
    child.stdin!.end(input);
  });
}
