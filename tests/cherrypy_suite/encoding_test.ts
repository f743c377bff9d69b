/**
 * CherryPy's test_encoding, ported (the charset parts; the gzip and decode-tool parts are in
 * encoding_gzip_test.ts): query strings, urlencoded and multipart entities in various
 * charsets, the encode tool's charset negotiation, and header values that are not ASCII or
 * are bytes.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as cherrypy from "../../mod.ts";
import { serveTree, suiteSite } from "./_suite.ts";
import { RawWebCase } from "./_webcase.ts";

const { expose } = cherrypy;
const europoundUnicode = "£";
const sing = "毛泽东: Sing, Little Birdie?";
const utf8 = (s: string) => new TextEncoder().encode(s);
const sing8 = utf8(sing);
/** Python's `'...'.encode('utf-16')`: a little-endian byte order mark, then UTF-16LE. */
function utf16(s: string): Uint8Array {
  const out = new Uint8Array(2 + s.length * 2);
  out[0] = 0xff;
  out[1] = 0xfe;
  for (let i = 0; i < s.length; i++) {
    out[2 + 2 * i] = s.charCodeAt(i) & 0xff;
    out[3 + 2 * i] = s.charCodeAt(i) >> 8;
  }
  return out;
}
const sing16 = utf16(sing);
/** Python's `ntob(text)`: the text's code points as bytes (latin-1). */
const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

class Root {
  @expose
  *index(param: string) {
    assert.equal(param, europoundUnicode);
    yield europoundUnicode;
  }
  @expose
  mao_zedong() {
    return sing;
  }
  @expose
  @cherrypy.config({ "tools.encode.encoding": "utf-8" })
  utf8() {
    return sing8;
  }
  @expose
  cookies_and_headers() {
    // if the headers have non-ascii characters and a cookie has any part which is unicode
    // (even ascii), the response should not fail.
    cherrypy.response.cookie.set("candy", "bar");
    cherrypy.response.cookie.get("candy")!.set("domain", "cherrypy.dev");
    cherrypy.response.headers.set("Some-Header", "My d\xc3\xb6g has fleas");
    cherrypy.response.headers.set("Bytes-Header", latin1("Bytes given header"));
    return "Any content";
  }
  // CherryPy's `(*args, **kwargs)`: the keyword pattern comes before the rest parameter.
  @expose
  reqparams({ ...kwargs } = {}, ...args: string[]) {
    void [args, kwargs];
    const params = cherrypy.request.params as Record<string, string>;
    return utf8(
      Object.keys(params).sort().map((k) => `${k}: ${params[k]}`).join(", "),
    );
  }
  @expose
  @cherrypy.config({ "tools.encode.text_only": false, "tools.encode.add_charset": true })
  nontext({ ...kwargs } = {}, ...args: string[]) {
    void [args, kwargs];
    cherrypy.response.headers.set("Content-Type", "application/binary");
    return "\x00\x01\x02\x03";
  }
}

const site = suiteSite();
const web = new RawWebCase();
let stop: () => Promise<void> = () => Promise.resolve();
before(async () => {
  site.tree.mount(new Root());
  const served = await serveTree(site.tree);
  web.port = served.port;
  stop = served.stop;
});
after(() => stop());

const post = (url: string, contentType: string, body: Uint8Array) =>
  web.getPage(url, {
    method: "POST",
    headers: [["Content-Type", contentType], ["Content-Length", String(body.length)]],
    body,
  });

test("encoding: test_query_string_decoding", async () => {
  const europoundUtf8TwoBytes = utf8(europoundUnicode);
  const europoundUtf8SecondByte = europoundUtf8TwoBytes.subarray(1, 2);
  const quote = (b: Uint8Array) =>
    [...b].map((x) => "%" + x.toString(16).toUpperCase().padStart(2, "0")).join("");

  // Encoded utf8 query strings MUST be parsed correctly. Here, q is the POUND SIGN U+00A3
  // encoded in utf8 and then %HEX
  await web.getPage(`/reqparams?q=${quote(europoundUtf8TwoBytes)}`);
  // The return value will be encoded as utf8.
  web.assertBody(concat(latin1("q: "), europoundUtf8TwoBytes));

  // Query strings that are incorrectly encoded MUST raise 404. Here, q is the second byte of
  // POUND SIGN U+A3 encoded in utf8 and then %HEX
  await web.getPage(`/reqparams?q=${quote(europoundUtf8SecondByte)}`);
  web.assertStatus(404);
  web.assertErrorPage(
    404,
    "The given query string could not be processed. Query strings for this resource must " +
      "be encoded with 'utf8'.",
  );
});

test("encoding: test_urlencoded_decoding", async () => {
  // Test the decoding of an application/x-www-form-urlencoded entity.
  const europoundUtf8 = utf8(europoundUnicode);
  await post("/", "application/x-www-form-urlencoded", concat(latin1("param="), europoundUtf8));
  web.assertBody(europoundUtf8);

  // Encoded utf8 entities MUST be parsed and decoded correctly. Here, q is the POUND SIGN
  // U+00A3 encoded in utf8
  await post("/reqparams", "application/x-www-form-urlencoded", latin1("q=\xc2\xa3"));
  web.assertBody(latin1("q: \xc2\xa3"));

  // ...and in utf16, which is not in the default attempt_charsets list:
  const utf16Body = latin1("\xff\xfeq\x00=\xff\xfe\xa3\x00");
  await post("/reqparams", "application/x-www-form-urlencoded;charset=utf-16", utf16Body);
  web.assertBody(latin1("q: \xc2\xa3"));

  // Entities that are incorrectly encoded MUST raise 400. Here, q is the POUND SIGN U+00A3
  // encoded in utf16, but the Content-Type incorrectly labels it utf-8.
  await post("/reqparams", "application/x-www-form-urlencoded;charset=utf-8", utf16Body);
  web.assertStatus(400);
  web.assertErrorPage(
    400,
    "The request entity could not be decoded. The following charsets were attempted: " +
      "['utf-8']",
  );
});

async function multipartDecoding(): Promise<void> {
  // Test the decoding of a multipart entity when the charset (utf16) is explicitly given.
  const body = latin1(
    [
      "--X",
      "Content-Type: text/plain;charset=utf-16",
      'Content-Disposition: form-data; name="text"',
      "",
      "\xff\xfea\x00b\x00\x1c c\x00",
      "--X",
      "Content-Type: text/plain;charset=utf-16",
      'Content-Disposition: form-data; name="submit"',
      "",
      "\xff\xfeC\x00r\x00e\x00a\x00t\x00e\x00",
      "--X--",
    ].join("\r\n"),
  );
  await post("/reqparams", "multipart/form-data;boundary=X", body);
  web.assertBody(latin1("submit: Create, text: ab\xe2\x80\x9cc"));
}

test("encoding: test_multipart_decoding", () => multipartDecoding());

test("encoding: test_multipart_decoding_bigger_maxrambytes", async () => {
  // Decoding of a multipart entity should also pass when the entity is bigger than
  // maxrambytes.
  const saved = cherrypy.Part.maxrambytes;
  cherrypy.Part.maxrambytes = 1;
  try {
    await multipartDecoding();
  } finally {
    cherrypy.Part.maxrambytes = saved;
  }
});

test("encoding: test_multipart_decoding_no_charset", async () => {
  // Test the decoding of a multipart entity when the charset (utf8) is NOT explicitly given,
  // but is in the list of charsets to attempt.
  const body = latin1(
    [
      "--X",
      'Content-Disposition: form-data; name="text"',
      "",
      "\xe2\x80\x9c",
      "--X",
      'Content-Disposition: form-data; name="submit"',
      "",
      "Create",
      "--X--",
    ].join("\r\n"),
  );
  await post("/reqparams", "multipart/form-data;boundary=X", body);
  web.assertBody(latin1("submit: Create, text: \xe2\x80\x9c"));
});

test("encoding: test_multipart_decoding_no_successful_charset", async () => {
  // Test the decoding of a multipart entity when the charset (utf16) is NOT explicitly
  // given, and is NOT in the list of charsets to attempt.
  const body = latin1(
    [
      "--X",
      'Content-Disposition: form-data; name="text"',
      "",
      "\xff\xfea\x00b\x00\x1c c\x00",
      "--X",
      'Content-Disposition: form-data; name="submit"',
      "",
      "\xff\xfeC\x00r\x00e\x00a\x00t\x00e\x00",
      "--X--",
    ].join("\r\n"),
  );
  await post("/reqparams", "multipart/form-data;boundary=X", body);
  web.assertStatus(400);
  web.assertErrorPage(
    400,
    "The request entity could not be decoded. The following charsets were attempted: " +
      "['us-ascii', 'utf-8']",
  );
});

test("encoding: test_nontext", async () => {
  await web.getPage("/nontext");
  web.assertHeader("Content-Type", "application/binary;charset=utf-8");
  web.assertBody("\x00\x01\x02\x03");
});

test("encoding: testEncoding", async () => {
  // Default encoding should be utf-8
  await web.getPage("/mao_zedong");
  web.assertBody(sing8);

  // Ask for utf-16.
  await web.getPage("/mao_zedong", { headers: [["Accept-Charset", "utf-16"]] });
  web.assertHeader("Content-Type", "text/html;charset=utf-16");
  web.assertBody(sing16);

  // Ask for multiple encodings. ISO-8859-1 should fail, and utf-16 should be produced.
  await web.getPage("/mao_zedong", {
    headers: [["Accept-Charset", "iso-8859-1;q=1, utf-16;q=0.5"]],
  });
  web.assertBody(sing16);

  // The "*" value should default to our default_encoding, utf-8
  await web.getPage("/mao_zedong", { headers: [["Accept-Charset", "*;q=1, utf-7;q=.2"]] });
  web.assertBody(sing8);

  // Only allow iso-8859-1, which should fail and raise 406.
  await web.getPage("/mao_zedong", { headers: [["Accept-Charset", "iso-8859-1, *;q=0"]] });
  web.assertStatus("406 Not Acceptable");
  web.assertInBody(
    "Your client sent this Accept-Charset header: iso-8859-1, *;q=0. We tried these " +
      "charsets: iso-8859-1.",
  );

  // Ask for x-mac-ce, which should be unknown.
  await web.getPage("/mao_zedong", {
    headers: [["Accept-Charset", "us-ascii, ISO-8859-1, x-mac-ce"]],
  });
  web.assertStatus("406 Not Acceptable");
  web.assertInBody(
    "Your client sent this Accept-Charset header: us-ascii, ISO-8859-1, x-mac-ce. We tried " +
      "these charsets: ISO-8859-1, us-ascii, x-mac-ce.",
  );

  // Test the 'encoding' arg to encode.
  await web.getPage("/utf8");
  web.assertBody(sing8);
  await web.getPage("/utf8", { headers: [["Accept-Charset", "us-ascii, ISO-8859-1"]] });
  web.assertStatus("406 Not Acceptable");

  // Test malformed quality value, which should raise 400.
  await web.getPage("/mao_zedong", {
    headers: [["Accept-Charset", "ISO-8859-1,utf-8;q=0.7,*;q=0.7)"]],
  });
  web.assertStatus("400 Bad Request");
});

test("encoding: test_UnicodeHeaders", async () => {
  await web.getPage("/cookies_and_headers");
  web.assertBody("Any content");
});

test("encoding: test_BytesHeaders", async () => {
  await web.getPage("/cookies_and_headers");
  web.assertBody("Any content");
  web.assertHeader("Bytes-Header", "Bytes given header");
});
