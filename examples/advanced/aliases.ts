/**
 * Aliases for page handlers (docs §5.1): `/generate`, `/generer` (French) and `/generar`
 * (Spanish) all reach the same handler.
 *
 *     deno run -A examples/advanced/aliases.ts
 *     curl http://127.0.0.1:8080/generer?length=4
 *
 * An alias may be one string (`@expose("generer")`) or a list of them.
 *
 * @twin §5.1 #1
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";
import { sample } from "../tutorials/tut02.ts";

/** The application. */
export class StringGenerator {
  /** `length` random hexadecimal digits, at `/generate`, `/generer` and `/generar`. */
  @cherrypy.expose(["generer", "generar"])
  generate(length: string | number = 8): string {
    return sample("0123456789abcdefABCDEF", Number(length));
  }
}

if (cherrypy.isMain(import.meta)) {
  await cherrypy.quickstart(new StringGenerator());
}
