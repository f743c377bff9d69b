/**
 * `PathInfoDispatcher`: several gateways on one server, by path prefix.
 *
 * @module
 */

import type { IncomingRequest, OutgoingResponse } from "../platform/mod.ts";
import { type Gateway, nativeHandlerOf } from "./http_server.ts";
import { IncomingView } from "./incoming_view.ts";

const NOT_FOUND: OutgoingResponse = {
  status: 404,
  headers: [["Content-Type", "text/plain"]],
  body: "Not Found",
};

/** A request seen by a mounted gateway: the path below its mount point. */
class MountedRequest extends IncomingView {
  readonly #target: string;
  /** The mount point that was removed from the path (`"/api"`). */
  readonly scriptName: string;

  constructor(inner: IncomingRequest, scriptName: string) {
    super(inner);
    this.scriptName = scriptName;
    const rest = inner.target.slice(scriptName.length);
    this.#target = rest.startsWith("/") ? rest : "/" + rest;
  }
  override get target(): string {
    return this.#target;
  }
  override toRequest(): Request {
    const original = this.inner.toRequest();
    const url = new URL(original.url);
    const q = this.target.indexOf("?");
    url.pathname = q < 0 ? this.target : this.target.slice(0, q);
    const init: RequestInit & { duplex?: "half" } = {
      method: original.method,
      headers: original.headers,
      body: original.body,
    };
    if (original.body !== null) init.duplex = "half";
    return new Request(url, init);
  }
}

/**
 * Serves several gateways from one server, each under a path prefix, like CherryPy's
 * `WSGIPathInfoDispatcher`: the longest matching prefix wins (whole path segments only), the
 * gateway sees the path below its prefix, and a path no prefix matches gets 404.
 *
 * @example A Fetch app beside the CherryPy tree
 * ```ts
 * import { HTTPServer, PathInfoDispatcher } from "../mod.ts";
 * const dispatcher = new PathInfoDispatcher({
 *   "/": () => new Response("home"),
 *   "/api": (req: Request) => new Response(`api: ${new URL(req.url).pathname}`),
 * });
 * const server = new HTTPServer({ host: "127.0.0.1", port: 0 }, dispatcher);
 * ```
 */
export class PathInfoDispatcher {
  readonly #apps: Array<[string, ReturnType<typeof nativeHandlerOf>]>;

  /** Creates the dispatcher from `{ prefix: gateway }`. */
  constructor(apps: Record<string, Gateway>) {
    this.#apps = Object.entries(apps)
      .map(([prefix, app]) =>
        [prefix.replace(/\/+$/, ""), nativeHandlerOf(app)] as [
          string,
          ReturnType<typeof nativeHandlerOf>,
        ]
      )
      .sort((a, b) => b[0].length - a[0].length);
  }

  /** The native gateway entry point. */
  handle(req: IncomingRequest): ReturnType<ReturnType<typeof nativeHandlerOf>> {
    const target = req.target;
    const q = target.indexOf("?");
    const path = q < 0 ? target : target.slice(0, q);
    for (const [prefix, handler] of this.#apps) {
      if (prefix === "") return handler(req);
      if (path === prefix || path.startsWith(prefix + "/")) {
        return handler(new MountedRequest(req, prefix));
      }
    }
    return NOT_FOUND;
  }
}
