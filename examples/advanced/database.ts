/**
 * Database support (docs §5.11): a database integrated as the manual's recipe does it, with a
 * plugin and a tool, here with the runtime's own SQLite (through tutorial 9's small adapter).
 *
 * - {@link SQLitePlugin}, on the engine, opens the database when the engine starts (creating
 *   the table), answers `bind-session` on the bus with a new {@link DbSession}, and closes the
 *   database when the engine stops;
 * - {@link DbSessionTool}, the tool `tools.db`, gets a session for each request from the bus
 *   (`cherrypy.request.db`), commits what the handler wrote once the handler has answered,
 *   and throws it away when the answer is an error: each request is one transaction.
 *
 *     deno run -A examples/advanced/database.ts
 *     curl -d 'text=buy cherries' http://127.0.0.1:8080/add
 *     curl http://127.0.0.1:8080/                  # the notes, one a line
 *     curl -d 'first=ok' -d 'second=' http://127.0.0.1:8080/add_two   # 400, nothing saved
 *
 * The handlers never open the database: they use the session the tool put on the request, and
 * the plugin decides what database that is (tests give it a file of their own). Writes are
 * queued in the session and run in one transaction at commit, synchronously, so concurrent
 * requests never interleave inside a transaction. `DB_PATH` names the database file
 * (`notes.db` by default), `PORT` serves elsewhere than 8080.
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";
import { connect, type Connection, type SqlValue } from "../tutorials/tut09/sqlite.ts";

/** One request's unit of work: reads go straight to the database, writes wait for commit. */
export class DbSession {
  /** The open database. */
  readonly connection: Connection;
  /** The writes to run at commit, in order. */
  readonly pending: Array<[string, SqlValue[]]> = [];

  /** Creates a session over `connection`. */
  constructor(connection: Connection) {
    this.connection = connection;
  }

  /** Every row of a query. */
  query(sql: string, params: SqlValue[] = []): SqlValue[][] {
    return this.connection.fetchall(sql, params);
  }

  /** Queues a write for {@link DbSession.commit}. */
  execute(sql: string, params: SqlValue[] = []): void {
    this.pending.push([sql, params]);
  }

  /** Runs the queued writes in one transaction (all or none), then forgets them. */
  commit(): void {
    const writes = this.pending.splice(0);
    if (writes.length === 0) return;
    this.connection.execute("BEGIN");
    try {
      for (const [sql, params] of writes) this.connection.execute(sql, params);
      this.connection.execute("COMMIT");
    } catch (error) {
      this.connection.execute("ROLLBACK");
      throw error;
    }
  }

  /** Forgets the queued writes. */
  rollback(): void {
    this.pending.length = 0;
  }
}

/** Opens the database while the engine runs, and hands out sessions on `bind-session`. */
export class SQLitePlugin extends cherrypy.SimplePlugin {
  /** The database file. */
  readonly path: string;
  /** The open database (`null` while the engine is stopped). */
  connection: Connection | null = null;

  /** Creates the plugin for `bus`, with the database file `path`. */
  constructor(bus: cherrypy.Bus, path: string) {
    super(bus);
    this.path = path;
  }

  /** On `start`: open the database, make the table, answer `bind-session`. */
  async start(): Promise<void> {
    this.bus.log(`Opening the database ${this.path}`);
    this.connection = await connect(this.path);
    this.connection.execute(
      "CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)",
    );
    this.bus.subscribe("bind-session", this.bind);
  }

  /** On `stop`: stop answering, close the database. */
  stop(): void {
    this.bus.log("Closing the database");
    this.bus.unsubscribe("bind-session", this.bind);
    this.connection?.close();
    this.connection = null;
  }

  /** `bind-session`: a new session over the open database. */
  bind = (): DbSession => {
    if (this.connection === null) throw new Error("The database is not open.");
    return new DbSession(this.connection);
  };
}

/**
 * `tools.db`: at `on_start_resource`, a session from the bus on `cherrypy.request.db` (503 when
 * no plugin answers); after the handler (`before_finalize`), commit; at `on_end_resource`,
 * whatever was not committed (the handler failed) is thrown away.
 */
export class DbSessionTool extends cherrypy.Tool {
  /** Creates the tool (hooked at `on_start_resource`, priority 20). */
  constructor() {
    super("on_start_resource", async function (this: cherrypy.Tool) {
      await (this as DbSessionTool).bindSession();
    }, { priority: 20 });
  }

  /** Attaches the tool's hook, then the commit and the clean-up. */
  override _setup(): void {
    super._setup();
    const hooks = cherrypy.request.hooks;
    hooks.attach("before_finalize", () => this.commitSession(), { priority: 80 });
    hooks.attach("on_end_resource", () => this.releaseSession(), { priority: 80 });
  }

  /** Puts a session on the request. */
  async bindSession(): Promise<void> {
    const [session] = await cherrypy.engine.publish("bind-session");
    if (session === undefined) throw new cherrypy.HTTPError(503, "The database is not open.");
    cherrypy.request.db = session;
  }

  /**
   * Commits the request's session, unless the response is an error (`before_finalize` runs
   * for the error responses of `HTTPError` too, as in CherryPy).
   */
  commitSession(): void {
    const status = parseInt(String(cherrypy.response.status), 10);
    if (status >= 400) return;
    (cherrypy.request.db as DbSession | undefined)?.commit();
  }

  /** Throws away what the request's session did not commit. */
  releaseSession(): void {
    (cherrypy.request.db as DbSession | undefined)?.rollback();
    cherrypy.request.db = undefined;
  }
}

cherrypy.tools.db = new DbSessionTool();

/** The request's session (set by `tools.db`). */
function db(): DbSession {
  return cherrypy.request.db as DbSession;
}

/** A note's text: 1 to 200 characters (400 otherwise). */
function checked(text: string, field: string): string {
  if (text.trim() === "" || text.length > 200) {
    throw new cherrypy.HTTPError(400, `${field} must have 1 to 200 characters.`);
  }
  return text;
}

/** The application: notes kept in the database. */
export class Notes {
  /** `GET /`: every note, one a line. */
  @cherrypy.expose
  index(): string {
    cherrypy.response.headers.set("Content-Type", "text/plain;charset=utf-8");
    return db().query("SELECT id, text FROM notes ORDER BY id")
      .map(([id, text]) => `${id}: ${text}\n`).join("");
  }

  /** `POST /add`: adds a note. */
  @cherrypy.expose
  add(text = ""): string {
    db().execute("INSERT INTO notes (text) VALUES (?)", [checked(text, "text")]);
    return "Saved.";
  }

  /** `POST /add_two`: adds two notes, or none when the second is not valid. */
  @cherrypy.expose
  add_two(first = "", second = ""): string {
    db().execute("INSERT INTO notes (text) VALUES (?)", [checked(first, "first")]);
    db().execute("INSERT INTO notes (text) VALUES (?)", [checked(second, "second")]);
    return "Saved both.";
  }
}

/** The application's config: the tool on everywhere. */
export const conf: cherrypy.AppConfig = { "/": { "tools.db.on": true } };

if (cherrypy.isMain(import.meta)) {
  const port = cherrypy.platform.getEnv("PORT");
  if (port !== undefined) cherrypy.config.update({ "server.socket_port": Number(port) });
  new SQLitePlugin(cherrypy.engine, cherrypy.platform.getEnv("DB_PATH") ?? "notes.db").subscribe();
  await cherrypy.quickstart(new Notes(), "/", conf);
}
