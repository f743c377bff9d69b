/**
 * The coupled way (docs §7.1.1, "Typical pattern"): the application holds the database and
 * saves carts into it itself.
 *
 *     deno run -A examples/extend/coupled_db.ts
 *     curl 'http://127.0.0.1:8080/save_kart?cart_data=apple,pear'   # (empty page) saved
 *
 * The docs start from this to show what the bus is for: `ECommerce` cannot be built without
 * a database, and it knows which one it uses. `db_plugin.ts` is the decoupled version, where
 * the handler publishes the cart on the engine's `db-save` channel and a plugin saves it.
 *
 * `PORT` serves elsewhere than 8080.
 *
 * @twin §7.1.1 #1
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";
import { Cart, type Database, SQLiteDB } from "./db_plugin.ts";

/** The application, bound to its database. */
export class ECommerce {
  /** The database the carts are saved into. */
  readonly mydb: Database;

  /** Creates the application for `db`. */
  constructor(db: Database) {
    this.mydb = db;
  }

  /** `/save_kart?cart_data=a,b`: saves the cart (the page is empty, as in the docs). */
  @cherrypy.expose
  save_kart(cart_data: string): void {
    const cart = new Cart(cart_data);
    this.mydb.save(cart);
  }
}

if (cherrypy.isMain(import.meta)) {
  const port = cherrypy.platform.getEnv("PORT");
  if (port !== undefined) cherrypy.config.update({ "server.socket_port": Number(port) });
  await cherrypy.quickstart(new ECommerce(new SQLiteDB()), "/");
}
