/**
 * The hello-world site run as a production daemon (docs §8.1, run as a daemon, and §8.3, PID
 * files): signal handling, a PID file, a daemonizer and the HTTP server.
 *
 *     PORT=8080 PIDFILE=/tmp/site.pid LOGFILE=/tmp/site.log deno run -A examples/engine/daemon_site.ts
 *
 * The command returns once the daemon serves (exit code 0). Then:
 *
 *     kill -USR1 $(cat /tmp/site.pid)   # graceful: reopen logs, restart monitors
 *     kill -HUP  $(cat /tmp/site.pid)   # restart: a fresh daemon takes over the port and PID file
 *     kill -TERM $(cat /tmp/site.pid)   # stop: the PID file is removed, the port freed
 *
 * The daemon's standard output and error (engine and access log) go to `LOGFILE`.
 *
 * @twin §5.6 #1, §5.6 #2, §8.1 #1, §8.3 #1
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** The site: `/` answers "Hello world!". */
export class HelloWorld {
  /** The page at `/`. */
  @cherrypy.expose
  index(): string {
    return "Hello world!";
  }
}

if (cherrypy.isMain(import.meta)) {
  const env = (name: string, fallback: string) => cherrypy.platform.getEnv(name) ?? fallback;
  const logfile = env("LOGFILE", "/tmp/daemon_site.log");
  cherrypy.config.update({
    "server.socket_port": Number(env("PORT", "8080")),
    "engine.autoreload.on": false,
  });
  cherrypy.tree.mount(new HelloWorld());
  cherrypy.engine.signals.subscribe();
  new cherrypy.Daemonizer(cherrypy.engine, "/dev/null", logfile, logfile).subscribe();
  new cherrypy.PIDFile(cherrypy.engine, env("PIDFILE", "/tmp/daemon_site.pid")).subscribe();
  await cherrypy.engine.start();
  await cherrypy.engine.block();
}
