/**
 * Server-wide functions (docs §7.1): the bus as a publish/subscribe channel between an
 * application and a plugin.
 *
 *     deno run -A examples/extend/db_plugin.ts
 *     curl 'http://127.0.0.1:8080/save_kart?cart_data=apple,pear'     # Saved 2 items
 *
 * The page handler does not hold a reference to the database: it publishes the cart on the
 * `db-save` channel of the engine, and whoever listens there saves it. {@link DatabasePlugin}
 * is that listener: a `SimplePlugin` whose `start` and `stop` methods follow the engine, and
 * which subscribes to `db-save` only while the engine runs. `SQLiteDB` is a stand-in for a
 * real database class.
 *
 * @twin §7.1.1 #2, §7.1.2 #1, §7.1.2 #2, §7.1.2 #3
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** What the plugin needs from a database. */
export interface Database {
  /** Saves one entity. */
  save(entity: unknown): void;
}

/** A fake database (the docs' `SQLiteDB`): keeps what it saves in memory. */
export class SQLiteDB implements Database {
  /** Everything saved, in order. */
  readonly saved: unknown[] = [];

  /** Saves `entity`. */
  save(entity: unknown): void {
    this.saved.push(entity);
  }
}

/** A shopping cart. */
export class Cart {
  /** The items, from the comma-separated `cart_data`. */
  readonly items: string[];

  /** Makes the cart of `data` (`"apple,pear"`). */
  constructor(data: string) {
    this.items = data.split(",").filter((item) => item !== "");
  }
}

/** Opens database access when the engine starts; saves what is published on `db-save`. */
export class DatabasePlugin extends cherrypy.SimplePlugin {
  /** The database. */
  readonly db: Database;

  /** Creates the plugin for `bus`, with a new database of class `dbClass`. */
  constructor(bus: cherrypy.Bus, dbClass: new () => Database) {
    super(bus);
    this.db = new dbClass();
  }

  /** On `start`: listen on `db-save`. */
  start(): void {
    this.bus.log("Starting up DB access");
    this.bus.subscribe("db-save", this.save_it);
  }

  /** On `stop`: stop listening. */
  stop(): void {
    this.bus.log("Stopping down DB access");
    this.bus.unsubscribe("db-save", this.save_it);
  }

  /** Saves one entity (the `db-save` listener). */
  save_it = (entity: unknown): void => {
    this.db.save(entity);
  };
}

/** The application: publishes carts to be saved. */
export class ECommerce {
  /** `/save_kart?cart_data=a,b`: publishes the cart on `db-save`. */
  @cherrypy.expose
  async save_kart(cart_data: string): Promise<string> {
    const cart = new Cart(cart_data);
    const savers = await cherrypy.engine.publish("db-save", cart);
    return savers.length === 0 ? "Nobody saved the cart" : `Saved ${cart.items.length} items`;
  }
}

if (cherrypy.isMain(import.meta)) {
  new DatabasePlugin(cherrypy.engine, SQLiteDB).subscribe();
  await cherrypy.quickstart(new ECommerce(), "/");
}
