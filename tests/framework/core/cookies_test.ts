import { test } from "node:test";
import assert from "node:assert/strict";
import { HTTPError, type MorselValue } from "../../../mod.ts";
import { parseRequestCookies, SimpleCookie } from "../../../framework/core/mod.ts";
import { CookieError, cookieErrorMessage, Morsel } from "../../../framework/http/morsel.ts";
import {
  cookieDate,
  isLegalKey,
  pyStrip,
  quote,
  unquote,
} from "../../../framework/http/_cookie_text.ts";
import { pyRepr } from "../../../framework/http/_pyrepr.ts";

/** Name → [value, coded value, attributes that are set] for every cookie in `jar`. */
function dump(jar: SimpleCookie): Record<string, [string, string, Record<string, MorselValue>]> {
  const out: Record<string, [string, string, Record<string, MorselValue>]> = {};
  for (const [name, m] of jar) {
    const attrs = Object.fromEntries([...m.attributes()].filter(([, v]) => v !== ""));
    out[name] = [m.value, m.codedValue, attrs];
  }
  return out;
}

test("cookies: the docs' set() sample writes what Python writes", () => {
  const cookie = new SimpleCookie();
  cookie.set("cookieName", "cookieValue");
  const m = cookie.get("cookieName")!;
  m.path = "/";
  m.set("max-age", 3600);
  m.version = 1;
  assert.deepEqual(cookie.output(), ["cookieName=cookieValue; Max-Age=3600; Path=/; Version=1"]);
  assert.equal(
    cookie.toString(),
    "Set-Cookie: cookieName=cookieValue; Max-Age=3600; Path=/; Version=1",
  );
});

test("cookies: attributes are written sorted by name, formatted as Python formats them", () => {
  // Expected strings recorded from Python 3.11's http.cookies.
  const cases: [string, MorselValue, string][] = [
    ["max-age", 3600, "n=v; Max-Age=3600"],
    ["max-age", "3600", "n=v; Max-Age=3600"],
    ["max-age", 1.5, "n=v; Max-Age=1.5"],
    ["max-age", true, "n=v; Max-Age=1"],
    ["max-age", 0, "n=v; Max-Age=0"],
    ["expires", "Thu, 01 Jan 1970 00:00:00 GMT", "n=v; expires=Thu, 01 Jan 1970 00:00:00 GMT"],
    ["expires", 1.5, "n=v; expires=1.5"],
    ["expires", "", "n=v"],
    ["version", 1, "n=v; Version=1"],
    ["version", "1", "n=v; Version=1"],
    ["secure", false, "n=v"],
    ["secure", 0, "n=v"],
    ["secure", "yes", "n=v; Secure"],
    ["httponly", true, "n=v; HttpOnly"],
    ["comment", 'a "b"; c', 'n=v; Comment="a \\"b\\"\\073 c"'],
    ["comment", 5, "n=v; Comment=5"],
    ["samesite", "Strict", "n=v; SameSite=Strict"],
    ["path", null, "n=v; Path=None"],
    ["domain", ".example.com", "n=v; Domain=.example.com"],
  ];
  for (const [attr, value, expected] of cases) {
    const m = new SimpleCookie().set("n", "v").set(attr, value);
    assert.equal(m.outputString(), expected, `${attr}=${String(value)}`);
  }
  const m = new SimpleCookie().set("b", "x y").update({
    comment: "hi there",
    secure: true,
    httponly: 1,
    samesite: "Lax",
    domain: "ex.com",
    expires: "Wed, 01 Jan 2025 00:00:00 GMT",
  });
  assert.equal(
    m.outputString(),
    'b="x y"; Comment="hi there"; Domain=ex.com; expires=Wed, 01 Jan 2025 00:00:00 GMT; ' +
      "HttpOnly; SameSite=Lax; Secure",
  );
  const p = new SimpleCookie().set("n", "v").set("path", "/").set("secure", true);
  assert.equal(p.outputString(["path"]), "n=v; Path=/");
  assert.equal(p.outputString([]), "n=v");
  assert.equal(p.output(), "Set-Cookie: n=v; Path=/; Secure");
  assert.equal(String(p), "Set-Cookie: n=v; Path=/; Secure");
});

test("cookies: expires = 0 (the docs' way to delete a cookie) writes the current date", () => {
  const jar = new SimpleCookie();
  jar.set("gone", "x");
  const before = Math.floor(Date.now() / 1000) * 1000;
  jar.get("gone")!.expires = 0;
  const [line] = jar.output();
  const after = Date.now();
  const m =
    /^gone=x; expires=((Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT)$/
      .exec(line ?? "");
  assert.ok(m, line);
  const when = Date.parse(m[1]!);
  assert.ok(when >= before && when <= after, line);
  // A positive number is that many seconds from now.
  const soon = Date.parse(new Morsel().set("expires", 3600).outputString().split("=")[2]!);
  assert.ok(soon >= before + 3600_000 && soon <= Date.now() + 3600_000);
});

test("cookies: the expires date is Python's _getdate format", () => {
  // Expected strings recorded from Python 3.11 (time.time patched to the instant).
  assert.equal(cookieDate(0, 0), "Thu, 01 Jan 1970 00:00:00 GMT");
  assert.equal(cookieDate(0, 1735689599_999), "Tue, 31 Dec 2024 23:59:59 GMT");
  assert.equal(cookieDate(0.6, 1735689599_500), "Wed, 01 Jan 2025 00:00:00 GMT");
  assert.equal(cookieDate(-3600, 1700000000_000), "Tue, 14 Nov 2023 21:13:20 GMT");
  assert.equal(cookieDate(0, -62135337600_000), "Thu, 04 Jan    1 00:00:00 GMT");
  assert.equal(cookieDate(86400 * 365, 1e12), "Mon, 09 Sep 2002 01:46:40 GMT");
});

test("cookies: values are quoted and unquoted by Python's rules", () => {
  // Expected coded values recorded from Python 3.11's SimpleCookie.
  const cases: [string, string][] = [
    ["cookieValue", "cookieValue"],
    ["", '""'],
    [" ", '" "'],
    ["a b", '"a b"'],
    ["\x00\x7f\xff", '"\\000\\177\\377"'],
    ["tab\there", '"tab\\011here"'],
    ["日本", '"日本"'],
    ['"', '"\\""'],
    ["\\", '"\\\\"'],
    ["it's", "it's"],
    ["(x)", '"(x)"'],
    ["[]{}", '"[]{}"'],
    ["a,b;c", '"a\\054b\\073c"'],
    ["=", '"="'],
    ['x y;"\\é\x01\u0100', '"x y\\073\\"\\\\\\351\\001\u0100"'],
  ];
  for (const [value, coded] of cases) {
    const m = new SimpleCookie().set("k", value);
    assert.equal(m.codedValue, coded, JSON.stringify(value));
    assert.equal(m.coded_value, coded);
    assert.equal(m.value, value);
    assert.equal(quote(value), coded);
    assert.equal(unquote(coded), value);
  }
  assert.equal(new SimpleCookie().set("n", 42).codedValue, "42");
  assert.equal(unquote('"\\400"'), "400");
  assert.equal(unquote('"a\\\nb"'), "a\\\nb");
  assert.equal(unquote('"'), '"');
});

test("cookies: bad names and attributes throw CookieError with Python's messages", () => {
  const jar = new SimpleCookie();
  const bad: [() => unknown, string][] = [
    [() => jar.set("a b", "x"), "Illegal key 'a b'"],
    [() => jar.set("", "x"), "Illegal key ''"],
    [() => jar.set("Path", "x"), "Attempt to set a reserved key 'Path'"],
    [() => jar.set("é", "x"), "Illegal key 'é'"],
    [() => jar.set("a=b", "x"), "Illegal key 'a=b'"],
    [() => jar.set("a\n", "x"), "Illegal key 'a\\n'"],
    [() => new Morsel().set("Foo", 1), "Invalid attribute 'foo'"],
    [() => new Morsel().set("it's", 1), `Invalid attribute "it's"`],
    [() => new Morsel().get("port"), "Invalid attribute 'port'"],
  ];
  for (const [fn, message] of bad) {
    assert.throws(fn, (e: unknown) => e instanceof CookieError && e.message === message, message);
  }
  assert.equal(jar.size, 0);
  const m = new Morsel();
  assert.throws(() => m.update({ path: "/", nope: 1 }), CookieError);
  assert.equal(m.path, "", "update changes nothing when a name is bad");
  assert.equal(cookieErrorMessage("invalid-attribute", "port"), "Invalid attribute 'port'");
  assert.equal(cookieErrorMessage("illegal-key", "a<b"), "Illegal key 'a<b'");
  assert.equal(cookieErrorMessage("reserved-key", "path"), "Attempt to set a reserved key 'path'");
  assert.equal(pyRepr("a'b\"\\\x01\u00a0\u2028"), `'a\\'b"\\\\\\x01\\xa0\\u2028'`);
});

test("cookies: a morsel's attributes as properties and by name", () => {
  const m = new SimpleCookie().set("sid", "1");
  assert.deepEqual(Morsel.attributeNames, [
    "expires",
    "path",
    "comment",
    "domain",
    "max-age",
    "secure",
    "httponly",
    "version",
    "samesite",
  ]);
  assert.equal(m.path, "");
  assert.equal(m.secure, false);
  m.maxAge = 60;
  assert.equal(m.get("MAX-AGE"), 60);
  m.set("Max-Age", "120");
  assert.equal(m.maxAge, "120");
  m.secure = true;
  m.httponly = true;
  m.samesite = "Strict";
  m.domain = "example.com";
  m.comment = "c";
  m.version = "1";
  m.expires = "Thu, 01 Jan 1970 00:00:00 GMT";
  assert.equal(m.get("secure"), true);
  assert.ok(m.isReservedKey("HttpOnly") && !m.isReservedKey("port"));
  const copy = m.copy();
  copy.path = "/copy";
  assert.equal(m.path, "");
  assert.equal(copy.key, "sid");
  assert.equal(
    m.outputString(),
    "sid=1; Comment=c; Domain=example.com; expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; " +
      "Max-Age=120; SameSite=Strict; Secure; Version=1",
  );
  const bare = new Morsel();
  bare.setValue("k", "v w", '"v w"');
  assert.equal(bare.outputString(), 'k="v w"');
  assert.throws(() => bare.setValue("expires", "v", "v"), /reserved key 'expires'/);
});

test("cookies: the jar is Map-like; set keeps an existing morsel's attributes", () => {
  const jar = new SimpleCookie({ b: "1", a: 2 });
  assert.equal(jar.size, 2);
  assert.deepEqual([...jar.keys()], ["b", "a"]);
  assert.deepEqual([...jar.values()].map((m) => m.value), ["1", "2"]);
  assert.deepEqual([...jar.entries()].map(([k]) => k), ["b", "a"]);
  const seen: string[] = [];
  jar.forEach((m, name) => seen.push(`${name}=${m.value}`));
  assert.deepEqual(seen, ["b=1", "a=2"]);
  const a = jar.get("a")!;
  a.path = "/";
  assert.equal(jar.set("a", "3"), a);
  assert.deepEqual(jar.output(), ["a=3; Path=/", "b=1"]);
  assert.equal(jar.toString(), "Set-Cookie: a=3; Path=/\r\nSet-Cookie: b=1");
  const own = new Morsel();
  own.setValue("z", "9", "9");
  jar.set("z", own);
  assert.equal(jar.get("z"), own);
  assert.ok(jar.has("b") && jar.delete("b") && !jar.has("b") && !jar.delete("b"));
  assert.equal(jar.get("b"), undefined);
  jar.clear();
  assert.equal(jar.size, 0);
  assert.deepEqual(jar.output(), []);
  const sorted = new SimpleCookie({ a: "2", _: "3", B: "1", "1": "4" });
  assert.deepEqual(sorted.output(), ["1=4", "B=1", "_=3", "a=2"]);
});

test("cookies: Cookie headers parse as Python's SimpleCookie.load parses them", () => {
  // Expected results recorded from Python 3.11's http.cookies.
  const cases: [string, ReturnType<typeof dump>][] = [
    ["a=b", { a: ["b", "b", {}] }],
    ["a=b; c=d", { a: ["b", "b", {}], c: ["d", "d", {}] }],
    ['a="x\\073y"; b=2', { a: ["x;y", '"x\\073y"', {}], b: ["2", "2", {}] }],
    ["a=b; $Path=/; $Domain=x", { a: ["b", "b", { path: "/", domain: "x" }] }],
    ["a=b; path=/; secure", { a: ["b", "b", { path: "/", secure: true }] }],
    ["$Version=1; a=b", { a: ["b", "b", {}] }],
    ["path=/; a=b", {}],
    ["a=b; c", {}],
    ["a=b; expires", {}],
    ["a=b; max-age", {}],
    ["a=b; =c", {}],
    ["a=b; expires=Wed, 01 Jan 2025 00:00:00 GMT", {
      a: ["b", "b", { expires: "Wed, 01 Jan 2025 00:00:00 GMT" }],
    }],
    ["a=b;;c=d", { a: ["b", "b", {}] }],
    ["a=b, c=d", { a: ["b,", "b,", {}], c: ["d", "d", {}] }],
    ["a=b; x=\u00c3\u00a9", { a: ["b", "b", {}] }],
    ["a=b; Secure=", { a: ["b", "b", {}] }],
    ["a=1; a=2", { a: ["2", "2", {}] }],
    ["a=b; $Path", { a: ["b", "b", { path: null }] }],
    ["a=b\u00a0", { a: ["b", "b", {}] }],
    ["a=b\n", { a: ["b", "b", {}] }],
    ['x"y=1', {}],
    ["a=b; secure=foo; httponly", { a: ["b", "b", { secure: "foo", httponly: true }] }],
    ['a=b; $Path="/x"; c="/y"; path="/z"', {
      a: ["b", "b", { path: '"/x"' }],
      c: ["/y", '"/y"', { path: "/z" }],
    }],
    ["   a=b   ", { a: ["b", "b", {}] }],
  ];
  for (const [header, expected] of cases) {
    assert.deepEqual(dump(parseRequestCookies([header])), expected, header);
  }
  assert.deepEqual(dump(new SimpleCookie("a=b\u00a0")), {}, "load itself does not strip");
  const parsed = new SimpleCookie("a=b; $Path");
  assert.equal(parsed.output()[0], "a=b; Path=None");
});

test("cookies: headers CherryPy answers with 400, and the message it gives", () => {
  // Recorded from CherryPy 18.8: the status and the <p> of the error page.
  const cases: [string, string][] = [
    ["a=b; $Port=80", "Invalid attribute 'port'"],
    ["a=b; $Foo", "Invalid attribute 'foo'"],
    ["a<b=c", "Illegal key 'a<b'"],
    ["a=b; $=1", "Invalid attribute ''"],
    ["a,b=c", "Illegal key 'a,b'"],
    ["a'b<=c", `Illegal key "a'b<"`],
  ];
  for (const [header, message] of cases) {
    assert.throws(
      () => parseRequestCookies(["ok=1", header]),
      (e: unknown) => e instanceof HTTPError && e.code === 400 && e.errorMessage === message,
      header,
    );
    assert.throws(() => new SimpleCookie(header), CookieError);
  }
  // Cookies before the bad item were already stored by load.
  const jar = new SimpleCookie();
  assert.throws(() => jar.load("a=1; b<c=2"), CookieError);
  assert.deepEqual([...jar.keys()], ["a"]);
});

test("cookies: several Cookie headers load into one jar, in order", () => {
  const jar = parseRequestCookies(["a=1; b=2", "a=3; $Path=/x", "  c=4  "]);
  assert.deepEqual(dump(jar), {
    a: ["3", "3", { path: "/x" }],
    b: ["2", "2", {}],
    c: ["4", "4", {}],
  });
  assert.equal(parseRequestCookies([]).size, 0);
});

test("cookies: valueEncode and valueDecode can be overridden", () => {
  class UpperCookie extends SimpleCookie {
    override valueDecode(raw: string): [string, string] {
      return [raw.toUpperCase(), raw];
    }
    override valueEncode(value: string): [string, string] {
      return [value, value.toLowerCase()];
    }
  }
  const jar = new UpperCookie("a=xy");
  assert.equal(jar.get("a")?.value, "XY");
  assert.equal(jar.set("b", "QZ").codedValue, "qz");
});

test("cookies: a header read again gives a jar of its own, and the same errors", () => {
  const header = 'sid=abc; theme="dark mode"; $Path=/app';
  const first = parseRequestCookies([header]);
  // A handler changing its request's cookies changes nothing for the next request.
  first.get("sid")!.setValue("sid", "changed", "changed");
  first.get("theme")!.path = "/other";
  first.set("extra", "1");
  const second = parseRequestCookies([header]);
  assert.deepEqual(dump(second), {
    sid: ["abc", "abc", {}],
    theme: ["dark mode", '"dark mode"', { path: "/app" }],
  });
  assert.notEqual(first.get("theme"), second.get("theme"));
  // A header CherryPy answers with 400 does so every time it comes.
  for (let i = 0; i < 3; i++) {
    assert.throws(() => parseRequestCookies(["a=b; $Port=80"]), (e) => {
      return e instanceof HTTPError && e.status === 400;
    });
  }
  // A header that is not well formed adds nothing, every time.
  for (let i = 0; i < 2; i++) assert.equal(parseRequestCookies(["a=1; secure"]).size, 1);
  for (let i = 0; i < 2; i++) assert.equal(parseRequestCookies(["bare; a=1"]).size, 0);
});

test("cookies: an overridden or replaced valueDecode is called for every header read", () => {
  let calls = 0;
  class CountingCookie extends SimpleCookie {
    override valueDecode(raw: string): [string, string] {
      calls++;
      return [raw, raw];
    }
  }
  new SimpleCookie("n=1; m=2");
  new CountingCookie("n=1; m=2");
  new CountingCookie("n=1; m=2");
  assert.equal(calls, 4);
  const original = SimpleCookie.prototype.valueDecode;
  try {
    SimpleCookie.prototype.valueDecode = (raw: string) => [`<${raw}>`, raw];
    assert.equal(new SimpleCookie("n=1; m=2").get("n")?.value, "<1>");
  } finally {
    SimpleCookie.prototype.valueDecode = original;
  }
  assert.equal(new SimpleCookie("n=1; m=2").get("n")?.value, "1");
});

test("cookies: headers are stripped of Python's whitespace; names checked every time", () => {
  const cases: Array<[string, string]> = [
    ["a=1", "a=1"],
    ["a", "a"],
    ["", ""],
    ["  a=1\t", "a=1"],
    ["\x1ca=1\x1f", "a=1"],
    ["\u0085a=1\u00a0", "a=1"],
    ["\u3000a=1", "a=1"],
    ["a=1\ufeff", "a=1\ufeff"],
    ["\u00e9=1", "\u00e9=1"],
  ];
  for (const [text, stripped] of cases) assert.equal(pyStrip(text), stripped, JSON.stringify(text));
  for (let i = 0; i < 2; i++) {
    assert.equal(isLegalKey("session_id"), true);
    assert.equal(isLegalKey("a b"), false);
    assert.equal(isLegalKey(""), false);
  }
});
