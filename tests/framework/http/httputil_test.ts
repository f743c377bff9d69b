import { test } from "node:test";
import assert from "node:assert/strict";
import { getErrorPage, HTTPError, NotFound } from "../../../mod.ts";
import { escapeLogValue, logTime } from "../../../framework/core/mod.ts";
import {
  decodePath,
  encodeHeaderValue,
  escapeHtml,
  HeaderMap,
  parseQueryString,
  titleCaseHeader,
  validStatus,
} from "../../../framework/http/mod.ts";

test("httputil: validStatus parses codes and reasons like CherryPy", () => {
  assert.deepEqual(validStatus(404), [404, "Not Found", "Nothing matches the given URI"]);
  assert.deepEqual(validStatus("200 Fine"), [200, "Fine", "Request fulfilled, document follows"]);
  assert.deepEqual(validStatus(""), [200, "OK", "Request fulfilled, document follows"]);
  assert.deepEqual(validStatus(299), [299, "", ""]);
  assert.throws(() => validStatus(600), /out of range/);
  assert.throws(() => validStatus("abc"), /non-numeric/);
});

test("httputil: query strings split on & and ;, decode, and collect repeats", () => {
  assert.deepEqual({ ...parseQueryString("a=1&b=2;a=3&c&d=") }, {
    a: ["1", "3"],
    b: "2",
    c: "",
    d: "",
  });
  assert.deepEqual({ ...parseQueryString("q=caf%C3%A9+au+lait") }, { q: "café au lait" });
  assert.deepEqual({ ...parseQueryString("") }, {});
  assert.throws(() => parseQueryString("a=%E0%A4%A"), URIError);
  assert.equal(Object.getPrototypeOf(parseQueryString("__proto__=x")), null);
});

test("httputil: paths decode as UTF-8 but keep %2F", () => {
  assert.equal(decodePath("/a%20b/c%2Fd/%C3%A9"), "/a b/c%2Fd/é");
  assert.throws(() => decodePath("/%zz%"), URIError);
});

test("httputil: header names, HTML escaping, log escaping and timestamps", () => {
  assert.equal(titleCaseHeader("x-forwarded-for"), "X-Forwarded-For");
  assert.equal(titleCaseHeader("CONTENT-TYPE"), "Content-Type");
  assert.equal(escapeHtml(`<a href="x">&</a>`), `&lt;a href="x"&gt;&amp;&lt;/a&gt;`);
  assert.equal(escapeLogValue('a "b"\n\té'), 'a \\"b\\"\\n\\t\\xc3\\xa9');
  assert.match(logTime(), /^\[\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d\]$/);
  assert.equal(
    logTime(Date.UTC(2026, 10, 21, 13, 44, 17) + new Date().getTimezoneOffset() * 60000),
    "[21/Nov/2026:13:44:17]",
  );
});

test("HeaderMap: case-insensitive with Title-Case names", () => {
  const h = new HeaderMap([["content-type", "text/plain"]]);
  h.set("X-THING", "1");
  assert.equal(h.get("Content-Type"), "text/plain");
  assert.deepEqual([...h.keys()], ["Content-Type", "X-Thing"]);
  assert.equal(h.setDefault("x-thing", "2"), "1");
  assert.ok(h.delete("CONTENT-TYPE"));
  assert.equal(h.has("content-type"), false);
  assert.deepEqual(h.toObject(), { "X-Thing": "1" });
});

test("errors: HTTPError statuses, NotFound message, the error page", () => {
  const e = new HTTPError(403);
  assert.equal(e.fullStatus, "403 Forbidden");
  assert.equal(e.errorMessage, "Request forbidden -- authorization will not help");
  const bad = new HTTPError(302);
  assert.equal(bad.code, 500);
  assert.match(bad.errorMessage, /HTTPError statuses must be 400-599/);
  assert.equal(new NotFound("/x").errorMessage, "The path '/x' was not found.");
  const page = getErrorPage(404, { message: "<script>", traceback: "tb & more", version: "9" });
  assert.match(page, /^<!DOCTYPE html PUBLIC\n/);
  assert.match(page, /<title>404 Not Found<\/title>/);
  assert.match(page, /<p>&lt;script&gt;<\/p>/);
  assert.match(page, /<pre id="traceback">tb &amp; more<\/pre>/);
  assert.match(page, /Powered by <a href="http:\/\/www.cherrypy.dev">CherryPy 9<\/a>/);
  assert.throws(() => HTTPError.handle(SyntaxError, 400, () => JSON.parse("{")), (err) => {
    return err instanceof HTTPError && err.code === 400;
  });
});

test("httputil: encodeHeaderValue drops control characters and encodes past ISO-8859-1, every time", () => {
  // The clean values it remembers are exactly the ones it returns unchanged.
  for (let round = 0; round < 2; round++) {
    assert.equal(encodeHeaderValue("text/html;charset=utf-8"), "text/html;charset=utf-8");
    assert.equal(encodeHeaderValue("a\r\nSet-Cookie: x=1"), "aSet-Cookie: x=1");
    assert.equal(encodeHeaderValue("caf\xe9"), "caf\xe9");
    assert.equal(encodeHeaderValue("\u212bngstr\xf6m"), "=?utf-8?b?4oSrbmdzdHLDtm0=?=");
  }
  // Many distinct values (more than it remembers) and long ones keep their answers.
  for (let i = 0; i < 2000; i++) assert.equal(encodeHeaderValue(`v${i}`), `v${i}`);
  const long = "x".repeat(300);
  assert.equal(encodeHeaderValue(long), long);
  assert.equal(encodeHeaderValue(long + "\n"), long);
  assert.equal(encodeHeaderValue("v7\x00"), "v7");
});
