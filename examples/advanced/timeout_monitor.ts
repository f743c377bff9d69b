/**
 * Turning the timeout monitor off (docs §5.5.1): the engine's `timeout_monitor` runs by
 * default and marks every response that runs past its `response.timeout`; once it is off,
 * nothing marks them, and a handler that never checks its own timeout runs to the end.
 *
 *     deno run -A examples/advanced/timeout_monitor.ts        # off by timeout_monitor.conf
 *     MONITOR_OFF=unsubscribe deno run -A examples/advanced/timeout_monitor.ts
 *     curl http://127.0.0.1:8080/wait?seconds=3   # "Waited 3 s", though the timeout is 1 s
 *
 * Either way the engine's start-up lines have no `Started monitor thread '_TimeoutMonitor'.`
 * The two ways are the docs' two samples:
 *
 * - `timeout_monitor.conf` (`[global] engine.timeout_monitor.on: False`), given to
 *   `cherrypy.config.update`;
 * - `cherrypy.engine.timeout_monitor.unsubscribe()`, before the engine starts.
 *
 * With the monitor on, the same request ends in a 500 about a second after the timeout (see
 * `timeouts.ts`, whose monitor checks every second). `PORT` serves elsewhere than 8080.
 *
 * @twin §5.5.1 #1, §5.5.1 #2
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** The global config file that turns the monitor off. */
export const MONITOR_OFF_CONF: string = decodeURIComponent(
  new URL("timeout_monitor.conf", import.meta.url).pathname,
);

/** The application: one slow page that never checks its timeout. */
export class Root {
  /** `/wait?seconds=N`: answers after N seconds; its timeout is 1 s. */
  @cherrypy.expose
  @cherrypy.config({ "response.timeout": 1 })
  async wait(seconds = "3"): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, Number(seconds) * 1000));
    return `Waited ${seconds} s`;
  }
}

/** Turns the monitor off: `"config"` (the config file) or `"unsubscribe"` (the call). */
export function monitorOff(how: "config" | "unsubscribe"): void {
  if (how === "config") cherrypy.config.update(MONITOR_OFF_CONF);
  else cherrypy.engine.timeout_monitor.unsubscribe();
}

if (cherrypy.isMain(import.meta)) {
  cherrypy.config.update({
    "server.socket_port": Number(cherrypy.platform.getEnv("PORT") ?? "8080"),
    "engine.autoreload.on": false,
  });
  monitorOff(cherrypy.platform.getEnv("MONITOR_OFF") === "unsubscribe" ? "unsubscribe" : "config");
  await cherrypy.quickstart(new Root());
}
