/**
 * HTML templating (docs §5.12) with nunjucks, a template engine in the spirit of Jinja2 (its
 * syntax: `{{ name }}`, `{% for %}`, `{% extends %}`, filters), from the npm registry. The
 * manual points to a recipe that integrates a template engine with a plugin and a tool; this is
 * that recipe:
 *
 * - {@link TemplatePlugin}, on the engine, holds the template environment: it is made when
 *   the engine starts, and answers `lookup-template` on the bus with the compiled template of
 *   a name (compiled once, then cached);
 * - {@link template}, the tool `tools.template`, wraps the page handler: what the handler
 *   returns (an object of values) is rendered with the template named in the tool's config,
 *   found through the bus. Handlers return data, not HTML.
 *
 *     deno run -A examples/advanced/templating.ts
 *     curl 'http://127.0.0.1:8080/?name=Ada'          # the page, from templates/index.njk
 *     curl 'http://127.0.0.1:8080/?name=<b>Ada</b>'   # values are HTML-escaped
 *
 * The templates are in `templates/` beside this module (`index.njk` extends `base.njk`). The
 * engine is a development dependency of this repository (`npm install nunjucks`), never one of
 * the framework. `PORT` serves elsewhere than 8080.
 *
 * @module
 */
import nunjucks from "nunjucks";
import * as cherrypy from "../../mod.ts";

/** The templates' folder, beside this module. */
export const TEMPLATES_DIR: string = decodeURIComponent(
  new URL("templates", import.meta.url).pathname,
);

/** Holds the template environment while the engine runs; answers `lookup-template`. */
export class TemplatePlugin extends cherrypy.SimplePlugin {
  /** The folder the templates are read from. */
  readonly dir: string;
  /** The environment (`null` while the engine is stopped). */
  env: nunjucks.Environment | null = null;

  /** Creates the plugin for `bus`, reading templates from `dir`. */
  constructor(bus: cherrypy.Bus, dir: string = TEMPLATES_DIR) {
    super(bus);
    this.dir = dir;
  }

  /** On `start`: make the environment (HTML-escaping on), listen on `lookup-template`. */
  start(): void {
    this.bus.log(`Setting up the template environment for ${this.dir}`);
    this.env = new nunjucks.Environment(new nunjucks.FileSystemLoader(this.dir), {
      autoescape: true,
      trimBlocks: true,
      lstripBlocks: true,
    });
    this.bus.subscribe("lookup-template", this.lookup);
  }

  /** On `stop`: stop listening, drop the environment (and its cache). */
  stop(): void {
    this.bus.log("Freeing up the template environment");
    this.bus.unsubscribe("lookup-template", this.lookup);
    this.env = null;
  }

  /** `lookup-template`: the compiled template called `name`. */
  lookup = (name: string): nunjucks.Template => {
    if (this.env === null) throw new Error("The template environment is not set up.");
    return this.env.getTemplate(name, true);
  };
}

/** Whether `value` is a plain object of template values. */
function isValues(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * `tools.template`: renders what the page handler returns with the template named by the
 * tool's `template` option. A handler that returns something other than an object of values
 * (a string, bytes) is left alone. 500 when no plugin answers `lookup-template`.
 */
export const template: cherrypy.Tool = cherrypy.tools.register("before_handler", {
  priority: 70,
})(function template(options: Record<string, unknown>) {
  const name = options["template"];
  if (typeof name !== "string" || name === "") {
    throw new Error('tools.template needs the name of a template: {"template": "index.njk"}.');
  }
  const request = cherrypy.request;
  const inner = request.handler;
  if (inner === null) return;
  request.handler = async () => {
    const values = await inner();
    if (!isValues(values)) return values;
    const [found] = await cherrypy.engine.publish("lookup-template", name);
    if (found === undefined) {
      throw new Error("No template engine: subscribe a TemplatePlugin to the engine.");
    }
    return (found as nunjucks.Template).render(values);
  };
});

/** The application: its pages return values; the tool renders them. */
export class Root {
  /** `/?name=...`: the greeting page. */
  @cherrypy.expose
  @cherrypy.tools.template({ template: "index.njk" })
  index(name = "world"): Record<string, unknown> {
    return { title: "Fruit of the day", name, fruits: ["cherry", "apple", "pear"] };
  }

  /** `/empty`: the same template, with no fruit. */
  @cherrypy.expose
  @cherrypy.tools.template({ template: "index.njk" })
  empty(): Record<string, unknown> {
    return { title: "Fruit of the day", name: "nobody", fruits: [] };
  }

  /** `/plain`: a page that returns text is not templated. */
  @cherrypy.expose
  @cherrypy.tools.template({ template: "index.njk" })
  plain(): string {
    return "just text";
  }
}

if (cherrypy.isMain(import.meta)) {
  const port = cherrypy.platform.getEnv("PORT");
  if (port !== undefined) cherrypy.config.update({ "server.socket_port": Number(port) });
  new TemplatePlugin(cherrypy.engine).subscribe();
  await cherrypy.quickstart(new Root());
}
