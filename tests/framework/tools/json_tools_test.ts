/**
 * The `json_in` and `json_out` tools beyond CherryPy's own tests: CherryPy's exact JSON text,
 * values JSON cannot hold, every way to switch the tools on, their options, and hostile
 * bodies.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as cherrypy from "../../../mod.ts";
import { privateSite, serveRoot } from "../../_helpers.ts";
import { rawExchange } from "../../_raw.ts";

const { expose } = cherrypy;
const { encodeJson } = cherrypy.lib.jsontools;

test("json: the text is Python's json.dumps of the same data", () => {
  // Checked against CherryPy 18.8 on Python 3.11.
  assert.equal(encodeJson({ a: 1, b: [1, 2] }), '{"a": 1, "b": [1, 2]}');
  assert.equal(
    encodeJson({ c: "é\u2028\n/", d: 1.5e-7, e: NaN, f: Infinity, g: -Infinity }),
    '{"c": "\\u00e9\\u2028\\n/", "d": 1.5e-07, "e": NaN, "f": Infinity, "g": -Infinity}',
  );
  assert.equal(
    encodeJson('\u{1F600}\x7f\x00\b\f\t\r"\\'),
    '"\\ud83d\\ude00\\u007f\\u0000\\b\\f\\t\\r\\"\\\\"',
  );
  // Short and long strings (looked at one by one, or by a regular expression), each side of 32.
  for (const n of [1, 31, 32, 33, 100]) {
    const plain = "a".repeat(n);
    assert.equal(encodeJson(plain), `"${plain}"`);
    for (
      const [ch, out] of [['"', '\\"'], ["\\", "\\\\"], ["\x1f", "\\u001f"], ["\x7f", "\\u007f"], [
        "\u00e9",
        "\\u00e9",
      ]]
    ) {
      const text = "a".repeat(n - 1) + ch;
      assert.equal(
        encodeJson({ [text]: text }),
        `{"${"a".repeat(n - 1)}${out}": "${"a".repeat(n - 1)}${out}"}`,
      );
    }
  }
  assert.equal(encodeJson([]), "[]");
  assert.equal(encodeJson({}), "{}");
  assert.equal(encodeJson(null), "null");
  assert.equal(encodeJson(undefined), "null");
  assert.equal(encodeJson([undefined, () => 1].slice(0, 1)), "[null]");
  assert.equal(encodeJson({ skipped: undefined, kept: false }), '{"kept": false}');
  assert.equal(encodeJson(12345678901234567890n), "12345678901234567890");
  assert.equal(encodeJson(1e21), "1e+21");
  assert.equal(encodeJson(0.1), "0.1");
  assert.equal(encodeJson(new Date(Date.UTC(2026, 0, 2))), '"2026-01-02T00:00:00.000Z"');
  class Point {
    x: number;
    y: number;
    constructor(x: number, y: number) {
      this.x = x;
      this.y = y;
    }
  }
  assert.equal(encodeJson(new Point(1, 2)), '{"x": 1, "y": 2}');
  for (
    const [value, name] of [
      [new Map(), "Map"],
      [new Set(), "Set"],
      [new Uint8Array(1), "Uint8Array"],
      [() => 1, "function"],
      [(function* () {})(), "Generator"],
      [Promise.resolve(1), "Promise"],
    ] as const
  ) {
    assert.throws(() => encodeJson({ value }), {
      name: "TypeError",
      message: `Object of type ${name} is not JSON serializable`,
    });
  }
  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;
  assert.throws(() => encodeJson(cycle), /Circular reference detected/);
});

class Api {
  // docs §4.8.1 and §4.8.2, by decorator
  @expose
  @cherrypy.tools.json_in()
  @cherrypy.tools.json_out()
  echo() {
    return { got: cherrypy.request.json };
  }

  // By config (see below) and by _cp_config.
  @expose
  configured() {
    return [1, "two"];
  }

  @expose
  cp_config() {
    return { key: "value" };
  }

  @expose
  @cherrypy.tools.json_out()
  async later() {
    await new Promise((r) => setTimeout(r, 5));
    return { later: true };
  }

  @expose
  @cherrypy.tools.json_out()
  bad() {
    return { when: new Map() };
  }

  @expose
  @cherrypy.tools.json_out({ content_type: null })
  untyped() {
    return 1;
  }

  @expose
  @cherrypy.tools.json_out({ content_type: "application/vnd.api+json" })
  typed() {
    return 1;
  }

  @expose
  @cherrypy.tools.json_out({
    handler: () => `custom:${(cherrypy.request._json_inner_handler as () => unknown)()}`,
  })
  custom() {
    return "inner";
  }

  @expose
  wide() {
    return { a: "\u00e9" };
  }

  @expose
  @cherrypy.tools.json_out()
  wrapped() {
    return "page";
  }

  @expose
  @cherrypy.tools.json_in({ force: false })
  lenient(name = "none") {
    return `json=${JSON.stringify(cherrypy.request.json)} name=${name}`;
  }

  @expose
  @cherrypy.tools.json_in({ content_type: "application/x-custom" })
  custom_type() {
    return JSON.stringify(cherrypy.request.json);
  }

  @expose
  @cherrypy.tools.json_in({
    processor: async (entity: cherrypy.Entity) => {
      cherrypy.request.json = (await entity.text()).toUpperCase();
    },
  })
  processed() {
    return String(cherrypy.request.json);
  }

  @expose
  @cherrypy.tools.json_in()
  nobody() {
    return `json=${String(cherrypy.request.json)}`;
  }
}
Object.assign(Api.prototype.cp_config, { _cp_config: { "tools.json_out.on": true } });

function site() {
  const s = privateSite();
  const app = s.tree.mount(new Api(), "", {
    "/configured": { "tools.json_out.on": true },
    "/wide": {
      "tools.json_out.on": true,
      "tools.encode.on": true,
      "tools.encode.text_only": false,
      "tools.encode.encoding": "utf-16",
    },
    "/wrapped": { "wrap.inner.on": true },
  });
  // A tool after json_out (priority 30) that wraps the page handler json_out kept.
  const wrap = new cherrypy.Toolbox("wrap");
  wrap.inner = new cherrypy.Tool("before_handler", () => {
    const inner = cherrypy.request._json_inner_handler as () => unknown;
    cherrypy.request._json_inner_handler = () => ({ wrapped: inner() });
  }, { priority: 50 });
  app.toolboxes.wrap = wrap;
  return s;
}

const post = (body: string, contentType = "application/json") => ({
  method: "POST",
  headers: { "Content-Type": contentType, "Content-Length": String(new Blob([body]).size) },
  body,
});

test("json: decorators, config and _cp_config switch the tools on", async () => {
  const { web } = site();
  await web.getPage("/echo", post('{"a": [1, 2.5, null]}'));
  web.assertStatus(200);
  web.assertHeader("Content-Type", "application/json");
  web.assertBody('{"got": {"a": [1, 2.5, null]}}');
  await web.getPage("/configured");
  web.assertBody('[1, "two"]');
  web.assertHeader("Content-Type", "application/json");
  await web.getPage("/cp_config");
  web.assertBody('{"key": "value"}');
  await web.getPage("/later");
  web.assertBody('{"later": true}');
});

test("json: json_out options; what JSON cannot hold is a 500", async () => {
  const { web } = site();
  await web.getPage("/bad");
  web.assertStatus(500);
  web.assertInBody("TypeError: Object of type Map is not JSON serializable");
  await web.getPage("/untyped");
  web.assertHeader("Content-Type", "text/html;charset=utf-8");
  web.assertBody("1");
  await web.getPage("/typed");
  web.assertHeader("Content-Type", "application/vnd.api+json");
  await web.getPage("/custom");
  web.assertBody("custom:inner");
});

test("json: json_out reads the page handler when it runs; its bytes pass the encode tool", async () => {
  const { web } = site();
  await web.getPage("/wrapped");
  web.assertStatus(200);
  web.assertBody('{"wrapped": "page"}');
  // As CherryPy: with text_only off, the encode tool labels the JSON with its charset but
  // passes the UTF-8 bytes json_out made as they are.
  await web.getPage("/wide");
  web.assertStatus(200);
  web.assertHeader("Content-Type", "application/json;charset=utf-16");
  web.assertBody('{"a": "\\u00e9"}');
  web.assertHeader("Content-Length", "15");
});

test("json: json_in options: force, content_type, processor", async () => {
  const { web } = site();
  // force: false keeps the other processors.
  await web.getPage("/lenient", post("name=Ada", "application/x-www-form-urlencoded"));
  web.assertBody("json=undefined name=Ada");
  await web.getPage("/lenient", post('"x"'));
  web.assertBody('json="x" name=none');
  // text/javascript is JSON too by default; a parameter on the media type does not matter.
  await web.getPage("/echo", post("[1]", "text/javascript"));
  web.assertBody('{"got": [1]}');
  await web.getPage("/echo", post("[1]", "application/json; charset=utf-8"));
  web.assertBody('{"got": [1]}');
  await web.getPage("/custom_type", post("[2]", "application/x-custom"));
  web.assertBody("[2]");
  await web.getPage("/custom_type", post("[2]"));
  web.assertErrorPage(415, "Expected an entity of content type application/x-custom");
  await web.getPage("/processed", post("shout", "application/json"));
  web.assertBody("SHOUT");
  // GET has no body: nothing is decoded.
  await web.getPage("/nobody");
  web.assertBody("json=undefined");
});

test("json: hostile and broken bodies get 400, 411 or 413", async () => {
  const { web } = site();
  for (const body of ["", "[1,]", "NaN", '{"a": 1} x', "\ufeff[1]", "{'a': 1}"]) {
    await web.getPage("/echo", post(body));
    web.assertErrorPage(400, "Invalid JSON document");
  }
  await web.getPage("/echo", {
    method: "POST",
    headers: { "Content-Type": "application/json", "Content-Length": "2" },
    body: new Uint8Array([0xff, 0xfe]),
  });
  web.assertErrorPage(400, "Invalid JSON document");
  // Deeply nested arrays decode; echoing them runs out of stack, as Python's RecursionError
  // does in CherryPy: a 500 for that request, and the server goes on.
  const deep = "[".repeat(100000) + "]".repeat(100000);
  await web.getPage("/echo", post(deep));
  web.assertStatus(500);
  web.assertInBody("RangeError");
  await web.getPage("/echo", post("[1]"));
  web.assertBody('{"got": [1]}');
  // A prototype key stays data.
  await web.getPage("/echo", post('{"__proto__": {"polluted": true}}'));
  web.assertBody('{"got": {"__proto__": {"polluted": true}}}');
  assert.equal(({} as Record<string, unknown>)["polluted"], undefined);

  // Past request.body.maxbytes: 413.
  const limited = privateSite();
  limited.tree.mount(new Api(), "", { "/": { "request.body.maxbytes": 10 } });
  await limited.web.getPage("/echo", post("[1, 2, 3, 4, 5, 6]"));
  limited.web.assertErrorPage(413);

  const served = await serveRoot(new Api());
  try {
    // Chunked (no Content-Length): 411, as CherryPy's processor answers.
    const { text } = await rawExchange(
      served.port,
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
        "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\n[1]\r\n0\r\n\r\n",
    );
    assert.match(text, /^HTTP\/1\.1 411 Length Required/);
  } finally {
    await served.stop();
  }
});
