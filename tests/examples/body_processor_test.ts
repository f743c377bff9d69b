import { test } from "node:test";
import assert from "node:assert/strict";
import { HTTPError, Request, RequestBody, Response } from "../../mod.ts";
import { HeaderMap } from "../../framework/http/mod.ts";
import { followServing, runServing } from "../../framework/core/serving.ts";
import {
  config,
  jsonIn,
  jsonProcessor,
  type JsonRequest,
  Root,
} from "../../examples/extend/body_processor.ts";

function body(text: string, contentType: string, chunked = false) {
  const data = new TextEncoder().encode(text);
  const headers = new HeaderMap([["Content-Type", contentType]]);
  headers.set(
    chunked ? "Transfer-Encoding" : "Content-Length",
    chunked ? "chunked" : String(data.length),
  );
  async function* source() {
    yield data;
  }
  return new RequestBody(source(), headers, { requestParams: {}, method: "POST" });
}

function serving<R>(fn: (request: Request) => Promise<R>): Promise<R> {
  const request = new Request();
  return runServing({ request, response: new Response() }, () => {
    followServing();
    return fn(request);
  });
}

async function rejectsWith(p: Promise<unknown>, code: number, message?: string) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof HTTPError);
    assert.equal(e.code, code);
    if (message !== undefined) assert.equal(e.errorMessage, message);
    return true;
  });
}

test("body_processor: json_in decodes JSON bodies into request.json", async () => {
  await serving(async (request) => {
    const b = body('{"name": "Ada"}', "application/json");
    jsonIn(b);
    await b.process();
    assert.deepEqual((request as unknown as JsonRequest).json, { name: "Ada" });
    assert.equal(new Root().hello(), "Hello Ada!");
  });
});

test("body_processor: json_in answers 415 for other types, 400 for bad JSON, 411 unsized", async () => {
  await serving(async () => {
    const form = body("name=Ada", "application/x-www-form-urlencoded");
    jsonIn(form);
    await rejectsWith(form.process(), 415, "Expected an application/json content type");

    const bad = body("{nope", "application/json");
    jsonIn(bad);
    await rejectsWith(bad.process(), 400, "Invalid JSON document");

    const chunked = body("{}", "application/json", true);
    jsonIn(chunked);
    await rejectsWith(chunked.process(), 411);

    const lenient = body("name=Ada", "application/x-www-form-urlencoded");
    jsonIn(lenient, false);
    await lenient.process();
    assert.deepEqual({ ...lenient.params }, { name: "Ada" });
  });
});

test("body_processor: the config entry replaces the processors table", async () => {
  await serving(async (request) => {
    const processors = config["/"]!["request.body.processors"] as RequestBody["processors"];
    assert.equal(processors["application/json"], jsonProcessor);
    const json = body("[1, 2]", "application/json");
    json.processors = processors;
    await json.process();
    assert.deepEqual((request as unknown as JsonRequest).json, [1, 2]);
    const form = body("a=1", "application/x-www-form-urlencoded");
    form.processors = processors;
    await form.process();
    assert.deepEqual({ ...form.params }, {}); // no longer parsed
  });
});

test("body_processor: end to end, the config way, through the request pipeline", async () => {
  const { Tree, LogManager, DEFAULT_TOOL_CONFIG, WebCase } = await import("../../mod.ts");
  const tree = new Tree({
    globalConfig: () => ({ ...DEFAULT_TOOL_CONFIG }),
    log: new LogManager({ screen: false }),
  });
  const web = new WebCase({ tree });
  web.mount(new Root(), "", config);
  await web.getPage("/hello", {
    method: "POST",
    headers: { "Content-Type": "application/json", "Content-Length": "15" },
    body: '{"name": "Ada"}',
  });
  web.assertBody("Hello Ada!");
  await web.getPage("/hello", {
    method: "POST",
    headers: { "Content-Type": "application/json", "Content-Length": "5" },
    body: "{nope",
  });
  web.assertErrorPage(400, "Invalid JSON document");
  await web.stop();
});
