/**
 * The tutorials over HTTPS as curl reaches them with HTTP/2 and with HTTP/1.1: the same status,
 * content type and body (or body shape, for the random strings), wherever the engine offers
 * HTTP/2 (the project's engine on Node and Bun, `Deno.serve` on Deno).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { HelloWorld } from "../../examples/tutorials/tut01.ts";
import { StringGenerator as Tut02 } from "../../examples/tutorials/tut02.ts";
import { StringGenerator as Tut03 } from "../../examples/tutorials/tut03.ts";
import { StringGenerator as Tut04 } from "../../examples/tutorials/tut04.ts";
import { isDeno } from "../../platform/mod.ts";
import { curl, withTlsSite } from "../_tls.ts";
import { ENGINES } from "../server/_gateway.ts";

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

for (const engine of ENGINES.filter((e) => e === "native" || !isDeno)) {
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
