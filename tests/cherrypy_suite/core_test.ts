/**
 * CherryPy's test_core, ported: statuses, slashes, redirects (external and internal), body
 * flattening, ranges, cookies, the default Content-Type, repeated response headers,
 * `cherrypy.url`, `@expose` aliases, and errors raised after finalizing.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as cherrypy from "../../mod.ts";
import { repr, reprTuple, serveTree, suiteSite } from "./_suite.ts";
import { RawWebCase } from "./_webcase.ts";

const { expose } = cherrypy;
const site = suiteSite();
const web = new RawWebCase();
let stop: () => Promise<void> = () => Promise.resolve();

class ExposeExamples {
  @expose
  no_call() {
    return "Mr E. R. Bradshaw";
  }
  @expose()
  call_empty() {
    return "Mrs. B.J. Smegma";
  }
  @expose("call_alias")
  nesbitt() {
    return "Mr Nesbitt";
  }
  @expose(["alias1", "alias2"])
  andrews() {
    return "Mr Ken Andrews";
  }
  @expose({ alias: "alias3" })
  watson() {
    return "Mr. and Mrs. Watson";
  }
}

// CherryPy's `relative=None` query arguments: `bool(relative)` unless it is 'server'.
const relativeOf = (relative: string | null) =>
  relative === "server" ? "server" : Boolean(relative);

// CherryPy's TestType metaclass exposes every function of these classes; here each is marked.
@cherrypy.config({ "tools.trailing_slash.on": false })
class URL {
  @expose
  index(path_info: string, relative: string | null = null) {
    return cherrypy.url(path_info, "", { relative: relativeOf(relative) });
  }
  @expose
  leaf(path_info: string, relative: string | null = null) {
    return cherrypy.url(path_info, "", { relative: relativeOf(relative) });
  }
  @expose
  qs(qs: string) {
    return cherrypy.url("", qs);
  }
}

const statuses: string[] = [];
cherrypy.tools.log_status = new cherrypy.Tool("on_end_resource", () => {
  statuses.push(String(cherrypy.response.status));
});

class Status {
  @expose
  index() {
    return "normal";
  }
  @expose
  blank() {
    cherrypy.response.status = "";
  }
  // According to RFC 2616, new status codes are OK as long as they are between 100 and 599.
  // Here is an illegal code...
  @expose
  illegal() {
    cherrypy.response.status = 781;
    return "oops";
  }
  // ...and here is an unknown but legal code.
  @expose
  unknown() {
    cherrypy.response.status = "431 My custom error";
    return "funky";
  }
  // Non-numeric code
  @expose
  bad() {
    cherrypy.response.status = "error";
    return "bad news";
  }
  @expose
  @cherrypy.config({ "tools.log_status.on": true })
  on_end_resource_stage() {
    return repr(statuses);
  }
}

class RedirectError {
  @expose
  index() {
    throw new ReferenceError("redirect_test");
  }
}

class Redirect {
  error = cherrypy.config({
    "tools.err_redirect.on": true,
    "tools.err_redirect.url": "/errpage",
    "tools.err_redirect.internal": false,
  })(new RedirectError());
  @expose
  index() {
    return "child";
  }
  @expose
  custom(url: string, code: string) {
    throw new cherrypy.HTTPRedirect(url, Number(code));
  }
  @expose
  @cherrypy.config({ "tools.trailing_slash.extra": true })
  by_code(code: string) {
    throw new cherrypy.HTTPRedirect("somewhere%20else", Number(code));
  }
  @expose
  nomodify() {
    throw new cherrypy.HTTPRedirect("", 304);
  }
  @expose
  proxy() {
    throw new cherrypy.HTTPRedirect("proxy", 305);
  }
  // Python's str() of the exception shows its arguments: (urls, status).
  @expose
  stringify() {
    const r = new cherrypy.HTTPRedirect("/");
    return reprTuple([r.urls, r.status]);
  }
  @expose
  fragment(frag: string) {
    throw new cherrypy.HTTPRedirect(`/some/url#${frag}`);
  }
  @expose
  url_with_quote() {
    throw new cherrypy.HTTPRedirect("/some\"url/that'we/want");
  }
  @expose
  url_with_xss() {
    throw new cherrypy.HTTPRedirect("/some<script>alert(1);</script>url/that'we/want");
  }
  @expose
  url_with_unicode() {
    throw new cherrypy.HTTPRedirect("тест");
  }
}

cherrypy.tools.login_redir = new cherrypy.Tool("before_handler", () => {
  if (!cherrypy.request.login) throw new cherrypy.InternalRedirect("/internalredirect/login");
});

function redirCustom(): never {
  throw new cherrypy.InternalRedirect("/internalredirect/custom_err");
}

class InternalRedirect {
  @expose
  index() {
    throw new cherrypy.InternalRedirect("/");
  }
  @expose
  @cherrypy.config({ "hooks.before_error_response": redirCustom })
  choke() {
    // Python's 3 / 0.
    throw new RangeError("division by zero");
  }
  @expose
  relative(a: string, b: string) {
    void [a, b];
    throw new cherrypy.InternalRedirect("cousin?t=6");
  }
  @expose
  cousin(t: string) {
    void t;
    assert.ok(cherrypy.request.prev!.closed);
    return cherrypy.request.prev!.query_string;
  }
  @expose
  petshop(user_id: string) {
    if (user_id === "parrot") {
      // Trade it for a slug when redirecting
      throw new cherrypy.InternalRedirect("/image/getImagesByUser?user_id=slug");
    } else if (user_id === "terrier") {
      // Trade it for a fish when redirecting
      throw new cherrypy.InternalRedirect("/image/getImagesByUser?user_id=fish");
    }
    // This should pass the user_id through to getImagesByUser
    throw new cherrypy.InternalRedirect(`/image/getImagesByUser?user_id=${user_id}`);
  }
  @expose
  @cherrypy.tools.login_redir()
  secure() {
    return "Welcome!";
  }
  @expose
  login() {
    return "Please log in";
  }
  @expose
  custom_err() {
    return "Something went horribly wrong.";
  }
  @expose
  @cherrypy.config({ "hooks.before_request_body": redirCustom })
  early_ir(arg: string) {
    void arg;
    return "whatever";
  }
}

class Image {
  @expose
  getImagesByUser(user_id: string) {
    return `0 images for ${user_id}`;
  }
}

class Flatten {
  @expose
  as_string() {
    return "content";
  }
  @expose
  as_list() {
    return ["con", "tent"];
  }
  @expose
  *as_yield() {
    yield new TextEncoder().encode("content");
  }
  @expose
  @cherrypy.config({ "tools.flatten.on": true })
  *as_dblyield() {
    yield this.as_yield();
  }
  @expose
  *as_refyield() {
    for (const chunk of this.as_yield()) yield chunk;
  }
}

const HERE = fileURLToPath(new globalThis.URL(".", import.meta.url));
const FAVICON = fileURLToPath(
  new globalThis.URL("../../framework/app/favicon.ico", import.meta.url),
);

class Ranges {
  @expose
  get_ranges(bytes: string) {
    const ranges = cherrypy.lib.httputil.getRanges(`bytes=${bytes}`, 8) ?? [];
    return `[${ranges.map(([start, stop]) => `(${start}, ${stop})`).join(", ")}]`;
  }
  @expose
  slice_file() {
    return cherrypy.lib.static.serveFile(join(HERE, "static", "index.html"));
  }
}

class Cookies {
  @expose
  single(name: string) {
    const cookie = cherrypy.request.cookie.get(name)!;
    cherrypy.response.cookie.set(name, cookie.value);
  }
  @expose
  multiple(names: string[]) {
    for (const name of names) this.single(name);
  }
}

cherrypy.tools.append_headers = new cherrypy.Tool(
  "on_end_resource",
  (options: { header_list?: Array<[string, string]> }) => {
    cherrypy.response.header_list.push(...(options.header_list ?? []));
  },
);

class MultiHeader {
  @expose
  @cherrypy.tools.append_headers({
    header_list: [
      ["WWW-Authenticate", "Negotiate"],
      ["WWW-Authenticate", 'Basic realm="foo"'],
    ],
  })
  header_list() {}
  @expose
  commas() {
    cherrypy.response.headers.set("WWW-Authenticate", 'Negotiate,Basic realm="foo"');
  }
}

class Root {
  @expose
  index() {
    return "hello";
  }
  @expose
  defct(newct: string) {
    site.config["tools.response_headers.on"] = true;
    site.config["tools.response_headers.headers"] = [["Content-Type", `text/${newct}`]];
    // CherryPy's cherrypy.config.update: a direct write to a config object is announced.
    cherrypy.invalidateDispatch();
  }
  @expose
  baseurl(path_info: string, relative: string | null = null) {
    return cherrypy.url(path_info, "", { relative: Boolean(relative) });
  }
  expose_dec = new ExposeExamples();
  url = new URL();
  status = new Status();
  redirect = new Redirect();
  internalredirect = new InternalRedirect();
  image = new Image();
  flatten = new Flatten();
  ranges = new Ranges();
  cookies = new Cookies();
  favicon_ico = cherrypy.tools.staticfile.handler({ filename: FAVICON });
  multiheader = new MultiHeader();
}

// The ErrorTests application, on its own tree.
cherrypy.tools.break_header = new cherrypy.Tool("on_end_resource", () => {
  // Add a header after finalize that is invalid
  (cherrypy.response.header_list as unknown[]).push([2, 3]);
});

class ErrorRoot {
  @expose
  index() {
    return "hello";
  }
  @expose
  @cherrypy.config({ "tools.break_header.on": true })
  start_response_error() {
    return "salud!";
  }
  @expose
  stat(path: string) {
    cherrypy.HTTPError.handle(Error, 404, () => statSync(path));
  }
}
const errorSite = suiteSite();
const errorWeb = new RawWebCase();
let stopErrors: () => Promise<void> = () => Promise.resolve();

before(async () => {
  site.tree.mount(new Root());
  const served = await serveTree(site.tree);
  web.port = served.port;
  stop = served.stop;
  errorSite.tree.mount(new ErrorRoot());
  const errorServed = await serveTree(errorSite.tree);
  errorWeb.port = errorServed.port;
  stopErrors = errorServed.stop;
});
after(async () => {
  web.close();
  await stop();
  await stopErrors();
});

test("core: testStatus", async () => {
  await web.getPage("/status/");
  web.assertBody("normal");
  web.assertStatus(200);

  await web.getPage("/status/blank");
  web.assertBody("");
  web.assertStatus(200);

  await web.getPage("/status/illegal");
  web.assertStatus(500);
  web.assertErrorPage(500, "Illegal response status from server (781 is out of range).");

  await web.getPage("/status/unknown");
  web.assertBody("funky");
  web.assertStatus(431);

  await web.getPage("/status/bad");
  web.assertStatus(500);
  web.assertErrorPage(500, "Illegal response status from server ('error' is non-numeric).");
});

test("core: test_on_end_resource_status", async () => {
  await web.getPage("/status/on_end_resource_stage");
  web.assertBody("[]");
  await web.getPage("/status/on_end_resource_stage");
  web.assertBody(repr(["200 OK"]));
});

test("core: testSlashes", async () => {
  const base = web.base();
  // Requests for index methods without a trailing slash get redirected to the same URI path
  // with a trailing slash; GET params are preserved.
  await web.getPage("/redirect?id=3");
  web.assertStatus(301);
  web.assertMatchesBody(
    new RegExp(`<a href=(['"])${base}/redirect/[?]id=3\\1>${base}/redirect/[?]id=3</a>`),
  );

  // Requests for NON-index methods WITH a trailing slash get redirected to the same URI path
  // WITHOUT a trailing slash.
  await web.getPage("/redirect/by_code/?code=307");
  web.assertStatus(301);
  web.assertMatchesBody(
    new RegExp(
      `<a href=(['"])${base}/redirect/by_code[?]code=307\\1>${base}/redirect/by_code[?]code=307</a>`,
    ),
  );

  // If the trailing_slash tool is off, CP should just continue as if the slashes were
  // correct. But it needs some help inside cherrypy.url to form correct output.
  await web.getPage("/url?path_info=page1");
  web.assertBody(`${base}/url/page1`);
  await web.getPage("/url/leaf/?path_info=page1");
  web.assertBody(`${base}/url/page1`);
});

const SOMEWHERE = /<a href=(['"])(.*)somewhere%20else\1>\2somewhere%20else<\/a>/;

test("core: testRedirect", async () => {
  await web.getPage("/redirect/");
  web.assertBody("child");
  web.assertStatus(200);

  for (const code of [300, 301, 302, 303, 307, 308]) {
    await web.getPage(`/redirect/by_code?code=${code}`);
    web.assertMatchesBody(SOMEWHERE);
    web.assertStatus(code);
  }

  await web.getPage("/redirect/nomodify");
  web.assertBody("");
  web.assertStatus(304);

  await web.getPage("/redirect/proxy");
  web.assertBody("");
  web.assertStatus(305);

  // (HTTPRedirect on error: see "testRedirect (err_redirect)".)

  // Make sure str(HTTPRedirect()) works.
  await web.getPage("/redirect/stringify", { protocol: "HTTP/1.0" });
  web.assertStatus(200);
  web.assertBody(`(['${web.base()}/'], 302)`);
  await web.getPage("/redirect/stringify", { protocol: "HTTP/1.1" });
  web.assertStatus(200);
  web.assertBody(`(['${web.base()}/'], 303)`);

  // check that #fragments are handled properly
  const frag = "foo";
  await web.getPage(`/redirect/fragment/${frag}`);
  web.assertMatchesBody(
    new RegExp(`<a href=(['"])(.*)\\/some\\/url\\#${frag}\\1>\\2\\/some\\/url\\#${frag}</a>`),
  );
  let loc = web.assertHeader("Location");
  assert.ok(loc.endsWith(`#${frag}`));
  web.assertStatus(["302 Found", "303 See Other"]);

  // check injection protection
  await web.getPage("/redirect/custom?code=303&url=/foobar/%0d%0aSet-Cookie:%20somecookie=someval");
  web.assertStatus(303);
  loc = web.assertHeader("Location");
  assert.ok(loc.includes("Set-Cookie"));
  web.assertNoHeader("Set-Cookie");

  // Redirects to URLs generate valid HTML (checked as well-formed XHTML).
  const assertValidXHTML = () => assert.ok(wellFormed(`<html><body>${web.body}</body></html>`));
  await web.getPage("/redirect/by_code?code=303");
  web.assertStatus(303);
  assertValidXHTML();

  // do the same with a url containing quote characters.
  await web.getPage("/redirect/url_with_quote");
  web.assertStatus(303);
  assertValidXHTML();
});

test("core: testRedirect (err_redirect)", async () => {
  // HTTPRedirect on error
  await web.getPage("/redirect/error/");
  web.assertStatus(["302 Found", "303 See Other"]);
  web.assertInBody("/errpage");
});

/** A small check of XML well-formedness: balanced tags, quoted attributes, no stray `<`/`&`. */
function wellFormed(xml: string): boolean {
  const stack: string[] = [];
  const token = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+=(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>|([^<]+)/y;
  let at = 0;
  while (at < xml.length) {
    token.lastIndex = at;
    const m = token.exec(xml);
    if (m === null) return false;
    at = token.lastIndex;
    if (m[5] !== undefined) {
      if (/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[\da-fA-F]+);)/.test(m[5])) return false;
    } else if (m[1] === "/") {
      if (stack.pop() !== m[2]) return false;
    } else if (m[4] !== "/") stack.push(m[2]!);
  }
  return stack.length === 0;
}

test("core: test_redirect_with_xss", async () => {
  await web.getPage("/redirect/url_with_xss");
  web.assertStatus(303);
  assert.ok(!web.body.includes("<script>"));
  assert.ok(web.body.includes("&lt;script&gt;"));
});

test("core: test_InternalRedirect", async () => {
  // InternalRedirect
  await web.getPage("/internalredirect/");
  web.assertBody("hello");
  web.assertStatus(200);

  // Test passthrough
  await web.getPage("/internalredirect/petshop?user_id=Sir-not-appearing-in-this-film");
  web.assertBody("0 images for Sir-not-appearing-in-this-film");
  web.assertStatus(200);

  // Test args
  await web.getPage("/internalredirect/petshop?user_id=parrot");
  web.assertBody("0 images for slug");
  web.assertStatus(200);

  // Test POST
  await web.getPage("/internalredirect/petshop", {
    method: "POST",
    body: "user_id=terrier",
    headers: [["Content-Type", "application/x-www-form-urlencoded"]],
  });
  web.assertBody("0 images for fish");
  web.assertStatus(200);

  // Test ir before body read
  await web.getPage("/internalredirect/early_ir", {
    method: "POST",
    body: "arg=aha!",
    headers: [["Content-Type", "application/x-www-form-urlencoded"]],
  });
  web.assertBody("Something went horribly wrong.");
  web.assertStatus(200);

  await web.getPage("/internalredirect/secure");
  web.assertBody("Please log in");
  web.assertStatus(200);

  // Relative path in InternalRedirect. Also tests request.prev.
  await web.getPage("/internalredirect/relative?a=3&b=5");
  web.assertBody("a=3&b=5");
  web.assertStatus(200);

  // InternalRedirect on error
  await web.getPage("/internalredirect/choke");
  web.assertStatus(200);
  web.assertBody("Something went horribly wrong.");
});

test("core: testFlatten", async () => {
  for (
    const url of [
      "/flatten/as_string",
      "/flatten/as_list",
      "/flatten/as_yield",
      "/flatten/as_refyield",
    ]
  ) {
    await web.getPage(url);
    web.assertBody("content");
  }
});

test("core: testFlatten (as_dblyield)", async () => {
  await web.getPage("/flatten/as_dblyield");
  web.assertBody("content");
});

test("core: testRanges", async () => {
  await web.getPage("/ranges/get_ranges?bytes=3-6");
  web.assertBody("[(3, 7)]");

  // Test multiple ranges and a suffix-byte-range-spec, for good measure.
  await web.getPage("/ranges/get_ranges?bytes=2-4,-1");
  web.assertBody("[(2, 5), (7, 8)]");

  // Test a suffix-byte-range longer than the content length (8 bytes here).
  await web.getPage("/ranges/get_ranges?bytes=-100");
  web.assertBody("[(0, 8)]");

  // Get a partial file.
  await web.getPage("/ranges/slice_file", { headers: [["Range", "bytes=2-5"]] });
  web.assertStatus(206);
  web.assertHeader("Content-Type", "text/html;charset=utf-8");
  web.assertHeader("Content-Range", "bytes 2-5/14");
  web.assertBody("llo,");

  // What happens with overlapping ranges (and out of order, too)?
  await web.getPage("/ranges/slice_file", { headers: [["Range", "bytes=4-6,2-5"]] });
  web.assertStatus(206);
  const ct = web.assertHeader("Content-Type");
  const expectedType = "multipart/byteranges; boundary=";
  assert.ok(ct.startsWith(expectedType), ct);
  const boundary = ct.slice(expectedType.length);
  web.assertBody(
    `\r\n--${boundary}\r\nContent-type: text/html\r\nContent-range: bytes 4-6/14\r\n\r\n` +
      `o, \r\n--${boundary}\r\nContent-type: text/html\r\nContent-range: bytes 2-5/14\r\n\r\n` +
      `llo,\r\n--${boundary}--\r\n`,
  );
  web.assertHeader("Content-Length");

  // Test "416 Requested Range Not Satisfiable"
  await web.getPage("/ranges/slice_file", { headers: [["Range", "bytes=2300-2900"]] });
  web.assertStatus(416);
  // The response includes the current length of the selected resource.
  web.assertHeader("Content-Range", "bytes */14");
});

test("core: testRanges (HTTP/1.0)", async () => {
  // Range behaviour with an HTTP/1.0 request: the whole file.
  await web.getPage("/ranges/slice_file", {
    headers: [["Range", "bytes=2-5"]],
    protocol: "HTTP/1.0",
  });
  web.assertStatus(200);
  web.assertNoHeader("Accept-Ranges");
  web.assertBody("Hello, world\r\n");
});

test("core: testFavicon", async () => {
  // favicon.ico is served by staticfile.
  await web.getPage("/favicon.ico");
  web.assertStatus(200);
  assert.deepEqual(new Uint8Array(web.bytes), new Uint8Array(readFileSync(FAVICON)));
});

test("core: testCookies", async () => {
  await web.getPage("/cookies/single?name=First", { headers: [["Cookie", "First=Dinsdale;"]] });
  web.assertHeader("Set-Cookie", "First=Dinsdale");

  await web.getPage("/cookies/multiple?names=First&names=Last", {
    headers: [["Cookie", "First=Dinsdale; Last=Piranha;"]],
  });
  web.assertHeader("Set-Cookie", "First=Dinsdale");
  web.assertHeader("Set-Cookie", "Last=Piranha");

  await web.getPage("/cookies/single?name=Something-With%2CComma", {
    headers: [["Cookie", "Something-With,Comma=some-value"]],
  });
  web.assertStatus(400);
});

test("core: testDefaultContentType", async () => {
  try {
    await web.getPage("/");
    web.assertHeader("Content-Type", "text/html;charset=utf-8");
    await web.getPage("/defct/plain");
    await web.getPage("/");
    web.assertHeader("Content-Type", "text/plain;charset=utf-8");
    await web.getPage("/defct/html");
  } finally {
    delete site.config["tools.response_headers.on"];
    delete site.config["tools.response_headers.headers"];
    cherrypy.invalidateDispatch();
  }
});

test("core: test_multiple_headers", async () => {
  await web.getPage("/multiheader/header_list");
  assert.deepEqual(web.headers.filter(([k]) => k === "WWW-Authenticate"), [
    ["WWW-Authenticate", "Negotiate"],
    ["WWW-Authenticate", 'Basic realm="foo"'],
  ]);
  await web.getPage("/multiheader/commas");
  web.assertHeader("WWW-Authenticate", 'Negotiate,Basic realm="foo"');
});

test("core: test_cherrypy_url", async () => {
  const base = web.base();
  const check = async (path: string, expected: string) => {
    await web.getPage(path);
    web.assertBody(expected);
  };
  // Input relative to current
  await check("/url/leaf?path_info=page1", `${base}/url/page1`);
  await check("/url/?path_info=page1", `${base}/url/page1`);
  // Other host header
  const host = "www.mydomain.example";
  await web.getPage("/url/leaf?path_info=page1", { headers: [["Host", host]] });
  web.assertBody(`http://${host}/url/page1`);

  // Input is 'absolute'; that is, relative to script_name
  await check("/url/leaf?path_info=/page1", `${base}/page1`);
  await check("/url/?path_info=/page1", `${base}/page1`);

  // Single dots
  await check("/url/leaf?path_info=./page1", `${base}/url/page1`);
  await check("/url/leaf?path_info=other/./page1", `${base}/url/other/page1`);
  await check("/url/?path_info=/other/./page1", `${base}/other/page1`);
  await check("/url/?path_info=/other/././././page1", `${base}/other/page1`);

  // Double dots
  await check("/url/leaf?path_info=../page1", `${base}/page1`);
  await check("/url/leaf?path_info=other/../page1", `${base}/url/page1`);
  await check("/url/leaf?path_info=/other/../page1", `${base}/page1`);
  await check("/url/leaf?path_info=/other/../../../page1", `${base}/page1`);
  await check("/url/leaf?path_info=/other/../../../../../page1", `${base}/page1`);

  // qs param is not normalized as a path
  await check("/url/qs?qs=/other", `${base}/url/qs?/other`);
  await check("/url/qs?qs=/other/../page1", `${base}/url/qs?/other/../page1`);
  await check("/url/qs?qs=../page1", `${base}/url/qs?../page1`);
  await check("/url/qs?qs=../../page1", `${base}/url/qs?../../page1`);

  // Output relative to current path or script_name
  await check("/url/?path_info=page1&relative=True", "page1");
  await check("/url/leaf?path_info=/page1&relative=True", "../page1");
  await check("/url/leaf?path_info=page1&relative=True", "page1");
  await check("/url/leaf?path_info=leaf/page1&relative=True", "leaf/page1");
  await check("/url/leaf?path_info=../page1&relative=True", "../page1");
  await check("/url/?path_info=other/../page1&relative=True", "page1");

  // Output relative to /
  await check("/baseurl?path_info=ab&relative=True", "ab");
  await check("/baseurl?path_info=/ab&relative=True", "ab");

  // absolute-path references ("server-relative")
  await check("/url/leaf?path_info=page1&relative=server", "/url/page1");
  await check("/url/?path_info=page1&relative=server", "/url/page1");
  await check("/url/leaf?path_info=/page1&relative=server", "/page1");
  await check("/url/?path_info=/page1&relative=server", "/page1");
});

test("core: test_expose_decorator", async () => {
  const check = async (path: string, expected: string) => {
    await web.getPage(path);
    web.assertStatus(200);
    web.assertBody(expected);
  };
  // Test @expose
  await check("/expose_dec/no_call", "Mr E. R. Bradshaw");
  // Test @expose()
  await check("/expose_dec/call_empty", "Mrs. B.J. Smegma");
  // Test @expose("alias")
  await check("/expose_dec/call_alias", "Mr Nesbitt");
  // Does the original name work?
  await check("/expose_dec/nesbitt", "Mr Nesbitt");
  // Test @expose(["alias1", "alias2"])
  await check("/expose_dec/alias1", "Mr Ken Andrews");
  await check("/expose_dec/alias2", "Mr Ken Andrews");
  // Does the original name work?
  await check("/expose_dec/andrews", "Mr Ken Andrews");
  // Test @expose(alias="alias")
  await check("/expose_dec/alias3", "Mr. and Mrs. Watson");
});

test("core: ErrorTests.test_start_response_error", async () => {
  await errorWeb.getPage("/start_response_error");
  errorWeb.assertStatus(500);
  errorWeb.assertInBody("TypeError: response.header_list key 2 is not a byte string.");
});

test("core: ErrorTests.test_contextmanager", async () => {
  await errorWeb.getPage("/stat/missing");
  errorWeb.assertStatus(404);
  const text = errorWeb.body.toLowerCase();
  assert.ok(
    text.includes("no such file or directory") || text.includes("cannot find the file specified"),
  );
});

test("core: TestBinding.test_bind_ephemeral_port", async () => {
  // A server configured to bind to port 0 binds to an ephemeral port and tells which.
  const server = new cherrypy.Server();
  server.socket_host = "127.0.0.1";
  server.socket_port = 0;
  await server.start();
  try {
    assert.notDeepEqual(server.bound_addr, server.bind_addr);
    const [, port] = server.bound_addr as [string, number];
    assert.ok(port > 0);
  } finally {
    await server.stop();
  }
  assert.deepEqual(server.bind_addr, server.bound_addr);
});
