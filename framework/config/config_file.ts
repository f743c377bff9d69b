/**
 * CherryPy config files: `[section]` headers and `key: value` (or `key = value`) entries, read
 * the way Python's `configparser` reads them for CherryPy (option names keep their case, a
 * `DEFAULT` section and `%(name)s` interpolation), with values evaluated like CherryPy's
 * `unrepr`: literals in Python or JavaScript form, and registered names instead of imports.
 *
 * ```ini
 * [global]
 * server.socket_port: 8080
 *
 * [/]
 * request.dispatch: cherrypy.dispatch.Dispatcher()
 * tools.staticdir.root = "/home/site"
 * ```
 *
 * @module
 */

import { pyRepr } from "../http/_pyrepr.ts";
import { platform } from "../../platform/mod.ts";
import { NotFoundError } from "../../platform/types.ts";
import { ValueProblem } from "./_config_lexer.ts";
import { readValue } from "./_config_value.ts";
import { ConfigRegistry, configRegistry } from "./config_registry.ts";

export { ConfigRegistry, configRegistry };

/** Where a config problem is and what it is. */
export interface ConfigFileErrorLocation {
  /** The file name (`<string>` for text without one). */
  file: string;
  /** The 1-based line, or 0 when the problem concerns the whole file. */
  line: number;
  /** The section the problem is in, if any. */
  section: string | null;
  /** The option (key) the problem is about, if any. */
  key: string | null;
}

/**
 * A config file that cannot be read. The message starts with `file:line: [section] key:` and
 * says what was expected.
 *
 * @example Telling the user where the problem is
 * ```ts
 * import { ConfigFileError, parseConfig } from "./mod.ts";
 * try {
 *   parseConfig("[/static]\ntools.staticdir.root = foo bar\n", "site.conf");
 * } catch (e) {
 *   if (e instanceof ConfigFileError) console.error(e.message, e.line); // "site.conf:2: ...", 2
 * }
 * ```
 */
export class ConfigFileError extends Error {
  /** The file name. */
  readonly file: string;
  /** The 1-based line, or 0 when the problem concerns the whole file. */
  readonly line: number;
  /** The section the problem is in, if any. */
  readonly section: string | null;
  /** The option (key) the problem is about, if any. */
  readonly key: string | null;
  /** The message without its location prefix. */
  readonly reason: string;

  /** Creates the error; the message is the location followed by `reason`. */
  constructor(reason: string, location: ConfigFileErrorLocation, options?: ErrorOptions) {
    const { file, line, section, key } = location;
    let where = line > 0 ? `${file}:${line}:` : `${file}:`;
    if (section !== null) where += ` [${section}]`;
    if (key !== null) where += ` ${key}:`;
    else if (section !== null) where += ":";
    super(`${where} ${reason}`, options);
    this.name = "ConfigFileError";
    this.file = file;
    this.line = line;
    this.section = section;
    this.key = key;
    this.reason = reason;
  }
}

const DEFAULT_SECTION = "DEFAULT";
const MAX_INTERPOLATION_DEPTH = 10;

interface RawOption {
  name: string;
  /** The value's lines, as configparser keeps them (stripped; blank lines as ""). */
  lines: string[];
  /** The file line of each entry of `lines`. */
  lineNumbers: number[];
}

interface RawSection {
  name: string;
  line: number;
  options: Map<string, RawOption>;
}

/** Sets an own property, even one named `__proto__`. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** Splits `text` into sections of raw options, with configparser's rules. */
function readSections(text: string, file: string): [RawSection[], RawSection] {
  const sections = new Map<string, RawSection>();
  const defaults: RawSection = { name: DEFAULT_SECTION, line: 0, options: new Map() };
  const fail: (
    reason: string,
    line: number,
    section: RawSection | null,
    key: string | null,
  ) => never = (reason, line, section, key) => {
    throw new ConfigFileError(reason, { file, line, section: section?.name ?? null, key });
  };
  let current: RawSection | null = null;
  let option: RawOption | null = null;
  let indentLevel = 0;
  const lines = text.replace(/^\ufeff/, "").split(/\r\n|\r|\n/);
  for (const [index, line] of lines.entries()) {
    const lineNo = index + 1;
    const stripped = line.trim();
    const comment = stripped.startsWith("#") || stripped.startsWith(";");
    if (stripped === "" || comment) {
      // A blank line belongs to the value above (trailing ones are trimmed); comments do not.
      if (!comment && option !== null) {
        option.lines.push("");
        option.lineNumbers.push(lineNo);
      }
      continue;
    }
    const indent = line.search(/\S/);
    if (option !== null && indent > indentLevel) {
      option.lines.push(stripped);
      option.lineNumbers.push(lineNo);
      continue;
    }
    indentLevel = indent;
    const header = /^\[(.+)\]/.exec(stripped);
    if (header) {
      const name = header[1] as string;
      option = null;
      if (name === DEFAULT_SECTION) {
        current = defaults;
      } else {
        const seen = sections.get(name);
        if (seen !== undefined) {
          fail(`section [${name}] appears twice (first on line ${seen.line})`, lineNo, null, null);
        }
        current = { name, line: lineNo, options: new Map() };
        sections.set(name, current);
      }
      continue;
    }
    if (current === null) {
      fail(
        `expected a section header such as [global] or [/] before ${pyRepr(stripped)}`,
        lineNo,
        null,
        null,
      );
    }
    const entry = /^(.*?)\s*[=:]\s*(.*)$/s.exec(stripped);
    if (!entry) {
      fail(
        `expected 'key = value' or 'key: value', found ${pyRepr(stripped)}`,
        lineNo,
        current,
        null,
      );
    }
    const name = entry[1] as string;
    if (name === "") {
      fail(`expected an option name before ${pyRepr(stripped)}`, lineNo, current, null);
    }
    const previous = current.options.get(name);
    if (previous !== undefined) {
      fail(`option set twice (first on line ${previous.lineNumbers[0]})`, lineNo, current, name);
    }
    option = { name, lines: [(entry[2] as string).trim()], lineNumbers: [lineNo] };
    current.options.set(name, option);
  }
  return [[...sections.values()], defaults];
}

/** The value's text: its lines joined, trailing blank lines dropped. */
function joined(option: RawOption): string {
  return option.lines.join("\n").trimEnd();
}

/** Expands `%(name)s` and `%%` in `value`, as configparser's BasicInterpolation does. */
function interpolate(
  value: string,
  lookup: (name: string) => string | undefined,
  fail: (reason: string) => never,
  depth = 1,
): string {
  if (depth > MAX_INTERPOLATION_DEPTH) {
    fail(
      `%(name)s references nest more than ${MAX_INTERPOLATION_DEPTH} deep ` +
        "(does a value refer to itself?)",
    );
  }
  let out = "";
  let rest = value;
  for (let p = rest.indexOf("%"); p >= 0; p = rest.indexOf("%")) {
    out += rest.slice(0, p);
    rest = rest.slice(p);
    if (rest.startsWith("%%")) {
      out += "%";
      rest = rest.slice(2);
    } else if (rest.startsWith("%(")) {
      const ref = /^%\(([^)]+)\)s/.exec(rest);
      if (!ref) {
        fail(`bad interpolation reference ${pyRepr(rest)}: write %(name)s, or %% for a literal %`);
      }
      const name = ref[1] as string;
      const raw = lookup(name);
      if (raw === undefined) {
        fail(`${ref[0]} refers to no option '${name}' of this section or [DEFAULT]`);
      }
      out += raw.includes("%") ? interpolate(raw, lookup, fail, depth + 1) : raw;
      rest = rest.slice(ref[0].length);
    } else {
      fail(
        `'%' must be followed by '%' or '(name)s', found ${pyRepr(rest)}; write %% for a literal %`,
      );
    }
  }
  return out + rest;
}

/** The file line of offset `pos` of a value read from `option`. */
function lineAt(option: RawOption, pos: number): number {
  const index = joined(option).slice(0, pos).split("\n").length - 1;
  return option.lineNumbers[index] ?? option.lineNumbers[0] ?? 0;
}

/**
 * Reads config text into sections of evaluated entries, as CherryPy's config files are read:
 * each section's entries include those of `[DEFAULT]` (which is not itself a section of the
 * result), `%(name)s` is replaced by the raw text of another entry of the section or of
 * `[DEFAULT]`, and `%%` is a literal `%`. Each value is then evaluated: literals in Python or
 * JavaScript form (numbers, strings, `True`/`true`, `None`/`null`, lists, tuples, dicts),
 * unary `-`, `+` and `*`, subscripts, and names (or calls of names) looked up in `registry`.
 * Throws {@link ConfigFileError} naming the file, line, section and key of the first problem.
 *
 * @example A site config
 * ```ts
 * import { parseConfig } from "./mod.ts";
 * const conf = parseConfig(`
 * [global]
 * server.socket_port: 8080
 *
 * [/static]
 * tools.staticdir.on = True
 * tools.staticdir.dir = "/home/site/static"
 * `, "site.conf");
 * conf.global?.["server.socket_port"]; // 8080
 * conf["/static"]?.["tools.staticdir.on"]; // true
 * ```
 */
export function parseConfig(
  text: string,
  filename = "<string>",
  registry: ConfigRegistry = configRegistry,
): Record<string, Record<string, unknown>> {
  const [sections, defaults] = readSections(text, filename);
  const result: Record<string, Record<string, unknown>> = {};
  for (const section of sections) {
    const entries: Record<string, unknown> = {};
    const options = new Map(section.options);
    for (const [name, option] of defaults.options) {
      if (!options.has(name)) options.set(name, option);
    }
    const lookup = (name: string) => {
      const option = options.get(name);
      return option === undefined ? undefined : joined(option);
    };
    for (const [name, option] of options) {
      const where = { file: filename, section: section.name, key: name };
      const raw = joined(option);
      const value = interpolate(raw, lookup, (reason) => {
        throw new ConfigFileError(reason, { ...where, line: option.lineNumbers[0] ?? 0 });
      });
      try {
        define(entries, name, readValue(value, registry));
      } catch (e) {
        if (!(e instanceof ValueProblem)) throw e;
        const line = value === raw ? lineAt(option, e.pos) : option.lineNumbers[0] ?? 0;
        throw new ConfigFileError(`cannot read value ${pyRepr(value)}: ${e.message}`, {
          ...where,
          line,
        }, { cause: e.cause ?? e });
      }
    }
    define(result, section.name, entries);
  }
  return result;
}

/**
 * Reads the config file at `path` (synchronously, as CherryPy does at start-up) with
 * {@link parseConfig}. A missing or unreadable file is a {@link ConfigFileError} naming it.
 *
 * @example Using `readConfigFile`
 * ```ts
 * import { readConfigFile } from "./mod.ts";
 * const conf = readConfigFile("app.conf");
 * conf["/"]?.["tools.gzip.on"]; // true, with "[/]\ntools.gzip.on: True" in app.conf
 * ```
 */
export function readConfigFile(
  path: string,
  registry: ConfigRegistry = configRegistry,
): Record<string, Record<string, unknown>> {
  let text: string;
  try {
    text = platform.readTextFileSync(path);
  } catch (e) {
    const reason = e instanceof NotFoundError
      ? "cannot read the config file: no such file"
      : `cannot read the config file: ${e instanceof Error ? e.message : String(e)}`;
    throw new ConfigFileError(reason, { file: path, line: 0, section: null, key: null }, {
      cause: e,
    });
  }
  return parseConfig(text, path, registry);
}
