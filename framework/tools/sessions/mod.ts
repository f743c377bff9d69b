/**
 * Sessions: the `Session` base class and its store contract, the stores (`RamSession`,
 * `FileSession`), the per-id locks, the `tools.sessions` tool and `cherrypy.session`.
 *
 * @module
 */

export * from "./current.ts";
export { FileSession } from "./file.ts";
export * from "./locks.ts";
export * from "./ram.ts";
export * from "./session.ts";
export * from "./tool.ts";
