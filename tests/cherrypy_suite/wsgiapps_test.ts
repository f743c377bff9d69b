/**
 * CherryPy's test_wsgiapps, ported. WSGI is Python's gateway interface; its analogue here is
 * Fetch (`(Request) => Response`, see examples/advanced/graft_fetch.ts): a foreign WSGI
 * application becomes a Fetch handler grafted with `tree.graft`, a WSGI middleware becomes a
 * Fetch handler wrapping another (here an `Application`'s `fetch`), the WSGI `environ` is the
 * `Request`, and the iterable of byte strings a WSGI application returns is the response's
 * body stream.
 */
import { after, before, test } from "node:test";
import * as cherrypy from "../../mod.ts";
import { serveTree, suiteSite } from "./_suite.ts";
import { RawWebCase } from "./_webcase.ts";

const { expose } = cherrypy;
const encoder = new TextEncoder();

/** A body streaming `chunks` one by one (a WSGI application's return value). */
function chunksOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    pull(controller) {
      const next = chunks.shift();
      if (next === undefined) controller.close();
      else controller.enqueue(next);
    },
  });
}

// The WSGI test_app: its output, then the environ (here the request's headers and line).
function testApp(request: Request): Response {
  const output = [
    "Hello, world!\n",
    "This is a wsgi app running within CherryPy!\n\n",
  ];
  const environ: Record<string, string> = {
    REQUEST_METHOD: request.method,
    REQUEST_URL: request.url,
  };
  for (const [k, v] of request.headers) environ[`HTTP_${k.toUpperCase().replaceAll("-", "_")}`] = v;
  for (const k of Object.keys(environ).sort()) output.push(`${k}: ${environ[k]}\n`);
  return new Response(chunksOf(output.map((x) => encoder.encode(x))), {
    status: 200,
    headers: [["Content-type", "text/plain"]],
  });
}

function testEmptyStringApp(_request: Request): Response {
  return new Response(
    chunksOf(["Hello", "", " ", "", "world"].map((x) => encoder.encode(x))),
    { status: 200, headers: [["Content-type", "text/plain"]] },
  );
}

/** A middleware that reverses every chunk of the wrapped application's body. */
function reversingMiddleware(app: (request: Request) => Promise<Response>) {
  return async (request: Request): Promise<Response> => {
    const results = await app(request);
    const reverser = new TransformStream<Uint8Array, Uint8Array>({
      transform(line, controller) {
        controller.enqueue(line.slice().reverse());
      },
    });
    return new Response(results.body!.pipeThrough(reverser), {
      status: results.status,
      headers: results.headers,
    });
  };
}

class Root {
  @expose
  index() {
    return encoder.encode("I'm a regular CherryPy page handler!");
  }
}

const site = suiteSite();
const web = new RawWebCase();
let stop: () => Promise<void> = () => Promise.resolve();

before(async () => {
  site.tree.mount(new Root());
  site.tree.graft(testApp, "/hosted/app1");
  site.tree.graft(testEmptyStringApp, "/hosted/app3");
  // CherryPy sets script_name to None so that it comes from each request; a grafted handler
  // sees URLs below its mount point, so the application's own script name is "".
  const app = new cherrypy.Application(new Root(), "");
  site.tree.graft(reversingMiddleware((request) => app.fetch(request)), "/hosted/app2");
  const served = await serveTree(site.tree);
  web.port = served.port;
  stop = served.stop;
});
after(() => stop());

const wsgiOutput = "Hello, world!\nThis is a wsgi app running within CherryPy!";

test("wsgiapps: test_01_standard_app", async () => {
  await web.getPage("/");
  web.assertBody("I'm a regular CherryPy page handler!");
});

test("wsgiapps: test_04_pure_wsgi", async () => {
  await web.getPage("/hosted/app1");
  web.assertHeader("Content-Type", "text/plain");
  web.assertInBody(wsgiOutput);
});

test("wsgiapps: test_05_wrapped_cp_app", async () => {
  await web.getPage("/hosted/app2/");
  web.assertInBody([..."I'm a regular CherryPy page handler!"].reverse().join(""));
});

test("wsgiapps: test_06_empty_string_app", async () => {
  await web.getPage("/hosted/app3");
  web.assertHeader("Content-Type", "text/plain");
  web.assertInBody("Hello world");
});
