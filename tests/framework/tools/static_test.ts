/**
 * The static-file tools and serve functions beyond CherryPy's own tests: conditional requests,
 * HEAD, ranges (If-Range, limits, clipping), serve_fileobj's sources, options and their errors,
 * the checker, and open files closed when downloads are cut short.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as cherrypy from "../../../mod.ts";
import { rawExchange } from "../../_raw.ts";
import { privateSite, type Served, serveRoot } from "../../_helpers.ts";

const { expose } = cherrypy;
const dir = mkdtempSync(join(tmpdir(), "cp-static-tools-"));
const pub = join(dir, "pub");
mkdirSync(join(pub, "sub"), { recursive: true });
const TEXT = "0123456789abcdef"; // 16 bytes
writeFileSync(join(pub, "digits.txt"), TEXT);
writeFileSync(join(pub, "sub", "index.html"), "<p>sub index</p>");
writeFileSync(join(pub, "page.xyz"), "custom type");
writeFileSync(join(pub, "noext"), "no extension");
writeFileSync(join(pub, "big.bin"), new Uint8Array(4 * 2 ** 20));

let opened = 0;
const closed = new Set<object>();

class Root {
  @expose
  index() {
    return "dynamic index";
  }
  @expose
  digits() {
    return cherrypy.lib.static.serveFile(join(pub, "digits.txt"));
  }
  @expose
  download(name: string | null = null) {
    return cherrypy.lib.static.serveDownload(join(pub, "digits.txt"), name);
  }
  @expose
  relative() {
    return cherrypy.lib.static.serveFile("pub/digits.txt");
  }
  @expose
  blob() {
    return cherrypy.lib.static.serveFileobj(new Blob([TEXT]), "text/plain");
  }
  @expose
  file() {
    const f = new File([TEXT], "digits.txt", { lastModified: Date.UTC(2026, 0, 2, 3, 4, 5) });
    return cherrypy.lib.static.serveFileobj(f, "text/plain", "inline");
  }
  @expose
  stream() {
    const s = new Blob([TEXT]).stream();
    return cherrypy.lib.static.serveFileobj(s, "text/plain");
  }
  @expose
  async handle() {
    const f = await cherrypy.lib.static.openFile(join(pub, "digits.txt"));
    opened++;
    const close = f.close.bind(f);
    f.close = () => {
      closed.add(f);
      close();
    };
    return cherrypy.lib.static.serveFileobj(f, "text/plain");
  }
  @expose
  post_only() {
    return "handler answered " + cherrypy.request.method;
  }
  pub = new Pub();
}

class Pub {
  @expose
  fallback() {
    return "the handler";
  }
}

const conf: cherrypy.AppConfig = {
  "/pub": { "tools.staticdir.on": true, "tools.staticdir.dir": pub },
  "/typed": {
    "tools.staticdir.on": true,
    "tools.staticdir.root": dir,
    "tools.staticdir.dir": "pub",
    "tools.staticdir.content_types": { xyz: "application/x-cherry", txt: "text/x-digits" },
  },
  "/matched": {
    "tools.staticdir.on": true,
    "tools.staticdir.dir": pub,
    "tools.staticdir.match": "\\.txt$",
  },
  "/indexed": {
    "tools.staticdir.on": true,
    "tools.staticdir.dir": pub,
    "tools.staticdir.index": "index.html",
  },
  "/norootdir": { "tools.staticdir.on": true, "tools.staticdir.dir": "pub" },
  "/one.txt": {
    "tools.staticfile.on": true,
    "tools.staticfile.root": pub,
    "tools.staticfile.filename": "digits.txt",
  },
  "/norootfile": { "tools.staticfile.on": true, "tools.staticfile.filename": "digits.txt" },
  "/missing.txt": { "tools.staticfile.on": true, "tools.staticfile.filename": join(pub, "nope") },
  "/err": { "error_page.404": () => cherrypy.lib.static.serveFile(join(pub, "digits.txt")) },
};

const { tree, web } = privateSite({ "request.show_tracebacks": true });
let served: Served;

before(async () => {
  tree.mount(new Root(), "", conf);
  served = await serveRoot(new Root(), conf);
});

after(async () => {
  await served.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function raw(request: string): Promise<string> {
  return (await rawExchange(served.port, request)).text;
}

test("serveFile: Last-Modified, 304 for GET and HEAD, 412 otherwise", async () => {
  await web.getPage("/pub/digits.txt");
  web.assertStatus(200);
  web.assertHeader("Content-Type", "text/plain");
  web.assertHeader("Content-Length", "16");
  web.assertHeader("Accept-Ranges", "bytes");
  const lm = web.headers.get("Last-Modified")!;
  assert.match(lm, /^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
  for (const method of ["GET", "HEAD"]) {
    await web.getPage("/pub/digits.txt", { method, headers: { "If-Modified-Since": lm } });
    web.assertStatus(304);
    web.assertBody("");
  }
  // A handler serving the file to a POST with a matching If-Modified-Since.
  await web.getPage("/digits", {
    method: "POST",
    body: "",
    headers: { "If-Modified-Since": lm },
  });
  web.assertStatus(412);
  await web.getPage("/pub/digits.txt", { headers: { "If-Unmodified-Since": lm } });
  web.assertStatus(200);
  await web.getPage("/pub/digits.txt", {
    headers: { "If-Unmodified-Since": "Thu, 01 Jan 1970 00:00:00 GMT" },
  });
  web.assertStatus(412);
  await web.getPage("/pub/digits.txt", {
    headers: { "If-Modified-Since": "Thu, 01 Jan 1970 00:00:00 GMT" },
  });
  web.assertStatus(200);
  web.assertBody(TEXT);
});

test("serveFile: HEAD sends the length and no body", async () => {
  const text = await raw("HEAD /pub/big.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  assert.match(text, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(text, /\r\nContent-Length: 4194304\r\n/);
  assert.ok(text.endsWith("\r\n\r\n"), "no body");
});

test("ranges: one, suffix, open-ended, clipped, 416", async () => {
  const cases: Array<[string, number, string, string | null]> = [
    ["bytes=0-3", 206, "0123", "bytes 0-3/16"],
    ["bytes=-4", 206, "cdef", "bytes 12-15/16"],
    ["bytes=10-", 206, "abcdef", "bytes 10-15/16"],
    ["bytes=14-99", 206, "ef", "bytes 14-15/16"],
    ["bytes=5-2", 200, TEXT, null],
    ["bytes=x-y", 200, TEXT, null],
    ["items=0-1", 200, TEXT, null],
  ];
  for (const [range, status, body, contentRange] of cases) {
    await web.getPage("/pub/digits.txt", { headers: { Range: range } });
    web.assertStatus(status);
    web.assertBody(body);
    web.assertHeader("Content-Length", String(body.length));
    if (contentRange === null) web.assertNoHeader("Content-Range");
    else web.assertHeader("Content-Range", contentRange);
  }
  await web.getPage("/pub/digits.txt", { headers: { Range: "bytes=16-" } });
  web.assertStatus(416);
  web.assertHeader("Content-Range", "bytes */16");
  web.assertInBody("Invalid Range (first-byte-pos greater than Content-Length)");
});

test("ranges: several make multipart/byteranges, clipped to the file", async () => {
  await web.getPage("/pub/digits.txt", { headers: { Range: "bytes=0-1,14-20" } });
  web.assertStatus(206);
  const boundary = web.headers.get("Content-Type")!.match(
    /^multipart\/byteranges; boundary=(={15}\d{19}==)$/,
  )![1];
  web.assertBody(
    `\r\n--${boundary}\r\nContent-type: text/plain\r\nContent-range: bytes 0-1/16\r\n\r\n01\r\n` +
      `--${boundary}\r\nContent-type: text/plain\r\nContent-range: bytes 14-15/16\r\n\r\nef\r\n` +
      `--${boundary}--\r\n`,
  );
  web.assertHeader("Content-Length", String(web.bytes.length));
});

test("ranges: If-Range, too many ranges, ranges adding up past the file", async () => {
  await web.getPage("/pub/digits.txt");
  const lm = web.headers.get("Last-Modified")!;
  await web.getPage("/pub/digits.txt", { headers: { Range: "bytes=0-0", "If-Range": lm } });
  web.assertStatus(206);
  web.assertBody("0");
  for (const ifRange of ["Thu, 01 Jan 1970 00:00:00 GMT", '"some-etag"']) {
    await web.getPage("/pub/digits.txt", { headers: { Range: "bytes=0-0", "If-Range": ifRange } });
    web.assertStatus(200);
    web.assertBody(TEXT);
  }
  const many = "bytes=" + Array.from({ length: 101 }, () => "0-0").join(",");
  await web.getPage("/pub/digits.txt", { headers: { Range: many } });
  web.assertStatus(200);
  await web.getPage("/pub/digits.txt", { headers: { Range: "bytes=0-,0-" } });
  web.assertStatus(200);
  web.assertBody(TEXT);
  const hundred = "bytes=" + Array.from({ length: 16 }, (_, i) => `${i}-${i}`).join(",");
  await web.getPage("/pub/digits.txt", { headers: { Range: hundred } });
  web.assertStatus(206);
});

test("ranges: not for HTTP/1.0, not for an error page served from a file", async () => {
  const old = await raw("GET /pub/digits.txt HTTP/1.0\r\nRange: bytes=0-1\r\n\r\n");
  assert.match(old, /^HTTP\/1\.1 200 OK\r\n/);
  assert.ok(old.endsWith("\r\n\r\n" + TEXT));
  await web.getPage("/err/nothing", { headers: { Range: "bytes=0-1" } });
  web.assertStatus(404);
  assert.ok(web.body.startsWith(TEXT), "the error page is the file (padded)");
  web.assertHeader("Content-Length", String(web.bytes.length));
});

test("serveFile: disposition, download names, relative paths", async () => {
  await web.getPage("/download");
  web.assertHeader("Content-Type", "application/x-download");
  web.assertHeader("Content-Disposition", 'attachment; filename="digits.txt"');
  web.assertBody(TEXT);
  await web.getPage("/download?name=Zahlen%20%C3%BC.txt");
  web.assertHeader(
    "Content-Disposition",
    "attachment; filename=\"Zahlen .txt\"; filename*=UTF-8''Zahlen%20%C3%BC.txt",
  );
  await web.getPage("/relative");
  web.assertStatus(500);
  web.assertInBody("'pub/digits.txt' is not an absolute path.");
});

test("serveFileobj: blobs, files, streams and open files", async () => {
  await web.getPage("/blob", { headers: { Range: "bytes=2-3" } });
  web.assertStatus(206);
  web.assertBody("23");
  web.assertNoHeader("Last-Modified");
  await web.getPage("/file");
  web.assertHeader("Last-Modified", "Fri, 02 Jan 2026 03:04:05 GMT");
  web.assertHeader("Content-Disposition", "inline");
  web.assertHeader("Content-Type", "text/plain;charset=utf-8");
  await web.getPage("/file", { headers: { "If-Modified-Since": "Fri, 02 Jan 2026 03:04:05 GMT" } });
  web.assertStatus(304);
  await web.getPage("/stream", { headers: { Range: "bytes=0-1" } });
  web.assertStatus(200);
  web.assertBody(TEXT);
  web.assertHeader("Content-Length", "16");
  web.assertNoHeader("Accept-Ranges");

  opened = 0;
  closed.clear();
  await web.getPage("/handle", { headers: { Range: "bytes=1-2" } });
  web.assertBody("12");
  await web.getPage("/handle", { method: "HEAD" });
  await web.getPage("/handle", { headers: { Range: "bytes=99-" } });
  web.assertStatus(416);
  await web.getPage("/handle");
  const lm = web.headers.get("Last-Modified")!;
  await web.getPage("/handle", { headers: { "If-Modified-Since": lm } });
  web.assertStatus(304);
  assert.equal(opened, 5);
  assert.equal(closed.size, 5, "every open file is closed when its request ends");
});

test("staticdir: falls through for other methods, unmatched paths, missing files", async () => {
  await web.getPage("/pub/fallback", { method: "POST", body: "" });
  web.assertBody("the handler");
  await web.getPage("/pub/digits.txt", { method: "POST", body: "" });
  web.assertStatus(404);
  await web.getPage("/matched/digits.txt");
  web.assertBody(TEXT);
  await web.getPage("/matched/page.xyz");
  web.assertStatus(404);
});

test("staticdir: content_types, default types, index", async () => {
  await web.getPage("/typed/page.xyz");
  web.assertHeader("Content-Type", "application/x-cherry");
  await web.getPage("/typed/digits.txt");
  web.assertHeader("Content-Type", "text/x-digits");
  // Neither an override nor a known extension: the response keeps its default, as in CherryPy.
  await web.getPage("/typed/noext");
  web.assertHeader("Content-Type", "text/html");
  await web.getPage("/indexed/sub/");
  web.assertBody("<p>sub index</p>");
  await web.getPage("/indexed/sub");
  web.assertBody("<p>sub index</p>");
  await web.getPage("/indexed/");
  web.assertStatus(404);
  await web.getPage("/indexed");
  web.assertStatus(404);
});

test("static tools: config errors are 500s that say what to change", async () => {
  const cases: Array<[string, string]> = [
    ["/norootdir/digits.txt", "Static dir requires an absolute dir (or root)."],
    ["/norootfile", "Static tool requires an absolute filename (got 'digits.txt')."],
  ];
  for (const [path, message] of cases) {
    await web.getPage(path);
    web.assertStatus(500);
    web.assertInBody(message);
  }
  await web.getPage("/one.txt");
  web.assertBody(TEXT);
  await web.getPage("/missing.txt");
  web.assertStatus(404);
});

test("static tools: options are checked where they are written", () => {
  const t = privateSite().tree;
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [
      { "tools.staticdir.indx": "index.html" },
      /Config section \[\/s\]: tools\.staticdir has no option "indx"; its options are section, dir, root, match, content_types, index, allow_outside_symlinks, debug\.$/,
    ],
    [{ "tools.staticdir.dir": 3 }, /tools\.staticdir\.dir must be a string; got 3\./],
    [{ "tools.staticdir.match": "(" }, /tools\.staticdir\.match is not a valid regular expression/],
    [{ "tools.staticdir.content_types": { gif: 1 } }, /tools\.staticdir\.content_types must map/],
    [{ "tools.staticdir.allow_outside_symlinks": "yes" }, /must be true or false; got "yes"/],
    [{ "tools.staticfile.filenam": "x" }, /tools\.staticfile has no option "filenam"/],
    [{ "tools.staticfile.root": 1 }, /tools\.staticfile\.root must be a string \(or None\)/],
  ];
  for (const [entries, message] of cases) {
    assert.throws(() => t.mount({}, "/x", { "/s": entries }), message);
  }
  assert.throws(
    () => cherrypy.tools.staticdir.handler({ dir: pub, indx: "index.html" }),
    /tools\.staticdir has no option "indx"/,
  );
  assert.throws(
    () => cherrypy.tools.staticfile({ filename: 1 }),
    /tools\.staticfile\.filename must be a string/,
  );
  // Options spread over sections are complete only per request: none is required here.
  t.mount({}, "/y", { "/": { "tools.staticdir.root": dir }, "/s": { "tools.staticdir.on": true } });
});

test("static tools: the checker knows them, and warns about a relative dir", () => {
  const log = new cherrypy.LogManager({ screen: false });
  const globalConfig = new cherrypy.GlobalConfig();
  const t = new cherrypy.Tree({ globalConfig: () => globalConfig.values(), log });
  t.mount({}, "", {
    "/": { "tools.staticdir.root": dir },
    "/pub": { "tools.staticdir.on": true, "tools.staticdir.dir": "pub" },
    "/favicon.ico": {
      "tools.staticfile.on": true,
      "tools.staticfile.filename": join(pub, "digits.txt"),
    },
  });
  t.mount({}, "/bad", { "/s": { "tools.staticdir.on": true, "tools.staticdir.dir": "rel" } });
  const warnings: string[] = [];
  new cherrypy.Checker({ tree: t, config: globalConfig, log: (m) => warnings.push(m) }).run();
  assert.deepEqual(warnings, [
    "CherryPy Checker:\ndir is a relative path and no root provided.\nsection: [/s]\n" +
    "root: None\ndir: 'rel'\n",
  ]);
});

test("static files: downloads cut short close their files", async () => {
  if (!existsSync("/proc/self/fd")) {
    throw new Error("This check counts open files in /proc/self/fd (Linux).");
  }
  const fds = () => readdirSync("/proc/self/fd").length;
  // One full request first, so that lazily opened descriptors are there in both counts.
  await web.getPage("/pub/digits.txt");
  const before = fds();
  for (let i = 0; i < 20; i++) {
    await new Promise<void>((resolve, reject) => {
      const socket = connect({ host: "127.0.0.1", port: served.port });
      socket.once("error", reject);
      socket.once("data", () => {
        socket.destroy();
        resolve();
      });
      socket.write("GET /pub/big.bin HTTP/1.1\r\nHost: x\r\n\r\n");
    });
  }
  let after = fds();
  for (let i = 0; i < 50 && after > before; i++) {
    await new Promise((r) => setTimeout(r, 50));
    after = fds();
  }
  assert.ok(after <= before, `${after - before} descriptors left open`);
});

test("the default favicon: roots at '' only, their own icon wins, config overrides", async () => {
  const icon = new Uint8Array(
    readFileSync(new URL("../../../framework/app/favicon.ico", import.meta.url)),
  );
  const site = privateSite();
  class Own {
    @expose
    favicon_ico() {
      return "my own";
    }
  }
  const plain: Record<string, unknown> = {};
  const frozen = Object.freeze({});
  site.tree.mount(plain, "");
  assert.equal(typeof plain["favicon_ico"], "function");
  await site.web.getPage("/favicon.ico");
  site.web.assertStatus(200);
  assert.deepEqual(site.web.bytes, icon);
  assert.equal(site.web.headers.get("Content-Type"), "image/x-icon");

  const sub: Record<string, unknown> = {};
  site.tree.mount(sub, "/sub");
  assert.equal(sub["favicon_ico"], undefined);
  site.tree.mount(frozen, "");
  await site.web.getPage("/favicon.ico");
  assert.equal(site.web.code, 404);

  site.tree.mount(new Own(), "");
  await site.web.getPage("/favicon.ico");
  assert.equal(site.web.body, "my own");

  site.tree.mount({}, "", {
    "/favicon.ico": { "tools.staticfile.filename": join(pub, "digits.txt") },
  });
  await site.web.getPage("/favicon.ico");
  assert.equal(site.web.body, TEXT);
});
