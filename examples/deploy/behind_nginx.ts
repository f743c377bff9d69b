/**
 * Reverse-proxying with nginx (docs §8.9.2): run two instances behind an nginx `upstream`,
 * with the `proxy` tool on, so that each request knows the client's real address (as the
 * access log shows) and the public base URL (`http://www.example.com`, the nginx
 * `server_name`) that redirects and `cherrypy.url()` use.
 *
 *     deno run -A examples/deploy/behind_nginx.ts           # port 8080
 *     PORT=8081 deno run -A examples/deploy/behind_nginx.ts # the second instance
 *     curl -H 'X-Forwarded-For: 203.0.113.9' http://127.0.0.1:8080/
 *     # the access log line starts with 203.0.113.9
 *
 * The nginx side (from the docs):
 *
 *     upstream apps {
 *         server 127.0.0.1:8080;
 *         server 127.0.0.1:8081;
 *     }
 *     # ... location / { proxy_pass http://apps; proxy_set_header X-Forwarded-For ... }
 *
 * @twin §8.9.2 #3, §8.9.2 #4
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** The application. */
export class Root {
  /** The home page. */
  @cherrypy.expose
  index(): string {
    return "hello world";
  }
}

/** The site config of each instance (the port comes from `PORT`, 8080 by default). */
export const siteConfig: Record<string, unknown> = {
  "server.socket_port": Number(cherrypy.platform.getEnv("PORT") ?? "8080"),
  "tools.proxy.on": true,
  "tools.proxy.base": "http://www.example.com",
};

if (cherrypy.isMain(import.meta)) {
  cherrypy.config.update(siteConfig);
  await cherrypy.quickstart(new Root());
}
