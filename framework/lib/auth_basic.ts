/**
 * `cherrypy.lib.auth_basic`: HTTP Basic authentication (the `tools.auth_basic` tool and its
 * helper). A config file reaches the helper by CherryPy's name:
 * `tools.auth_basic.checkpassword = cherrypy.lib.auth_basic.checkpassword_dict({'jon': 'secret'})`.
 *
 * @example The docs' basic authentication
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * const USERS: Record<string, string> = { jon: "secret" };
 * function validatePassword(_realm: string, username: string, password: string): boolean {
 *   return Object.hasOwn(USERS, username) && USERS[username] === password;
 * }
 * const conf = {
 *   "/protected/area": {
 *     "tools.auth_basic.on": true,
 *     "tools.auth_basic.realm": "localhost",
 *     "tools.auth_basic.checkpassword": validatePassword,
 *   },
 * };
 * ```
 *
 * @module
 */

import { configRegistry } from "../config/config_registry.ts";
import { checkpasswordDict } from "../tools/auth_basic.ts";

export {
  AuthBasicTool,
  basicAuth,
  type BasicAuthOptions,
  type CheckPassword,
  checkpasswordDict,
} from "../tools/auth_basic.ts";

configRegistry.register(
  "cherrypy.lib.auth_basic",
  Object.freeze({ checkpassword_dict: checkpasswordDict }),
);
