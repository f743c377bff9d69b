/**
 * The global config (`cherrypy.config`) and its namespaces.
 *
 * @module
 */

import { callableFacade } from "../core/_facade.ts";
import { readConfigFile } from "./config_file.ts";
import { type ConfigDecorator, cpConfig } from "../core/cp_config.ts";
import { type ConfigDict, invalidateDispatch } from "../core/types.ts";

const STAGING: ConfigDict = {
  "engine.autoreload.on": false,
  "checker.on": false,
  "tools.log_headers.on": false,
  "request.show_tracebacks": false,
  "request.show_mismatched_params": false,
};
const PRODUCTION: ConfigDict = { ...STAGING, "log.screen": false };

/**
 * CherryPy's environments: `config.update({ environment: "production" })` sets these keys
 * (the ones not set explicitly in the same update).
 */
export const environments: Record<string, Readonly<ConfigDict>> = {
  staging: STAGING,
  production: PRODUCTION,
  embedded: { ...PRODUCTION, "engine.SIGHUP": null, "engine.SIGTERM": null },
  test_suite: {
    ...PRODUCTION,
    "request.show_tracebacks": true,
    "request.show_mismatched_params": true,
  },
};

/** Applies one `namespace.rest` key: `handler("socket_port", 8080)` for `server.socket_port`. */
export type NamespaceHandler = (key: string, value: unknown) => void;

/**
 * The site-wide config. `update` takes a dict of `"namespace.key": value` entries (or a dict
 * with a `global` section, of which only that section applies, as in CherryPy). Keys whose
 * namespace has a handler (`server`, `engine`, `log`, ...) are also applied at once.
 *
 * @example Using `GlobalConfig`
 * ```ts
 * import { config } from "../../mod.ts";
 * config.update({ "server.socket_host": "127.0.0.1", "server.socket_port": 8081 });
 * config.get("server.socket_port"); // 8081
 * ```
 */
export class GlobalConfig {
  readonly #values: ConfigDict = {};
  /** Handlers for namespaces, by name. */
  readonly namespaces: Map<string, NamespaceHandler> = new Map();
  /** The entries {@link GlobalConfig.reset} restores (CherryPy's defaults turn on four tools). */
  readonly defaults: Readonly<ConfigDict>;
  /**
   * Called when `update` is given a `global` section together with other (path) sections,
   * which apply to applications only and are ignored here.
   */
  onPathSections: (() => void) | null = null;

  /** Creates the config holding `defaults`. */
  constructor(defaults: Readonly<ConfigDict> = {}) {
    this.defaults = defaults;
    Object.assign(this.#values, defaults);
  }

  /**
   * Merges `conf` into the config and applies its namespaced keys. `conf` may also be the path
   * of a config file, whose `[global]` section applies.
   */
  update(conf: Record<string, unknown> | string): void {
    if (typeof conf === "string") {
      conf = readConfigFile(conf);
    }
    if (conf === null || typeof conf !== "object" || Array.isArray(conf)) {
      throw new TypeError(
        `config.update takes an object of "namespace.key": value entries; got ${
          JSON.stringify(conf)
        }.`,
      );
    }
    let entries = conf;
    const global = conf["global"];
    if (global !== null && typeof global === "object" && !Array.isArray(global)) {
      entries = global as Record<string, unknown>;
      if (Object.keys(conf).length > 1) this.onPathSections?.();
    }
    const env = entries["environment"];
    if (env !== undefined && env !== null && env !== "") {
      const preset = environments[String(env)];
      if (preset === undefined) {
        throw new Error(
          `Unknown environment ${JSON.stringify(env)}; known ones: ${
            Object.keys(environments).join(", ")
          }.`,
        );
      }
      entries = { ...preset, ...entries };
    }
    for (const [key, value] of Object.entries(entries)) {
      this.#values[key] = value;
      this.#apply(key, value);
    }
    invalidateDispatch();
  }

  #apply(key: string, value: unknown): void {
    const dot = key.indexOf(".");
    if (dot < 0) return;
    const handler = this.namespaces.get(key.slice(0, dot));
    handler?.(key.slice(dot + 1), value);
  }

  /** The value of `key`, or `defaultValue`. */
  get(key: string, defaultValue?: unknown): unknown {
    return key in this.#values ? this.#values[key] : defaultValue;
  }

  /** Sets one key (and applies it). */
  set(key: string, value: unknown): void {
    this.update({ [key]: value });
  }

  /** `true` when `key` is set. */
  has(key: string): boolean {
    return key in this.#values;
  }

  /** Removes every key, then restores the defaults. */
  reset(): void {
    for (const key of Object.keys(this.#values)) delete this.#values[key];
    Object.assign(this.#values, this.defaults);
    invalidateDispatch();
  }

  /** The entries, as a plain object (the live one; do not modify it). */
  values(): ConfigDict {
    return this.#values;
  }
}

/** Sets `key` (an attribute name) on `target`, refusing names the target does not have. */
export function setAttribute(target: object, key: string, value: unknown, what: string): void {
  if (!(key in target)) {
    throw new Error(`Unknown config key ${JSON.stringify(key)} for ${what}.`);
  }
  (target as Record<string, unknown>)[key] = value;
}

/**
 * `cherrypy.config`: the global config, also usable as a decorator that attaches config to a
 * method or class (`@cherrypy.config({"response.stream": true})`), as in CherryPy.
 */
export type CallableConfig = GlobalConfig & ((entries: ConfigDict) => ConfigDecorator);

/**
 * Makes `config` callable as the `_cp_config` decorator.
 *
 * @example Using `callableConfig`
 * ```ts
 * import { GlobalConfig } from "../../mod.ts";
 * import { callableConfig } from "./mod.ts";
 * const config = callableConfig(new GlobalConfig());
 * config.update({ "server.socket_port": 8081 });
 * const decorate = config({ "response.stream": true });
 * ```
 */
export function callableConfig(config: GlobalConfig): CallableConfig {
  return callableFacade(cpConfig, config, GlobalConfig.prototype);
}
