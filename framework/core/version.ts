/**
 * The framework's version.
 *
 * @module
 */

/** The version of cherrypy-ts (kept equal to `deno.json`'s `version`). */
export const VERSION = "0.1.0";

/** The `Server` response header's value. */
export const SERVER_SOFTWARE = `CherryPy-TS/${VERSION}`;
