/**
 * The benchmark apps written the CherryPy way, for the programs that run them with the
 * framework (`cp_framework.mjs` over a socket, `../inprocess.mjs` without one).
 *
 * - `GET /`: `root.index()` returns `Hello world!`.
 * - `GET /json`: `root.json()` sets `Content-Type: application/json` through
 *   `cherrypy.response.headers` and returns `JSON.stringify` of a small object.
 * - `GET /users/42/profile`: the nested object `root.users`, whose `default(id, page)` gets the
 *   path segments as positional arguments.
 * - `GET /session`: `root.session()` reads the counter of `cherrypy.session` (the `sessions`
 *   tool, RAM storage), increments it and returns it as text.
 * - `GET /static/<file>`: no handler; the `staticdir` tool serves the file from a folder.
 * - `GET /json_out`: `root.json_out()` returns the object; the `json_out` tool serializes it.
 *
 * The last three need their tool switched on: {@link benchConfig} gives the config of one app.
 *
 * @module
 */

import { HELLO_BODY, jsonPayload, profileBody, STATIC_PREFIX } from "./payloads.mjs";

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
    session: expose(function session() {
      const count = cherrypy.session.get("count", 0) + 1;
      cherrypy.session.set("count", count);
      return String(count);
    }),
    json_out: expose(function json_out() {
      return jsonPayload();
    }),
    // The websocket group's `/ws` (the tool answers it; the page only has to exist).
    ws: expose(function ws() {}),
  };
}

/**
 * The application config that switches on the tool app `app` goes through (`{}` for the apps
 * that need none), so that a server measuring one app runs no other app's tool:
 *
 * - `session`: `tools.sessions.on` on `/session` (RAM storage, CherryPy's default);
 * - `static_css`, `static_1mb`: `tools.staticdir.on` on `/static`, with `tools.staticdir.dir` the
 *   folder `staticDir` (absolute);
 * - `json_out`: `tools.json_out.on` on `/json_out`.
 *
 * @example
 * ```js
 * import { benchConfig } from "./cp_root.mjs";
 * benchConfig("session"); // { "/session": { "tools.sessions.on": true } }
 * ```
 */
export function benchConfig(app, staticDir) {
  switch (app) {
    case "session":
      return { "/session": { "tools.sessions.on": true } };
    case "static_css":
    case "static_1mb":
      if (!staticDir) throw new Error(`the ${app} app needs BENCH_STATIC_DIR`);
      return {
        [STATIC_PREFIX]: { "tools.staticdir.on": true, "tools.staticdir.dir": staticDir },
      };
    case "json_out":
      return { "/json_out": { "tools.json_out.on": true } };
    default:
      return {};
  }
}
