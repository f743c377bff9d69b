/**
 * A small SQLite adapter for tutorial 9 (docs §3.9), in the spirit of Python's `sqlite3`:
 * {@link connect} opens a database file and gives a {@link Connection} with `execute`,
 * `fetchone`, `fetchall` and `close`. It uses the runtime's own SQLite:
 *
 * | runtime          | module        |
 * | ---------------- | ------------- |
 * | Deno             | `node:sqlite` |
 * | Node ≥ 22.13     | `node:sqlite` (Node 22.5 to 22.12: with `--experimental-sqlite`) |
 * | Bun              | `node:sqlite`, or `bun:sqlite` where that is missing |
 *
 * Where a runtime has neither, {@link connect} fails with an error saying so and what to use.
 *
 * @module
 */

/** A value SQLite stores and returns. */
export type SqlValue = string | number | bigint | null | Uint8Array;

/** An open database. Statements run in autocommit mode: each is committed when it ends. */
export interface Connection {
  /** Runs a statement that returns no rows; `?` placeholders take `params` in order. */
  execute(sql: string, params?: readonly SqlValue[]): void;
  /** The first row of a query (its values, in column order), or `null` when there is none. */
  fetchone(sql: string, params?: readonly SqlValue[]): SqlValue[] | null;
  /** Every row of a query. */
  fetchall(sql: string, params?: readonly SqlValue[]): SqlValue[][];
  /** Closes the database. */
  close(): void;
}

/** What `node:sqlite` and `bun:sqlite` statements have in common. */
interface Statement {
  run(...params: SqlValue[]): unknown;
  get(...params: SqlValue[]): Record<string, SqlValue> | null | undefined;
  all(...params: SqlValue[]): Record<string, SqlValue>[];
}

/** What `node:sqlite`'s `DatabaseSync` and `bun:sqlite`'s `Database` have in common. */
interface Database {
  prepare(sql: string): Statement;
  close(): void;
}

type DatabaseClass = new (path: string) => Database;

/** A SQLite module found: its name and its database class. */
export interface SqliteDriver {
  /** `"node:sqlite"` or `"bun:sqlite"`. */
  name: string;
  /** `DatabaseSync` of `node:sqlite`, or `Database` of `bun:sqlite`. */
  Database: DatabaseClass;
}

let driver: Promise<SqliteDriver> | undefined;

/**
 * Finds the runtime's SQLite: `node:sqlite`, else (on Bun) `bun:sqlite`; rejects with an error
 * saying which runtimes have one where neither can be imported. `importModule` and `isBun`
 * stand for the runtime (tests pass others).
 */
export async function findSqlite(
  importModule: (specifier: string) => Promise<Record<string, unknown>> = (s) => import(s),
  isBun: boolean = (globalThis as { Bun?: unknown }).Bun !== undefined,
): Promise<SqliteDriver> {
  // The specifiers are variables so that no type checker or bundler resolves them ahead of time.
  const nodeSqlite = "node:sqlite";
  const bunSqlite = "bun:sqlite";
  let why: unknown;
  try {
    const mod = await importModule(nodeSqlite);
    if (typeof mod["DatabaseSync"] === "function") {
      return { name: nodeSqlite, Database: mod["DatabaseSync"] as DatabaseClass };
    }
    why = new Error("it has no DatabaseSync");
  } catch (error) {
    why = error;
  }
  if (isBun) {
    const mod = await importModule(bunSqlite);
    return { name: bunSqlite, Database: mod["Database"] as DatabaseClass };
  }
  throw new Error(
    "This runtime has no SQLite module: tutorial 9 needs node:sqlite (Deno 2.2 or later, " +
      "Node 22.13 or later, or Node 22.5 to 22.12 with --experimental-sqlite) or bun:sqlite " +
      `(Bun). (import("node:sqlite") failed: ${why instanceof Error ? why.message : String(why)})`,
  );
}

/** The SQLite module in use: `"node:sqlite"` or `"bun:sqlite"`; rejects where there is none. */
export async function sqliteModule(): Promise<string> {
  driver ??= findSqlite();
  return (await driver).name;
}

/** Opens (creating it if needed) the database file `path`, like Python's `sqlite3.connect`. */
export async function connect(path: string): Promise<Connection> {
  driver ??= findSqlite();
  const { Database } = await driver;
  const db = new Database(path);
  const values = (row: Record<string, SqlValue>) => Object.values(row);
  return {
    execute(sql, params = []) {
      db.prepare(sql).run(...params);
    },
    fetchone(sql, params = []) {
      const row = db.prepare(sql).get(...params);
      return row ? values(row) : null;
    },
    fetchall(sql, params = []) {
      return db.prepare(sql).all(...params).map(values);
    },
    close() {
      db.close();
    },
  };
}

/** Runs `body` with a connection to `path` and closes it after, like Python's `with`. */
export async function withConnection<T>(
  path: string,
  body: (connection: Connection) => T | Promise<T>,
): Promise<T> {
  const connection = await connect(path);
  try {
    return await body(connection);
  } finally {
    connection.close();
  }
}
