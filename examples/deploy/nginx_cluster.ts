/**
 * Reverse-proxying with nginx (docs §8.9.2), scaled out: several instances of one site behind
 * an nginx `upstream`, their sessions in memcached or in Redis so that any instance serves any
 * client, and the `proxy` tool on so that each instance sees the client's address, scheme and
 * host rather than nginx's.
 *
 *     # the session store: memcached on localhost:11211 (or SESSION_STORE=redis, localhost:6379)
 *     PORT=8080 deno run -A examples/deploy/nginx_cluster.ts &
 *     PORT=8081 deno run -A examples/deploy/nginx_cluster.ts &
 *     PORT=8082 deno run -A examples/deploy/nginx_cluster.ts &
 *     mkdir -p /tmp/cluster
 *     deno run -A examples/deploy/nginx_cluster.ts nginx.conf /tmp/cluster 8000 8080 8081 8082 \
 *       > /tmp/cluster/nginx.conf
 *     nginx -p /tmp/cluster -c /tmp/cluster/nginx.conf -e stderr
 *     curl -c jar -b jar http://127.0.0.1:8000/      # 1, 2, 3, ... each from the next instance
 *     curl http://127.0.0.1:8000/whoami              # the client's address and URL, as JSON
 *
 * On several machines (or on network namespaces standing in for them: `netns/lan.sh`),
 * `HOST` is the address each instance listens on, and nginx names the instances by address:
 *
 *     sudo sh examples/deploy/netns/lan.sh up cpts 10.77.0 3    # machines 10.77.0.11-13
 *     memcached -u nobody -l 10.77.0.1 &                          # the store, on the host
 *     for i in 1 2 3; do
 *       sudo HOST=10.77.0.1$i PORT=8080 SESSION_SERVERS=10.77.0.1:11211 \
 *         sh examples/deploy/netns/lan.sh run cpts $i deno run -A examples/deploy/nginx_cluster.ts &
 *     done
 *     deno run -A examples/deploy/nginx_cluster.ts nginx.conf /tmp/cluster 8000 \
 *       10.77.0.11:8080 10.77.0.12:8080 10.77.0.13:8080 > /tmp/cluster/nginx.conf
 *
 * `SESSION_SERVERS` (memcached, comma-separated `host:port`) or `SESSION_URL` (Redis) name
 * other servers. {@link nginxConf} writes the nginx side; `docs/deploy.md` shows its output
 * and explains each line. `tests/examples/nginx_cluster_test.ts` runs three instances behind a
 * real nginx, with each store, and kills one of them under load; `nginx_lan_test.ts` does the
 * same with each instance on its own network namespace.
 *
 * {@link nginxConf} is the docs' nginx configuration (upstream, gzip, static location, proxy
 * headers), with what a private, runnable nginx adds (prefix, temporary paths, the failover).
 *
 * @twin §8.9.2 #1
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** The application: a visit counter kept in the session, and what the instance sees. */
export class Site {
  /**
   * `/`: this session's visit count after this visit, and the instance that answered (its
   * address and port).
   */
  @cherrypy.expose
  index(): string {
    const visits = cherrypy.session.get("visits", 0) + 1;
    cherrypy.session["visits"] = visits;
    const { config } = cherrypy;
    return `${visits} from ${config.get("server.socket_host")}:${config.get("server.socket_port")}`;
  }

  /** `/whoami`: the client's address, scheme and this page's URL, as the instance sees them. */
  @cherrypy.expose
  @cherrypy.tools.json_out()
  whoami(): Record<string, string> {
    const request = cherrypy.request;
    // The proxy tool rewrites `request.base` (`request.scheme` stays the instance's own, as in
    // CherryPy): the client's scheme is the base's.
    const scheme = request.base.slice(0, request.base.indexOf(":"));
    return { remote: request.remote.ip, scheme, url: cherrypy.url() };
  }
}

/** The session settings of each store: every instance must name the same servers. */
export function sessionConfig(
  store: "memcached" | "redis",
  where: string,
): Record<string, unknown> {
  const common = {
    "tools.sessions.on": true,
    // The lock of a session whose instance died while serving it expires after 5 s.
    "tools.sessions.lock_expiry": 5,
  };
  return store === "redis"
    ? {
      ...common,
      "tools.sessions.storage_class": cherrypy.lib.sessions.RedisSession,
      "tools.sessions.url": where,
    }
    : {
      ...common,
      "tools.sessions.storage_class": cherrypy.lib.sessions.MemcachedSession,
      "tools.sessions.servers": where.split(","),
    };
}

/** The `/` section of an instance's config: sessions in `store`, and the `proxy` tool. */
export function appConfig(store: "memcached" | "redis", where: string): cherrypy.AppConfig {
  return {
    "/": {
      ...sessionConfig(store, where),
      // The client's address from X-Forwarded-For, the scheme from X-Forwarded-Proto, the host
      // from X-Forwarded-Host (no `tools.proxy.base`: the host the client asked for is kept).
      "tools.proxy.on": true,
    },
  };
}

/** What {@link nginxConf} needs. */
export interface NginxOptions {
  /** A directory of nginx's own: its PID file, access log and temporary files go there. */
  prefix: string;
  /** The port nginx serves plain HTTP on (at 127.0.0.1 unless `host` says otherwise). */
  listen: number;
  /**
   * The instances: a port (of an instance on 127.0.0.1) or `host:port` (an instance on another
   * machine, e.g. `10.77.0.11:8080`).
   */
  upstreams: (number | string)[];
  /** Also serve HTTPS on this port, with this certificate and key. */
  ssl?: { port: number; certificate: string; key: string };
  /** The address nginx listens on (default 127.0.0.1). */
  host?: string;
  /** The user nginx's worker runs as when nginx is started as root (default `nobody nogroup`). */
  user?: string;
  /**
   * A directory whose `static/` folder nginx serves itself under `/static/`, as in the docs
   * (`location ^~ /static/ { root ...; }`); unset, `/static/` goes to the instances too.
   */
  staticRoot?: string;
  /** The media types file nginx names static files' types from (Debian's by default). */
  mimeTypes?: string;
}

/**
 * A complete nginx.conf for a cluster: run in the foreground (`daemon off`), everything nginx
 * writes under `prefix`, the docs' gzip settings, an `upstream` of the instances where a failed
 * connection makes nginx try the next instance and leave the failed one out for 2 s, the
 * `X-Forwarded-*` headers the `proxy` tool reads, and optionally static files served by nginx.
 *
 * @example A config for three instances
 * ```ts
 * import { nginxConf } from "./nginx_cluster.ts";
 * const conf = nginxConf({ prefix: "/tmp/cluster", listen: 8000, upstreams: [8080, 8081, 8082] });
 * console.log(conf.includes("server 127.0.0.1:8081 max_fails=1 fail_timeout=2s;")); // true
 * ```
 */
export function nginxConf(options: NginxOptions): string {
  const host = options.host ?? "127.0.0.1";
  const p = options.prefix.replace(/\/+$/, "");
  const asRoot = cherrypy.platform.getuid() === 0;
  const listen = [`    listen ${host}:${options.listen};`];
  const ssl: string[] = [];
  if (options.ssl !== undefined) {
    listen.push(`    listen ${host}:${options.ssl.port} ssl;`);
    ssl.push(
      `    ssl_certificate     ${options.ssl.certificate};`,
      `    ssl_certificate_key ${options.ssl.key};`,
    );
  }
  return [
    ...(asRoot ? [`user ${options.user ?? "nobody nogroup"};`] : []),
    "daemon off;",
    "worker_processes 1;",
    `pid ${p}/nginx.pid;`,
    "error_log stderr warn;",
    "events { worker_connections 256; }",
    "",
    "http {",
    `  include ${options.mimeTypes ?? "/etc/nginx/mime.types"};`,
    "  default_type application/octet-stream;",
    `  access_log ${p}/access.log combined;`,
    `  client_body_temp_path ${p}/client_body;`,
    `  proxy_temp_path ${p}/proxy;`,
    `  fastcgi_temp_path ${p}/fastcgi;`,
    `  uwsgi_temp_path ${p}/uwsgi;`,
    `  scgi_temp_path ${p}/scgi;`,
    "",
    "  gzip on;",
    "  gzip_http_version 1.0;",
    "  gzip_proxied any;",
    "  gzip_min_length 500;",
    '  gzip_disable "MSIE [1-6]\\.";',
    "  gzip_types text/plain text/xml text/css text/javascript application/javascript;",
    "",
    "  upstream apps {",
    ...options.upstreams.map((up) =>
      `    server ${typeof up === "number" ? `127.0.0.1:${up}` : up} max_fails=1 fail_timeout=2s;`
    ),
    "  }",
    "",
    "  server {",
    ...listen,
    "    server_name www.example.com;",
    ...ssl,
    "",
    ...(options.staticRoot === undefined
      ? []
      : ["    location ^~ /static/ {", `      root ${options.staticRoot};`, "    }", ""]),
    "    location / {",
    "      proxy_pass http://apps;",
    "      proxy_redirect off;",
    "      proxy_set_header Host $host;",
    "      proxy_set_header X-Real-IP $remote_addr;",
    "      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
    "      proxy_set_header X-Forwarded-Host $host:$server_port;",
    "      proxy_set_header X-Forwarded-Proto $scheme;",
    // A refused or reset connection (an instance down) is tried on the next instance. nginx
    // does not send a POST again once an instance may have received it (non_idempotent).
    "      proxy_next_upstream error timeout;",
    "      proxy_connect_timeout 2s;",
    "    }",
    "  }",
    "}",
    "",
  ].join("\n");
}

if (cherrypy.isMain(import.meta)) {
  const env = (name: string) => cherrypy.platform.getEnv(name);
  const args = cherrypy.platform.args();
  if (args[0] === "nginx.conf") {
    // nginx.conf PREFIX LISTEN UPSTREAM...: print the nginx side.
    const [prefix, listen, ...upstreams] = args.slice(1);
    if (prefix === undefined || listen === undefined || upstreams.length === 0) {
      console.error(
        "usage: nginx_cluster.ts nginx.conf PREFIX LISTEN_PORT UPSTREAM_PORT|HOST:PORT...",
      );
      cherrypy.platform.exit(2);
    }
    console.log(
      nginxConf({
        prefix: prefix!,
        listen: Number(listen),
        upstreams: upstreams.map((u) => /^\d+$/.test(u) ? Number(u) : u),
      }),
    );
  } else {
    const redis = env("SESSION_STORE") === "redis";
    cherrypy.config.update({
      "server.socket_host": env("HOST") ?? "127.0.0.1",
      "server.socket_port": Number(env("PORT") ?? "8080"),
      "engine.autoreload.on": false,
    });
    await cherrypy.quickstart(
      new Site(),
      "/",
      redis
        ? appConfig("redis", env("SESSION_URL") ?? "redis://localhost:6379/0")
        : appConfig("memcached", env("SESSION_SERVERS") ?? "localhost:11211"),
    );
  }
}
