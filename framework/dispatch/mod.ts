/**
 * Dispatching: how a URL finds its handler (the default, method, routes and virtual-host
 * dispatchers, route patterns, `popargs`), argument binding and `expose`.
 *
 * @module
 */
export * from "./arguments.ts";
export * from "./dispatch.ts";
export * from "./dispatchers.ts";
export * from "./routes_dispatcher.ts";
export * from "./expose.ts";
export * from "./popargs.ts";
export * from "./route_pattern.ts";
export * from "./signature.ts";
export * from "./xmlrpc_dispatcher.ts";
