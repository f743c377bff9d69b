/**
 * XML-RPC: the `xmlrpc` tool and `XMLRPCController` (CherryPy's `_cptools.XMLRPCController`
 * and `lib/xmlrpcutil`). A controller's exposed methods are XML-RPC methods: the request's
 * body names the method (dotted names walk into sub-objects) and carries the arguments; the
 * return value is the response. Every answer is `200 OK` `text/xml`: an error, including an
 * unknown method, is a `<fault>` with code 1 and the error's message, as XML-RPC clients
 * expect.
 *
 * @module
 */

import { HTTPError } from "../core/errors.ts";
import { currentServing } from "../core/serving.ts";
import { bindArguments } from "../dispatch/arguments.ts";
import { getAttr } from "../dispatch/dispatch.ts";
import { expose, isExposed } from "../dispatch/expose.ts";
import { signatureOf } from "../dispatch/signature.ts";
import type { Signature } from "../dispatch/signature.ts";
import type { ConfigDict } from "../core/types.ts";
import { dumps, encodeDocument, Fault } from "./_xmlrpc_codec.ts";
import { loads } from "./_xmlrpc_loads.ts";

/** The `xmlrpc` tool's options (`tools.xmlrpc.*`), read by {@link XMLRPCController}. */
export interface XmlrpcOptions {
  /** The encoding the response declares (`"utf-8"`). */
  encoding?: string;
  /** Allow `null` in responses (`<nil/>`, an extension); otherwise it is a fault. */
  allow_none?: boolean | number;
}

/**
 * The params and method name of the request's XML-RPC body; `[["ERROR PARAMS"],
 * "ERRORMETHOD"]` when it cannot be read (which then answers as an unknown method). A body too
 * large for the server is still its 413.
 *
 * @example In a handler
 * ```ts
 * import { processBody } from "./xmlrpc.ts";
 * async function rpc() {
 *   const [params, method] = await processBody();
 *   return `${method} called with ${params.length} params`;
 * }
 * ```
 */
export async function processBody(): Promise<[unknown[], string]> {
  const { request } = currentServing();
  try {
    const bytes = request.body === undefined ? new Uint8Array(0) : await request.body.read();
    const [params, method] = loads(bytes);
    return [params, method ?? "None"];
  } catch (e) {
    if (e instanceof HTTPError) throw e;
    return [["ERROR PARAMS"], "ERRORMETHOD"];
  }
}

/** Sets the response to the XML-RPC document `xml`: 200, `text/xml`, its length. */
function setResponse(xml: string, encoding: string): void {
  const { response } = currentServing();
  const bytes = encodeDocument(xml, encoding);
  response.status = "200 OK";
  response.body = bytes;
  response.headers.set("Content-Type", "text/xml");
  response.headers.set("Content-Length", String(bytes.length));
}

/**
 * Makes the response the XML-RPC answer `body`: a method response holding it, or a fault
 * response when it is a {@link Fault}.
 *
 * @example Answering by hand
 * ```ts
 * import { respond } from "./xmlrpc.ts";
 * function handler() {
 *   respond({ ok: true });
 * }
 * ```
 */
export function respond(
  body: unknown,
  encoding = "utf-8",
  allowNone: boolean | number = false,
): void {
  const params = body instanceof Fault ? body : [body];
  setResponse(
    dumps(params, { methodresponse: true, encoding, allow_none: Boolean(allowNone) }),
    encoding,
  );
}

const NOT_XML =
  // deno-lint-ignore no-control-regex
  /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * The `xmlrpc` tool's callable (an error response): answers the failed request with
 * `Fault(1, message)` (200 `text/xml`).
 *
 * @example XML-RPC faults for a handler that is not in an XMLRPCController
 * ```ts
 * const conf = { "/rpc": { "tools.xmlrpc.on": true } };
 * ```
 */
export function onError(_options: XmlrpcOptions = {}): void {
  const error = currentServing().request.error;
  const text = error instanceof Error ? error.message : String(error);
  setResponse(dumps(new Fault(1, text.replace(NOT_XML, "\ufffd"))), "utf-8");
}

/** Walks the dotted `name` from `root`: `[the object holding it, what was found, last name]`. */
function findMethod(root: unknown, name: string): [unknown, unknown, string] {
  let parent: unknown = null;
  let sub = root;
  let attr = "";
  for (attr of name.split(".")) {
    parent = sub;
    sub = getAttr(sub, attr);
  }
  return [parent, sub, attr];
}

/** `(*vpath, **params)`: the controller's `default` takes the path and the parameters as they come. */
const ANY_ARGUMENTS: Signature = { slots: [], varargs: true, opaque: true };

/**
 * The base class of XML-RPC controllers: mount a subclass in the tree (with
 * `cherrypy.dispatch.XMLRPCDispatcher` when clients add `/RPC2` to the URL), and expose the
 * methods clients may call. The `xmlrpc` tool is on below it (its `encoding` and `allow_none`
 * options shape the responses).
 *
 * @example An XML-RPC service
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * class Api extends cherrypy.XMLRPCController {
 *   @cherrypy.expose
 *   add(a: number, b: number) {
 *     return a + b;
 *   }
 * }
 * class Root {
 *   xmlrpc = new Api();
 * }
 * const conf = { "/": { "request.dispatch": new cherrypy.dispatch.XMLRPCDispatcher() } };
 * ```
 */
export class XMLRPCController {
  /** Turns the `xmlrpc` tool on (inherited by subclasses through the prototype). */
  declare _cp_config: ConfigDict;

  /**
   * Answers every XML-RPC call: finds the method named in the body among this object's exposed
   * methods (a dotted name walks into sub-objects), calls it with the path segments and the
   * body's params, and responds with what it returns.
   */
  async default(...args: unknown[]): Promise<unknown> {
    const params = args.pop() as Record<string, unknown>;
    const vpath = args as string[];
    const [rpcparams, rpcmethod] = await processBody();
    const [parent, sub, attr] = findMethod(this, String(rpcmethod));
    if (typeof sub !== "function" || !isExposed(sub)) {
      throw new Error(`method "${attr}" is not supported`);
    }
    const method = sub as (...a: unknown[]) => unknown;
    const positional = [...vpath, ...rpcparams];
    let callArgs: readonly unknown[] = positional;
    if (Object.keys(params).length > 0) {
      const { request } = currentServing();
      try {
        callArgs = bindArguments(signatureOf(method), positional as string[], params, {
          bodyParams: request.bodyParamNames,
          showMismatchedParams: true,
        });
      } catch (e) {
        throw new TypeError(`${attr}(): ${e instanceof HTTPError ? e.errorMessage : String(e)}`);
      }
    }
    const body = await method.apply(parent, callArgs as unknown[]);
    const { request, response } = currentServing();
    const conf = (request.toolmaps["tools"]?.["xmlrpc"] ?? {}) as XmlrpcOptions;
    respond(body, conf.encoding ?? "utf-8", conf.allow_none ?? false);
    return response.body;
  }
}

XMLRPCController.prototype._cp_config = { "tools.xmlrpc.on": true };
(XMLRPCController.prototype.default as { _cp_signature?: Signature })._cp_signature = ANY_ARGUMENTS;
expose(XMLRPCController.prototype.default);
