/**
 * The site: CherryPy's singletons (`engine`, `tree`, `config`, `log`, `quickstart`), the `Server`
 * plugin, the checker, the timeout monitor and the `WebCase` test helper.
 *
 * @module
 */
export * from "./checker.ts";
export * from "./site.ts";
export * from "./server.ts";
export * from "./testing.ts";
export * from "./timeout.ts";
