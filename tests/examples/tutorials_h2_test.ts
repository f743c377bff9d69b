/**
 * The tutorials over HTTPS as curl reaches them with HTTP/2 and with HTTP/1.1: the same status,
 * content type and body (or body shape, for the random strings), wherever the engine offers
 * HTTP/2 (the project's engine on Node and Bun, `Deno.serve` on Deno); tutorial 7's REST flow
 * with its session cookie, method by method.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { HelloWorld } from "../../examples/tutorials/tut01.ts";
import { StringGenerator as Tut02 } from "../../examples/tutorials/tut02.ts";
import { StringGenerator as Tut03 } from "../../examples/tutorials/tut03.ts";
import { StringGenerator as Tut04 } from "../../examples/tutorials/tut04.ts";
import { conf as tut07Conf, StringGeneratorWebService } from "../../examples/tutorials/tut07.ts";
import { join } from "node:path";
import { curl, withTlsSite } from "../_tls.ts";
import { H2_ENGINES } from "../server/_gateway.ts";

interface Answer {
  version: string;
  status: string;
  type: string;
  body: string;
}

async function fetchWith(version: "--http2" | "--http1.1", url: string): Promise<Answer> {
  const out = await curl([
    version,
    "-w",
    "\n%{http_version} %{http_code} %{content_type}",
    url,
  ]);
  const cut = out.lastIndexOf("\n");
  const [v, status, type] = out.slice(cut + 1).split(" ");
  return { version: v!, status: status!, type: type ?? "", body: out.slice(0, cut) };
}

/** Each tutorial and the paths its test requests; `random` paths are compared by shape. */
const TUTORIALS: Array<[string, object, Array<[string, "same" | "random"]>]> = [
  ["tut01", new HelloWorld(), [["/", "same"], ["/nope", "same"]]],
  ["tut02", new Tut02(), [["/", "same"], ["/generate", "random"]]],
  ["tut03", new Tut03(), [["/generate?length=16", "random"], ["/nope", "same"]]],
  ["tut04", new Tut04(), [["/", "same"], ["/generate?length=12", "random"]]],
];

for (const engine of H2_ENGINES) {
  for (const [name, root, paths] of TUTORIALS) {
    test(`${name} over HTTP/2 answers as over HTTP/1.1 [${engine}]`, async () => {
      await withTlsSite(root, engine, async (base) => {
        for (const [path, kind] of paths) {
          const h2 = await fetchWith("--http2", base + path);
          const h1 = await fetchWith("--http1.1", base + path);
          assert.equal(h2.version, "2", path);
          assert.equal(h1.version, "1.1", path);
          assert.equal(h2.status, h1.status, path);
          assert.equal(h2.type, h1.type, path);
          // An error page's traceback names the engine's own frames: compared without it.
          const page = (body: string) => body.replace(/<pre id="traceback">[^]*?<\/pre>/, "");
          if (kind === "same") assert.equal(page(h2.body), page(h1.body), path);
          else assert.equal(h2.body.length, h1.body.length, path);
        }
      });
    });
  }
}

/** One request of the tutorial 7 flow with curl: status, `Allow`, body; cookies in `jar`. */
async function tut07Step(
  version: "--http2" | "--http1.1",
  jar: string,
  method: string,
  url: string,
  extra: string[] = [],
): Promise<{ version: string; status: string; allow: string; body: string }> {
  const out = await curl([
    version,
    "-c",
    jar,
    "-b",
    jar,
    "-X",
    method,
    ...extra,
    "-D",
    "-",
    "-w",
    "\n%{http_version} %{http_code}",
    url,
  ]);
  const cut = out.lastIndexOf("\n");
  const [v, status] = out.slice(cut + 1).split(" ");
  const text = out.slice(0, cut);
  const split = text.indexOf("\r\n\r\n");
  const head = text.slice(0, split);
  const allow = head.match(/^allow: (.*)$/im)?.[1]?.trim() ?? "";
  return { version: v!, status: status!, allow, body: text.slice(split + 4) };
}

for (const engine of H2_ENGINES) {
  test(`tut07 (sessions, MethodDispatcher) over HTTP/2: the docs' flow as over HTTP/1.1 [${engine}]`, async () => {
    await withTlsSite(new StringGeneratorWebService(), engine, async (base, _server, dir) => {
      const flows: Record<string, string[]> = {};
      for (const version of ["--http2", "--http1.1"] as const) {
        const jar = join(dir, `jar${version}`);
        const step = (method: string, extra: string[] = []) =>
          tut07Step(version, jar, method, `${base}/`, extra);
        const seen: string[] = [];
        const posted = await step("POST", ["-d", "length=10"]);
        assert.equal(posted.version, version === "--http2" ? "2" : "1.1");
        assert.match(posted.body, /^[0-9a-fA-F]{10}$/);
        const got = await step("GET");
        assert.equal(got.body, posted.body, "the session keeps the string");
        seen.push(`POST ${posted.status}`, `GET ${got.status}`);
        const put = await step("PUT", ["-d", "another_string=hello"]);
        const again = await step("GET");
        assert.equal(again.body, "hello");
        seen.push(`PUT ${put.status}`, `GET ${again.status} ${again.body}`);
        const deleted = await step("DELETE");
        const gone = await step("GET");
        seen.push(`DELETE ${deleted.status}`, `GET ${gone.status}`);
        const json = await step("GET", ["-H", "Accept: application/json"]);
        // As the docs' client (Python's requests) sends it: an empty body, Content-Length: 0.
        const patch = await step("PATCH", ["-H", "Content-Length: 0"]);
        seen.push(`GET json ${json.status}`, `PATCH ${patch.status} ${patch.allow}`);
        flows[version] = seen;
      }
      assert.deepEqual(flows["--http2"], [
        "POST 200",
        "GET 200",
        "PUT 200",
        "GET 200 hello",
        "DELETE 200",
        "GET 500",
        "GET json 406",
        "PATCH 405 DELETE, GET, HEAD, POST, PUT",
      ]);
      assert.deepEqual(flows["--http2"], flows["--http1.1"]);
    }, { config: tut07Conf });
  });
}
