/**
 * Encoding text into the charsets the `encode` tool may answer with: UTF-8, UTF-16, US-ASCII,
 * ISO-8859-1, and every single-byte charset the runtime's `TextDecoder` knows (the other
 * ISO-8859 parts, the Windows code pages, KOI8, IBM866, Macintosh). The runtimes only encode
 * UTF-8 themselves; a single-byte charset is encoded through a table made once from its
 * decoder. Multi-byte CJK charsets (Shift_JIS, EUC-JP, GBK, Big5, EUC-KR, ...) are not
 * encoded: asking for one is treated as a charset that cannot encode the text.
 *
 * @module
 */

import { platform } from "../../platform/mod.ts";

/** How a charset is encoded. */
type Codec =
  | { readonly kind: "utf-8" }
  | { readonly kind: "utf-16"; readonly littleEndian: boolean; readonly bom: boolean }
  | { readonly kind: "bytes"; readonly max: number }
  | { readonly kind: "table"; readonly table: ReadonlyMap<number, number> };

/** The single-byte encodings of the WHATWG Encoding Standard (the `TextDecoder` names). */
const SINGLE_BYTE: ReadonlySet<string> = new Set([
  "ibm866",
  "iso-8859-2",
  "iso-8859-3",
  "iso-8859-4",
  "iso-8859-5",
  "iso-8859-6",
  "iso-8859-7",
  "iso-8859-8",
  "iso-8859-8-i",
  "iso-8859-10",
  "iso-8859-13",
  "iso-8859-14",
  "iso-8859-15",
  "iso-8859-16",
  "koi8-r",
  "koi8-u",
  "macintosh",
  "windows-874",
  "windows-1250",
  "windows-1251",
  "windows-1252",
  "windows-1253",
  "windows-1254",
  "windows-1255",
  "windows-1256",
  "windows-1257",
  "windows-1258",
  "x-mac-cyrillic",
]);

// Python's aliases of the charsets it treats itself, compared without `-`, `_` and spaces.
const LATIN_1 = new Set([
  "latin1",
  "latin",
  "l1",
  "iso88591",
  "iso885911987",
  "isoir100",
  "cp819",
  "8859",
]);
const ASCII = new Set(["ascii", "usascii", "us", "646", "iso646us", "cp367", "ansix3.41968"]);
const UTF8 = new Set(["utf8", "u8", "utf", "cp65001"]);

const codecs = new Map<string, Codec | null>();

/**
 * `name` lower-cased with `_` as `-` (Python's spellings, `iso_8859_7`, name the same charsets
 * as `iso-8859-7`), with Python's aliases of UTF-8, UTF-16, ISO-8859-1 and US-ASCII folded
 * (unlike the WHATWG labels, for which `latin1` and `ascii` mean windows-1252).
 *
 * @example Using `normalizeCharset`
 * ```ts
 * import { normalizeCharset } from "./charsets.ts";
 * normalizeCharset("UTF8"); // "utf-8"
 * normalizeCharset("Latin_1"); // "iso-8859-1"
 * normalizeCharset("utf_16_be"); // "utf-16be"
 * ```
 */
export function normalizeCharset(name: string): string {
  const n = name.trim().toLowerCase().replace(/_/g, "-");
  const key = n.replace(/[- ]/g, "");
  if (UTF8.has(key)) return "utf-8";
  if (LATIN_1.has(key)) return "iso-8859-1";
  if (ASCII.has(key)) return "us-ascii";
  const utf16 = /^utf16(le|be)?$/.exec(key);
  if (utf16 !== null) return utf16[1] === undefined ? "utf-16" : `utf-16${utf16[1]}`;
  return n;
}

/**
 * The runtime's decoder for charset `name` (tried as given, then with `_` as `-`, so that both
 * the WHATWG labels and Python's spellings are found); `null` when the runtime has none.
 *
 * @example Using `decoderFor`
 * ```ts
 * import { decoderFor } from "./charsets.ts";
 * decoderFor("iso_8859_7")?.encoding; // "iso-8859-7"
 * decoderFor("x-klingon"); // null
 * ```
 */
export function decoderFor(name: string, options?: TextDecoderOptions): TextDecoder | null {
  const label = name.trim();
  for (const candidate of [label, label.replace(/_/g, "-")]) {
    try {
      return new TextDecoder(candidate, options);
    } catch { /* not a label this runtime knows */ }
  }
  return null;
}

/**
 * What windows-1252 decodes bytes 0x80-0x9F to (the WHATWG index). Node 20's `TextDecoder`
 * decodes windows-1252 as ISO-8859-1, so that part of the table is not taken from it.
 */
const WINDOWS_1252_80_9F = [
  0x20ac,
  0x81,
  0x201a,
  0x192,
  0x201e,
  0x2026,
  0x2020,
  0x2021,
  0x2c6,
  0x2030,
  0x160,
  0x2039,
  0x152,
  0x8d,
  0x17d,
  0x8f,
  0x90,
  0x2018,
  0x2019,
  0x201c,
  0x201d,
  0x2022,
  0x2013,
  0x2014,
  0x2dc,
  0x2122,
  0x161,
  0x203a,
  0x153,
  0x9d,
  0x17e,
  0x178,
];

/**
 * `bytes` decoded as windows-1252 by the WHATWG index (the runtimes' own decoder is not used:
 * see {@link WINDOWS_1252_80_9F}).
 *
 * @example Using `decodeWindows1252`
 * ```ts
 * import { decodeWindows1252 } from "./charsets.ts";
 * decodeWindows1252(Uint8Array.of(0x80, 0x31, 0xe9)); // "€1é"
 * ```
 */
export function decodeWindows1252(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 4096) {
    const codes = Array.from(
      bytes.subarray(i, i + 4096),
      (b) => b >= 0x80 && b <= 0x9f ? WINDOWS_1252_80_9F[b - 0x80]! : b,
    );
    out += String.fromCharCode(...codes);
  }
  return out;
}

/** The byte each code point encodes to in single-byte `encoding`, made by decoding 0-255. */
function tableOf(encoding: string): Map<number, number> {
  const bytes = new Uint8Array(256);
  for (let byte = 0; byte < 256; byte++) bytes[byte] = byte;
  // One character per byte: undefined bytes decode to U+FFFD.
  const text = new TextDecoder(encoding).decode(bytes);
  const table = new Map<number, number>();
  if (text.length !== 256) return table;
  for (let byte = 0; byte < 256; byte++) {
    const code = encoding === "windows-1252" && byte >= 0x80 && byte <= 0x9f
      ? WINDOWS_1252_80_9F[byte - 0x80]!
      : text.charCodeAt(byte);
    // The first byte for a code wins.
    if (code !== 0xfffd && !table.has(code)) table.set(code, byte);
  }
  return table;
}

function makeCodec(name: string): Codec | null {
  if (name === "utf-8") return { kind: "utf-8" };
  if (name === "iso-8859-1") return { kind: "bytes", max: 0xff };
  if (name === "us-ascii") return { kind: "bytes", max: 0x7f };
  // As Python: "utf-16" writes a byte-order mark, then little-endian; the others write none.
  if (name === "utf-16") return { kind: "utf-16", littleEndian: true, bom: true };
  if (name === "utf-16le") return { kind: "utf-16", littleEndian: true, bom: false };
  if (name === "utf-16be") return { kind: "utf-16", littleEndian: false, bom: false };
  const encoding = decoderFor(name)?.encoding;
  if (encoding === undefined) return null; // not a charset the runtime knows
  if (encoding === "utf-8") return { kind: "utf-8" };
  // WHATWG maps the Latin-1 and ASCII labels to windows-1252; those were folded above.
  return SINGLE_BYTE.has(encoding) ? { kind: "table", table: tableOf(encoding) } : null;
}

function codecFor(charset: string): Codec | null {
  const name = normalizeCharset(charset);
  let codec = codecs.get(name);
  if (codec === undefined) {
    codec = makeCodec(name);
    if (codecs.size < 256) codecs.set(name, codec);
  }
  return codec;
}

function encodeUtf16(text: string, littleEndian: boolean, bom: boolean): Uint8Array {
  const start = bom ? 2 : 0;
  const out = new Uint8Array(start + text.length * 2);
  const view = new DataView(out.buffer);
  if (bom) view.setUint16(0, 0xfeff, littleEndian);
  for (let i = 0; i < text.length; i++) {
    view.setUint16(start + 2 * i, text.charCodeAt(i), littleEndian);
  }
  return out;
}

/**
 * `text` encoded in `charset`; `null` when the charset cannot encode every character of it, or
 * is not one this module encodes (see the module documentation).
 *
 * @example Using `encodeText`
 * ```ts
 * import { encodeText } from "./charsets.ts";
 * encodeText("café", "iso-8859-1"); // Uint8Array [0x63, 0x61, 0x66, 0xe9]
 * encodeText("αβ", "iso-8859-7"); // Uint8Array [0xe1, 0xe2]
 * encodeText("αβ", "us-ascii"); // null
 * ```
 */
export function encodeText(text: string, charset: string): Uint8Array | null {
  const codec = codecFor(charset);
  if (codec === null) return null;
  switch (codec.kind) {
    case "utf-8":
      return platform.encodeUtf8(text);
    case "utf-16":
      return encodeUtf16(text, codec.littleEndian, codec.bom);
    case "bytes": {
      const out = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c > codec.max) return null;
        out[i] = c;
      }
      return out;
    }
    case "table": {
      const out = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) {
        const byte = codec.table.get(text.charCodeAt(i));
        if (byte === undefined) return null;
        out[i] = byte;
      }
      return out;
    }
  }
}

/**
 * `true` when `charset` can encode a body chunk by chunk (every charset {@link encodeText}
 * knows, except `utf-16`, whose byte-order mark belongs at the start of the whole body only).
 *
 * @example Using `encodesInChunks`
 * ```ts
 * import { encodesInChunks } from "./charsets.ts";
 * encodesInChunks("windows-1252"); // true
 * encodesInChunks("utf-16"); // false
 * ```
 */
export function encodesInChunks(charset: string): boolean {
  const codec = codecFor(charset);
  return codec !== null && !(codec.kind === "utf-16" && codec.bom);
}
