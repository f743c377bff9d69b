/**
 * Hosting one or more applications (docs §4.2): a blog at `/blog` mounted with
 * `cherrypy.tree.mount`, a forum at `/forum` served by `cherrypy.quickstart`, and a foreign
 * application at `/hello`.
 *
 *     deno run -A examples/basics/multiple_apps.ts
 *     curl http://127.0.0.1:8080/blog/     # the blog
 *     curl http://127.0.0.1:8080/forum/    # the forum
 *     curl http://127.0.0.1:8080/hello/x   # the foreign app
 *
 * Each application's config is relative to its own mount point: `blogConf` configures `/`,
 * which is `/blog/` on the site. The foreign application is the twin of CherryPy's "foreign
 * WSGI application": any Fetch handler (`(Request) => Response`, a Hono or itty app, ...)
 * grafted into the tree with `cherrypy.tree.graft`. It sees the URL with its mount point
 * removed, and tools do not apply to it.
 *
 * @twin §4.2.1 #1, §4.2.2 #1, §4.2.2 #2
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** The blog. */
export class Blog {
  /** The blog's home page. */
  @cherrypy.expose
  index(): string {
    return "Welcome to the blog";
  }

  /** A post: `/blog/post/42`. */
  @cherrypy.expose
  post(id: string): string {
    return `Blog post #${id}`;
  }
}

/** The forum. */
export class Forum {
  /** The forum's home page. */
  @cherrypy.expose
  index(): string {
    return "Welcome to the forum";
  }

  /** A failing page: with the forum's config, the error page shows no traceback. */
  @cherrypy.expose
  broken(): string {
    throw new Error("the forum is broken");
  }
}

/** The blog's config (paths relative to its mount point). */
export const blogConf: cherrypy.AppConfig = {
  "/": { "response.headers.X-Application": "blog" },
};

/** The forum's config. */
export const forumConf: cherrypy.AppConfig = {
  "/": {
    "response.headers.X-Application": "forum",
    "request.show_tracebacks": false,
  },
};

/** The foreign application: a plain Fetch handler. */
export function helloApp(request: Request): Response {
  const path = new URL(request.url).pathname;
  return new Response(`Hello from a Fetch app; it saw ${path}`, {
    headers: { "Content-Type": "text/plain" },
  });
}

/** Mounts the blog and grafts the foreign app on `tree` (the site's own tree by default). */
export function mountApps(tree: cherrypy.Tree = cherrypy.tree): void {
  tree.mount(new Blog(), "/blog", blogConf);
  tree.graft(helloApp, "/hello");
}

if (cherrypy.isMain(import.meta)) {
  // quickstart and tree.mount are not exclusive: two apps mounted, one through quickstart.
  mountApps();
  await cherrypy.quickstart(new Forum(), "/forum", forumConf);
}
