/**
 * The `etags`, `expires`, `autovary` and `decode` tools beyond CherryPy's own tests, checked
 * against what CherryPy 18.8 answers for the same requests.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as cherrypy from "../../../mod.ts";
import { privateSite, type Served, serveRoot } from "../../_helpers.ts";
import { rawExchange } from "../../_raw.ts";

const { expose } = cherrypy;

class Root {
  @expose
  @cherrypy.tools.etags()
  tagged() {
    cherrypy.response.headers.set("ETag", 'W/"v1"');
    return "weakly tagged";
  }

  @expose
  @cherrypy.tools.etags({ autotags: true })
  @cherrypy.config({ "response.stream": true })
  *streamed() {
    yield "one, ";
    yield "two";
  }

  @expose
  @cherrypy.tools.etags({ autotags: true })
  created() {
    cherrypy.response.status = 201;
    return "new";
  }

  @expose
  @cherrypy.tools.expires({ secs: 3600 })
  hour() {
    cherrypy.response.headers.set("Last-Modified", "Tue, 01 Dec 2026 10:00:00 GMT");
    return "for an hour";
  }

  @expose
  @cherrypy.tools.expires({ secs: { days: 1, seconds: 30 } })
  day() {
    cherrypy.response.headers.set("ETag", '"d"');
    return "for a day";
  }

  @expose
  @cherrypy.tools.expires({ secs: 60 })
  untagged() {
    return "no indicator: no headers";
  }

  @expose
  @cherrypy.tools.expires({ secs: 60, force: true })
  forced() {
    cherrypy.response.headers.set("Expires", "Thu, 01 Jan 1970 00:00:00 GMT");
    return "forced";
  }

  @expose
  @cherrypy.tools.expires({ force: true })
  nocache() {
    return "no cache";
  }

  @expose
  @cherrypy.tools.autovary()
  av() {
    cherrypy.request.headers.get("Accept-Language");
    cherrypy.request.headers.has("X-Foo");
    return "av";
  }

  @expose
  @cherrypy.tools.autovary({ ignore: ["Accept-Charset", "X-Foo"] })
  @cherrypy.config({ "tools.gzip.on": false })
  av_ignore() {
    cherrypy.request.headers.get("Accept-Language");
    cherrypy.request.headers.has("X-Foo");
    cherrypy.response.headers.set("Vary", "Cookie");
    return "av";
  }

  @expose
  @cherrypy.tools.decode({ encoding: ["utf-16", "utf-8"] })
  forced_charsets(q: string) {
    return `${q} (${cherrypy.request.body?.charset})`;
  }

  @expose
  @cherrypy.tools.decode({ default_encoding: "iso-8859-1" })
  latin(q: string) {
    return `${q} (${cherrypy.request.body?.charset})`;
  }
}

let served: Served;
before(async () => {
  served = await serveRoot(new Root(), { "/": { "tools.gzip.on": true } });
});
after(() => served.stop());

async function raw(path: string, headers = "", method = "GET", version = "HTTP/1.1") {
  const { text } = await rawExchange(
    served.port,
    `${method} ${path} ${version}\r\nHost: x\r\n${headers}Connection: close\r\n\r\n`,
  );
  const [head, body] = text.split("\r\n\r\n", 2) as [string, string];
  const lines = head.split("\r\n");
  const map = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const at = line.indexOf(":");
    map.set(line.slice(0, at).toLowerCase(), line.slice(at + 1).trim());
  }
  return { status: lines[0]!, headers: map, body };
}

test("etags: given tags are compared as strings; streamed and non-200 bodies", async () => {
  let res = await raw("/tagged", 'If-None-Match: W/"v1"\r\n');
  assert.match(res.status, / 304 /);
  res = await raw("/tagged", 'If-None-Match: "v1"\r\n');
  assert.match(res.status, / 200 /, "a weak tag matches only itself, as in CherryPy");
  res = await raw("/tagged", 'If-Match: "a", W/"v1"\r\n');
  assert.match(res.status, / 200 /);
  res = await raw("/tagged", 'If-Match: "a", "b"\r\n');
  assert.match(res.status, / 412 /);
  assert.match(res.body, /If-Match failed: ETag 'W\/"v1"' did not match \['"a"', '"b"'\]/);
  // A streamed body is read whole to make its tag (as CherryPy does).
  res = await raw("/streamed");
  assert.equal(res.headers.get("etag"), `"${cherrypy.platform.hash("md5", "one, two")}"`);
  assert.match(res.body, /one, two/); // chunked: stream mode keeps no Content-Length
  // Only 200 responses get a tag of their own.
  res = await raw("/created");
  assert.match(res.status, / 201 /);
  assert.equal(res.headers.get("etag"), undefined);
});

test("expires: headers only with an indicator or force, as CherryPy's code does", async () => {
  let res = await raw("/hour");
  const expires = Date.parse(res.headers.get("expires")!);
  const date = Date.parse(res.headers.get("date")!);
  assert.ok(Math.abs(expires - date - 3600_000) <= 2000, res.headers.get("expires"));
  assert.equal(res.headers.get("pragma"), undefined);
  res = await raw("/day");
  const dayExpires = Date.parse(res.headers.get("expires")!);
  assert.ok(Math.abs(dayExpires - Date.now() - 86430_000) <= 5000);
  res = await raw("/untagged");
  assert.equal(res.headers.get("expires"), undefined);
  res = await raw("/forced");
  assert.notEqual(res.headers.get("expires"), "Thu, 01 Jan 1970 00:00:00 GMT");
  res = await raw("/nocache");
  assert.equal(res.headers.get("pragma"), "no-cache");
  assert.equal(res.headers.get("cache-control"), "no-cache, must-revalidate");
  assert.equal(res.headers.get("expires"), "Sun, 28 Jan 2007 00:00:00 GMT");
  // HTTP/1.0 clients get no Cache-Control.
  res = await raw("/nocache", "", "GET", "HTTP/1.0");
  assert.equal(res.headers.get("pragma"), "no-cache");
  assert.equal(res.headers.get("cache-control"), undefined);
});

test("autovary: Vary names the headers read, sorted, then what gzip adds", async () => {
  // CherryPy 18.8 answers this request with the same Vary header.
  let res = await raw("/av", "Accept-Encoding: identity\r\nX-Bar: 1\r\n");
  assert.equal(res.headers.get("vary"), "Accept-Charset, Accept-Language, X-Foo, Accept-Encoding");
  res = await raw("/av_ignore");
  assert.equal(res.headers.get("vary"), "Accept-Language, Cookie");
  const map = new cherrypy.lib.cptools.MonitoredHeaderMap([["Accept", "*/*"]]);
  assert.deepEqual([...map.accessed_headers], []);
  map.get("accept");
  map.has("x-missing");
  [...map.entries()];
  assert.deepEqual([...map.accessed_headers], ["Accept", "X-Missing"]);
});

test("decode: encoding replaces the charsets tried; default_encoding adds one", async () => {
  const { tree, web } = privateSite();
  tree.mount(new Root());
  const utf16 = Uint8Array.from([0xff, 0xfe, 0x71, 0x00, 0x3d, 0xff, 0xfe, 0xa3, 0x00]);
  const form = (body: Uint8Array, ct = "application/x-www-form-urlencoded") => ({
    method: "POST",
    headers: { "Content-Type": ct, "Content-Length": String(body.length) },
    body,
  });
  // The Content-Type's charset is not tried when encoding is given.
  await web.getPage(
    "/forced_charsets",
    form(utf16, "application/x-www-form-urlencoded;charset=latin1"),
  );
  web.assertBody("\u00a3 (utf-16)");
  await web.getPage("/forced_charsets", form(Uint8Array.from([0x71, 0x3d, 0xc2, 0xa3])));
  web.assertBody("\u00a3 (utf-8)");
  await web.getPage("/latin", form(Uint8Array.from([0x71, 0x3d, 0xa3])));
  web.assertBody("\u00a3 (iso-8859-1)");
});
