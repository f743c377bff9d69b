/**
 * The config tests' shared helper: the error a config text fails with.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  ConfigFileError,
  type ConfigRegistry,
  parseConfig,
} from "../../../framework/config/mod.ts";

/** The ConfigFileError that parsing `text` as `site.conf` throws. */
export function failure(text: string, registry?: ConfigRegistry): ConfigFileError {
  try {
    parseConfig(text, "site.conf", registry);
  } catch (e) {
    if (e instanceof ConfigFileError) return e;
    throw e;
  }
  assert.fail(`no error for ${JSON.stringify(text)}`);
}
