/**
 * The log files: opened once and written through a buffer (out within a second, at once when
 * flushed), reopened for log rotation; and a real site rotated under load (rename, SIGUSR1)
 * that loses no line, and writes everything out on SIGTERM.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as cherrypy from "../../../mod.ts";
const { flushLogFiles, reopenLogFiles } = cherrypy;
import { appendAccessParts } from "../../../framework/core/log_files.ts";
import { rawExchange } from "../../_raw.ts";
import { eventually, runProgram } from "../../_helpers.ts";
import { isDeno } from "../../../platform/mod.ts";

const read = (path: string) => existsSync(path) ? readFileSync(path, "utf8") : "";

test("log files: lines wait in a buffer, are written within a second, and at once when flushed", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cherrypy-logs-"));
  try {
    const log = new cherrypy.LogManager({ screen: false });
    log.access_file = join(dir, "access.log");
    log.error_file = join(dir, "error.log");
    log.accessLine("first");
    log.error("an error", "APP", 40);
    // Written out by the timer, without any flush.
    await eventually(() => read(log.access_file).includes("first\n") || undefined, 3_000);
    await eventually(() => read(log.error_file).includes("APP an error\n") || undefined, 3_000);
    for (let i = 0; i < 100; i++) log.accessLine(`line ${i}`);
    flushLogFiles();
    const lines = read(log.access_file).trimEnd().split("\n");
    assert.deepEqual(lines, ["first", ...Array.from({ length: 100 }, (_, i) => `line ${i}`)]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("log files: reopening after a rename starts a new file of the old name", () => {
  const dir = mkdtempSync(join(tmpdir(), "cherrypy-logs-"));
  try {
    const log = new cherrypy.LogManager({ screen: false });
    log.access_file = join(dir, "access.log");
    log.accessLine("before");
    flushLogFiles();
    renameSync(log.access_file, `${log.access_file}.1`);
    log.accessLine("still the old file");
    reopenLogFiles();
    log.accessLine("after");
    flushLogFiles();
    assert.equal(read(`${log.access_file}.1`), "before\nstill the old file\n");
    assert.equal(read(log.access_file), "after\n");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("log files: a file that cannot be opened is reported once; the site goes on", () => {
  const dir = mkdtempSync(join(tmpdir(), "cherrypy-logs-"));
  try {
    const log = new cherrypy.LogManager({ screen: false });
    log.access_file = join(dir, "missing-dir", "access.log");
    log.accessLine("dropped");
    assert.doesNotThrow(() => flushLogFiles());
    log.accessLine("dropped too");
    assert.doesNotThrow(() => flushLogFiles());
    assert.equal(existsSync(log.access_file), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("log rotation under load: rename + SIGUSR1 (SIGUSR2 on Deno), then SIGTERM; every request's line is in one of the files", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cherrypy-logs-"));
  const access = join(dir, "access.log");
  const errors = join(dir, "error.log");
  const site = runProgram("tests/fixtures/access_log_site", {
    ACCESS_LOG: access,
    ERROR_LOG: errors,
  });
  try {
    const port = Number((await site.waitFor(/PORT (\d+)/, 20_000))[1]);
    let next = 0;
    let stop = false;
    const served: number[] = [];
    const client = async () => {
      while (!stop) {
        const i = next++;
        try {
          const res = await fetch(`http://127.0.0.1:${port}/${i % 10 === 0 ? "oops" : "n"}?i=${i}`);
          if (res.status === 200 && (await res.text()) === String(i)) served.push(i);
        } catch {
          // Not answered: not counted (the assertions below want nearly every request served).
        }
      }
    };
    const clients = [client(), client(), client()];
    await new Promise((r) => setTimeout(r, 400));
    // logrotate's way: rename, then ask the process to reopen its files.
    await eventually(() => (existsSync(access) && existsSync(errors)) || undefined, 3_000);
    renameSync(access, `${access}.1`);
    renameSync(errors, `${errors}.1`);
    // SIGUSR2 on Deno, where SIGUSR1 would also open V8's inspector (docs/logging.md).
    site.signal(isDeno ? "SIGUSR2" : "SIGUSR1");
    await new Promise((r) => setTimeout(r, 400));
    stop = true;
    await Promise.all(clients);
    site.signal("SIGTERM");
    assert.equal(await site.exited, 0, site.stderr());
    const lines = (read(`${access}.1`) + read(access)).split("\n").filter((l) => l !== "");
    const logged = new Set(lines.map((l) => Number(l.match(/\?i=(\d+) HTTP/)?.[1])));
    const lost = served.filter((i) => !logged.has(i));
    assert.ok(
      served.length > 50 && served.length > next - 10,
      `${served.length} of ${next} served`,
    );
    assert.deepEqual(lost, [], `${lost.length} of ${served.length} access lines lost`);
    assert.ok(read(access).length > 0, "the reopened file has the lines after the signal");
    const oops = (read(`${errors}.1`) + read(errors)).match(/APP oops \d+/g) ?? [];
    assert.equal(oops.length, served.filter((i) => i % 10 === 0).length);
  } finally {
    site.signal("SIGKILL");
    await site.exited;
    rmSync(dir, { recursive: true, force: true });
  }
});

test("access lines from their parts: a request line that needs escaping is refused, then written escaped", () => {
  const dir = mkdtempSync(join(tmpdir(), "cherrypy-logs-"));
  try {
    const path = join(dir, "access.log");
    const start = '127.0.0.1 - - [01/Jan/2027:00:00:00] "';
    const end = '"" "curl"';
    assert.equal(appendAccessParts(path, start, "GET /a HTTP/1.1", 200, "5", end), true);
    assert.equal(appendAccessParts(path, start, 'GET /"b HTTP/1.1', 404, "-", end), false);
    assert.equal(appendAccessParts(path, start, "GET /\u00e9 HTTP/1.1", 200, "-", end), false);
    assert.equal(appendAccessParts(path, start, "GET /c HTTP/1.1", 200, "1\n", end), false);
    // Escaped values keep their `\"`.
    assert.equal(appendAccessParts(path, start, 'GET /\\"b HTTP/1.1', 404, "-", end, true), true);
    // A line longer than the buffer goes out on its own.
    const long = `GET /${"x".repeat(70_000)} HTTP/1.1`;
    assert.equal(appendAccessParts(path, start, long, 414, "-", end), true);
    // The request line as its three parts, written with a space between each; refused as the
    // joined line would be.
    const parts = (target: string) => ({ method: "GET", target, protocol: "HTTP/1.0" });
    assert.equal(appendAccessParts(path, start, parts("/p?q=1"), 201, "7", end), true);
    assert.equal(appendAccessParts(path, start, parts('/"p'), 200, "7", end), false);
    assert.equal(appendAccessParts(path, start, parts("/\u00e9"), 200, "7", end), false);
    // Codes outside 100-999 (not sent, but kept as given).
    assert.equal(appendAccessParts(path, start, "GET /z HTTP/1.1", 99, "-", end), true);
    assert.equal(appendAccessParts(path, start, "GET /z HTTP/1.1", 1000, "-", end), true);
    flushLogFiles();
    assert.equal(
      read(path),
      `${start}GET /a HTTP/1.1" 200 5 ${end}\n${start}GET /\\"b HTTP/1.1" 404 - ${end}\n` +
        `${start}${long}" 414 - ${end}\n${start}GET /p?q=1 HTTP/1.0" 201 7 ${end}\n` +
        `${start}GET /z HTTP/1.1" 99 - ${end}\n${start}GET /z HTTP/1.1" 1000 - ${end}\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("access lines: a log that writes only a file writes what a log with a handler writes", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cherrypy-logs-"));
  // Two sites, the same requests: one log writes its file from the line's parts (no screen, no
  // handler), the other also hands every line to a handler (the line is built as a string).
  const sites: Array<{ log: cherrypy.LogManager; server: cherrypy.HTTPServer; lines: string[] }> =
    [];
  try {
    for (const withHandler of [false, true]) {
      const log = new cherrypy.LogManager({ screen: false });
      log.access_file = join(dir, `access-${withHandler}.log`);
      const lines: string[] = [];
      if (withHandler) log.handlers.push((r) => r.kind === "access" && lines.push(r.line));
      const tree = new cherrypy.Tree({ globalConfig: () => ({}), log });
      class Root {
        @cherrypy.expose
        index() {
          return "ok";
        }
        @cherrypy.expose
        quoted() {
          // A request line with a quote (the server refuses one in a target; a tool may not).
          cherrypy.request.request_line = 'GET /say "hi" HTTP/1.1';
          return "q";
        }
        @cherrypy.expose
        default(..._path: string[]) {
          return "any";
        }
      }
      tree.mount(new Root(), "");
      const server = new cherrypy.HTTPServer({ host: "127.0.0.1", port: 0 }, tree);
      await server.start();
      sites.push({ log, server, lines });
    }
    const requests = [
      "GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: plain\r\nConnection: close\r\n\r\n",
      'GET /a HTTP/1.1\r\nHost: x\r\nReferer: http://e/"q"\r\nConnection: close\r\n\r\n',
      // (Written as UTF-8: the bytes c3 a9 for each é.)
      "GET /caf\u00e9/?x=%22 HTTP/1.1\r\nHost: x\r\nUser-Agent: t\u00e9st\tagent\r\n" +
      "Connection: close\r\n\r\n",
      "GET /nothing HTTP/1.0\r\n\r\n",
      "GET /quoted HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    ];
    for (const site of sites) {
      for (const request of requests) {
        const { text } = await rawExchange(site.server.boundAddr!.port, request);
        assert.match(text, /^HTTP\/1\.1 \d{3} /, text);
      }
    }
    flushLogFiles();
    const strip = (text: string) => text.replace(/\[[^\]]+\]/g, "[time]");
    const [parts, built] = sites.map((s) => strip(read(s.log.access_file)));
    assert.equal(parts!.split("\n").length, requests.length + 1, parts);
    assert.equal(parts, built);
    assert.equal(built, strip(sites[1]!.lines.map((l) => l + "\n").join("")));
    // CherryPy's escaping, as the string path does it.
    assert.match(parts!, /"GET \/a HTTP\/1\.1" 200 3 "http:\/\/e\/\\"q\\"" ""\n/);
    // The request line and headers are read as ISO-8859-1 (é arrives as the two characters
    // Ã©), and the log writes their UTF-8 bytes, as CherryPy does (`\xc3\x83\xc2\xa9`).
    assert.match(parts!, /"GET \/caf\\xc3\\x83\\xc2\\xa9\/\?x=%22 HTTP\/1\.1" 404 \d+ "" /);
    assert.match(parts!, /"t\\xc3\\x83\\xc2\\xa9st\\tagent"\n/);
    assert.match(parts!, /"GET \/say \\"hi\\" HTTP\/1\.1" 200 1 "" ""\n/);
  } finally {
    for (const site of sites) await site.server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
