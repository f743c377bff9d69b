/**
 * Tutorial 2: different URLs lead to different functions.
 *
 * `/` answers "Hello world!" and `/generate` a random string of 8 hexadecimal digits.
 *
 *     deno run -A examples/tutorials/tut02.ts
 *
 * @twin §3.2 #1
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

const HEXDIGITS = "0123456789abcdefABCDEF";

/** `length` distinct characters picked at random from `population` (Python's `random.sample`). */
export function sample(population: string, length: number): string {
  const pool = [...population];
  if (!Number.isInteger(length) || length < 0 || length > pool.length) {
    throw new RangeError("Sample larger than population or is negative");
  }
  let out = "";
  for (let i = 0; i < length; i++) {
    const j = i + Math.floor(Math.random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    out += pool[i];
  }
  return out;
}

/** The application. */
export class StringGenerator {
  /** The page at `/`. */
  @cherrypy.expose
  index(): string {
    return "Hello world!";
  }

  /** The page at `/generate`: 8 random hexadecimal digits. */
  @cherrypy.expose
  generate(): string {
    return sample(HEXDIGITS, 8);
  }
}

if (cherrypy.isMain(import.meta)) {
  await cherrypy.quickstart(new StringGenerator());
}
