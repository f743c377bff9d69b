/**
 * Tutorial 9 (docs §3.9): data is all my life. Tutorial 8's page and web service, with the
 * string kept in a SQLite database (`my.db`) instead of the session: one row of the
 * `user_string` table per session id. Two engine subscriptions create the table when the
 * engine starts and drop it when it stops, as the docs' `setup_database` and
 * `cleanup_database` do.
 *
 *     cd examples/tutorials/tut08 && deno run -A ../tut09/tut09.ts
 *     curl -c jar -b jar -X POST -d length=12 http://127.0.0.1:8080/generator
 *     curl -c jar -b jar http://127.0.0.1:8080/generator
 *
 * The page is tutorial 8's (`index.html` and `public/`, read from the current directory as in
 * the docs): run it from tutorial 8's folder. The database file is created in the current
 * directory too.
 *
 * SQLite is the runtime's own, through the small adapter in `sqlite.ts`: `node:sqlite` on Deno
 * and Node (22.13 or later), `bun:sqlite` on a Bun without `node:sqlite`. As in the docs, each
 * call opens and closes its connection.
 *
 * The service still writes a timestamp into the session (`ts`) so that the session, and its
 * id, is kept between requests: an untouched session is not saved, as the docs explain.
 *
 * @twin §3.9 #1
 *
 * @module
 */
import * as cherrypy from "../../../mod.ts";
import { sample } from "../tut02.ts";
import { config, StringGenerator } from "../tut08/tut08.ts";
import { withConnection } from "./sqlite.ts";

/** The database file, in the current directory. */
export const DB_STRING = "my.db";

/** The web service, reading and writing the `user_string` table of the database `dbString`. */
@cherrypy.expose
export class StringGeneratorWebService {
  /** The database file. */
  readonly dbString: string;

  constructor(dbString: string = DB_STRING) {
    this.dbString = dbString;
  }

  /** The session's string (an empty body when there is none). */
  @cherrypy.tools.accept({ media: "text/plain" })
  GET(): Promise<string> {
    return withConnection(this.dbString, (c) => {
      cherrypy.session["ts"] = Date.now() / 1000;
      const row = c.fetchone("SELECT value FROM user_string WHERE session_id=?", [
        cherrypy.session.id,
      ]);
      return row === null ? "" : String(row[0]);
    });
  }

  /** Generates a string of `length` hexadecimal digits, stores it and returns it. */
  async POST(length: string | number = 8): Promise<string> {
    const someString = sample("0123456789abcdefABCDEF", Number(length));
    await withConnection(this.dbString, (c) => {
      cherrypy.session["ts"] = Date.now() / 1000;
      c.execute("INSERT INTO user_string VALUES (?, ?)", [cherrypy.session.id, someString]);
    });
    return someString;
  }

  /** Replaces the session's string. */
  async PUT(another_string: string): Promise<void> {
    await withConnection(this.dbString, (c) => {
      cherrypy.session["ts"] = Date.now() / 1000;
      c.execute("UPDATE user_string SET value=? WHERE session_id=?", [
        another_string,
        cherrypy.session.id,
      ]);
    });
  }

  /** Deletes the session's string. */
  async DELETE(): Promise<void> {
    cherrypy.session.pop("ts", null);
    await withConnection(this.dbString, (c) => {
      c.execute("DELETE FROM user_string WHERE session_id=?", [cherrypy.session.id]);
    });
  }
}

/** Creates the `user_string` table in the database, on server start-up. */
export function setupDatabase(dbString: string = DB_STRING): Promise<void> {
  return withConnection(dbString, (c) => c.execute("CREATE TABLE user_string (session_id, value)"));
}

/** Drops the `user_string` table from the database, on server shutdown. */
export function cleanupDatabase(dbString: string = DB_STRING): Promise<void> {
  return withConnection(dbString, (c) => c.execute("DROP TABLE user_string"));
}

/** Subscribes {@link setupDatabase} to `start` and {@link cleanupDatabase} to `stop` of `bus`. */
export function subscribeDatabase(
  bus: { subscribe(channel: string, callback: () => unknown): unknown },
  dbString: string = DB_STRING,
): void {
  bus.subscribe("start", () => setupDatabase(dbString));
  bus.subscribe("stop", () => cleanupDatabase(dbString));
}

/** Tutorial 8's page with this web service at `/generator`, as the docs assemble it. */
export function webapp(
  root: string = cherrypy.platform.cwd(),
  dbString: string = DB_STRING,
): StringGenerator {
  const app = new StringGenerator(root);
  app.generator = new StringGeneratorWebService(dbString);
  return app;
}

export { config };

if (cherrypy.isMain(import.meta)) {
  subscribeDatabase(cherrypy.engine);
  await cherrypy.quickstart(webapp(), "/", config());
}
