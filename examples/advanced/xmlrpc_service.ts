/**
 * An XML-RPC service: a controller whose exposed methods XML-RPC clients call (Python's
 * `xmlrpc.client.ServerProxy`, or any other), under `/xmlrpc/` or `/RPC2/xmlrpc/`.
 *
 *     deno run -A examples/advanced/xmlrpc_service.ts
 *     python3 -c "from xmlrpc.client import ServerProxy as P; \
 *       p = P('http://127.0.0.1:8080/xmlrpc/'); print(p.add(2, 3), p.notes.count())"
 *     # 5 0
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

const { Fault } = cherrypy.lib.xmlrpcutil;

/** Methods under `notes.` (a dotted name walks into this object). */
export class Notes {
  /** The notes kept. */
  readonly items: string[] = [];

  /** Adds a note; returns how many there are. */
  @cherrypy.expose
  add(text: unknown): number | InstanceType<typeof Fault> {
    if (typeof text !== "string" || text === "") return new Fault(2, "a note is some text");
    this.items.push(text);
    return this.items.length;
  }

  /** How many notes there are. */
  @cherrypy.expose
  count(): number {
    return this.items.length;
  }
}

/** The service: `add`, `divide`, `notes.add`, `notes.count`. */
export class Api extends cherrypy.XMLRPCController {
  /** The notes. */
  notes: Notes = new Notes();

  /** The sum of two numbers. */
  @cherrypy.expose
  add(a: number, b: number): number {
    return a + b;
  }

  /** `a / b`; dividing by zero is a fault (code 1, the error's message). */
  @cherrypy.expose
  divide(a: number, b: number): number {
    if (b === 0) throw new RangeError("division by zero");
    return a / b;
  }
}

/** The site: the service at `/xmlrpc`. */
export class Root {
  /** The XML-RPC service. */
  xmlrpc: Api = new Api();
}

/** The application's config: the XML-RPC dispatcher allows the `/RPC2` prefix. */
export const config: cherrypy.AppConfig = {
  "/": { "request.dispatch": new cherrypy.dispatch.XMLRPCDispatcher() },
};

if (cherrypy.isMain(import.meta)) await cherrypy.quickstart(new Root(), "", config);
