/**
 * Tutorial 3: my URLs have parameters.
 *
 * `/generate?length=16` answers 16 random hexadecimal digits; without the parameter the
 * handler's default (8) applies. Query-string keys map to the handler's parameters by name.
 *
 *     deno run -A examples/tutorials/tut03.ts
 *
 * @twin §3.3 #1
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";
import { sample } from "./tut02.ts";

/** The application. */
export class StringGenerator {
  /** The page at `/`. */
  @cherrypy.expose
  index(): string {
    return "Hello world!";
  }

  /** The page at `/generate`: `length` random hexadecimal digits (a string, as sent). */
  @cherrypy.expose
  generate(length: string | number = 8): string {
    return sample("0123456789abcdefABCDEF", Number(length));
  }
}

if (cherrypy.isMain(import.meta)) {
  await cherrypy.quickstart(new StringGenerator());
}
