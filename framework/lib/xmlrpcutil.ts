/**
 * `cherrypy.lib.xmlrpcutil`: XML-RPC helpers (CherryPy's `lib/xmlrpcutil.py`), with the wire
 * format itself (`dumps`, `loads`, `Fault`, `DateTime`; Python's `xmlrpc.client`).
 *
 * @example Answering an XML-RPC call by hand
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * const { processBody, respond, Fault } = cherrypy.lib.xmlrpcutil;
 * class Root {
 *   @cherrypy.expose
 *   async rpc() {
 *     const [params, method] = await processBody();
 *     if (method !== "echo") respond(new Fault(1, `no method ${method}`));
 *     else respond(params[0]);
 *     return cherrypy.response.body;
 *   }
 * }
 * ```
 *
 * @module
 */

export { patchedPath, XMLRPCDispatcher } from "../dispatch/xmlrpc_dispatcher.ts";
export {
  onError,
  processBody,
  respond,
  XMLRPCController,
  type XmlrpcOptions,
} from "../tools/xmlrpc.ts";
export {
  DateTime,
  dumps,
  type DumpsOptions,
  encodeDocument,
  Fault,
  pyFloatRepr,
  XMLRPCParseError,
} from "../tools/_xmlrpc_codec.ts";
export { decodeDocument, loads } from "../tools/_xmlrpc_loads.ts";
