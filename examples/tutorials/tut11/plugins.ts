/**
 * Tutorial 11's plugin (docs §3.11.3): the crew that keeps the shelves. A plugin works beside
 * the requests, following the engine: it fills the shelves when the engine starts, answers the
 * tills on the bus (`stock-take`, `stock-level`), restocks in the background while the store is
 * open, and empties the shelves when the engine stops.
 *
 * @module
 */
import * as cherrypy from "../../../mod.ts";

/** What the crew answers on `stock-take`. */
export interface StockTake {
  /** Whether the items were taken. */
  taken: boolean;
  /** What is left on the shelf. */
  left: number;
}

/** The stock a shelf is filled to. */
export const FULL_SHELF = 100;

/** The shelves of the store, kept by the engine's crew. */
export class StockPlugin extends cherrypy.SimplePlugin {
  /** What is on the shelves, by product (empty while the store is closed). */
  readonly stock: Map<string, number> = new Map();
  /** The products the crew keeps. */
  readonly products: readonly string[];
  /** The crew's round: refills the shelves every `frequency` seconds while the engine runs. */
  readonly restocker: cherrypy.Monitor;

  /** Creates the plugin for `bus`, keeping `products`, restocking every `frequency` s. */
  constructor(bus: cherrypy.Bus, products: readonly string[], frequency = 60) {
    super(bus);
    this.products = products;
    this.restocker = new cherrypy.Monitor(bus, () => this.restock(), frequency, "Restocker");
  }

  /** Subscribes the plugin and its background round to the bus. */
  override subscribe(): void {
    super.subscribe();
    this.restocker.subscribe();
  }

  /** Unsubscribes both. */
  override unsubscribe(): void {
    this.restocker.unsubscribe();
    super.unsubscribe();
  }

  /** On `start`: fill the shelves and answer the tills. */
  start(): void {
    this.bus.log("Filling the shelves");
    this.restock();
    this.bus.subscribe("stock-take", this.take);
    this.bus.subscribe("stock-level", this.level);
  }

  /** On `stop`: stop answering, empty the shelves. */
  stop(): void {
    this.bus.log("Closing the shelves");
    this.bus.unsubscribe("stock-take", this.take);
    this.bus.unsubscribe("stock-level", this.level);
    this.stock.clear();
  }

  /** Refills every shelf to {@link FULL_SHELF}. */
  restock(): void {
    for (const product of this.products) this.stock.set(product, FULL_SHELF);
  }

  /**
   * `stock-take`: takes `items` of `product` when there are enough. Answers whether it did and
   * what is left on the shelf. (A listener that throws fails the whole publish, which is the
   * bus's error, not the customer's: shortages are answers.)
   */
  take = (product: string, items: number): StockTake => {
    const have = this.stock.get(product) ?? 0;
    if (items > have) return { taken: false, left: have };
    this.stock.set(product, have - items);
    return { taken: true, left: have - items };
  };

  /** `stock-level`: the stock of every product. */
  level = (): Record<string, number> => Object.fromEntries(this.stock);
}
