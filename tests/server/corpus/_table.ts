/**
 * Reads the corpus table (`cases.ts`): one case a line, `name | outcome | outcome ... | bytes`,
 * with a header line `# name | <engine> | <engine> ... | bytes` naming the outcome columns.
 *
 * Bytes are written as text with escapes: `\r`, `\n`, `\t`, `\0`, `\xHH`, `\\`, `\|` (a bar),
 * `{N*text}` for `text` repeated N times (escapes allowed inside), and a final `<EOF>` for a
 * client that half-closes the connection after sending.
 *
 * @module
 */

/** One hostile request and what each engine must answer. */
export interface Case {
  /** A short description, unique in the table. */
  readonly name: string;
  /** The bytes to send, one character per byte (Latin-1). */
  readonly bytes: string;
  /** Half-close the connection after sending. */
  readonly shut: boolean;
  /** The expected outcome by engine column (see `matches` in `_exchange.ts`). */
  readonly expected: Readonly<Record<string, string>>;
  /** The line in the table, for messages. */
  readonly line: number;
}

function unescape(text: string, line: number): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "{") {
      const close = text.indexOf("}", i);
      const star = text.indexOf("*", i);
      if (close < 0 || star < 0 || star > close) throw new Error(`line ${line}: bad {N*text}`);
      const count = Number(text.slice(i + 1, star));
      out += unescape(text.slice(star + 1, close), line).repeat(count);
      i = close;
      continue;
    }
    if (c !== "\\") {
      out += c;
      continue;
    }
    const e = text[++i];
    if (e === "r") out += "\r";
    else if (e === "n") out += "\n";
    else if (e === "t") out += "\t";
    else if (e === "0") out += "\0";
    else if (e === "\\" || e === "|" || e === "{") out += e;
    else if (e === "x") {
      out += String.fromCharCode(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else throw new Error(`line ${line}: unknown escape \\${e}`);
  }
  return out;
}

/** Splits a line on `|` not preceded by a backslash. */
function cells(line: string): string[] {
  const out: string[] = [];
  let cell = "";
  for (let i = 0; i < line.length; i++) {
    if (line[i] === "\\" && i + 1 < line.length) {
      cell += line[i]! + line[i + 1]!;
      i++;
    } else if (line[i] === "|") {
      out.push(cell);
      cell = "";
    } else cell += line[i];
  }
  out.push(cell);
  return out;
}

/** Parses the table text into cases. */
export function parseTable(table: string): Case[] {
  const lines = table.split("\n");
  const header = lines.findIndex((l) => l.startsWith("# name"));
  if (header < 0) throw new Error("the corpus table has no '# name | ... | bytes' header");
  const columns = cells(lines[header]!.slice(1)).map((c) => c.trim());
  const engines = columns.slice(1, -1);
  const cases: Case[] = [];
  const names = new Set<string>();
  lines.forEach((text, index) => {
    const line = index + 1;
    if (index <= header || text.trim() === "" || text.startsWith("#")) return;
    const parts = cells(text);
    if (parts.length !== columns.length) {
      throw new Error(`corpus line ${line}: ${parts.length} cells, expected ${columns.length}`);
    }
    const name = parts[0]!.trim();
    if (names.has(name)) throw new Error(`corpus line ${line}: duplicate name ${name}`);
    names.add(name);
    let raw = parts[parts.length - 1]!.trim();
    const shut = raw.endsWith("<EOF>");
    if (shut) raw = raw.slice(0, -5);
    const expected: Record<string, string> = {};
    engines.forEach((engine, i) => expected[engine] = parts[i + 1]!.trim());
    cases.push({ name, bytes: unescape(raw, line), shut, expected, line });
  });
  return cases;
}
