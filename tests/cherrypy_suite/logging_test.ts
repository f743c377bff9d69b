/**
 * CherryPy's test_logging, ported: access-log lines (the combined format and custom
 * `access_log_format`s with `{o}`, `{z}` and `{i}`), escaping of non-ASCII, backslashes and
 * whitespace, RFC 3339 UTC times, and tracebacks in the error log. The log files are real
 * files in a temporary folder, read as CherryPy's `LogCase` reads them.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as cherrypy from "../../mod.ts";
import { rfc3339UtcTime } from "../../framework/core/log.ts";
import { serveTree, suiteSite } from "./_suite.ts";
import { RawWebCase } from "./_webcase.ts";

const { expose } = cherrypy;
// Some unicode strings.
const tartaros = "\u03a4\u1f71\u03c1\u03c4\u03b1\u03c1\u03bf\u03c2";
const erebos = "\u0388\u03c1\u03b5\u03b2\u03bf\u03c2.com";

class ValueError extends Error {
  override name = "ValueError";
}

class Root {
  @expose
  index() {
    return "hello";
  }
  @expose
  uni_code() {
    cherrypy.request.login = tartaros;
    (cherrypy.request.remote as { name: string }).name = erebos;
  }
  @expose
  slashes() {
    cherrypy.request.request_line = String.raw`GET /slashed\path HTTP/1.1`;
  }
  @expose
  whitespace() {
    cherrypy.request.headers.set("User-Agent", "Browzuh (1.0\r\n\t\t.3)");
  }
  @expose
  as_string() {
    return "content";
  }
  @expose
  *as_yield() {
    yield "content";
  }
  @expose
  @cherrypy.config({ "tools.log_tracebacks.on": true })
  error() {
    throw new ValueError();
  }
}

const dir = mkdtempSync(join(tmpdir(), "cherrypy-logs-"));
const accessLogFile = join(dir, "access.log");
const errorLogFile = join(dir, "error.log");
const site = suiteSite();
const web = new RawWebCase();
let stop: () => Promise<void> = () => Promise.resolve();

before(async () => {
  site.log.error_file = errorLogFile;
  site.log.access_file = accessLogFile;
  site.tree.mount(new Root());
  const served = await serveTree(site.tree);
  web.port = served.port;
  stop = served.stop;
});
after(async () => {
  await stop();
  rmSync(dir, { recursive: true, force: true });
});

/** CherryPy's LogCase: marks the log, then checks the lines written since. */
class LogTracker {
  #mark = 0;
  readonly logfile: string;
  constructor(logfile: string) {
    this.logfile = logfile;
  }
  #lines(): string[] {
    // The log files are written through a buffer: what waits is written out first.
    cherrypy.flushLogFiles();
    let text = "";
    try {
      text = readFileSync(this.logfile, "latin1");
    } catch { /* not written yet */ }
    return text.split("\n").filter((l) => l !== "");
  }
  markLog(): void {
    this.#mark = this.#lines().length;
  }
  /** Checks that line `index` (-1: the last) since the mark contains `text`. */
  assertLog(index: number, text: string): void {
    const lines = this.#lines().slice(this.#mark);
    const line = lines.at(index);
    assert.ok(line !== undefined, `no log line ${index} since the mark`);
    assert.ok(line.includes(text), `${JSON.stringify(text)} not in ${JSON.stringify(line)}`);
  }
  /** Checks that the last line since the mark is a version 4 UUID. */
  assertValidUUIDv4(): void {
    const line = this.#lines().slice(this.#mark).at(-1) ?? "";
    assert.match(line, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  }
}
const logTracker = new LogTracker(accessLogFile);
const host = "127.0.0.1";

/** Runs `fn` with `format` as the access-log format (CherryPy's monkeypatch). */
async function withFormat(format: string, fn: () => Promise<void>): Promise<void> {
  const saved = site.log.access_log_format;
  site.log.access_log_format = format;
  try {
    await fn();
  } finally {
    site.log.access_log_format = saved;
  }
}

test("logging: test_normal_return", async () => {
  logTracker.markLog();
  await web.getPage("/as_string", {
    headers: [["Referer", "http://www.cherrypy.dev/"], ["User-Agent", "Mozilla/5.0"]],
  });
  web.assertBody("content");
  web.assertStatus(200);

  logTracker.assertLog(-1, `${host} - - [`);
  const contentLength = web.header("Content-Length") === null ? "-" : "content".length;
  logTracker.assertLog(
    -1,
    `] "GET /as_string HTTP/1.1" 200 ${contentLength} "http://www.cherrypy.dev/" "Mozilla/5.0"`,
  );
});

test("logging: test_normal_yield", async () => {
  logTracker.markLog();
  await web.getPage("/as_yield", { headers: [["User-Agent", ""]] });
  web.assertBody("content");
  web.assertStatus(200);

  logTracker.assertLog(-1, `${host} - - [`);
  const contentLength = web.header("Content-Length") === null ? "-" : "content".length;
  logTracker.assertLog(-1, `] "GET /as_yield HTTP/1.1" 200 ${contentLength} "" ""`);
});

test("logging: test_custom_log_format", () =>
  withFormat('{h} {l} {u} {t} "{r}" {s} {b} "{f}" "{a}" {o}', async () => {
    logTracker.markLog();
    await web.getPage("/as_string", {
      headers: [["Referer", "REFERER"], ["User-Agent", "USERAGENT"], ["Host", "HOST"]],
    });
    logTracker.assertLog(-1, `${host} - - [`);
    logTracker.assertLog(-1, '] "GET /as_string HTTP/1.1" 200 7 "REFERER" "USERAGENT" HOST');
  }));

test("logging: test_utc_in_timez", () => {
  // 2020-01-01 01:23:45 at UTC+8.
  const utcoffset8LocalTime = Date.UTC(2020, 0, 1, 1, 23, 45) - 8 * 3600_000;
  assert.equal(rfc3339UtcTime(utcoffset8LocalTime), "2019-12-31T17:23:45Z");
});

test("logging: test_timez_log_format", () =>
  withFormat('{h} {l} {u} {z} "{r}" {s} {b} "{f}" "{a}" {o}', async () => {
    logTracker.markLog();
    const before = rfc3339UtcTime();
    await web.getPage("/as_string", {
      headers: [["Referer", "REFERER"], ["User-Agent", "USERAGENT"], ["Host", "HOST"]],
    });
    const afterwards = rfc3339UtcTime();
    logTracker.assertLog(-1, `${host} - - `);
    // CherryPy fixes the time with a monkeypatch; here the line shows one of the seconds the
    // request took.
    try {
      logTracker.assertLog(-1, before);
    } catch {
      logTracker.assertLog(-1, afterwards);
    }
    logTracker.assertLog(-1, ' "GET /as_string HTTP/1.1" 200 7 "REFERER" "USERAGENT" HOST');
  }));

test("logging: test_UUIDv4_parameter_log_format", () =>
  withFormat("{i}", async () => {
    logTracker.markLog();
    await web.getPage("/as_string");
    logTracker.assertValidUUIDv4();
  }));

test("logging: test_escaped_output", async () => {
  // Test unicode in access log pieces.
  logTracker.markLog();
  await web.getPage("/uni_code");
  assert.equal(web.code, 200);
  // The repr of a bytestring includes a b'' prefix
  logTracker.assertLog(
    -1,
    [...new TextEncoder().encode(tartaros)].map((b) => "\\x" + b.toString(16)).join(""),
  );
  // Test the erebos value. Note the raw string: those backslashes are literals.
  logTracker.assertLog(-1, String.raw`\xce\x88\xcf\x81\xce\xb5\xce\xb2\xce\xbf\xcf\x82`);

  // Test backslashes in output.
  logTracker.markLog();
  await web.getPage("/slashes");
  assert.equal(web.code, 200);
  logTracker.assertLog(-1, String.raw`"GET /slashed\path HTTP/1.1"`);

  // Test whitespace in output.
  logTracker.markLog();
  await web.getPage("/whitespace");
  assert.equal(web.code, 200);
  logTracker.assertLog(-1, String.raw`"Browzuh (1.0\r\n\t\t.3)"`);
});

test("logging: test_tracebacks", async () => {
  const records: cherrypy.LogRecord[] = [];
  const handler = (r: cherrypy.LogRecord) => {
    if (r.kind === "error" && r.severity >= cherrypy.levels.ERROR) records.push(r);
  };
  site.log.handlers.push(handler);
  try {
    await web.getPage("/error");
  } finally {
    site.log.handlers.splice(site.log.handlers.indexOf(handler), 1);
  }
  const rec = records[0]!;
  // CherryPy finds `raise ValueError()` in the traceback; here the stack names the error.
  web.assertInBody("ValueError");
  assert.ok(rec.line.includes("HTTP"), rec.line);
  assert.ok(rec.line.includes("ValueError"), rec.line);
  // The error log file has it too (once what waits in its buffer is written out).
  cherrypy.flushLogFiles();
  assert.ok(readFileSync(errorLogFile, "utf8").includes("ValueError"));
});
