/**
 * Dealing with JSON (docs §4.8): `tools.json_in` decodes request bodies into
 * `cherrypy.request.json`, `tools.json_out` encodes what a handler returns.
 *
 *     deno run -A examples/basics/json.ts
 *     curl -X POST -H 'Content-Type: application/json' -d '{"name": "Ada"}' \
 *       http://127.0.0.1:8080/decoding/           # decoded: {"name":"Ada"} (the server log)
 *     curl http://127.0.0.1:8080/encoding/        # {"key": "value"}
 *
 * The docs' two `Root` classes are {@link Decoding} and {@link Encoding} here, mounted side by
 * side. `Decoding.index`, as in the docs, returns nothing: what it decoded goes to `received`
 * (and the log), for a look at what `request.json` held.
 *
 * @twin §4.8.1 #1, §4.8.2 #1
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** What {@link Decoding.index} received, last first. */
export const received: unknown[] = [];

/** §4.8.1 Decoding request. */
export class Decoding {
  /** Reads the decoded document from `request.json`. */
  @cherrypy.expose
  @cherrypy.tools.json_in()
  index(): void {
    const data = cherrypy.request.json;
    received.unshift(data);
    cherrypy.log(`decoded: ${JSON.stringify(data)}`);
  }
}

/** §4.8.2 Encoding response. */
export class Encoding {
  /** Returns an object: it is sent as JSON. */
  @cherrypy.expose
  @cherrypy.tools.json_out()
  index(): Record<string, string> {
    return { key: "value" };
  }
}

/** Both, as one site. */
export class Root {
  /** `/decoding/`. */
  decoding: Decoding = new Decoding();
  /** `/encoding/`. */
  encoding: Encoding = new Encoding();
}

if (cherrypy.isMain(import.meta)) {
  await cherrypy.quickstart(new Root());
}
