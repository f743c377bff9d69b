/**
 * Streaming the response body (docs §5.4): with `response.stream` on, the status and headers
 * are sent before the body is produced, and the body goes out (chunked) as the generator
 * yields it.
 *
 *     deno run -A examples/advanced/streaming.ts
 *     curl -N -H 'X-Token: let-me-in' http://127.0.0.1:8080/thing   # Hello, world
 *     curl -N http://127.0.0.1:8080/countdown   # 3... 2... 1... liftoff!, a line a second
 *
 * The headers are final once the handler has returned its generator: set them, and raise
 * `HTTPError`, `NotFound` or a redirect, before returning it (as `thing` does). An error
 * raised while the generator runs cannot change the response any more: the server closes the
 * connection without ending the chunked body, so the client sees an incomplete response.
 *
 * @twin §5.4.2 #1
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** A stand-in for a real authorization check: the request carries `X-Token: let-me-in`. */
function authorized(): boolean {
  return cherrypy.request.headers.get("X-Token") === "let-me-in";
}

/** The application. */
export class Root {
  /** `/thing`: headers and errors first, then the streamed body. */
  @cherrypy.expose
  @cherrypy.config({ "response.stream": true })
  thing(): Iterable<string> {
    cherrypy.response.headers.set("Content-Type", "text/plain");
    if (!authorized()) throw new cherrypy.NotFound();
    function* content() {
      yield "Hello, ";
      yield "world";
    }
    return content();
  }

  /** `/countdown`: an async generator; each part is sent as soon as it is yielded. */
  @cherrypy.expose
  @cherrypy.config({ "response.stream": true })
  async *countdown(interval = "1"): AsyncIterable<string> {
    const ms = Number(interval) * 1000;
    for (const n of [3, 2, 1]) {
      yield `${n}...\n`;
      await new Promise((resolve) => setTimeout(resolve, ms));
    }
    yield "liftoff!\n";
  }

  /** `/broken`: fails after the first part; the client gets an incomplete response. */
  @cherrypy.expose
  @cherrypy.config({ "response.stream": true })
  *broken(): Iterable<string> {
    yield "partial ";
    throw new Error("failed while streaming");
  }

  /** `/buffered`: the same generator without streaming: collected, with a Content-Length. */
  @cherrypy.expose
  *buffered(): Iterable<string> {
    yield "Hello, ";
    yield "world";
  }
}

if (cherrypy.isMain(import.meta)) {
  await cherrypy.quickstart(new Root());
}
