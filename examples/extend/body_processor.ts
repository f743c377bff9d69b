/**
 * A custom request-body processor (CherryPy's "Request body processors", docs 7.4, and the
 * `_cpreqbody` module's "Custom Processors" sample): JSON bodies are decoded into
 * `request.json` before the handler runs.
 *
 *     deno run -A examples/extend/body_processor.ts
 *     curl -X POST -H 'Content-Type: application/json' -d '{"name": "Ada"}' localhost:8080/hello
 *
 * Two ways to install it, as in CherryPy:
 *
 * - the tool way, {@link jsonIn}, run for each request before the body is processed: it
 *   empties `request.body.processors` so that other media types are not parsed, makes
 *   `default_proc` answer 415 for them, and adds the JSON processor;
 * - the config way, {@link config}: `request.body.processors` replaces the whole table for
 *   the path (so urlencoded and multipart bodies are no longer parsed there).
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** The request with the decoded document, as the processor leaves it. */
export interface JsonRequest {
  /** The decoded JSON document. */
  json?: unknown;
}

/** The current request, seen with its `json` attribute. */
export function jsonRequest(): JsonRequest {
  return cherrypy.request as unknown as JsonRequest;
}

/** Reads `application/json` data into `request.json`. */
export async function jsonProcessor(entity: cherrypy.Entity): Promise<void> {
  if (!entity.headers.get("Content-Length")) throw new cherrypy.HTTPError(411);
  const body = await entity.fp.read();
  try {
    jsonRequest().json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch {
    throw new cherrypy.HTTPError(400, "Invalid JSON document");
  }
}

/**
 * The `json_in` tool's work on a request body: parse JSON bodies with {@link jsonProcessor};
 * with `force`, answer any other media type with 415.
 */
export function jsonIn(body: cherrypy.RequestBody, force = true): void {
  if (force) {
    body.processors = {};
    body.default_proc = new cherrypy.HTTPError(415, "Expected an application/json content type");
  }
  body.processors["application/json"] = jsonProcessor;
}

/** The application: `POST /hello` with `{"name": ...}`. */
export class Root {
  /** Greets the `name` of the JSON document. */
  @cherrypy.expose
  hello(): string {
    const doc = jsonRequest().json as { name?: unknown } | undefined;
    return `Hello ${String(doc?.name ?? "world")}!`;
  }
}

/** The config way: JSON is the only body type parsed below `/`. */
export const config: cherrypy.AppConfig = {
  "/": { "request.body.processors": { "application/json": jsonProcessor } },
};

if (cherrypy.isMain(import.meta)) {
  await cherrypy.quickstart(new Root(), "", config);
}
