/**
 * The Web Site Process Bus: the state machine and channels that run a site's life cycle.
 *
 * @example Start and stop a bus
 * ```ts
 * import { Bus, states } from "../mod.ts";
 * const bus = new Bus();
 * bus.subscribe("start", () => console.log("starting services"));
 * await bus.start();
 * console.log(bus.state === states.STARTED); // true
 * await bus.exit();
 * ```
 *
 * @module
 */
export * from "./bus.ts";
