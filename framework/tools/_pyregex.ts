/**
 * Python regular expressions (as config files and CherryPy apps write them) compiled to
 * JavaScript ones, for the tools that take patterns (`referer`): Python's named groups
 * `(?P<name>...)` and back-references `(?P=name)`, `\A` and `\Z`, and leading inline flags
 * (`(?i)`, `(?s)`, `(?m)`). Everything else is read as JavaScript syntax, which agrees with
 * Python's for the patterns these tools see.
 *
 * @module
 */

const cache = new Map<string, RegExp>();
const CACHE_SIZE = 256;

/** Turns Python-only syntax into JavaScript's; returns the source and flags. */
function translate(pattern: string): [string, string] {
  let flags = "";
  let src = pattern;
  const lead = /^\(\?([aiLmsux]+)\)/.exec(src);
  if (lead !== null) {
    for (const f of lead[1]!) {
      if (f === "i" || f === "m" || f === "s") {
        if (!flags.includes(f)) flags += f;
      } else if (f !== "u") {
        throw new SyntaxError(`the inline flag (?${f}) has no JavaScript equivalent`);
      }
    }
    src = src.slice(lead[0].length);
  }
  let out = "";
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === "\\" && i + 1 < src.length) {
      const n = src[i + 1]!;
      out += n === "A" ? "^" : n === "Z" ? "$(?![\\s\\S])" : c + n;
      i++;
    } else if (c === "[") {
      // A character class is copied as it is (its `(` and `\A` are literal there).
      const end = classEnd(src, i);
      out += src.slice(i, end);
      i = end - 1;
    } else if (src.startsWith("(?P<", i)) {
      out += "(?<";
      i += 3;
    } else if (src.startsWith("(?P=", i)) {
      const close = src.indexOf(")", i);
      if (close < 0) throw new SyntaxError("missing ) after (?P=");
      out += `\\k<${src.slice(i + 4, close)}>`;
      i = close;
    } else out += c;
  }
  return [out, flags];
}

/** The index after the character class starting at `start`. */
function classEnd(src: string, start: number): number {
  let i = start + 1;
  if (src[i] === "^") i++;
  if (src[i] === "]") i++;
  for (; i < src.length; i++) {
    if (src[i] === "\\") i++;
    else if (src[i] === "]") return i + 1;
  }
  return src.length;
}

/**
 * Compiles a Python pattern (or takes a JavaScript `RegExp`) into a regular expression that
 * matches only at the start of the text, as Python's `re.match` does. Compiled patterns are
 * remembered.
 */
export function pythonRegex(pattern: string | RegExp): RegExp {
  if (pattern instanceof RegExp) {
    return new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, "") + "y");
  }
  let re = cache.get(pattern);
  if (re === undefined) {
    const [src, flags] = translate(pattern);
    re = new RegExp(src, flags + "y");
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(pattern, re);
  }
  return re;
}

/** Python's `re.match(pattern, text)`: whether `pattern` matches at the start of `text`. */
export function pythonMatch(pattern: string | RegExp, text: string): boolean {
  const re = pythonRegex(pattern);
  re.lastIndex = 0;
  return re.test(text);
}
