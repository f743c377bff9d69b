/**
 * The HTTP/1.1 syntax of the project's own engine (`platform/_http1.ts`, `_http1_chunked.ts`):
 * request heads, body framing, the chunked decoder and response field checks. Pure functions,
 * so they run on every runtime.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ChunkedBodyError, ChunkedDecoder } from "../../platform/_http1_chunked.ts";
import {
  checkField,
  findHeadEnd,
  hasToken,
  type Head,
  parseHead,
  Refusal,
  validHost,
} from "../../platform/_http1.ts";

function head(text: string, maxBody = 0): Head {
  const parsed = parseHead(text, maxBody);
  if (parsed instanceof Refusal) assert.fail(`refused ${parsed.status}: ${parsed.message}`);
  return parsed;
}

function refusal(text: string, maxBody = 0): [number, string] {
  const parsed = parseHead(text, maxBody);
  assert.ok(parsed instanceof Refusal, `expected a refusal for ${JSON.stringify(text)}`);
  return [parsed.status, parsed.message];
}

test("http1: a request head: line, fields lower-cased and trimmed, keep-alive by version", () => {
  const h = head("GET /a?b=1 HTTP/1.1\r\nHost: example.com\r\nX-Thing:  two words \t\r\nX-Empty:");
  assert.equal(h.method, "GET");
  assert.equal(h.target, "/a?b=1");
  assert.equal(h.protocol, "HTTP/1.1");
  assert.deepEqual(h.fields, ["host", "example.com", "x-thing", "two words", "x-empty", ""]);
  assert.equal(h.framing, "none");
  assert.equal(h.keepAlive, true);
  assert.equal(head("GET / HTTP/1.1\r\nConnection: Close").keepAlive, false);
  assert.equal(head("GET / HTTP/1.1\r\nConnection: upgrade, close").keepAlive, false);
  assert.equal(head("GET / HTTP/1.0").keepAlive, false);
  assert.equal(head("GET / HTTP/1.0\r\nConnection: Keep-Alive").keepAlive, true);
  assert.equal(head("GET / HTTP/1.0").http11, false);
  // Absolute-form and OPTIONS * are accepted.
  assert.equal(head("GET http://example.com/x HTTP/1.1").target, "http://example.com/x");
  assert.equal(head("OPTIONS * HTTP/1.1").target, "*");
});

test("http1: malformed request lines get cheroot's statuses and messages", () => {
  assert.deepEqual(refusal("GET /"), [400, "Malformed Request-Line"]);
  assert.deepEqual(refusal("GET  / HTTP/1.1"), [400, "Malformed Request-Line"]);
  assert.deepEqual(refusal("GET / FTP/1.1"), [400, "Malformed Request-Line: bad protocol"]);
  assert.deepEqual(refusal("GET / HTTP/11"), [400, "Malformed Request-Line: bad version"]);
  assert.deepEqual(refusal("GET / HTTP/2.0"), [505, "Cannot fulfill request"]);
});

test("http1: the version is HTTP/ DIGIT . DIGIT; 1.0 and 1.1 are served, others get 505", () => {
  const badVersion = [400, "Malformed Request-Line: bad version"];
  for (const v of ["1.x", "1.10", "01.1", "1.01", "1.", ".1", "1.1.1", "\u00b9.1"]) {
    assert.deepEqual(refusal(`GET / HTTP/${v}`), badVersion, v);
  }
  for (const v of ["1.2", "1.9", "2.0", "3.0", "0.9", "9.9"]) {
    assert.deepEqual(refusal(`GET / HTTP/${v}`), [505, "Cannot fulfill request"], v);
  }
  assert.equal(head("GET / HTTP/1.0").http11, false);
  assert.equal(head("GET / HTTP/1.1").http11, true);
  assert.deepEqual(refusal("GET / http/1.1"), [400, "Malformed Request-Line: bad protocol"]);
  assert.equal(refusal("get / HTTP/1.1")[0], 400);
  assert.match(refusal("get / HTTP/1.1")[1], /method names are case-sensitive and uppercase/);
  assert.equal(refusal("GE(T / HTTP/1.1")[0], 400);
  assert.match(refusal("GET x HTTP/1.1")[1], /must contain origin-form/);
  assert.match(refusal("GET * HTTP/1.1")[1], /must contain origin-form/);
  assert.deepEqual(refusal("GET /a#b HTTP/1.1"), [400, "Illegal #fragment in Request-URI."]);
  assert.deepEqual(refusal("GET / HTTP/1.1\nHost: x"), [400, "HTTP requires CRLF terminators"]);
  assert.deepEqual(refusal("GET /\x00 HTTP/1.1"), [400, "Malformed Request-Line"]);
});

test("http1: malformed header fields are refused", () => {
  assert.deepEqual(refusal("GET / HTTP/1.1\r\nNoColon"), [400, "Illegal header line."]);
  assert.deepEqual(refusal("GET / HTTP/1.1\r\n: empty name"), [400, "Illegal header line."]);
  // Whitespace between name and colon (RFC 9112 §5.1).
  assert.deepEqual(refusal("GET / HTTP/1.1\r\nHost : x"), [400, "Illegal header line."]);
  assert.deepEqual(refusal("GET / HTTP/1.1\r\nX: a\rb"), [400, "HTTP requires CRLF terminators"]);
  assert.deepEqual(refusal("GET / HTTP/1.1\r\nX: a\x01b"), [400, "Illegal header line."]);
  assert.deepEqual(refusal("GET / HTTP/1.1\r\n folded first"), [400, "Illegal header line."]);
  // obs-fold (RFC 9112 §5.2) is refused, not unfolded.
  assert.deepEqual(refusal("GET / HTTP/1.1\r\nHost:\r\n x"), [400, "Illegal header line."]);
  assert.deepEqual(refusal("GET / HTTP/1.1\r\nX-Long: one\r\n\ttwo"), [
    400,
    "Illegal header line.",
  ]);
  assert.deepEqual(refusal("GET / HTTP/1.1\r\nHost: a\r\nHost: b"), [
    400,
    "Multiple Host headers.",
  ]);
  assert.deepEqual(refusal("GET / HTTP/1.1\r\nExpect: magic"), [417, "Expectation Failed"]);
});

/** A head as a browser sends it: long values, every lane of a 4-byte word used. */
const BROWSER_HEAD = "GET /users/42/profile?tab=1 HTTP/1.1\r\nHost: localhost:8080\r\n" +
  "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)\r\n" +
  "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n" +
  "Accept-Language: en-US,en;q=0.5\r\nCookie: session_id=0123456789abcdef\r\n" +
  "Connection: keep-alive\r\nX-A:b\r\nX-Long-Name-Of-A-Header:  padded \t";

/** `text`'s bytes placed at `offset` in a larger buffer (as a read's pooled buffer holds them). */
function placed(text: string, offset: number): Uint8Array {
  const buffer = new Uint8Array(offset + text.length + 5).fill(0x41);
  for (let i = 0; i < text.length; i++) buffer[offset + i] = text.charCodeAt(i);
  return buffer;
}

test("http1: a head read from bytes at any offset is read as its text alone", () => {
  const expected = head(BROWSER_HEAD);
  assert.deepEqual(expected.fields.slice(0, 4), [
    "host",
    "localhost:8080",
    "user-agent",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)",
  ]);
  assert.deepEqual(expected.fields.slice(-4), ["x-a", "b", "x-long-name-of-a-header", "padded"]);
  for (let offset = 0; offset < 8; offset++) {
    // Every start in a 4-byte word, and every length's tail, from the shortest head on.
    for (let cut = 14; cut <= BROWSER_HEAD.length; cut += 7) {
      const text = BROWSER_HEAD.slice(0, cut);
      if (text.endsWith("\r")) continue;
      assert.deepEqual(
        parseHead(text, 0, placed(text, offset), offset),
        parseHead(text, 0),
        `offset ${offset}, ${cut} characters`,
      );
    }
  }
});

test("http1: a control character anywhere in a head is refused, in every lane of a word", () => {
  // Every control character but HTAB, and DEL. The head's lines end in CRLF only, so an added
  // CR or LF is a bare one wherever it goes (`\r\r\n`, `\r\n\n`).
  const bad = [...Array(32).keys()].filter((c) => c !== 9).map((c) => String.fromCharCode(c));
  bad.push("\x7f");
  let checked = 0;
  for (let at = 0; at <= BROWSER_HEAD.length; at++) {
    for (const c of bad) {
      const text = BROWSER_HEAD.slice(0, at) + c + BROWSER_HEAD.slice(at);
      for (const offset of [0, 1, 2, 3]) {
        const parsed = parseHead(text, 0, placed(text, offset), offset);
        assert.ok(
          parsed instanceof Refusal && parsed.status === 400,
          `${JSON.stringify(c)} at ${at}, offset ${offset}: ${JSON.stringify(parsed)}`,
        );
        checked++;
      }
    }
  }
  assert.ok(checked > 30_000);
  // HTAB and the bytes past ASCII (obs-text) are kept in values, where the head has them.
  for (const c of ["\t", "\x80", "\xe9", "\xff"]) {
    const text = BROWSER_HEAD.replace("(KHTML", `(K${c}HTML`);
    for (const offset of [0, 1, 2, 3]) {
      const parsed = parseHead(text, 0, placed(text, offset), offset);
      assert.ok(!(parsed instanceof Refusal), `${JSON.stringify(c)}: ${JSON.stringify(parsed)}`);
      assert.equal(
        parsed.fields[3],
        `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (K${c}HTML, like Gecko)`,
      );
    }
  }
});

test("http1: the end of a head is the first CRLF CRLF at or after the start of the search", () => {
  const bytes = (text: string) => new TextEncoder().encode(text);
  assert.equal(findHeadEnd(bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), 0), 23);
  assert.equal(findHeadEnd(bytes("\r\n\r\n"), 0), 0);
  assert.equal(findHeadEnd(bytes("\r\n\r"), 0), -1);
  assert.equal(findHeadEnd(bytes("\n\r\n\r\n"), 0), 1);
  assert.equal(findHeadEnd(bytes("a\r\n\r\nb\r\n\r\n"), 2), 6);
  assert.equal(findHeadEnd(bytes(""), 0), -1);
  // Against a plain search, on random heads made of the bytes that matter.
  const alphabet = [13, 10, 65];
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let round = 0; round < 2000; round++) {
    const input = Uint8Array.from(
      { length: Math.floor(next() * 24) },
      () => alphabet[Math.floor(next() * 3)]!,
    );
    const from = Math.floor(next() * 6);
    let expected = -1;
    for (let i = from; i + 3 < input.length; i++) {
      if (input[i] === 13 && input[i + 1] === 10 && input[i + 2] === 13 && input[i + 3] === 10) {
        expected = i;
        break;
      }
    }
    assert.equal(findHeadEnd(input, from), expected, `${input.join(",")} from ${from}`);
  }
});

test("http1: a Host value must be a host and port (RFC 9112 §3.2)", () => {
  for (const ok of ["x", "example.com:8080", "127.0.0.1", "[::1]:80", "", "a-b_c.d~"]) {
    assert.equal(head(`GET / HTTP/1.1\r\nHost: ${ok}`).fields[1], ok, ok);
  }
  for (const bad of ["a b", "x/y", "../x", "user@x", "x?y", "x#y", "x:abc", "\u00e9", "[x]"]) {
    assert.deepEqual(refusal(`GET / HTTP/1.1\r\nHost: ${bad}`), [400, "Invalid Host header."], bad);
  }
  // Good values are remembered: the answers stay the same once many were seen.
  for (let i = 0; i < 1200; i++) head(`GET / HTTP/1.1\r\nHost: h${i}:80`);
  assert.equal(head("GET / HTTP/1.1\r\nHost: x").fields[1], "x");
  assert.deepEqual(refusal("GET / HTTP/1.1\r\nHost: x/y"), [400, "Invalid Host header."]);
  assert.equal(validHost("x:1"), true);
  assert.equal(validHost("x:1:2"), false);
});

test("http1: body framing: Content-Length, chunked, and the smuggling cases", () => {
  const sized = head("POST / HTTP/1.1\r\nContent-Length: 12");
  assert.equal(sized.framing, "length");
  assert.equal(sized.length, 12);
  assert.equal(head("POST / HTTP/1.1\r\nContent-Length: 0").framing, "none");
  assert.equal(head("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5").length, 5);
  assert.equal(head("POST / HTTP/1.1\r\nTransfer-Encoding: Chunked").framing, "chunked");
  assert.deepEqual(refusal("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6"), [
    400,
    "Malformed Content-Length Header.",
  ]);
  assert.deepEqual(refusal("POST / HTTP/1.1\r\nContent-Length: -1"), [
    400,
    "Malformed Content-Length Header.",
  ]);
  assert.deepEqual(refusal("POST / HTTP/1.1\r\nContent-Length: 1e3"), [
    400,
    "Malformed Content-Length Header.",
  ]);
  assert.equal(
    refusal("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3")[0],
    400,
  );
  assert.equal(refusal("POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip")[0], 400);
  assert.deepEqual(refusal("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked"), [
    501,
    "Unimplemented",
  ]);
  assert.equal(refusal("POST / HTTP/1.0\r\nTransfer-Encoding: chunked")[0], 400);
  assert.equal(refusal("POST / HTTP/1.1\r\nContent-Length: 1001", 1000)[0], 413);
  assert.equal(head("POST / HTTP/1.1\r\nContent-Length: 1000", 1000).length, 1000);
  assert.equal(head("POST / HTTP/1.1\r\nExpect: 100-continue").expectContinue, true);
  assert.equal(head("POST / HTTP/1.0\r\nExpect: 100-continue").expectContinue, false);
});

function decode(parts: string[]): { data: string; done: boolean; used: number[] } {
  const decoder = new ChunkedDecoder();
  let data = "";
  const used: number[] = [];
  for (const part of parts) {
    const bytes = new TextEncoder().encode(part);
    used.push(decoder.feed(bytes, 0, (chunk) => data += new TextDecoder().decode(chunk)));
  }
  return { data, done: decoder.done, used };
}

test("http1: chunked bodies: sizes, extensions, trailers, split anywhere, stops at the end", () => {
  const body = "5\r\nhello\r\n7;name=value\r\n, world\r\n0\r\nX-Trailer: yes\r\n\r\n";
  assert.deepEqual(decode([body]), { data: "hello, world", done: true, used: [body.length] });
  // Split into one-byte reads: the same result.
  const split = decode([...body]);
  assert.equal(split.data, "hello, world");
  assert.equal(split.done, true);
  // Bytes after the body belong to the next request: not taken.
  const next = decode(["3\r\nabc\r\n0\r\n\r\nGET / HTTP/1.1"]);
  assert.equal(next.data, "abc");
  assert.deepEqual(next.used, ["3\r\nabc\r\n0\r\n\r\n".length]);
  assert.equal(decode(["A\r\n0123456789\r\n0\r\n\r\n"]).data, "0123456789");
});

test("http1: malformed chunked bodies throw", () => {
  for (
    const bad of [
      "x\r\nabc\r\n",
      "3\r\nabcd\r\n",
      "3\nabc\r\n",
      "-3\r\nabc\r\n",
      "1000000000000\r\n",
      "3\r\nabc\r\n0\r\nbad trailer\r\n\r\n",
    ]
  ) {
    assert.throws(() => decode([bad]), ChunkedBodyError, JSON.stringify(bad));
  }
  assert.throws(() => decode(["1;" + "x".repeat(5000) + "\r\n"]), ChunkedBodyError);
});

test("http1: response fields: tokens and no control characters; Latin-1 values flagged", () => {
  assert.equal(checkField("Content-Type", "text/html"), true);
  assert.equal(checkField("X-Name", "caf\u00e9"), false);
  assert.throws(() => checkField("Bad Name", "x"), TypeError);
  assert.throws(() => checkField("X-Split", "a\r\nSet-Cookie: evil=1"), TypeError);
  assert.throws(() => checkField("X-Wide", "\u20ac"), TypeError);
  // Names and values found good are remembered; the answers stay the same, whatever was seen
  // before (a good name with a bad value, a set filled and started over).
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 700; i++) assert.equal(checkField(`X-N${i % 40}`, `v${i}`), true);
    assert.equal(checkField("Content-Type", "text/html"), true);
    assert.equal(checkField("X-Name", "caf\u00e9"), false);
    assert.throws(() => checkField("Content-Type", "text/html\r\nX: y"), TypeError);
    assert.throws(() => checkField("Content Type", "text/html"), TypeError);
    assert.throws(() => checkField("X-N1", "\u20ac"), TypeError);
  }
  assert.equal(hasToken("keep-alive, Close", "close"), true);
  assert.equal(hasToken("closed", "close"), false);
});
