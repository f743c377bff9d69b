/**
 * `cherrypy.lib.auth_digest`: HTTP Digest authentication (the `tools.auth_digest` tool, its
 * credential stores and its arithmetic). A config file reaches the stores by CherryPy's names:
 * `tools.auth_digest.get_ha1 = cherrypy.lib.auth_digest.get_ha1_dict_plain({'jon': 'secret'})`,
 * `get_ha1_dict(...)`, `get_ha1_file_htdigest('/path/to/htdigest')`.
 *
 * @example The docs' digest authentication
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * const USERS = { jon: "secret" };
 * const conf = {
 *   "/protected/area": {
 *     "tools.auth_digest.on": true,
 *     "tools.auth_digest.realm": "localhost",
 *     "tools.auth_digest.get_ha1": cherrypy.lib.auth_digest.getHa1DictPlain(USERS),
 *     "tools.auth_digest.key": "a565c27146791cfb",
 *   },
 * };
 * ```
 *
 * @module
 */

import { configRegistry } from "../config/config_registry.ts";
import { getHa1Dict, getHa1DictPlain, getHa1FileHtdigest } from "../tools/auth_digest.ts";

export {
  algorithmNamed,
  AuthDigestTool,
  type ChallengeOptions,
  type DigestAlgorithm,
  digestAuth,
  type DigestAuthOptions,
  type DigestAuthorizationOptions,
  digestHash,
  type DigestHashName,
  type GetHa1,
  getHa1Dict,
  getHa1DictPlain,
  getHa1FileHtdigest,
  type GetUsername,
  type Ha1,
  HttpDigestAuthorization,
  synthesizeNonce,
  validAlgorithms,
  validQops,
  wwwAuthenticate,
} from "../tools/auth_digest.ts";

configRegistry.register(
  "cherrypy.lib.auth_digest",
  Object.freeze({
    get_ha1_dict_plain: getHa1DictPlain,
    get_ha1_dict: getHa1Dict,
    get_ha1_file_htdigest: getHa1FileHtdigest,
  }),
);
