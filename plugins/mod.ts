/**
 * Engine plugins: services that follow the bus's life cycle.
 *
 * @example Serve a Fetch handler until SIGTERM
 * ```ts
 * import { Bus } from "../mod.ts";
 * import { HTTPServer } from "../mod.ts";
 * import { ServerAdapter, SignalHandler } from "../mod.ts";
 * const bus = new Bus();
 * new SignalHandler(bus).subscribe();
 * new ServerAdapter(bus, new HTTPServer({ host: "127.0.0.1", port: 0 }, () => new Response("hi")))
 *   .subscribe();
 * await bus.start();
 * await bus.exit();
 * ```
 *
 * @module
 */
export * from "./simple_plugin.ts";
export * from "./signal_handler.ts";
export * from "./server_adapter.ts";
export * from "./pidfile.ts";
export * from "./daemonizer.ts";
export * from "./drop_privileges.ts";
export * from "./monitor.ts";
export * from "./autoreload.ts";
export * from "./thread_manager.ts";
export * from "./workers.ts";
