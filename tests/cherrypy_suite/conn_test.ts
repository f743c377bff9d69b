/**
 * CherryPy's test_conn, ported: persistent connections, streaming, HTTP/1.0 keep-alive,
 * timeouts, pipelining, 100-continue, chunked and over-long bodies, the declared
 * Content-Length of responses, the accepted-request queue, and bare-LF requests.
 *
 * Only an HTTP/1.1 server is ported: CherryPy's branches for `server.protocol_version` HTTP/1.0
 * have no twin (the server always speaks HTTP/1.1).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as cherrypy from "../../mod.ts";
import { serveTree, suiteSite } from "./_suite.ts";
import { RawConnection, RawWebCase } from "./_webcase.ts";

const { expose } = cherrypy;
const timeout = 1;
const pov = "pPeErRsSiIsStTeEnNcCeE oOfF vViIsSiIoOnN";
const sleep = (s: number) => new Promise((r) => setTimeout(r, s * 1000));

function raise500(): never {
  throw new cherrypy.HTTPError(500);
}

// `cherrypy.server.httpserver`: here the HTTPServer serving the suite's tree.
let httpserver: cherrypy.HTTPServer;

class Root {
  @expose
  index() {
    return pov;
  }
  page1 = this.index;
  page2 = this.index;
  page3 = this.index;
  @expose
  hello() {
    return "Hello, world!";
  }
  @expose
  timeout(t: string) {
    void t;
    return String(httpserver.timeout);
  }
  @expose
  @cherrypy.config({ "response.stream": true })
  stream(set_cl: string | boolean = false) {
    if (set_cl) cherrypy.response.headers.set("Content-Length", "10");
    function* content() {
      for (let x = 0; x < 10; x++) yield String(x);
    }
    return content();
  }
  @expose
  error(code = "500") {
    throw new cherrypy.HTTPError(Number(code));
  }
  @expose
  async upload() {
    if (cherrypy.request.method !== "POST") {
      throw new Error(`'POST' != request.method '${cherrypy.request.method}'`);
    }
    return `thanks for '${await cherrypy.request.body!.text()}'`;
  }
  @expose
  custom(response_code: string) {
    cherrypy.response.status = response_code;
    return `Code = ${response_code}`;
  }
  @expose
  @cherrypy.config({ "hooks.on_start_resource": raise500 })
  err_before_read() {
    return "ok";
  }
  @expose
  one_megabyte_of_a() {
    return Array(1024).fill("a".repeat(1024));
  }
  // Turn off the encoding tool so it doesn't collapse our response body and recalculate the
  // Content-Length.
  @expose
  @cherrypy.config({ "tools.encode.on": false })
  custom_cl(body: string | string[], cl: string) {
    cherrypy.response.headers.set("Content-Length", cl);
    const chunks = Array.isArray(body) ? body : [body];
    return chunks.map((chunk) => Uint8Array.from(chunk, (c) => c.charCodeAt(0)));
  }
}

// 'server.max_request_body_size': 1001, 'server.socket_timeout': timeout
const site = suiteSite();
let port = 0;
let stop: () => Promise<void> = () => Promise.resolve();
// The same application on a server without a body limit (CherryPy's test sets
// cherrypy.server.max_request_body_size = 0 between requests).
let unlimitedPort = 0;
let stopUnlimited: () => Promise<void> = () => Promise.resolve();

before(async () => {
  site.tree.mount(new Root());
  const served = await serveTree(site.tree, { maxRequestBodySize: 1001, socketTimeout: timeout });
  port = served.port;
  httpserver = served.server;
  stop = served.stop;
  const unlimited = await serveTree(site.tree, { maxRequestBodySize: 0, socketTimeout: timeout });
  unlimitedPort = unlimited.port;
  stopUnlimited = unlimited.stop;
});
after(async () => {
  await stop();
  await stopUnlimited();
});

const webCase = (p = port) => new RawWebCase(p);

/** The server closed `web`'s persistent connection: the next request cannot be sent. */
async function assertNotConnected(web: RawWebCase): Promise<void> {
  assert.ok(await web.conn!.waitClosed(), "the server closed the connection");
  await assert.rejects(web.getPage("/"), /NotConnected/);
}

test("conn: ConnectionCloseTests.test_HTTP11", async () => {
  const web = webCase();
  web.persistent = true;
  try {
    // Make the first request and assert there's no "Connection: close".
    await web.getPage("/");
    web.assertStatus("200 OK");
    web.assertBody(pov);
    web.assertNoHeader("Connection");

    // Make another request on the same connection.
    await web.getPage("/page1");
    web.assertStatus("200 OK");
    web.assertBody(pov);
    web.assertNoHeader("Connection");

    // Test client-side close.
    await web.getPage("/page2", { headers: [["Connection", "close"]] });
    web.assertStatus("200 OK");
    web.assertBody(pov);
    web.assertHeader("Connection", "close");

    // Make another request on the same connection, which should error.
    await assertNotConnected(web);
  } finally {
    web.close();
  }
});

async function streaming(setCl: boolean): Promise<void> {
  const web = webCase();
  web.persistent = true;
  try {
    // Make the first request and assert there's no "Connection: close".
    await web.getPage("/");
    web.assertStatus("200 OK");
    web.assertBody(pov);
    web.assertNoHeader("Connection");

    // Make another, streamed request on the same connection.
    if (setCl) {
      // When a Content-Length is provided, the content should stream without closing the
      // connection.
      await web.getPage("/stream?set_cl=Yes");
      web.assertHeader("Content-Length");
      web.assertNoHeader("Connection", "close");
      web.assertNoHeader("Transfer-Encoding");
      web.assertStatus("200 OK");
      web.assertBody("0123456789");
    } else {
      // When no Content-Length response header is provided, streamed output will either
      // close the connection, or use chunked encoding, to determine transfer-length.
      await web.getPage("/stream");
      web.assertNoHeader("Content-Length");
      web.assertStatus("200 OK");
      web.assertBody("0123456789");

      const chunked = web.headers.some(([k, v]) =>
        k.toLowerCase() === "transfer-encoding" && v === "chunked"
      );
      if (chunked) web.assertNoHeader("Connection", "close");
      else {
        web.assertHeader("Connection", "close");
        // Make another request on the same connection, which should error.
        await assertNotConnected(web);
      }

      // Try HEAD.
      if (web.conn === null || web.conn.closed) web.close();
      await web.getPage("/stream", { method: "HEAD" });
      web.assertStatus("200 OK");
      web.assertBody("");
      web.assertNoHeader("Transfer-Encoding");
    }
  } finally {
    web.close();
  }
}

test("conn: ConnectionCloseTests.test_Streaming_no_len", () => streaming(false));
test("conn: ConnectionCloseTests.test_Streaming_with_len", () => streaming(true));

test("conn: ConnectionCloseTests.test_HTTP10_KeepAlive", async () => {
  const web = webCase();
  web.protocol = "HTTP/1.0";
  try {
    // Test a normal HTTP/1.0 request.
    await web.getPage("/page2");
    web.assertStatus("200 OK");
    web.assertBody(pov);

    // Test a keep-alive HTTP/1.0 request.
    web.persistent = true;
    await web.getPage("/page3", { headers: [["Connection", "Keep-Alive"]] });
    web.assertStatus("200 OK");
    web.assertBody(pov);
    web.assertHeader("Connection", "Keep-Alive");

    // Remove the keep-alive header again.
    await web.getPage("/page3");
    web.assertStatus("200 OK");
    web.assertBody(pov);
  } finally {
    web.close();
  }
});

const request = (path: string, extra = "") =>
  `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${extra}\r\n`;

test("conn: PipelineTests.test_HTTP11_Timeout", async () => {
  // If we timeout without sending any data, the server will close the conn with a 408.
  let conn = await RawConnection.open(port);
  // Wait for our socket timeout
  await sleep(timeout * 2);
  // The request should have returned 408 already.
  assert.equal((await conn.readResponse()).code, 408);
  conn.close();

  // Connect but send half the headers only.
  conn = await RawConnection.open(port);
  conn.write("GET /hello HTTP/1.1");
  conn.write(`Host: 127.0.0.1:${port}`);
  await sleep(timeout * 2);
  // The conn should have already sent 408.
  assert.equal((await conn.readResponse()).code, 408);
  conn.close();
});

/** A response to the request written last, or the error reading it. */
async function responseOrError(conn: RawConnection): Promise<number | Error> {
  try {
    return (await conn.readResponse("GET", 3000)).code;
  } catch (e) {
    return e as Error;
  }
}

test("conn: PipelineTests.test_HTTP11_Timeout_after_request", async () => {
  // If we timeout after at least one request has succeeded, the server will close the conn
  // without 408.
  let conn = await RawConnection.open(port);
  conn.write(request(`/timeout?t=${timeout}`));
  let response = await conn.readResponse();
  assert.equal(response.code, 200);
  assert.equal(new TextDecoder().decode(response.body), String(timeout));

  // Make a second request on the same socket
  conn.write(request("/hello"));
  response = await conn.readResponse();
  assert.equal(response.code, 200);
  assert.equal(new TextDecoder().decode(response.body), "Hello, world!");

  // Wait for our socket timeout
  await sleep(timeout * 2);

  // Make another request on the same socket, which should error
  conn.write(request("/hello"));
  let outcome = await responseOrError(conn);
  if (typeof outcome === "number" && outcome !== 408) {
    assert.fail(`Writing to timed out socket didn't fail as it should have: ${outcome}`);
  }
  conn.close();

  // Make another request on a new socket, which should work
  conn = await RawConnection.open(port);
  conn.write(request("/"));
  response = await conn.readResponse();
  assert.equal(response.code, 200);
  assert.equal(new TextDecoder().decode(response.body), pov);

  // Make another request on the same socket, but timeout on the headers
  conn.write("GET /hello HTTP/1.1");
  await sleep(timeout * 2);
  outcome = await responseOrError(conn);
  if (typeof outcome === "number" && outcome !== 408) {
    assert.fail(`Writing to timed out socket didn't fail as it should have: ${outcome}`);
  }
  conn.close();

  // Retry the request on a new connection, which should work
  conn = await RawConnection.open(port);
  conn.write(request("/"));
  response = await conn.readResponse();
  assert.equal(response.code, 200);
  assert.equal(new TextDecoder().decode(response.body), pov);
  conn.close();
});

test("conn: PipelineTests.test_HTTP11_pipelining", async () => {
  const conn = await RawConnection.open(port);
  try {
    // Put request 1
    conn.write(request("/hello"));
    for (let trial = 0; trial < 5; trial++) {
      // Put next request
      conn.write(request("/hello"));
      // Retrieve previous response
      const response = await conn.readResponse();
      assert.equal(response.code, 200);
      assert.equal(new TextDecoder().decode(response.body), "Hello, world!");
    }
    // Retrieve final response
    const response = await conn.readResponse();
    assert.equal(response.code, 200);
    assert.equal(new TextDecoder().decode(response.body), "Hello, world!");
  } finally {
    conn.close();
  }
});

const upload = (length: number, extra = "") =>
  `POST /upload HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: text/plain\r\n` +
  `Content-Length: ${length}\r\n${extra}\r\n`;

test("conn: PipelineTests.test_100_Continue", async () => {
  // Try a page without an Expect request header first.
  let conn = await RawConnection.open(port);
  try {
    conn.write(upload(4) + "d'oh");
    const head = await conn.readHead();
    assert.notEqual(head.code, 100);
  } finally {
    conn.close();
  }

  // Now try a page with an Expect header...
  conn = await RawConnection.open(port);
  try {
    conn.write(upload(17, "Expect: 100-continue\r\n"));
    // ...assert and then skip the 100 response
    const head = await conn.readHead();
    assert.equal(head.code, 100);
    // 100 Continue should not output any headers.
    assert.deepEqual(head.headers, []);
    // ...send the body
    const body = "I am a small file";
    conn.write(body);
    // ...get the final response
    const response = await conn.readResponse("POST");
    assert.equal(response.code, 200);
    assert.equal(new TextDecoder().decode(response.body), `thanks for '${body}'`);
  } finally {
    conn.close();
  }
});

test("conn: ConnectionTests.test_readall_or_close", async () => {
  // A max of 0 (no limit), then the suite's 1001.
  for (const p of [unlimitedPort, port]) {
    let conn = await RawConnection.open(p);
    try {
      // Get a POST page with an error
      conn.write(
        `POST /err_before_read HTTP/1.1\r\nHost: 127.0.0.1:${p}\r\nContent-Type: text/plain\r\n` +
          "Content-Length: 1000\r\nExpect: 100-continue\r\n\r\n",
      );
      // This server sends 100 Continue only when the application reads the body (see
      // docs/differences.md): the error comes first, and the connection closes (the body it
      // never asked for is not read). CherryPy sends 100 Continue at once, reads the body,
      // and keeps the connection.
      let response = await conn.readResponse("POST");
      assert.equal(response.code, 500);
      assert.ok(await conn.waitClosed(), "the connection with the unread body is closed");
      conn.close();

      // Now try a working page with an Expect header...
      conn = await RawConnection.open(p);
      conn.write(
        `POST /upload HTTP/1.1\r\nHost: 127.0.0.1:${p}\r\nContent-Type: text/plain\r\n` +
          "Content-Length: 17\r\nExpect: 100-continue\r\n\r\n",
      );
      // ...assert and then skip the 100 response
      const head = await conn.readHead();
      assert.equal(head.code, 100);
      // ...send the body
      const body = "I am a small file";
      conn.write(body);
      // ...get the final response
      response = await conn.readResponse("POST");
      assert.equal(response.code, 200);
      assert.equal(new TextDecoder().decode(response.body), `thanks for '${body}'`);
    } finally {
      conn.close();
    }
  }
});

test("conn: ConnectionTests.test_No_Message_Body", async () => {
  const web = webCase();
  web.persistent = true;
  try {
    // Make the first request and assert there's no "Connection: close".
    await web.getPage("/");
    web.assertStatus("200 OK");
    web.assertBody(pov);
    web.assertNoHeader("Connection");

    // Make a 204 request on the same connection.
    await web.getPage("/custom/204");
    web.assertStatus(204);
    web.assertNoHeader("Content-Length");
    web.assertBody("");
    web.assertNoHeader("Connection");

    // Make a 304 request on the same connection.
    await web.getPage("/custom/304");
    web.assertStatus(304);
    web.assertNoHeader("Content-Length");
    web.assertBody("");
    web.assertNoHeader("Connection");
  } finally {
    web.close();
  }
});

test("conn: ConnectionTests.test_Chunked_Encoding", async () => {
  let conn = await RawConnection.open(port);
  try {
    // Try a normal chunked request (with extensions)
    const body = "8;key=value\r\nxx\r\nxxxx\r\n5\r\nyyyyy\r\n0\r\n" +
      "Content-Type: application/json\r\n\r\n";
    // Note that this is somewhat malformed: we shouldn't be sending Content-Length. RFC 2616
    // says the server should ignore it; this server refuses such a request (a request
    // smuggling vector, RFC 9112 §6.1; see docs/differences.md), so the request is sent as
    // CherryPy's test sends it, and then without the Content-Length.
    const head = `POST /upload HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
      "Transfer-Encoding: chunked\r\nTrailer: Content-Type\r\n";
    conn.write(head + "Content-Length: 3\r\n\r\n" + body);
    let response = await conn.readResponse("POST");
    assert.equal(response.code, 400);
    assert.equal(
      new TextDecoder().decode(response.body),
      "A request may not carry both Transfer-Encoding and Content-Length.",
    );
    conn.close();
    conn = await RawConnection.open(port);
    conn.write(head + "\r\n" + body);
    response = await conn.readResponse("POST");
    assert.equal(response.status, "200 OK");
    assert.equal(new TextDecoder().decode(response.body), "thanks for 'xx\r\nxxxxyyyyy'");
  } finally {
    conn.close();
  }
});

test("conn: ConnectionTests.test_Chunked_Encoding (over the body limit)", async () => {
  const conn = await RawConnection.open(port);
  try {
    // Try a chunked request that exceeds server.max_request_body_size. Note that the
    // delimiters and trailer are included.
    const body = "3e3\r\n" + "x".repeat(995) + "\r\n0\r\n\r\n";
    conn.write(
      `POST /upload HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nTransfer-Encoding: chunked\r\n` +
        "Content-Type: text/plain\r\n\r\n" + body,
    );
    const response = await conn.readResponse("POST");
    assert.equal(response.code, 413);
  } finally {
    conn.close();
  }
});

test("conn: ConnectionTests.test_Content_Length_in", async () => {
  // Try a non-chunked request where Content-Length exceeds server.max_request_body_size.
  // Assert error before body send.
  const web = webCase();
  web.persistent = true;
  try {
    const conn = await RawConnection.open(port);
    web.conn = conn;
    conn.write(upload(9999));
    web.record(await conn.readResponse("POST"));
    web.assertStatus(413);
    web.assertBody("The entity sent with the request exceeds the maximum allowed bytes.");
  } finally {
    web.close();
  }
});

test("conn: ConnectionTests.test_Content_Length_out_preheaders", async () => {
  // Try a non-chunked response where Content-Length is less than the actual bytes in the
  // response body.
  const web = webCase();
  await web.getPage("/custom_cl?body=I+have+too+many+bytes&cl=5");
  web.assertStatus(500);
  web.assertBody("The requested resource returned more bytes than the declared Content-Length.");
});

test("conn: ConnectionTests.test_Content_Length_out_postheaders", async () => {
  // Try a non-chunked response where Content-Length is less than the actual bytes in the
  // response body.
  const web = webCase();
  await web.getPage("/custom_cl?body=I+too&body=+have+too+many&cl=5");
  web.assertStatus(200);
  web.assertBody("I too");
});

test("conn: ConnectionTests.test_598", async () => {
  const conn = await RawConnection.open(port);
  try {
    conn.write(request("/one_megabyte_of_a/"));
    const head = await conn.readHead();
    // Read a little, pause past half the socket timeout, then read the rest.
    conn.socket.pause();
    await sleep(timeout * 0.6);
    conn.socket.resume();
    const buf = await conn.readBody(head);
    assert.equal(buf.length, 1024 * 1024);
    assert.ok(buf.every((b) => b === 0x61));
  } finally {
    conn.close();
  }
});

test("conn: LimitedRequestQueueTests.test_queue_full", async () => {
  // CherryPy's test is marked xfail: cheroot 11 answers an overflow with 503 Service
  // Unavailable instead of resetting the connection; so does this server.
  const queued = suiteSite();
  queued.tree.mount(new Root());
  // 'server.max_request_body_size': 1001, 'server.socket_timeout': 10, a pool of 10
  // (CherryPy's thread_pool), 'server.accepted_queue_size': 5,
  // 'server.accepted_queue_timeout': 0.1
  const served = await serveTree(queued.tree, {
    maxRequestBodySize: 1001,
    socketTimeout: 10,
    maxConcurrency: 10,
    queueSize: 5,
    queueTimeout: 0.1,
  });
  const conns: RawConnection[] = [];
  try {
    // Make 15 initial requests and leave them open, which should use all of the server's
    // workers and fill its queue.
    for (let i = 0; i < 15; i++) {
      const conn = await RawConnection.open(served.port);
      conn.write(
        `POST /upload HTTP/1.1\r\nHost: 127.0.0.1:${served.port}\r\n` +
          "Content-Type: text/plain\r\nContent-Length: 4\r\n\r\n",
      );
      conns.push(conn);
    }
    await sleep(0.2);
    // Now try a 16th conn, which should be refused by the server immediately.
    const overflow = await RawConnection.open(served.port);
    try {
      overflow.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${served.port}\r\n\r\n`);
      const response = await overflow.readResponse();
      assert.equal(response.code, 503);
    } finally {
      overflow.close();
    }
  } finally {
    for (const conn of conns) {
      conn.write("done");
      const response = await conn.readResponse("POST");
      assert.equal(new TextDecoder().decode(response.body), "thanks for 'done'");
      assert.equal(response.code, 200);
      conn.close();
    }
    await served.stop();
  }
});

test("conn: BadRequestTests.test_No_CRLF", async () => {
  for (const head of ["GET /hello HTTP/1.1\n\n", "GET /hello HTTP/1.1\r\n\n"]) {
    const conn = await RawConnection.open(port);
    try {
      conn.write(head);
      const response = await conn.readResponse();
      assert.equal(new TextDecoder().decode(response.body), "HTTP requires CRLF terminators");
    } finally {
      conn.close();
    }
  }
});
