/**
 * The site of CherryPy's test_session (its `setup_server`), shared by the ports of its test
 * classes: `SessionTest` (the RAM and file stores, `session_test.ts`) and `MemcachedSessionTest`
 * (a port for a network store mounts the same site with `siteForSessions()` and switches the
 * store with `/set_session_cls/cherrypy.lib.sessions.<Store>`, the store's class registered
 * under that name).
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";
import { suiteSite } from "./_suite.ts";

const { expose } = cherrypy;
const { sessions } = cherrypy.lib;

/** CherryPy's test tool `http_methods_allowed` (named so here, beside the built-in `allow`). */
function httpMethodsAllowed({ methods = ["GET", "HEAD"] }: { methods?: string[] }) {
  const method = cherrypy.request.method.toUpperCase();
  if (!methods.includes(method)) {
    cherrypy.response.headers.set("Allow", methods.join(", "));
    throw new cherrypy.HTTPError(405);
  }
}

/** The site: a private tree and a real socket; `localDir` holds the file store's sessions. */
export function siteForSessions(localDir: string) {
  const toolbox = cherrypy.tools as cherrypy.DefaultTools;
  toolbox.http_methods_allowed ??= new cherrypy.Tool("on_start_resource", httpMethodsAllowed);

  // The class's config (CherryPy's `Root._cp_config`, a class attribute shared by instances).
  const rootConfig: Record<string, unknown> = {
    "tools.sessions.on": true,
    "tools.sessions.storage_class": sessions.RamSession,
    "tools.sessions.storage_path": localDir,
    "tools.sessions.timeout": 1.0 / 60,
    "tools.sessions.clean_freq": 1.0 / 60,
  };

  class Root {
    _cp_config = rootConfig;

    @expose
    clear() {
      sessions.RamSession.cache.clear();
    }

    // CherryPy's `@cherrypy.tools.json_out()` writes Python's JSON; here the handler does.
    @expose
    data() {
      cherrypy.session["aha"] = "foo";
      cherrypy.response.headers.set("Content-Type", "application/json");
      return JSON.stringify(sessions.currentSession()._data);
    }

    @expose
    *testGen() {
      const counter = cherrypy.session.get("counter", 0) + 1;
      cherrypy.session["counter"] = counter;
      yield String(counter);
    }

    @expose
    testStr() {
      const counter = cherrypy.session.get("counter", 0) + 1;
      cherrypy.session["counter"] = counter;
      return String(counter);
    }

    // CherryPy deletes `cherrypy.session` here, so that the next request calls the new
    // class's setup(); stores here are set up once each, on their first use.
    @expose
    @cherrypy.config({ "tools.sessions.on": false })
    async set_session_cls(new_cls_name: string) {
      const newCls = cherrypy.configRegistry.resolve(new_cls_name) as typeof sessions.Session;
      rootConfig["tools.sessions.storage_class"] = newCls;
      cherrypy.invalidateDispatch(); // the config of the class changed while serving
      await newCls.stopCleanThread();
    }

    @expose
    async index() {
      const sess = cherrypy.session;
      const c = sess.get("counter", 0) + 1;
      await new Promise((resolve) => setTimeout(resolve, 10));
      sess["counter"] = c;
      return String(c);
    }

    @expose
    keyin(key: string) {
      return key in cherrypy.session ? "True" : "False";
    }

    @expose
    async delete() {
      await cherrypy.session.delete();
      sessions.expire();
      return "done";
    }

    @expose
    delkey(key: string) {
      delete cherrypy.session[key];
      return "OK";
    }

    @expose
    redir_target() {
      return (this._cp_config["tools.sessions.storage_class"] as { name: string }).name;
    }

    @expose
    iredir() {
      throw new cherrypy.InternalRedirect("/redir_target");
    }

    @expose
    @cherrypy.config({
      "tools.http_methods_allowed.on": true,
      "tools.http_methods_allowed.methods": ["GET"],
    })
    restricted() {
      return cherrypy.request.method;
    }

    @expose
    async regen() {
      await cherrypy.tools.sessions.regenerate();
      return "logged in";
    }

    @expose
    async length() {
      return String(await cherrypy.session.length());
    }

    @expose
    @cherrypy.config({
      "tools.sessions.path": "/session_cookie",
      "tools.sessions.name": "temp",
      "tools.sessions.persistent": false,
    })
    async session_cookie() {
      // Must load() to start the clean thread.
      await cherrypy.session.load();
      return cherrypy.session.id;
    }
  }

  const site = suiteSite({}, true);
  site.web.mount(new Root());
  return { ...site, Root, rootConfig };
}

/**
 * CherryPy's helper keeps `self.cookies`: the cookies of the last answer, sent back with
 * `getPage(url, self.cookies)`. `cookies` here are those cookies as `Cookie` headers.
 */
export class CookiePages {
  /** The `name=value` of each cookie the last answer set. */
  cookies: Array<[string, string]> = [];
  /** The `Set-Cookie` lines of the last answer. */
  setCookies: string[] = [];

  readonly web: cherrypy.WebCase;

  constructor(web: cherrypy.WebCase) {
    this.web = web;
  }

  /** Requests `url`, sending `cookies` (when given) as `Cookie` headers. */
  async getPage(
    url: string,
    cookies: Array<[string, string]> | null = null,
    options: cherrypy.PageOptions = {},
  ): Promise<void> {
    const headers: Array<[string, string]> = [
      ...(options.headers as Array<[string, string]>) ?? [],
    ];
    for (const c of cookies ?? []) headers.push(c);
    const response = await this.web.getPage(url, { ...options, headers });
    this.setCookies = response.headers.getSetCookie();
    this.cookies = this.setCookies.map((line) => ["Cookie", line.split(";", 1)[0]!]);
  }

  /** The session id of the last answer's first cookie. */
  id(): string {
    return this.setCookies[0]!.split(";", 1)[0]!.split("=", 2)[1]!;
  }

  /** The first cookie's parts (`name` → value; a flag maps to `""`). */
  cookieParts(): Map<string, string> {
    return new Map(
      this.setCookies[0]!.split(";").map((p) => {
        const [k = "", v = ""] = p.trim().split("=", 2);
        return [k, v] as [string, string];
      }),
    );
  }
}
