/**
 * CherryPy's test_http, ported: requests without a body length, large multipart uploads,
 * file names with special characters, malformed request lines and headers, and garbage.
 * `http.client`'s requests are written over a raw socket.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as cherrypy from "../../mod.ts";
import { serveTree, suiteSite } from "./_suite.ts";
import { RawConnection, RawWebCase } from "./_webcase.ts";

const { expose } = cherrypy;

/** `True` if the text encodes as ASCII. */
const isAscii = (text: string) => [...text].every((c) => c.charCodeAt(0) < 0x80);

/** The `filename` key and encoded value for a multipart/form-data part. */
function encodeFilename(filename: string): [string, string] {
  if (isAscii(filename)) return ["filename", `"${filename}"`];
  const encoded = encodeURIComponent(filename).replace(
    /[!'()*]/g,
    (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase(),
  );
  return ["filename*", ["UTF-8", "", encoded].join("'")];
}

/** `(content_type, body)` for multipart uploads of `(name, filename, value)` triples. */
function encodeMultipartFormdata(files: Array<[string, string, string]>): [string, string] {
  const BOUNDARY = "________ThIs_Is_tHe_bouNdaRY_$";
  const L: string[] = [];
  for (const [key, filename, value] of files) {
    L.push("--" + BOUNDARY);
    const [fnKey, encoded] = encodeFilename(filename);
    L.push(`Content-Disposition: form-data; name="${key}"; ${fnKey}=${encoded}`);
    // mimetypes.guess_type: .txt and .csv are the only extensions used here.
    const ct = filename.endsWith(".txt")
      ? "text/plain"
      : filename.endsWith(".csv")
      ? "text/csv"
      : "application/octet-stream";
    L.push(`Content-Type: ${ct}`);
    L.push("");
    L.push(value);
  }
  L.push("--" + BOUNDARY + "--");
  L.push("");
  return [`multipart/form-data; boundary=${BOUNDARY}`, L.join("\r\n")];
}

// CherryPy's `(*args, **kwargs)`: a rest parameter comes last in JavaScript, so the keyword
// pattern comes before it.
class Root {
  @expose
  index({ ...kwargs } = {}, ...args: string[]) {
    void [args, kwargs];
    return "Hello world!";
  }
  @expose
  @cherrypy.config({ "request.process_request_body": false })
  no_body({ ...kwargs } = {}, ...args: string[]) {
    void [args, kwargs];
    return "Hello world!";
  }
  /** A summary ("a * 65536, b * 65536") of the uploaded file. */
  @expose
  async post_multipart(file: cherrypy.Part) {
    const contents = await file.file!.read();
    const summary: string[] = [];
    let curchar: number | null = null;
    let count = 0;
    for (const c of contents) {
      if (c === curchar) count++;
      else {
        if (count) summary.push(`${String.fromCharCode(curchar!)} * ${count}`);
        count = 1;
        curchar = c;
      }
    }
    if (count) summary.push(`${String.fromCharCode(curchar!)} * ${count}`);
    return summary.join(", ");
  }
  /** The name of the file which was uploaded. */
  @expose
  post_filename(myfile: cherrypy.Part) {
    return myfile.filename;
  }
}

const site = suiteSite();
let port = 0;
let stop: () => Promise<void> = () => Promise.resolve();
before(async () => {
  site.tree.mount(new Root());
  // 'server.max_request_body_size': 30000000
  const served = await serveTree(site.tree, { maxRequestBodySize: 30_000_000 });
  port = served.port;
  stop = served.stop;
});
after(() => stop());

const host = () => `127.0.0.1:${port}`;

test("http: test_no_content_length", async () => {
  // "The presence of a message-body in a request is signaled by the inclusion of a
  // Content-Length or Transfer-Encoding header field in the request's message-headers."
  //
  // Send a message with neither header and no body. Even though the request is of method
  // POST, this should be OK because we set request.process_request_body to False for our
  // handler.
  const web = new RawWebCase(port);
  await web.getPage("/no_body", { method: "POST" });
  web.assertStatus(200);
  web.assertBody("Hello world!");

  // Now send a message that has no Content-Length, but does send a body. Verify that CP
  // times out the socket and responds with 411 Length Required.
  await web.getPage("/", { method: "POST" });
  web.assertStatus(411);
});

test("http: test_post_multipart", async () => {
  const alphabet = "abcdefghijklmnopqrstuvwxyz";
  // generate file contents for a large post
  const contents = [...alphabet].map((c) => c.repeat(65536)).join("");
  // encode as multipart form data
  const [contentType, body] = encodeMultipartFormdata([["file", "file.txt", contents]]);
  const web = new RawWebCase(port);
  await web.getPage("/post_multipart", {
    method: "POST",
    headers: [["Content-Type", contentType], ["Content-Length", String(body.length)]],
    body,
  });
  web.assertStatus(200);
  web.assertBody([...alphabet].map((ch) => `${ch} * 65536`).join(", "));
});

test("http: test_post_filename_with_special_characters", async () => {
  // We'll upload a bunch of files with differing names.
  const fnames = [
    "boop.csv",
    "foo, bar.csv",
    "bar, xxxx.csv",
    'file"name.csv',
    "file;name.csv",
    "file; name.csv",
    "test_łóąä.txt",
  ];
  const web = new RawWebCase(port);
  for (const fname of fnames) {
    const [contentType, body] = encodeMultipartFormdata([["myfile", fname, "yunyeenyunyue"]]);
    await web.getPage("/post_filename", {
      method: "POST",
      headers: [["Content-Type", contentType], ["Content-Length", String(body.length)]],
      body,
    });
    web.assertStatus(200);
    web.assertBody(fname);
  }
});

/** Writes `raw` on a new connection and reads the response's status and first `n` bytes. */
async function exchange(raw: string, n: number): Promise<{ code: number; start: string }> {
  const conn = await RawConnection.open(port);
  try {
    conn.write(raw);
    const response = await conn.readResponse();
    return {
      code: response.code,
      start: new TextDecoder().decode(response.body.subarray(0, n)),
    };
  } finally {
    conn.close();
  }
}

test("http: test_malformed_request_line", async () => {
  // Test missing version in Request-Line
  const { code, start } = await exchange("geT /\r\n\r\n", 22);
  assert.equal(code, 400);
  assert.equal(start, "Malformed Request-Line");
});

test("http: test_request_line_split_issue_1220", async () => {
  const params = new URLSearchParams({
    "intervenant-entreprise-evenement_classaction": "evenement-mailremerciements",
    "_path": "intervenant-entreprise-evenement",
    "intervenant-entreprise-evenement_action-id": "19404",
    "intervenant-entreprise-evenement_id": "19404",
    "intervenant-entreprise_id": "28092",
  });
  const requestUri = "/index?" + params.toString();
  assert.equal(`GET ${requestUri} HTTP/1.1\r\n`.length, 256);
  const web = new RawWebCase(port);
  await web.getPage(requestUri);
  web.assertBody("Hello world!");
});

test("http: test_malformed_header", async () => {
  const { code, start } = await exchange(
    `GET / HTTP/1.1\r\nHost: ${host()}\r\nAccept-Encoding: identity\r\n` +
      "Content-Type: text/plain\r\nre, 1.2.3.4#015#012\r\n\r\n",
    20,
  );
  assert.equal(code, 400);
  assert.equal(start, "Illegal header line.");
});

test("http: test_garbage_in", async () => {
  // Connect without SSL regardless of server.scheme
  const { code, start } = await exchange("gjkgjklsgjklsgjkljklsg\r\n\r\n", 22);
  assert.equal(code, 400);
  assert.equal(start, "Malformed Request-Line");
});
