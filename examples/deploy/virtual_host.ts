/**
 * Virtual hosting (docs §8.8): one tree, two domains. A request for `company.com:8080` is
 * served by `/app1`, one for `home.net:8080` by `/app2`.
 *
 *     deno run -A examples/deploy/virtual_host.ts
 *     curl -H 'Host: company.com:8080' http://127.0.0.1:8080/   # Hello world from app1
 *     curl -H 'Host: home.net:8080' http://127.0.0.1:8080/      # Hello world from app2
 *
 * To try it in a browser, add `127.0.0.1 company.com` and `127.0.0.1 home.net` to your hosts
 * file. The host is matched exactly, port included: list `company.com` too for port 80.
 *
 * @twin §8.8 #1
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** The first domain's application. */
export class App1 {
  /** Its home page. */
  @cherrypy.expose
  index(): string {
    return "Hello world from app1";
  }
}

/** The second domain's application. */
export class App2 {
  /** Its home page. */
  @cherrypy.expose
  index(): string {
    return "Hello world from app2";
  }
}

/** The tree holding both. */
export class Root {
  /** Served for `company.com:8080`. */
  app1: App1 = new App1();
  /** Served for `home.net:8080`. */
  app2: App2 = new App2();
}

/** Path prefixes by host. */
export const hostmap: Record<string, string> = {
  "company.com:8080": "/app1",
  "home.net:8080": "/app2",
};

/** The `/` section of the application's config. */
export const config: cherrypy.ConfigDict = {
  "request.dispatch": new cherrypy.dispatch.VirtualHost(hostmap),
};

if (cherrypy.isMain(import.meta)) {
  await cherrypy.quickstart(new Root(), "/", { "/": config });
}
