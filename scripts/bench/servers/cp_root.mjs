/**
 * The benchmark apps written the CherryPy way, for the programs that run them with the
 * framework (`cp_framework.mjs` over a socket, `../inprocess.mjs` without one).
 *
 * - `GET /`: `root.index()` returns `Hello world!`.
 * - `GET /json`: `root.json()` sets `Content-Type: application/json` through
 *   `cherrypy.response.headers` and returns `JSON.stringify` of a small object.
 * - `GET /users/42/profile`: the nested object `root.users`, whose `default(id, page)` gets the
 *   path segments as positional arguments.
 *
 * @module
 */

import { HELLO_BODY, jsonPayload, profileBody } from "./payloads.mjs";

/**
 * The root object, built with the given `cherrypy` module (the sources or the npm build).
 *
 * @example
 * ```js
 * import * as cherrypy from "../../../mod.ts";
 * import { benchRoot } from "./cp_root.mjs";
 * cherrypy.tree.mount(benchRoot(cherrypy), "");
 * ```
 */
export function benchRoot(cherrypy) {
  const { expose, response, NotFound } = cherrypy;
  return {
    index: expose(function index() {
      return HELLO_BODY;
    }),
    json: expose(function json() {
      response.headers.set("Content-Type", "application/json");
      return JSON.stringify(jsonPayload());
    }),
    users: {
      default: expose(function (id, page) {
        if (page !== "profile") throw new NotFound();
        return profileBody(id);
      }),
    },
  };
}
