/**
 * Shared pieces of the ported CherryPy test modules: a private site served on an ephemeral
 * port (CherryPy's `setup_server` + `CPWebCase`), and Python's `repr` of the few values the
 * original assertions print (tuples and lists of strings).
 *
 * @module
 */
import * as cherrypy from "../../mod.ts";

/**
 * A private tree over its own global config and log, and a `WebCase` over a real socket
 * (in-process with `socket: false`, where a test needs to address other hosts).
 */
export function suiteSite(globalConfig: Record<string, unknown> = {}, socket = true) {
  const log = new cherrypy.LogManager({ screen: false });
  const errors: string[] = [];
  log.handlers.push((r) => {
    if (r.kind === "error") errors.push(r.line);
  });
  const config = { ...cherrypy.DEFAULT_TOOL_CONFIG, ...globalConfig };
  const tree = new cherrypy.Tree({ globalConfig: () => config, log });
  const web = new cherrypy.WebCase({ tree, socket });
  return { tree, web, errors, log, config };
}

/** Python's `repr` of a string. */
export function reprStr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = "";
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === "\\") out += "\\\\";
    else if (ch === quote) out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c < 0x20 || c === 0x7f) out += "\\x" + c.toString(16).padStart(2, "0");
    else out += ch;
  }
  return quote + out + quote;
}

/** Python's `repr` of a value: strings, numbers, null, booleans, lists and dicts. */
export function repr(value: unknown): string {
  if (typeof value === "string") return reprStr(value);
  if (value === null || value === undefined) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (Array.isArray(value)) return `[${value.map(repr).join(", ")}]`;
  if (typeof value === "object") {
    const items = Object.entries(value as Record<string, unknown>);
    return `{${items.map(([k, v]) => `${reprStr(k)}: ${repr(v)}`).join(", ")}}`;
  }
  return String(value);
}

/** Python's `repr` of a tuple. */
export function reprTuple(values: readonly unknown[]): string {
  if (values.length === 1) return `(${repr(values[0])},)`;
  return `(${values.map(repr).join(", ")})`;
}

/** Serves `tree` on an ephemeral port of 127.0.0.1 (CherryPy's test server). */
export async function serveTree(
  tree: cherrypy.Tree,
  options: Partial<cherrypy.HTTPServerOptions> = {},
): Promise<{ port: number; server: cherrypy.HTTPServer; stop(): Promise<void> }> {
  const server = new cherrypy.HTTPServer({ host: "127.0.0.1", port: 0 }, tree, options);
  await server.start();
  return { port: server.boundAddr!.port, server, stop: () => server.stop() };
}

/** Python's `repr` of a bytes value. */
export function reprBytes(bytes: Uint8Array): string {
  const text = String.fromCharCode(...bytes);
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = "";
  for (const b of bytes) {
    const ch = String.fromCharCode(b);
    if (ch === "\\") out += "\\\\";
    else if (ch === quote) out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (b < 0x20 || b >= 0x7f) out += "\\x" + b.toString(16).padStart(2, "0");
    else out += ch;
  }
  return "b" + quote + out + quote;
}
