/**
 * XML-RPC: the wire format against Python's `xmlrpc.client` (same bytes out, same values in),
 * hostile documents, and the controller's edges (the `/RPC2` prefix, faults, `allow_none`,
 * encodings, dotted names, HTTP errors).
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as cherrypy from "../../../mod.ts";
import { privateSite as site } from "../../_helpers.ts";

const { expose } = cherrypy;
const { DateTime, Fault, dumps, loads, pyFloatRepr, XMLRPCParseError } = cherrypy.lib.xmlrpcutil;
const PYTHON = "/usr/bin/python3";

/** Runs a Python snippet, giving it `input` as JSON on argv[1]; resolves with its stdout. */
function python(code: string, input: unknown = null): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(PYTHON, ["-c", code, JSON.stringify(input)], { encoding: "utf8" }, (e, out, err) => {
      if (e) {
        reject(
          new Error(`${PYTHON} failed (install python3 to run this test): ${err || e.message}`),
        );
      } else resolve(out);
    });
  });
}

const values = [
  { a: 1, z: [1, 2.5, "x<&>\r\n\"'", -7, 0.1, 1.5e300, 1e-5, 123456789.125] },
  true,
  false,
  null,
  "",
  "é€😀",
  [],
  {},
  2147483647,
  -2147483648,
];

test("dumps: the same bytes as Python's xmlrpc.client.dumps", async () => {
  const expected = JSON.parse(
    await python(
      `
import json, sys
from xmlrpc.client import dumps, Fault, DateTime, Binary
vals = json.loads(sys.argv[1])
out = [
  dumps((vals,), methodresponse=1, allow_none=1),
  dumps(tuple(v for v in vals if v is not None), "some.method"),
  dumps(Fault(3, "bad <x> & y")),
  dumps(([b"abc" * 30, b"", Binary(bytes(range(256)))],), methodresponse=1),
  dumps((DateTime((2003, 10, 7, 8, 1, 0, 1, 280, -1)),), methodresponse=1, encoding="iso-8859-1"),
  dumps(("x",)),
]
print(json.dumps(out))
`,
      values,
    ),
  );
  assert.equal(dumps([values], { methodresponse: true, allow_none: true }), expected[0]);
  assert.equal(dumps(values.filter((v) => v !== null), { methodname: "some.method" }), expected[1]);
  assert.equal(dumps(new Fault(3, "bad <x> & y")), expected[2]);
  const bytes = new Uint8Array(256).map((_, i) => i);
  const abc = new TextEncoder().encode("abc".repeat(30));
  assert.equal(dumps([[abc, new Uint8Array(0), bytes]], { methodresponse: true }), expected[3]);
  assert.equal(
    dumps([new DateTime([2003, 10, 7, 8, 1, 0, 1, 280, -1])], {
      methodresponse: true,
      encoding: "iso-8859-1",
    }),
    expected[4],
  );
  assert.equal(dumps(["x"]), expected[5]);
});

test("dumps: what cannot be marshalled is a clear error", () => {
  assert.throws(() => dumps([null]), /cannot marshal None unless allow_none is enabled/);
  const loop: unknown[] = [];
  loop.push(loop);
  assert.throws(() => dumps([loop]), /cannot marshal recursive sequences/);
  assert.throws(() => dumps([10n ** 12n]), /int exceeds XML-RPC limits/);
  assert.throws(() => dumps(["a\u0000b"]), /U\+0000/);
  assert.throws(() => dumps([() => 1]), /cannot marshal function objects/);
  assert.throws(() => dumps([1, 2], { methodresponse: true }), /singleton/);
  assert.equal(dumps([2 ** 31]).includes("<double>2147483648.0</double>"), true);
  assert.equal(
    dumps([new Date(Date.UTC(2026, 11, 4, 20, 2, 3))]).includes("20261204T20:02:03"),
    true,
  );
  for (
    const [x, py] of [
      [1e16, "1e+16"],
      [1e15, "1000000000000000.0"],
      [1e-5, "1e-05"],
      [
        1.2345678901234568e+17,
        "1.2345678901234568e+17",
      ],
      [-0, "-0.0"],
      [5e-324, "5e-324"],
      [0.0001, "0.0001"],
      [NaN, "nan"],
      [-Infinity, "-inf"],
    ] as const
  ) {
    assert.equal(pyFloatRepr(x), py);
  }
});

test("loads: reads what Python writes, in every type and encoding", async () => {
  const docs: string[] = JSON.parse(
    await python(`
import json, sys
from xmlrpc.client import dumps, DateTime, Binary
call = dumps(({"a": [1, 2.5, "x<&>", None, True], "n": -2**31, "empty": ""}, Binary(b"\\x00\\xffhi"),
              DateTime((2003, 10, 7, 8, 1, 0, 0, 0, -1)), "é€😀"), "math.add", allow_none=1)
latin = dumps(("é",), methodresponse=1, encoding="iso-8859-1").encode("iso-8859-1")
utf16 = dumps(("é€",), methodresponse=1, encoding="utf-16").encode("utf-16")
print(json.dumps([call, latin.decode("latin-1"), utf16.decode("latin-1")]))
`),
  );
  const [params, method] = loads(new TextEncoder().encode(docs[0]!));
  assert.equal(method, "math.add");
  assert.deepEqual(params[0], {
    a: [1, 2.5, "x<&>", null, true],
    n: -(2 ** 31),
    empty: "",
  });
  assert.deepEqual([...(params[1] as Uint8Array)], [0, 255, 104, 105]);
  assert.ok(params[2] instanceof DateTime && params[2].value === "20031007T08:01:00");
  assert.equal(
    (params[2] as InstanceType<typeof DateTime>).toDate().toISOString(),
    "2003-10-07T08:01:00.000Z",
  );
  assert.equal(params[3], "é€😀");
  const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
  assert.deepEqual(loads(latin1(docs[1]!)), [["é"], null]);
  assert.deepEqual(loads(latin1(docs[2]!)), [["é€"], null]);
});

test("loads: XML forms, untyped values, faults, and refusals", () => {
  const call = (inner: string) =>
    `<?xml version="1.0"?><!-- c --><methodCall><methodName>m</methodName><params>${inner}</params></methodCall>`;
  const p = (v: string) => `<param><value>${v}</value></param>`;
  assert.deepEqual(
    loads(
      call(
        p("plain &amp; &#233;&#x20AC;") + p("<![CDATA[<raw>]]>") + p("<i8>9007199254740993</i8>") +
          p("<nil/>"),
      ),
    ),
    [["plain & é€", "<raw>", 9007199254740993n, null], "m"],
  );
  assert.deepEqual(
    loads(call(p("<struct><member><name>__proto__</name><value>x</value></member></struct>"))),
    [[
      Object.defineProperty({}, "__proto__", {
        value: "x",
        enumerable: true,
        writable: true,
        configurable: true,
      }),
    ], "m"],
  );
  assert.throws(
    () =>
      loads(
        "<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>4</int></value></member><member><name>faultString</name><value>no</value></member></struct></value></fault></methodResponse>",
      ),
    (e: unknown) =>
      e instanceof Fault && e.faultCode === 4 && e.faultString === "no" &&
      e.message === "<Fault 4: 'no'>",
  );
  const bad = [
    '<!DOCTYPE x [<!ENTITY a "aaaa">]><methodCall><methodName>&a;</methodName></methodCall>',
    call(p("<int>1.5</int>")),
    call(p("<boolean>2</boolean>")),
    call(p("<unknown>1</unknown>")),
    call(p("&bogus;")),
    call(p("&#0;")),
    call(p("<array><data>")),
    "<methodCall></methodCall><methodCall/>",
    "<a><b></a></b>",
    "",
    "plain text",
    call(p("<base64>!!!!</base64>")),
    "<methodCall><struct><value>1</value></struct><params/></methodCall>",
  ];
  for (const doc of bad) assert.throws(() => loads(doc), XMLRPCParseError, doc);
  assert.throws(() => loads(new Uint8Array([0x3c, 0xff, 0x3e])), XMLRPCParseError);
  // Deep nesting is read without recursion.
  const deep = "<array><data><value>".repeat(50_000) + "</value></data></array>".repeat(50_000);
  const [[nested]] = loads(call(p(deep)));
  let depth = 0;
  for (let v = nested; Array.isArray(v); v = v[0]) depth++;
  assert.equal(depth, 50_000);
});

const servers: Array<() => Promise<void>> = [];
after(async () => {
  for (const stop of servers) await stop();
});

test("XMLRPCController: /RPC2, dotted names, faults, allow_none, encodings, HTTP errors", async () => {
  const { web } = site();
  class Sub {
    @expose
    hello(name: string) {
      return `hello ${name}`;
    }
    hidden() {
      return "not exposed";
    }
  }
  class Api extends cherrypy.XMLRPCController {
    sub = new Sub();
    @expose
    async add(a: number, b: number) {
      await Promise.resolve();
      return a + b;
    }
    @expose
    nothing() {
      return null;
    }
    @expose
    text() {
      return "é€ <&>";
    }
    @expose
    forbidden() {
      throw new cherrypy.HTTPError(403);
    }
    @expose
    control() {
      throw new Error("bad\u0001char");
    }
    @expose
    kw(a: number, { scale = "1" }: { scale?: string } = {}) {
      return a * Number(scale);
    }
  }
  web.mount({ xmlrpc: new Api(), latin: new Api() }, "", {
    "/": { "request.dispatch": new cherrypy.dispatch.XMLRPCDispatcher() },
    "/latin": { "tools.xmlrpc.allow_none": true, "tools.xmlrpc.encoding": "iso-8859-1" },
  });
  const rpc = (path: string, method: string, params: unknown[] = []) =>
    web.getPage(path, {
      method: "POST",
      headers: { "Content-Type": "text/xml" },
      body: dumps(params, { methodname: method }),
    });
  const answer = () => loads(web.bytes)[0][0];
  const faultOf = () => {
    try {
      loads(web.bytes);
    } catch (e) {
      return (e as InstanceType<typeof Fault>).faultString;
    }
    return null;
  };

  await rpc("/RPC2/xmlrpc/", "add", [2, 3]);
  web.assertStatus(200);
  web.assertHeader("Content-Type", "text/xml;charset=utf-8");
  assert.equal(answer(), 5);
  await rpc("/xmlrpc/", "sub.hello", ["you"]);
  assert.equal(answer(), "hello you");
  await rpc("/xmlrpc/", "sub.hidden");
  assert.equal(faultOf(), 'method "hidden" is not supported');
  await rpc("/xmlrpc/", "constructor");
  assert.equal(faultOf(), 'method "constructor" is not supported');
  await rpc("/xmlrpc/", "nothing");
  web.assertStatus(200);
  web.assertHeader("Content-Type", "text/xml");
  assert.equal(faultOf(), "cannot marshal None unless allow_none is enabled");
  await rpc("/latin/", "nothing");
  assert.equal(answer(), null);
  await rpc("/latin/", "text");
  assert.ok(web.body.startsWith("<?xml version='1.0' encoding='iso-8859-1'?>"));
  assert.ok(web.body.includes("<string>&#233;&#8364; &lt;&amp;&gt;</string>"), web.body);
  assert.equal(answer(), "é€ <&>");
  await rpc("/xmlrpc/", "control");
  assert.equal(faultOf(), "bad\ufffdchar");
  await rpc("/xmlrpc/", "kw", [2]);
  assert.equal(answer(), 2);
  await web.getPage("/xmlrpc/?scale=3", {
    method: "POST",
    headers: { "Content-Type": "text/xml" },
    body: dumps([2], { methodname: "kw" }),
  });
  assert.equal(answer(), 6);
  // An HTTP error stays one (XML-RPC clients see a protocol error, as with CherryPy).
  await rpc("/xmlrpc/", "forbidden");
  web.assertErrorPage(403);
  // No body, or no XML-RPC in it: the unknown method ERRORMETHOD.
  await web.getPage("/xmlrpc/");
  assert.equal(faultOf(), 'method "ERRORMETHOD" is not supported');
  await web.getPage("/xmlrpc/", {
    method: "POST",
    headers: { "Content-Type": "text/xml" },
    body: '<!DOCTYPE x [<!ENTITY a "b">]><methodCall><methodName>&a;</methodName></methodCall>',
  });
  assert.equal(faultOf(), 'method "ERRORMETHOD" is not supported');
  // The customary trailing-slash redirect still applies to an index reached without it.
  await rpc("/RPC2/xmlrpc", "add", [1, 1]);
  web.assertStatus(301);
});

test("XMLRPCController: Python's client reads a non-UTF-8 response", async () => {
  const { web, tree } = site();
  class Api extends cherrypy.XMLRPCController {
    @expose
    text() {
      return "é€ <&>";
    }
  }
  const server = new cherrypy.HTTPServer({ host: "127.0.0.1", port: 0 }, tree);
  web.mount({ latin: new Api() }, "", { "/": { "tools.xmlrpc.encoding": "iso-8859-1" } });
  await server.start();
  servers.push(() => server.stop());
  const out = await python(
    `
import json, sys
from xmlrpc.client import ServerProxy
print(json.dumps(ServerProxy(json.loads(sys.argv[1])).text()))
`,
    `http://127.0.0.1:${server.boundAddr!.port}/latin/`,
  );
  assert.equal(JSON.parse(out), "é€ <&>");
});
