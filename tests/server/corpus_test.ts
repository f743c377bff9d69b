/**
 * The hostile-request corpus: every case of `corpus/cases.ts` is sent over a raw socket to a
 * server serving tutorial 1 (plus an `/echo` page that reads the body), on each engine of the
 * current runtime, and what the server answers is checked against the case's column for that
 * engine. After each case the server must still answer a plain `GET /` with 200.
 *
 * Besides the table, every case on every engine must hold to these rules: no 500 (a client's
 * error is never the server's), no hang (the server answers, closes, or the table says it
 * waits), and the server keeps serving.
 *
 * A column of the table that names no engine here (`cheroot`) is a record for comparison, not run.
 *
 * `CORPUS_RECORD=1` prints each case's outcome in place of checking it, to write a new column.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import * as cherrypy from "../../mod.ts";
import { isDeno } from "../../platform/mod.ts";
import { HelloWorld } from "../../examples/tutorials/tut01.ts";
import { exchange, matches, type Observed } from "./corpus/_exchange.ts";
import { type Case, parseTable } from "./corpus/_table.ts";
import { CORPUS } from "./corpus/cases.ts";

/** An engine the corpus runs against. */
interface Engine {
  /** The column of the table with its outcomes. */
  readonly name: string;
  /** The runtime it runs on. */
  readonly runtime: "deno" | "node";
  /** Server options that select it. */
  readonly options: cherrypy.HTTPServerOptions;
  /** The column to read where the table has none for this engine. */
  readonly fallback?: string;
}

/** Every engine, one entry each. */
const ENGINES: readonly Engine[] = [
  // The project's own HTTP/1.1 engine (platform/_wire.ts) on Node, cheroot-like.
  { name: "node", runtime: "node", options: {} },
  // The same engine on Deno's sockets (the default there): it answers as on Node.
  { name: "deno-cherrypy", runtime: "deno", options: { engine: "cherrypy" }, fallback: "node" },
  // Deno's own server (Deno.serve, server.engine "native"), which parses requests itself.
  { name: "deno", runtime: "deno", options: { engine: "native" } },
  // Another engine is one more entry: its options, and `fallback: "node"` to expect the node
  // column until it has a column of its own.
];

/** The test site: tutorial 1, and a page that reads the request body. */
class CorpusSite extends HelloWorld {
  /** Reads the body and says how much it read (form fields come as parameters). */
  @cherrypy.expose
  async echo({ ...params }: Record<string, unknown>): Promise<string> {
    const body = cherrypy.request.body; // a RequestBody, typed as such
    const n = body ? (await body.read()).length : 0;
    return `read ${n} bytes, params ${JSON.stringify(params)}`;
  }
}

/** How long a case may take with nothing coming back (the socket timeout is 2 s). */
const MAX_WAIT_MS = 3000;
const QUIET_MS = 60;
const CONCURRENCY = 8;

async function serveCorpus(engine: Engine): Promise<cherrypy.HTTPServer> {
  const log = new cherrypy.LogManager();
  log.screen = false;
  const tree = new cherrypy.Tree({
    globalConfig: () => ({ ...cherrypy.DEFAULT_TOOL_CONFIG }),
    log,
  });
  tree.mount(new CorpusSite(), "");
  const server = new cherrypy.HTTPServer({ host: "127.0.0.1", port: 0 }, tree, {
    socketTimeout: 2,
    maxRequestHeaderSize: 8192,
    maxRequestBodySize: 100_000,
    ...engine.options,
  });
  await server.start();
  return server;
}

const cases = parseTable(CORPUS);
const record = process.env.CORPUS_RECORD === "1";
const HEALTH = "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

/** Runs one case; returns what is wrong with it, or `null`. */
async function runCase(port: number, c: Case, expected: string): Promise<[Observed, string[]]> {
  const observed = await exchange(port, c.bytes, {
    shut: c.shut,
    maxWait: MAX_WAIT_MS,
    quiet: QUIET_MS,
    expected,
  });
  const problems: string[] = [];
  if (!matches(observed.outcome, expected)) {
    problems.push(`got ${observed.outcome}, expected ${expected}`);
  }
  if (observed.statuses.includes(500) && !expected.includes("500")) {
    problems.push("a 500 for a client's request");
  }
  const health = await exchange(port, HEALTH, {
    maxWait: MAX_WAIT_MS,
    quiet: QUIET_MS,
    expected: "200",
  });
  if (health.outcome !== "200" || !health.text.includes("Hello world!")) {
    problems.push(`the next GET / got ${health.outcome}`);
  }
  return [observed, problems];
}

test("corpus: at least 200 cases, each with an outcome for every engine", () => {
  assert.ok(cases.length >= 200, `${cases.length} cases`);
  for (const engine of ENGINES) {
    for (const c of cases) {
      const expected = c.expected[engine.name] ?? c.expected[engine.fallback ?? ""];
      assert.ok(expected, `${c.name}: no outcome for ${engine.name}`);
    }
  }
});

for (const engine of ENGINES.filter((e) => e.runtime === (isDeno ? "deno" : "node"))) {
  test(`corpus on ${engine.name}: each hostile request gets its outcome, and serving goes on`, async () => {
    const server = await serveCorpus(engine);
    const port = server.boundAddr!.port;
    const failures: string[] = [];
    try {
      let next = 0;
      const worker = async () => {
        while (next < cases.length) {
          const c = cases[next++]!;
          const expected = c.expected[engine.name] ?? c.expected[engine.fallback ?? ""]!;
          const [observed, problems] = await runCase(port, c, expected);
          if (record) console.log(`CORPUS\t${c.name}\t${observed.outcome}\t${problems.join("; ")}`);
          else if (problems.length > 0) {
            failures.push(`${c.name}: ${problems.join("; ")}`);
          }
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    } finally {
      await server.stop();
    }
    assert.deepEqual(failures, [], `${failures.length} of ${cases.length} cases failed`);
  });
}
