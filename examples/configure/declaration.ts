/**
 * Declaring config (docs §6.1 and §6.2.1): global config set first, as an object or from a
 * file; then each application mounted with its own config, an object or a file.
 *
 *     deno run -A examples/configure/declaration.ts
 *     tail -f /tmp/declaration-logs/myapp.log        # production: the log goes to the file
 *     curl http://127.0.0.1:8080/                    # the site's home
 *     curl -i http://127.0.0.1:8080/path/to/my/page  # streamed: Transfer-Encoding: chunked
 *     curl -d 'name=cherry' http://127.0.0.1:8080/myapp     # POST, by the MethodDispatcher
 *     curl http://127.0.0.1:8080/blog                # no redirect to /blog/: trailing_slash off
 *
 * In the order the docs recommend (§6.2.1, "Separate Configuration Files"):
 *
 * 1. Global config: {@link globalConf} (`cherrypy.config.update` with an object, §6.1.1; the
 *    docs' public address and port 80 become 127.0.0.1:8080 here), then the `[global]` section
 *    of `declaration.conf` (§6.2.1, values in Python syntax): `environment = 'production'`
 *    (no tracebacks in pages, the screen log off), the error log in a file, and request
 *    bodies limited to 1200 bytes (413 beyond).
 * 2. The applications: {@link Root} at `""` with `declaration.conf`'s path sections
 *    (`/myapp` has the `MethodDispatcher`; `/path/to/my/page` streams its response), the
 *    {@link Forum} at `/forum` with no config, and the {@link Blog} at `/blog` with
 *    {@link blogConf}, the docs' config object of §6.1.2.
 * 3. The engine: signal handling on, started, blocked on.
 *
 * The docs' log file, `/home/fumanchu/myapp.log`, is `myapp.log` in `LOG_DIR`
 * (`/tmp/declaration-logs` by default) here; `PORT` serves elsewhere than 8080. Outside a
 * request, `cherrypy.response` holds the defaults (§6.3): `cherrypy.response.stream` is
 * `false`, which `[/path/to/my/page]` changes for that page alone.
 *
 * @twin §6.1.1 #1, §6.1.2 #2, §6.2.1 #1, §6.2.1 #2, §6.2.1 #3, §6.3 #1
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** `declaration.conf`, beside this module. */
export const DECLARATION_CONF: string = decodeURIComponent(
  new URL("declaration.conf", import.meta.url).pathname,
);

/** The docs' global config object (§6.1.1), with a host and port that can be bound here. */
export function globalConf(port = 8080): Record<string, unknown> {
  return { "server.socket_host": "127.0.0.1", "server.socket_port": port };
}

/** `declaration.conf`, parsed, with the docs' `/home/fumanchu` replaced by `logDir`. */
export function declarationConf(logDir: string): cherrypy.AppConfig {
  const text = cherrypy.platform.readTextFileSync(DECLARATION_CONF);
  return cherrypy.lib.reprconf.parseConfig(
    text.replaceAll("/home/fumanchu", logDir),
    DECLARATION_CONF,
  );
}

/** `/path/to/my/`, whose `page` streams its parts as they are made (`response.stream`). */
export class My {
  /** `/path/to/my/page` */
  @cherrypy.expose
  *page(): Generator<string> {
    yield `stream: ${cherrypy.response.stream}\n`;
    for (const part of ["one\n", "two\n", "three\n"]) yield part;
  }
}

/** `/myapp`: a resource, answered by HTTP method (the `MethodDispatcher` of `[/myapp]`). */
@cherrypy.expose
export class MyApp {
  /** `GET /myapp` */
  GET(): string {
    return "GET /myapp";
  }

  /** `POST /myapp`: the body is at most 1200 bytes (`server.max_request_body_size`). */
  POST(name = "nobody"): string {
    return `POST /myapp: hello ${name}`;
  }
}

/** The site's home application (the docs' `root1`, mounted at `""`). */
export class Root {
  /** `/path/to/my/page` */
  path: { to: { my: My } } = { to: { my: new My() } };
  /** `/myapp` */
  myapp: MyApp = new MyApp();

  /** `/` */
  @cherrypy.expose
  index(): string {
    return "Home";
  }

  /** `/broken`: fails; in production the error page shows no traceback, the log file does. */
  @cherrypy.expose
  broken(): string {
    throw new Error("the home page is broken");
  }
}

/** The forum (`root2`, at `/forum`). */
export class Forum {
  /** `/forum/` */
  @cherrypy.expose
  index(): string {
    return "Forum";
  }
}

/** The blog (`root3`, at `/blog`): a resource for the `MethodDispatcher` of {@link blogConf}. */
@cherrypy.expose
export class Blog {
  /** `GET /blog` */
  GET(): string {
    return "Blog";
  }
}

/** The docs' application config object (§6.1.2), for the blog. */
export const blogConf: cherrypy.AppConfig = {
  "/": {
    "request.dispatch": new cherrypy.dispatch.MethodDispatcher(),
    "tools.trailing_slash.on": false,
  },
};

/**
 * Sets the global config, in the docs' order: the object, then the file's `[global]`.
 * Returns the file's application sections, for {@link mountApps}.
 */
export function configure(port: number, logDir: string): cherrypy.AppConfig {
  const { global = {}, ...paths } = declarationConf(logDir);
  cherrypy.config.update(globalConf(port));
  cherrypy.config.update({ global });
  return paths;
}

/** Mounts the three applications on `tree`, each with its own config (`paths`: the root's). */
export function mountApps(paths: cherrypy.AppConfig, tree: cherrypy.Tree = cherrypy.tree): void {
  tree.mount(new Root(), "", paths);
  tree.mount(new Forum(), "/forum");
  tree.mount(new Blog(), "/blog", blogConf);
}

if (cherrypy.isMain(import.meta)) {
  const logDir = cherrypy.platform.getEnv("LOG_DIR") ?? "/tmp/declaration-logs";
  await cherrypy.platform.makeDir(logDir);
  const conf = configure(Number(cherrypy.platform.getEnv("PORT") ?? "8080"), logDir);
  mountApps(conf);
  cherrypy.engine.signals.subscribe();
  await cherrypy.engine.start();
  await cherrypy.engine.block();
}
