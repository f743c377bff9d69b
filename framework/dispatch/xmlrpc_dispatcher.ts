/**
 * `XMLRPCDispatcher`: the dispatcher for XML-RPC controllers, which lets clients add the
 * customary `/RPC2` prefix to the controller's URL.
 *
 * @module
 */

import { Dispatcher } from "./dispatch.ts";
import type { DispatcherLike, DispatchTarget } from "../core/types.ts";

/**
 * The path an XML-RPC request is dispatched on: with a trailing slash (so that the
 * controller's `default` answers), and without a leading `/RPC2`.
 *
 * @example Using `patchedPath`
 * ```ts
 * import { patchedPath } from "./xmlrpc_dispatcher.ts";
 * patchedPath("/RPC2/xmlrpc"); // "/xmlrpc/"
 * ```
 */
export function patchedPath(path: string): string {
  if (!path.endsWith("/")) path += "/";
  if (path.startsWith("/RPC2/")) path = path.slice(5);
  return path;
}

/**
 * Dispatches XML-RPC requests: the path gets a trailing slash and loses a leading `/RPC2`
 * (see {@link patchedPath}), then `next` (by default a {@link Dispatcher}) finds the handler.
 * Use it with an `XMLRPCController` (`cherrypy.XMLRPCController`).
 *
 * @example Using `XMLRPCDispatcher`
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * const conf = { "/": { "request.dispatch": new cherrypy.dispatch.XMLRPCDispatcher() } };
 * ```
 */
export class XMLRPCDispatcher implements DispatcherLike {
  /** The dispatcher given the patched path. */
  readonly next: DispatcherLike;

  /** Creates the dispatcher in front of `next`. */
  constructor(next: DispatcherLike = new Dispatcher()) {
    this.next = next;
  }

  /** Dispatches the patched path with `next`. */
  dispatch(pathInfo: string, request: DispatchTarget): void {
    this.next.dispatch(patchedPath(pathInfo), request);
  }
}
