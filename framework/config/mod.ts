/**
 * Configuration: the global config and its environments, config files and their reader, the
 * registry of names config files may use.
 *
 * @module
 */
export * from "./config.ts";
export * from "./config_file.ts";
