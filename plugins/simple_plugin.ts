/**
 * `SimplePlugin`: the base class of engine plugins whose methods are named after bus channels.
 *
 * @module
 */

import type { Bus, Listener } from "../bus/mod.ts";

/**
 * Method decorator that sets the bus priority a {@link SimplePlugin} method subscribes with
 * (lower runs first; default 50). It can also be called on a method, as CherryPy sets
 * `start.priority = 70`: the library's own plugins do so (`priority(70)(PIDFile.prototype.start)`),
 * so that its sources hold only syntax a type stripper (`node app.ts`) can erase.
 *
 * @example Using `priority`
 * ```ts
 * import { priority, SimplePlugin } from "../mod.ts";
 * class Early extends SimplePlugin {
 *   @priority(10)
 *   start() { this.bus.log("Early plugin started."); }
 * }
 * ```
 */
export function priority(
  value: number,
): <F extends Listener>(method: F, context?: ClassMethodDecoratorContext) => F {
  return function <F extends Listener>(method: F, _context?: ClassMethodDecoratorContext): F {
    method.priority = value;
    return method;
  };
}

/**
 * A plugin whose methods named after bus channels (`start`, `stop`, `exit`, `graceful`,
 * `main`, `log`, or any channel that exists when {@link SimplePlugin.subscribe} runs) are
 * subscribed to those channels, each at its `priority` (see {@link priority}) or 50.
 *
 * @example A plugin that opens and closes a resource with the engine
 * ```ts
 * import { Bus } from "../mod.ts";
 * import { SimplePlugin } from "../mod.ts";
 * class Database extends SimplePlugin {
 *   start() { this.bus.log("Opening the database."); }
 *   stop() { this.bus.log("Closing the database."); }
 * }
 * const bus = new Bus();
 * new Database(bus).subscribe();
 * await bus.start();
 * await bus.exit();
 * ```
 */
export class SimplePlugin {
  /** The bus this plugin serves. */
  readonly bus: Bus;
  readonly #bound = new Map<string, Listener>();

  /** Creates the plugin for `bus`; nothing is subscribed until {@link SimplePlugin.subscribe}. */
  constructor(bus: Bus) {
    this.bus = bus;
  }

  #listenerFor(channel: string): Listener | undefined {
    let bound = this.#bound.get(channel);
    if (bound === undefined) {
      const method = (this as unknown as Record<string, unknown>)[channel];
      if (typeof method !== "function") return undefined;
      const fn = method as Listener;
      bound = fn.bind(this) as Listener;
      Object.defineProperty(bound, "name", { value: `${this.constructor.name}.${channel}` });
      if (fn.priority !== undefined) bound.priority = fn.priority;
      this.#bound.set(channel, bound);
    }
    return bound;
  }

  /** Subscribes every method whose name is a bus channel. */
  subscribe(): void {
    for (const channel of [...this.bus.listeners.keys()]) {
      const listener = this.#listenerFor(channel);
      if (listener !== undefined) this.bus.subscribe(channel, listener);
    }
  }

  /** Unsubscribes what {@link SimplePlugin.subscribe} subscribed. */
  unsubscribe(): void {
    for (const [channel, listener] of this.#bound) this.bus.unsubscribe(channel, listener);
  }
}
