/**
 * Custom config namespaces (docs §6.3.2): a handler function receives every config entry of
 * its namespace, at the scope where it is registered.
 *
 *     deno run -A examples/configure/namespaces.ts
 *     curl 'http://127.0.0.1:8080/?a=2&b=3'       # 2 + 3 = 5
 *
 * | scope       | registry                                      | called by                       |
 * | ----------- | --------------------------------------------- | ------------------------------- |
 * | global      | `cherrypy.config.namespaces`                  | `cherrypy.config.update`        |
 * | application | `app.namespaces`                              | `app.merge` (so `tree.mount`)   |
 * | request     | `cherrypy.requestNamespaces` (every app), or `app.requestNamespaces` | each request, after dispatch |
 *
 * - `db.connstring` (global) connects the {@link orm}, as in the docs.
 * - `app.title` (application, `[/]` only) names the application.
 * - `convert.*` (request) coerces incoming parameters and outgoing content, like CherryPy's
 *   test namespace: `convert.int = ["a", "b"]` turns those query parameters into numbers
 *   and `convert.upper = True` upper-cases the page. It is given as an `{ enter, exit }`
 *   object (the twin of a context manager): `enter()` returns the function given each entry,
 *   and `exit()` runs once they were all given, here to attach the hooks that do the work.
 *
 * @twin §6.3.2 #1
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** A stand-in for an ORM: remembers what it was connected to. */
export const orm: { connstring: string | null; connect(connstring: string): void } = {
  connstring: null,
  connect(connstring: string) {
    this.connstring = connstring;
  },
};

/** The global `db` namespace: `db.connstring` connects the ORM. */
export function db_namespace(key: string, value: unknown): void {
  if (key === "connstring") orm.connect(String(value));
}
cherrypy.config.namespaces.set("db", db_namespace);

/** The request-scope `convert` namespace (`convert.int`, `convert.upper`). */
export const convertNamespace: cherrypy.RequestNamespaceHandler = (() => {
  let entries: Record<string, unknown> = {};
  return {
    enter() {
      entries = {};
      return (key: string, value: unknown) => {
        entries[key] = value;
      };
    },
    exit() {
      const { int: names = [], upper = false } = entries as { int?: string[]; upper?: boolean };
      const hooks = cherrypy.request.hooks;
      if (names.length > 0) {
        hooks.attach("before_handler", () => {
          const params = cherrypy.request.params;
          for (const name of names) {
            if (params[name] === undefined) continue;
            const n = Number(params[name]);
            if (!Number.isFinite(n)) {
              throw new cherrypy.HTTPError(400, `Parameter ${name} must be a number.`);
            }
            params[name] = n as never;
          }
        });
      }
      if (upper) {
        hooks.attach("before_finalize", () => {
          const response = cherrypy.response;
          if (typeof response.body === "string") response.body = response.body.toUpperCase();
        });
      }
    },
  };
})();
cherrypy.requestNamespaces.set("convert", convertNamespace);

/** The application. */
export class Root {
  /** `/?a=2&b=3`: the parameters arrive as numbers. */
  @cherrypy.expose
  index(a = 0, b = 0): string {
    return `${a} + ${b} = ${a + b}`;
  }

  /** `/shout?text=...`: the page comes out upper-cased. */
  @cherrypy.expose
  shout(text = "hello"): string {
    return `${text}!`;
  }
}

/** The application's config. */
export const conf: cherrypy.AppConfig = {
  "/": { "convert.int": ["a", "b"], "app.title": "Adder" },
  "/shout": { "convert.upper": true },
};

/**
 * Creates the application with its own `app` namespace (registered before the config is
 * merged, so that the `[/]` entries reach it), ready to mount.
 */
export function makeApp(): cherrypy.Application {
  const app = new cherrypy.Application(new Root());
  app.namespaces.set("app", (key, value) => {
    (app as unknown as Record<string, unknown>)[key] = value;
  });
  app.merge(conf);
  return app;
}

if (cherrypy.isMain(import.meta)) {
  cherrypy.config.update({ "db.connstring": "Oracle:host=1.10.100.200;sid=TEST" });
  cherrypy.log(`ORM connected to ${orm.connstring}`);
  await cherrypy.quickstart(makeApp());
}
