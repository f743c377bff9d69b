/**
 * `cherrypy.lib.reprconf`: config files and the names their values may use.
 *
 * @example Parse a config file's text
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * const conf = cherrypy.lib.reprconf.parseConfig("[global]\nserver.socket_port: 8080\n");
 * conf["global"]?.["server.socket_port"]; // 8080
 * ```
 *
 * @module
 */

export {
  ConfigFileError,
  type ConfigFileErrorLocation,
  ConfigRegistry,
  configRegistry,
  parseConfig,
  readConfigFile,
} from "../config/config_file.ts";
