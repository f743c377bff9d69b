/**
 * A tailored dispatcher (docs §7.3): `ForceLowerDispatcher` lower-cases the path before the
 * default dispatcher walks the tree, so `/GENerAte` reaches `generate` as `/generate` does.
 *
 *     deno run -A examples/extend/force_lower.ts
 *     curl 'http://127.0.0.1:8080/GENerAte?length=8'
 *
 * A tool could not do this: tools run after the handler has been found, and without this
 * dispatcher `/GENerAte` finds none (404).
 *
 * @twin §7.3 #1
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";
import { sample } from "../tutorials/tut02.ts";

/** The application. */
export class StringGenerator {
  /** `length` random hexadecimal digits. */
  @cherrypy.expose
  generate(length: string | number = 8): string {
    return sample("0123456789abcdefABCDEF", Number(length));
  }
}

/** The default dispatcher, on the lower-cased path. */
export class ForceLowerDispatcher extends cherrypy.Dispatcher {
  /** Dispatches `pathInfo.toLowerCase()`. */
  override dispatch(pathInfo: string, request: cherrypy.DispatchTarget): void {
    super.dispatch(pathInfo.toLowerCase(), request);
  }
}

/** The application's config. */
export const conf: cherrypy.AppConfig = {
  "/": {
    "request.dispatch": new ForceLowerDispatcher(),
  },
};

if (cherrypy.isMain(import.meta)) {
  await cherrypy.quickstart(new StringGenerator(), "/", conf);
}
