/**
 * The checker (`cherrypy.checker`): at each engine start it looks over the site-wide config
 * and every mounted application's config for common mistakes (obsolete keys, unknown
 * namespaces, site-wide keys in app config, static directories that do not exist, ...) and
 * logs a warning for each, as CherryPy's `_cpchecker.Checker` does.
 *
 * Each check is a `check_*` method. `checker.on: false` turns them all off;
 * `checker.check_<name>: false` turns one off, and a function under a new `check_*` name adds
 * one. The checks run in the alphabetical order of their names. A warning is logged at
 * WARNING level as `CherryPy Checker:\n<message>\n`; each distinct message is logged once
 * per checker.
 *
 * @module
 */

import type { Bus, Listener } from "../../bus/mod.ts";
import { platform } from "../../platform/mod.ts";
import { attributeTypes, isPlainObject, pyRepr, pyStr, pyTypeName } from "../http/_pyrepr.ts";
import { configFor, staticDirProblems, staticFileProblems } from "./_static_paths.ts";
import { Application } from "../app/application.ts";
import type { ConfigDict } from "../core/types.ts";
import { levels } from "../core/log.ts";
import { requestNamespaces } from "../app/namespaces.ts";
import { Request } from "../core/request.ts";
import { Response } from "../core/response.ts";

/** What the checker reads and where it writes. */
export interface CheckerOptions {
  /** The mounted applications, by script name (`tree`). */
  readonly tree: { readonly apps: Readonly<Record<string, unknown>> };
  /** The site-wide config (`config`): its entries and its namespace handlers. */
  readonly config: {
    values(): ConfigDict;
    readonly namespaces?: { keys(): Iterable<string> };
  };
  /**
   * Receives each warning (the engine's `log`); by default warnings are written to standard
   * error as `CherryPy Checker:\n<message>\n\n`.
   */
  readonly log?: (msg: string, level: number) => void;
  /**
   * The names of the registered tools, or `null` when they are not known (then tool names
   * are not checked). Default: `() => null`.
   */
  readonly knownToolNames?: () => Iterable<string> | null;
  /**
   * Objects whose attribute defaults give the expected type of `<namespace>.<attribute>`
   * keys (CherryPy uses `request`, `response`, `server`, `engine` and `log`). Default: a
   * fresh `Request` and `Response`.
   */
  readonly typeSources?: Readonly<Record<string, object>>;
}

/** CherryPy's renamed and removed keys: the old key and what replaces it (`null`: nothing). */
export const OBSOLETE_CONFIG_KEYS: Readonly<Record<string, string | null>> = {
  "server.default_content_type": "tools.response_headers.headers",
  "log_access_file": "log.access_file",
  "log_config_options": null,
  "log_file": "log.error_file",
  "log_file_not_found": null,
  "log_request_headers": "tools.log_headers.on",
  "log_to_screen": "log.screen",
  "show_tracebacks": "request.show_tracebacks",
  "throw_errors": "request.throw_errors",
  "profiler.on": "cherrypy.tree.mount(profiler.make_app(cherrypy.Application(Root())))",
};

/**
 * Namespaces every application accepts: the request's (`hooks`, `request`, `response`,
 * `error_page`, `tools`), the application's (`wsgi`, `log`) and CherryPy's site-wide ones.
 */
export const BUILTIN_CONFIG_NAMESPACES: readonly string[] = [
  "wsgi",
  "tools",
  "hooks",
  "request",
  "response",
  "error_page",
  "log",
  "checker",
  "engine",
  "server",
  "tree",
  "environment",
];

/** Key prefixes allowed only in site-wide config. */
const SITE_ONLY_PREFIXES = ["engine.", "server.", "tree.", "checker."];

const TABLES = new Set(["obsolete", "deprecated", "known_config_types"]);

/**
 * Looks for configuration mistakes at engine start (CherryPy's `Checker`).
 *
 * @example Check a tree and config by hand
 * ```ts
 * import { Checker, GlobalConfig, LogManager, Tree } from "../../mod.ts";
 * const config = new GlobalConfig();
 * const tree = new Tree({ globalConfig: () => config.values(), log: new LogManager() });
 * tree.mount({}, "", { "/": { "throw_errors": true } });
 * const warnings: string[] = [];
 * new Checker({ tree, config, log: (msg) => warnings.push(msg) }).run();
 * // warnings[0]: "CherryPy Checker:\n'throw_errors' is obsolete. Use ..."
 * ```
 */
export class Checker {
  /** Run the checks (`checker.on`). */
  on = true;
  /**
   * Set when the site-wide config was given path sections next to `global`: the empty-config
   * warning then explains that app config goes to `tree.mount`.
   */
  global_config_contained_paths = false;
  /** Obsolete keys and their replacements (see {@link OBSOLETE_CONFIG_KEYS}). */
  obsolete: Record<string, string | null> = { ...OBSOLETE_CONFIG_KEYS };
  /** Deprecated keys and their replacements (none by default). */
  deprecated: Record<string, string | null> = {};
  /** More namespaces to accept in app config. */
  extra_config_namespaces: string[] = [];
  /** Expected Python type names (`"bool"`, `"int"`, `"str"`, ...) by config key. */
  known_config_types: Record<string, string> = {};

  readonly #options: CheckerOptions;
  readonly #warned = new Set<string>();
  readonly #listener: Listener;

  /** Creates a checker over `options.tree` and `options.config`. */
  constructor(options: CheckerOptions) {
    this.#options = options;
    const sources = options.typeSources ?? { request: new Request(), response: new Response() };
    for (const [namespace, source] of Object.entries(sources)) {
      Object.assign(this.known_config_types, attributeTypes(source, namespace));
    }
    this.#listener = Object.defineProperty(() => this.run(), "name", { value: "checker" });
  }

  /** Runs every `check_*` method, in name order, unless {@link Checker.on} is off. */
  run(): void {
    if (!this.on) return;
    const self = this as unknown as Record<string, unknown>;
    for (const name of checkNames(this)) {
      const method = self[name];
      if (typeof method === "function") method.call(this);
    }
  }

  /** Subscribes {@link Checker.run} to `bus`'s `start` channel (priority 50). */
  subscribe(bus: Bus): void {
    bus.subscribe("start", this.#listener, 50);
  }

  /** Undoes {@link Checker.subscribe}. */
  unsubscribe(bus: Bus): void {
    bus.unsubscribe("start", this.#listener);
  }

  /**
   * Applies a `checker.<key>` config entry: `on`, `global_config_contained_paths`, the tables,
   * or a `check_*` name (`false` skips that check; a function adds or replaces one).
   */
  set(key: string, value: unknown): void {
    const self = this as unknown as Record<string, unknown>;
    if (key.startsWith("check_")) {
      if (typeof value !== "function" && value) {
        throw new TypeError(
          `checker.${key} takes false (to skip the check) or a function; got ${pyRepr(value)}.`,
        );
      }
      self[key] = value;
    } else if (key === "on" || key === "global_config_contained_paths") {
      self[key] = Boolean(value);
    } else if (key === "extra_config_namespaces") {
      if (!Array.isArray(value)) {
        throw new TypeError(`checker.${key} takes a list of names; got ${pyRepr(value)}.`);
      }
      self[key] = value.map(String);
    } else if (TABLES.has(key)) {
      if (!isPlainObject(value)) {
        throw new TypeError(`checker.${key} takes a dict; got ${pyRepr(value)}.`);
      }
      self[key] = value;
    } else {
      throw new Error(`Unknown config key ${JSON.stringify(key)} for checker.`);
    }
  }

  /** Logs `message` as a checker warning, once. */
  warn(message: string): void {
    if (this.#warned.has(message)) return;
    this.#warned.add(message);
    if (this.#options.log) this.#options.log(`CherryPy Checker:\n${message}\n`, levels.WARNING);
    else platform.writeStderr(`CherryPy Checker:\n${message}\n\n`);
  }

  #apps(): Array<[string, Application]> {
    return Object.entries(this.#options.tree.apps).filter(
      (entry): entry is [string, Application] => entry[1] instanceof Application,
    );
  }

  /** Warns about app config section names in brackets (`"[/static]"`). */
  check_app_config_brackets(): void {
    for (const [sn, app] of this.#apps()) {
      for (const key of Object.keys(app.config)) {
        if (key.startsWith("[") || key.endsWith("]")) {
          this.warn(
            `The application mounted at ${pyRepr(sn)} has config section names with ` +
              `extraneous brackets: ${pyRepr(key)}. Config *files* need brackets; config ` +
              "*dicts* (e.g. passed to tree.mount) do not.",
          );
        }
      }
    }
  }

  /** Warns about app config sections that repeat the mount point (`/blog/...` at `/blog`). */
  check_app_config_entries_dont_start_with_script_name(): void {
    for (const [sn, app] of this.#apps()) {
      if (sn === "") continue;
      const snAtoms = trimSlashes(sn).split("/");
      for (const key of Object.keys(app.config)) {
        const keyAtoms = trimSlashes(key).split("/");
        if (snAtoms.every((atom, i) => keyAtoms[i] === atom)) {
          this.warn(
            `The application mounted at ${pyRepr(sn)} has config entries that start with ` +
              `its script name: ${pyRepr(key)}`,
          );
        }
      }
    }
  }

  /** Warns about obsolete (and deprecated) keys in the site-wide and app config. */
  check_compatibility(): void {
    this.#compat(this.#options.config.values());
    for (const [, app] of this.#apps()) this.#compat(app.config);
  }

  #compat(config: Record<string, unknown>): void {
    for (const [section, conf] of Object.entries(config)) {
      if (isPlainObject(conf)) {
        for (const k of Object.keys(conf)) {
          const [word, table] = this.#renamed(k);
          if (table) {
            this.warn(
              `${pyRepr(k)} is ${word}. Use ${pyRepr(table[k])} instead.\nsection: [${section}]`,
            );
          }
        }
      } else {
        const [word, table] = this.#renamed(section);
        if (table) {
          this.warn(`${pyRepr(section)} is ${word}. Use ${pyRepr(table[section])} instead.`);
        }
      }
    }
  }

  #renamed(key: string): [string, Record<string, string | null> | null] {
    if (Object.hasOwn(this.obsolete, key)) return ["obsolete", this.obsolete];
    if (Object.hasOwn(this.deprecated, key)) return ["deprecated", this.deprecated];
    return ["", null];
  }

  /** Warns about keys in app path sections whose namespace (or tool) is unknown. */
  check_config_namespaces(): void {
    const tools = this.#options.knownToolNames?.() ?? null;
    for (const [, app] of this.#apps()) {
      const own = (app as { toolboxes?: Record<string, { names?(): string[] }> }).toolboxes;
      const ownNames = own?.["tools"]?.names?.();
      const known = this.#options.knownToolNames !== undefined ? tools : ownNames ?? null;
      const toolNames = known === null ? null : new Set(known);
      const ns = this.#knownNamespaces(app);
      for (const [section, conf] of Object.entries(app.config)) {
        if (!section.startsWith("/") || !isPlainObject(conf)) continue;
        for (const k of Object.keys(conf)) {
          const atoms = k.split(".");
          if (atoms.length < 2) continue;
          const first = atoms[0]!;
          const second = atoms[1]!;
          if (!ns.has(first)) {
            if (first === "cherrypy" && ns.has(second)) {
              this.warn(
                `The config entry ${pyRepr(k)} is invalid; try ` +
                  `${pyRepr(atoms.slice(1).join("."))} instead.\nsection: [${section}]`,
              );
            } else {
              this.warn(
                `The config entry ${pyRepr(k)} is invalid, because the ${pyRepr(first)} ` +
                  `config namespace is unknown.\nsection: [${section}]`,
              );
            }
          } else if (first === "tools" && toolNames !== null && !toolNames.has(second)) {
            this.warn(
              `The config entry ${pyRepr(k)} may be invalid, because the ${pyRepr(second)} ` +
                `tool was not found.\nsection: [${section}]`,
            );
          }
        }
      }
    }
  }

  #knownNamespaces(app: Application): Set<string> {
    const ns = new Set<string>(BUILTIN_CONFIG_NAMESPACES);
    for (const name of namesOf((app as { namespaces?: unknown }).namespaces)) ns.add(name);
    for (const name of namesOf((app as { requestNamespaces?: unknown }).requestNamespaces)) {
      ns.add(name);
    }
    for (const name of namesOf((app as { toolboxes?: unknown }).toolboxes)) ns.add(name);
    for (const name of requestNamespaces.keys()) ns.add(name);
    for (const name of this.#options.config.namespaces?.keys() ?? []) ns.add(name);
    for (const name of this.extra_config_namespaces) ns.add(name);
    return ns;
  }

  /** Warns about values whose type differs from the default of the attribute they set. */
  check_config_types(): void {
    this.#knownTypes(this.#options.config.values());
    for (const [, app] of this.#apps()) this.#knownTypes(app.config);
  }

  #knownTypes(config: Record<string, unknown>): void {
    for (const [section, value] of Object.entries(config)) {
      const conf = isPlainObject(value) ? value : { [section]: value };
      for (const [k, v] of Object.entries(conf)) {
        const actual = pyTypeName(v);
        if (actual === null || !Object.hasOwn(this.known_config_types, k)) continue;
        const expected = this.known_config_types[k]!;
        if (actual === expected || (isNumeric(expected) && isNumeric(actual))) continue;
        this.warn(
          `The config entry ${pyRepr(k)} in section ${pyRepr(section)} is of type ` +
            `${pyRepr(actual)}, which does not match the expected type ${pyRepr(expected)}.`,
        );
      }
    }
  }

  /** Warns when `server.socket_host` is `localhost` (it may resolve to IPv4 or IPv6). */
  check_localhost(): void {
    if (this.#options.config.values()["server.socket_host"] === "localhost") {
      this.warn(
        "The use of 'localhost' as a socket host can cause problems on newer systems, since " +
          "'localhost' can map to either an IPv4 or an IPv6 address. You should use " +
          "'127.0.0.1' or '[::1]' instead.",
      );
    }
  }

  /** Warns about `engine.`, `server.`, `tree.` and `checker.` keys in app path sections. */
  check_site_config_entries_in_app_config(): void {
    for (const [sn, app] of this.#apps()) {
      const msg: string[] = [];
      for (const [section, entries] of Object.entries(app.config)) {
        if (!section.startsWith("/")) continue;
        for (const [key, value] of Object.entries(entries)) {
          for (const prefix of SITE_ONLY_PREFIXES) {
            if (key.startsWith(prefix)) msg.push(`[${section}] ${key} = ${pyStr(value)}`);
          }
        }
      }
      if (msg.length > 0) {
        msg.unshift(
          `The application mounted at ${pyRepr(sn)} contains the following config entries, ` +
            "which are only allowed in site-wide config. Move them to a [global] section and " +
            "pass them to cherrypy.config.update() instead of tree.mount().",
        );
        this.warn(msg.join("\n"));
      }
    }
  }

  /** Warns (once) about a mounted application without any config. */
  check_skipped_app_config(): void {
    for (const [sn, app] of this.#apps()) {
      if (Object.keys(app.config).length > 0) continue;
      let msg = `The Application mounted at ${pyRepr(sn)} has an empty config.`;
      if (this.global_config_contained_paths) {
        msg += " It looks like the config you passed to cherrypy.config.update() contains " +
          "application-specific sections. You must explicitly pass application config via " +
          "cherrypy.tree.mount(..., config=app_config)";
      }
      this.warn(msg);
      return;
    }
  }

  /** Warns about `tools.staticfile.filename` values that cannot be resolved. */
  check_static_files(): void {
    for (const [, app] of this.#apps()) {
      for (const section of Object.keys(app.config)) {
        const conf = configFor(app, section + "/dummy.html");
        if (!conf["tools.staticfile.on"]) continue;
        const root = conf["tools.staticfile.root"] ?? null;
        const filename = conf["tools.staticfile.filename"] ?? null;
        const msg = staticFileProblems(root, filename);
        if (msg) {
          this.warn(
            `${msg}\nsection: [${section}]\nroot: ${pyRepr(root)}\nfilename: ${pyRepr(filename)}`,
          );
        }
      }
    }
  }

  /** Warns about `tools.staticdir` settings that cannot serve a directory. */
  check_static_paths(): void {
    for (const [, app] of this.#apps()) {
      for (const section of Object.keys(app.config)) {
        const conf = configFor(app, section + "/dummy.html");
        if (!conf["tools.staticdir.on"]) continue;
        const root = conf["tools.staticdir.root"] ?? null;
        const dir = conf["tools.staticdir.dir"] ?? null;
        const msg = staticDirProblems(root, dir);
        if (msg) {
          this.warn(`${msg}\nsection: [${section}]\nroot: ${pyRepr(root)}\ndir: ${pyRepr(dir)}`);
        }
      }
    }
  }
}

/** The `check_*` names of `checker` (own and inherited), sorted. */
function checkNames(checker: Checker): string[] {
  const names = new Set<string>();
  for (
    let o: object | null = checker;
    o !== null && o !== Object.prototype;
    o = Object.getPrototypeOf(o)
  ) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (name.startsWith("check_")) names.add(name);
    }
  }
  return [...names].sort();
}

const isNumeric = (type: string) => type === "int" || type === "float";

function namesOf(value: unknown): Iterable<string> {
  if (value === null || value === undefined) return ["log", "wsgi"];
  if (value instanceof Map) return value.keys();
  if (value instanceof Set || Array.isArray(value)) return [...value].map(String);
  if (typeof value === "object") return Object.keys(value);
  return [];
}

function trimSlashes(s: string): string {
  return s.replace(/^\/+|\/+$/g, "");
}
