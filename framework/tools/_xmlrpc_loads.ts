/**
 * Reading XML-RPC documents (Python's `xmlrpc.client.loads`): a small, linear XML tokenizer
 * and the unmarshaller that turns `<value>`s into JavaScript values (see `_xmlrpc_codec.ts`
 * for the mapping). A document is bytes in UTF-8 (the default), UTF-16 (with a byte-order
 * mark), ISO-8859-1 or US-ASCII, as its declaration says.
 *
 * @module
 */

import { DateTime, Fault, XMLRPCParseError } from "./_xmlrpc_codec.ts";
import { float } from "./params.ts";

const fail = (message: string): never => {
  throw new XMLRPCParseError(message);
};

/**
 * The text of `data`, decoded as its byte-order mark or XML declaration says.
 *
 * @example Using `decodeDocument`
 * ```ts
 * import { decodeDocument } from "./_xmlrpc_loads.ts";
 * decodeDocument(new Uint8Array([0x3c, 0x61, 0x2f, 0x3e])); // "<a/>"
 * ```
 */
export function decodeDocument(data: Uint8Array | string): string {
  if (typeof data === "string") return data.startsWith("\uFEFF") ? data.slice(1) : data;
  const [b0, b1, b2] = data;
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return strictDecode("utf-8", data.subarray(3));
  if (b0 === 0xff && b1 === 0xfe) return strictDecode("utf-16le", data.subarray(2));
  if (b0 === 0xfe && b1 === 0xff) return strictDecode("utf-16be", data.subarray(2));
  const head = String.fromCharCode(...data.subarray(0, 200));
  const declared = /^<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z][A-Za-z0-9._-]*)["']/.exec(head);
  const name = (declared?.[1] ?? "utf-8").toLowerCase().replace(/_/g, "-");
  if (name === "iso-8859-1" || name === "latin-1" || name === "latin1") {
    let out = "";
    for (let i = 0; i < data.length; i += 8192) {
      out += String.fromCharCode(...data.subarray(i, i + 8192));
    }
    return out;
  }
  if (name === "us-ascii" || name === "ascii") {
    if (data.some((b) => b > 0x7f)) fail("a byte beyond ASCII in a US-ASCII document");
    return strictDecode("utf-8", data);
  }
  return strictDecode(name, data);
}

function strictDecode(label: string, bytes: Uint8Array): string {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label, { fatal: true });
  } catch {
    return fail(`unknown encoding ${label}`);
  }
  try {
    return decoder.decode(bytes);
  } catch {
    return fail(`the document is not valid ${label}`);
  }
}

/** What the tokenizer reports. */
interface XmlHandler {
  start(tag: string): void;
  end(tag: string): void;
  data(text: string): void;
}

const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const ATTRIBUTE = /\s+[A-Za-z_:][-A-Za-z0-9_:.]*\s*=\s*(?:"[^"<]*"|'[^'<]*')/y;
const NAMED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function xmlChar(code: number): string {
  const ok = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
  return ok ? String.fromCodePoint(code) : fail(`character reference &#${code}; is not allowed`);
}

function decodeText(raw: string): string {
  if (!raw.includes("&")) return raw;
  return raw.replace(/&([^;&]{0,10});?/g, (m, body: string) => {
    if (!m.endsWith(";")) return fail("malformed entity reference");
    const named = Object.hasOwn(NAMED, body) ? NAMED[body] : undefined;
    if (named !== undefined) return named;
    if (/^#[0-9]{1,7}$/.test(body)) return xmlChar(Number(body.slice(1)));
    if (/^#x[0-9A-Fa-f]{1,6}$/.test(body)) return xmlChar(parseInt(body.slice(2), 16));
    return fail(`unknown entity &${body};`);
  });
}

/** Tokenizes `text` (one root element), calling `handler`; throws on malformed XML. */
function parseXml(text: string, handler: XmlHandler): void {
  const stack: string[] = [];
  let seenRoot = false;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const lt = text.indexOf("<", i);
    const end = lt < 0 ? n : lt;
    if (end > i) {
      const raw = text.slice(i, end);
      if (stack.length === 0) {
        if (/\S/.test(raw)) fail("text outside the root element");
      } else handler.data(decodeText(raw));
      if (raw.includes("]]>")) fail("']]>' in text");
      i = end;
      continue;
    }
    if (text.startsWith("<?", i)) {
      const close = text.indexOf("?>", i + 2);
      if (close < 0) fail("unclosed processing instruction");
      if (text.startsWith("<?xml", i) && /\s/.test(text[i + 5] ?? "") && i !== 0) {
        fail("XML declaration not at the start");
      }
      i = close + 2;
    } else if (text.startsWith("<!--", i)) {
      const close = text.indexOf("-->", i + 4);
      if (close < 0) fail("unclosed comment");
      i = close + 3;
    } else if (text.startsWith("<![CDATA[", i)) {
      if (stack.length === 0) fail("CDATA outside the root element");
      const close = text.indexOf("]]>", i + 9);
      if (close < 0) fail("unclosed CDATA section");
      handler.data(text.slice(i + 9, close));
      i = close + 3;
    } else if (text.startsWith("<!", i)) {
      fail("DOCTYPE and entity declarations are not accepted");
    } else if (text.startsWith("</", i)) {
      NAME.lastIndex = i + 2;
      const m = NAME.exec(text) ?? fail("malformed end tag");
      const tag = m[0];
      let j = i + 2 + tag.length;
      while (j < n && /\s/.test(text[j]!)) j++;
      if (text[j] !== ">") fail("malformed end tag");
      if (stack.pop() !== tag) fail(`mismatched tag </${tag}>`);
      handler.end(tag);
      i = j + 1;
    } else {
      NAME.lastIndex = i + 1;
      const m = NAME.exec(text) ?? fail("malformed start tag");
      const tag = m[0];
      let j = i + 1 + tag.length;
      for (;;) {
        ATTRIBUTE.lastIndex = j;
        const a = ATTRIBUTE.exec(text);
        if (a === null) break;
        j += a[0].length;
      }
      while (j < n && /\s/.test(text[j]!)) j++;
      const selfClosing = text.startsWith("/>", j);
      if (!selfClosing && text[j] !== ">") fail(`malformed start tag <${tag}>`);
      if (stack.length === 0) {
        if (seenRoot) fail("more than one root element");
        seenRoot = true;
      }
      stack.push(tag);
      handler.start(tag);
      if (selfClosing) {
        stack.pop();
        handler.end(tag);
      }
      i = j + (selfClosing ? 2 : 1);
    }
  }
  if (!seenRoot) fail("no element found");
  if (stack.length > 0) fail(`unclosed element <${stack[stack.length - 1]}>`);
}

/** An integer as Python's `int()` reads one: a `number`, or a `bigint` beyond 2^53. */
function readInt(text: string): number | bigint {
  const t = text.trim();
  if (!/^[-+]?[0-9](?:_?[0-9])*$/.test(t)) fail(`bad integer ${JSON.stringify(text)}`);
  const clean = t.replaceAll("_", "").replace(/^\+/, "");
  const num = Number(clean);
  return Number.isSafeInteger(num) ? num : BigInt(clean);
}

const INTS = new Set(["int", "i1", "i2", "i4", "i8", "biginteger"]);
const TYPES = new Set([
  ...INTS,
  "nil",
  "boolean",
  "double",
  "float",
  "bigdecimal",
  "string",
  "array",
  "struct",
  "base64",
  "dateTime.iso8601",
  "value",
  "name",
  "member",
  "data",
]);

/** Python's `Unmarshaller`, fed by the tokenizer. */
class Unmarshaller implements XmlHandler {
  stack: unknown[] = [];
  marks: number[] = [];
  chunks: string[] = [];
  inValue = false;
  type: "params" | "fault" | "methodName" | null = null;
  methodname: string | null = null;

  start(tag: string): void {
    if (tag === "array" || tag === "struct") this.marks.push(this.stack.length);
    this.chunks = [];
    if (this.inValue && !TYPES.has(tag)) fail(`unknown tag ${JSON.stringify(tag)}`);
    this.inValue = tag === "value";
  }

  data(text: string): void {
    this.chunks.push(text);
  }

  end(tag: string): void {
    const data = this.chunks.join("");
    const stack = this.stack;
    if (INTS.has(tag)) stack.push(readInt(data));
    else if (tag === "nil") stack.push(null);
    else if (tag === "boolean") {
      if (data !== "0" && data !== "1") fail("bad boolean value");
      stack.push(data === "1");
    } else if (tag === "double" || tag === "float" || tag === "bigdecimal") {
      try {
        stack.push(float(data));
      } catch {
        fail(`bad double ${JSON.stringify(data)}`);
      }
    } else if (tag === "string" || tag === "name") stack.push(data);
    else if (tag === "array") {
      const mark = this.marks.pop()!;
      stack.push(stack.splice(mark));
    } else if (tag === "struct") {
      const mark = this.marks.pop()!;
      const items = stack.splice(mark);
      if (items.length % 2 !== 0) fail("a struct member without a value");
      const dict: Record<string, unknown> = {};
      for (let k = 0; k < items.length; k += 2) {
        Object.defineProperty(dict, String(items[k]), {
          value: items[k + 1],
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      stack.push(dict);
    } else if (tag === "base64") stack.push(decodeBase64Value(data));
    else if (tag === "dateTime.iso8601") stack.push(new DateTime(data));
    else if (tag === "value") {
      if (this.inValue) stack.push(data);
    } else if (tag === "params") this.type = "params";
    else if (tag === "fault") this.type = "fault";
    else if (tag === "methodName") {
      this.methodname = data;
      this.type = "methodName";
    } else return;
    // Python's handlers reset the flag, but for the three that end the message's parts.
    if (tag !== "params" && tag !== "fault" && tag !== "methodName") this.inValue = false;
  }

  close(): [unknown[], string | null] {
    if (this.type === null || this.marks.length > 0) fail("not an XML-RPC message");
    if (this.type === "fault") {
      const f = this.stack[0] as { faultCode?: unknown; faultString?: unknown } | undefined;
      throw new Fault(Number(f?.faultCode), String(f?.faultString ?? ""));
    }
    return [this.stack, this.methodname];
  }
}

function decodeBase64Value(text: string): Uint8Array {
  const clean = text.replace(/\s/g, "").replace(/=+$/, "");
  if (!/^[A-Za-z0-9+/]*$/.test(clean) || clean.length % 4 === 1) fail("bad base64 data");
  const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const out = new Uint8Array(Math.floor(clean.length * 3 / 4));
  let bits = 0, acc = 0, n = 0;
  for (const ch of clean) {
    acc = ((acc << 6) | B64.indexOf(ch)) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

/**
 * Python's `xmlrpc.client.loads`: the params and method name of an XML-RPC request, or the
 * params of a response (method name `null`). A `<fault>` response is thrown as a
 * {@link Fault}; anything unreadable as an {@link XMLRPCParseError}.
 *
 * @example Reading a request
 * ```ts
 * import { loads } from "./_xmlrpc_loads.ts";
 * const [params, method] = loads(
 *   "<methodCall><methodName>add</methodName><params>" +
 *     "<param><value><int>2</int></value></param>" +
 *     "<param><value>3</value></param></params></methodCall>",
 * );
 * // params: [2, "3"], method: "add"
 * ```
 */
export function loads(data: Uint8Array | string): [unknown[], string | null] {
  const u = new Unmarshaller();
  parseXml(decodeDocument(data), u);
  return u.close();
}
