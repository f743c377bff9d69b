/**
 * The options of the built-in tools of `builtin_tools.ts`, checked where they are written and
 * when a request's are complete (see `Tool.checkOptions`).
 *
 * @module
 */

import type { HookOptions } from "../core/hooks.ts";
import {
  boolean,
  checkToolOptions,
  nonNegative,
  optionalString,
  type OptionCheck,
  status,
  strings,
} from "./_options.ts";
import { pythonRegex } from "./_pyregex.ts";

type Check = (options: HookOptions, complete: boolean) => void;

const pattern: OptionCheck = (v) => {
  if (v instanceof RegExp) return null;
  if (typeof v !== "string") return "a regular expression (a string or a RegExp)";
  try {
    pythonRegex(v);
    return null;
  } catch (e) {
    return `a valid regular expression (${(e as Error).message})`;
  }
};

const errorClasses: OptionCheck = (v) =>
  typeof v === "function" ||
    (Array.isArray(v) && v.length > 0 && v.every((c) => typeof c === "function"))
    ? null
    : "an error class, or a list of them (ValueError, [ValueError, TypeError])";

const converters: OptionCheck = (v) => {
  if (v === null) return null;
  if (typeof v !== "object" || Array.isArray(v)) {
    return "an object mapping parameter names to converter functions ({ limit: int })";
  }
  const bad = Object.entries(v).find(([, c]) => typeof c !== "function");
  return bad === undefined
    ? null
    : `converter functions only (${JSON.stringify(bad[0])} is not one)`;
};

const encoding: OptionCheck = (v) =>
  typeof v === "string" && /^[A-Za-z][A-Za-z0-9._-]*$/.test(v) &&
    !/^(utf-?16|utf-?32|ucs-?2|ucs-?4)/i.test(v.replace(/_/g, "-"))
    ? null
    : 'the name of UTF-8 or an ASCII-compatible encoding ("utf-8", "iso-8859-1")';

const count: OptionCheck = (v) =>
  typeof v === "number" && Number.isInteger(v) && v >= 0 ? null : "a whole number, 0 or more";

const noneOrNumber: OptionCheck = (v) =>
  typeof v === "boolean" || typeof v === "number" ? null : "true or false";

/** A check of `tool`'s options by `spec`, with `required` ones. */
function spec(tool: string, options: Record<string, OptionCheck>, required: string[] = []): Check {
  return (given, complete) => checkToolOptions(tool, given, options, complete, required);
}

/** The checks, by tool name. */
export const toolChecks = {
  allow: spec("allow", { methods: strings }),
  referer: spec("referer", {
    pattern,
    accept: boolean,
    accept_missing: boolean,
    error: status,
    message: optionalString,
  }, ["pattern"]),
  ignore_headers: spec("ignore_headers", { headers: strings }),
  proxy: spec("proxy", {
    base: optionalString,
    local: optionalString,
    remote: optionalString,
    scheme: optionalString,
  }),
  redirect: spec("redirect", { url: optionalString, internal: boolean }),
  err_redirect: spec("err_redirect", { url: optionalString, internal: boolean }),
  flatten: spec("flatten", {}),
  log_hooks: spec("log_hooks", {}),
  params: spec("params", { exception: errorClasses, error: status, types: converters }),
  xmlrpc: spec("xmlrpc", { encoding, allow_none: noneOrNumber }),
  cpstats: spec("cpstats", {
    uriset: optionalString,
    slow_queries: nonNegative,
    slow_queries_count: count,
  }),
} satisfies Record<string, Check>;
