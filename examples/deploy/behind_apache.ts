/**
 * Reverse-proxying with Apache (docs §8.9.1; the docs' section has no sample, so this is the
 * nginx setup of §8.9.2 done with Apache's httpd): `mod_proxy_balancer` spreads the requests
 * over the instances of `nginx_cluster.ts` (the same site: sessions in memcached or Redis,
 * `tools.proxy` on), and `mod_proxy_http` adds the `X-Forwarded-For` and `X-Forwarded-Host`
 * headers the `proxy` tool reads.
 *
 *     PORT=8080 deno run -A examples/deploy/nginx_cluster.ts &
 *     PORT=8081 deno run -A examples/deploy/nginx_cluster.ts &
 *     mkdir -p /tmp/apache
 *     deno run -A examples/deploy/behind_apache.ts /tmp/apache 8000 8080 8081 > /tmp/apache/httpd.conf
 *     apache2 -f /tmp/apache/httpd.conf -DFOREGROUND       # Debian's apache2-bin
 *     curl -c jar -b jar http://127.0.0.1:8000/             # 1, 2, 3, ... from each instance
 *
 * {@link apacheConf} writes the config; `docs/deploy.md` shows it.
 * `tests/examples/behind_apache_test.ts` runs it in front of two instances and stops one.
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** What {@link apacheConf} needs. */
export interface ApacheOptions {
  /** A directory of httpd's own: its PID file, logs and runtime files go there. */
  prefix: string;
  /** The port httpd serves on, at 127.0.0.1. */
  listen: number;
  /** The ports of the instances, on 127.0.0.1. */
  upstreams: number[];
  /** Where Debian keeps the modules (`/usr/lib/apache2/modules`). */
  modules?: string;
  /** The user and group httpd's children run as when started as root (`nobody nogroup`). */
  user?: [string, string];
}

const MODULES = [
  ["mpm_event_module", "mod_mpm_event.so"],
  ["authz_core_module", "mod_authz_core.so"],
  ["headers_module", "mod_headers.so"],
  ["proxy_module", "mod_proxy.so"],
  ["proxy_http_module", "mod_proxy_http.so"],
  ["slotmem_shm_module", "mod_slotmem_shm.so"],
  ["proxy_balancer_module", "mod_proxy_balancer.so"],
  ["lbmethod_byrequests_module", "mod_lbmethod_byrequests.so"],
] as const;

/**
 * A complete httpd.conf for a cluster: everything httpd writes under `prefix`, a balancer of
 * the instances (an instance that refuses a connection is left out for 2 s, and the request
 * goes to another; a new connection for each request, so that an instance that dies leaves no
 * kept-alive connection behind to fail later requests), the client's `Host` passed on, and
 * `X-Forwarded-Proto` added to the `X-Forwarded-*` headers `mod_proxy_http` sends.
 *
 * @example A config for two instances
 * ```ts
 * import { apacheConf } from "./behind_apache.ts";
 * const conf = apacheConf({ prefix: "/tmp/apache", listen: 8000, upstreams: [8080, 8081] });
 * console.log(conf.includes('BalancerMember "http://127.0.0.1:8081" retry=2')); // true
 * ```
 */
export function apacheConf(options: ApacheOptions): string {
  const p = options.prefix.replace(/\/+$/, "");
  const modules = options.modules ?? "/usr/lib/apache2/modules";
  const [user, group] = options.user ?? ["nobody", "nogroup"];
  return [
    `ServerRoot "${p}"`,
    "ServerName www.example.com",
    `Listen 127.0.0.1:${options.listen}`,
    `PidFile "${p}/httpd.pid"`,
    `DefaultRuntimeDir "${p}"`,
    `ErrorLog "${p}/error.log"`,
    "LogLevel warn",
    ...MODULES.map(([name, file]) => `LoadModule ${name} "${modules}/${file}"`),
    ...(cherrypy.platform.getuid() === 0 ? [`User ${user}`, `Group ${group}`] : []),
    'LogFormat "%h %l %u %t \\"%r\\" %>s %b \\"%{Referer}i\\" \\"%{User-Agent}i\\"" combined',
    `CustomLog "${p}/access.log" combined`,
    "",
    '<Proxy "balancer://apps">',
    ...options.upstreams.map((port) =>
      `  BalancerMember "http://127.0.0.1:${port}" retry=2 disablereuse=On`
    ),
    "</Proxy>",
    "ProxyPreserveHost On",
    'ProxyPass "/" "balancer://apps/"',
    'ProxyPassReverse "/" "balancer://apps/"',
    // mod_proxy_http adds X-Forwarded-For and X-Forwarded-Host; the scheme is added here.
    'RequestHeader set X-Forwarded-Proto "expr=%{REQUEST_SCHEME}"',
    "",
  ].join("\n");
}

if (cherrypy.isMain(import.meta)) {
  const [prefix, listen, ...upstreams] = cherrypy.platform.args();
  if (prefix === undefined || listen === undefined || upstreams.length === 0) {
    console.error("usage: behind_apache.ts PREFIX LISTEN_PORT UPSTREAM_PORT...");
    cherrypy.platform.exit(2);
  }
  console.log(
    apacheConf({ prefix: prefix!, listen: Number(listen), upstreams: upstreams.map(Number) }),
  );
}
