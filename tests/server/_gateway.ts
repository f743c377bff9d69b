/**
 * A native test gateway and a helper that serves it with given options.
 *
 * @module
 */
import {
  type HttpEngineName,
  type IncomingRequest,
  isDeno,
  type OutgoingResponse,
} from "../../platform/mod.ts";
import { HTTPServer, type HTTPServerOptions } from "../../server/mod.ts";

async function* streamParts(): AsyncGenerator<Uint8Array> {
  for (const p of ["one ", "two ", "three"]) {
    await new Promise((r) => setTimeout(r, 5));
    yield new TextEncoder().encode(p);
  }
}

/** Routes: `/`, `/sleep?ms=N`, `/echo` (reads the body), `/nocontent`, `/notmod`, `/stream`. */
export const testGateway = {
  async handle(req: IncomingRequest): Promise<OutgoingResponse> {
    const [path, qs = ""] = req.target.split("?");
    const text = (body: string, status = 200): OutgoingResponse => ({
      status,
      headers: [["Content-Type", "text/plain"]],
      body,
    });
    switch (path) {
      case "/":
        return text("Hello world!");
      case "/sleep": {
        const ms = Number(new URLSearchParams(qs).get("ms") ?? 0);
        await new Promise((r) => setTimeout(r, ms));
        return text(`Slept ${ms} ms.`);
      }
      case "/echo": {
        let n = 0;
        const body = req.body();
        if (body) { for await (const chunk of body) n += chunk.length; }
        return text(`read ${n} bytes`);
      }
      case "/nocontent":
        return { status: 204, headers: [], body: "ignored" };
      case "/notmod":
        return { status: 304, headers: [], body: "ignored" };
      case "/stream":
        return { status: 200, headers: [["Content-Type", "text/plain"]], body: streamParts() };
      default:
        return text("Not Found", 404);
    }
  },
};

/**
 * The HTTP engines of this runtime: the project's own (`"cherrypy"`) everywhere, and
 * `Deno.serve` (`"native"`) on Deno.
 */
export const ENGINES: readonly HttpEngineName[] = isDeno ? ["cherrypy", "native"] : ["cherrypy"];

/**
 * The engines that serve HTTP/2 over TLS: Deno.serve on Deno (the project's engine offers ALPN
 * `http/1.1` alone there, see docs/server.md), the project's engine with node:http2 elsewhere.
 */
export const H2_ENGINES: readonly HttpEngineName[] = isDeno ? ["native"] : ["cherrypy"];

/** Serves {@link testGateway} on 127.0.0.1 (port 0) with `options`; returns the server. */
export async function serveTest(options: HTTPServerOptions = {}): Promise<HTTPServer> {
  const server = new HTTPServer({ host: "127.0.0.1", port: 0 }, testGateway, options);
  await server.start();
  return server;
}
