/**
 * A stateful tool (docs §7.2.2, "Stateful tools"): `TimingTool` times the page handler.
 *
 *     deno run -A examples/extend/timing_tool.ts
 *     curl http://127.0.0.1:8080/      # the error log gets "Page handler took 0.0001"
 *
 * A tool hooks its function at one point (`before_handler` here, priority 95, so late). To
 * hook more, it overrides `_setup`, which the framework calls for each request the tool is on
 * for, and attaches the other function with `cherrypy.request.hooks.attach`
 * (`before_finalize`, priority 5, so early). The start time is kept on the request.
 *
 * @twin §7.2.2 #4, §7.2.2 #5
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/** Logs how long each page handler took, in seconds. */
export class TimingTool extends cherrypy.Tool {
  /** Creates the tool (hooked at `before_handler`, priority 95). */
  constructor() {
    super("before_handler", function (this: cherrypy.Tool) {
      (this as TimingTool).start_timer();
    }, { priority: 95 });
  }

  /** Attaches the tool's hook, then `end_timer` at `before_finalize`. */
  override _setup(): void {
    super._setup();
    cherrypy.request.hooks.attach("before_finalize", () => this.end_timer(), { priority: 5 });
  }

  /** Notes the time the handler is called. */
  start_timer(): void {
    cherrypy.request._time = performance.now();
  }

  /** Logs the time since {@link TimingTool.start_timer}. */
  end_timer(): void {
    const duration = (performance.now() - (cherrypy.request._time as number)) / 1000;
    cherrypy.log(`Page handler took ${duration.toFixed(4)}`);
  }
}

cherrypy.tools.timeit = new TimingTool();

/** The application. */
export class Root {
  /** `/`: timed. */
  @cherrypy.expose
  @cherrypy.tools.timeit()
  index(): string {
    return "hello world";
  }

  /** `/slow`: timed, and takes a while. */
  @cherrypy.expose
  @cherrypy.tools.timeit()
  async slow(ms = "200"): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, Number(ms)));
    return "hello slowly";
  }
}

if (cherrypy.isMain(import.meta)) {
  await cherrypy.quickstart(new Root());
}
