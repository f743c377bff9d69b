/**
 * MIME multipart bodies (`multipart/form-data`, `multipart/mixed`, ...), read as a stream:
 * {@link PartReader} gives one part's content up to the next boundary without buffering the
 * body (a boundary may be split across chunks anywhere), and the processors turn the parts
 * into request parameters.
 *
 * As CherryPy does, a boundary line is `--boundary` (or `--boundary--` for the last one) at
 * the start of a line, optionally followed by whitespace; the line break before it (CRLF, or a
 * bare LF) belongs to the boundary. Part headers must end with CRLF; folded header lines are
 * joined with `", "`. A body that ends right after a boundary line is accepted as complete;
 * one that ends inside a part, or in part headers, is answered 400.
 *
 * @module
 */

import { ByteReader, concatBytes, decodeCharset, latin1 } from "./body_reader.ts";
import type { Entity, Part } from "./body.ts";
import { HTTPError } from "../core/errors.ts";
import { HeaderMap } from "../http/headers.ts";
import { pyRepr } from "../http/_pyrepr.ts";
import { addParam } from "./urlencoded.ts";

const EMPTY = new Uint8Array(0);
const LF = 0x0a;
const CR = 0x0d;
const DASH = 0x2d;
const PAD = new Set([0x20, 0x09, 0x0d, 0x0b, 0x0c]);
/** The most whitespace accepted after a boundary on its line. */
const MAX_PADDING = 1024;
/** The longest part header line. */
const MAX_HEADER_LINE = 65536;
/** The most header lines in one part. */
const MAX_HEADER_LINES = 1000;

type Delimiter = { state: "no" } | { state: "more" } | {
  state: "yes";
  next: number;
  final: boolean;
};

/** Whether a boundary line (`dash` = `--boundary`) starts at `at` in `buf`. */
function delimiterAt(buf: Uint8Array, at: number, dash: Uint8Array, eof: boolean): Delimiter {
  const n = buf.length;
  const available = Math.min(n - at, dash.length);
  for (let i = 0; i < available; i++) if (buf[at + i] !== dash[i]) return { state: "no" };
  if (available < dash.length) return { state: eof ? "no" : "more" };
  let j = at + dash.length;
  let final = false;
  if (j < n && buf[j] === DASH) {
    if (j + 1 >= n) return { state: eof ? "no" : "more" };
    if (buf[j + 1] !== DASH) return { state: "no" };
    final = true;
    j += 2;
  }
  const padStart = j;
  for (; j < n; j++) {
    const b = buf[j]!;
    if (b === LF) return { state: "yes", next: j + 1, final };
    if (!PAD.has(b) || j - padStart > MAX_PADDING) return { state: "no" };
  }
  return eof ? { state: "yes", next: n, final } : { state: "more" };
}

type Scan = { kind: "data"; emit: number } | {
  kind: "end";
  dataEnd: number;
  next: number;
  final: boolean;
};

/**
 * Finds the first boundary line in `buf`. Without one, says how many leading bytes are surely
 * content (the rest might begin a boundary and waits for more data).
 */
function scan(buf: Uint8Array, dash: Uint8Array, atLineStart: boolean, eof: boolean): Scan {
  if (atLineStart) {
    const d = delimiterAt(buf, 0, dash, eof);
    if (d.state === "yes") return { kind: "end", dataEnd: 0, next: d.next, final: d.final };
    if (d.state === "more") return { kind: "data", emit: 0 };
  }
  for (let lf = buf.indexOf(LF); lf >= 0; lf = buf.indexOf(LF, lf + 1)) {
    const d = delimiterAt(buf, lf + 1, dash, eof);
    if (d.state === "no") continue;
    const cut = lf > 0 && buf[lf - 1] === CR ? lf - 1 : lf;
    if (d.state === "yes") return { kind: "end", dataEnd: cut, next: d.next, final: d.final };
    return { kind: "data", emit: cut };
  }
  const n = buf.length;
  return { kind: "data", emit: !eof && n > 0 && buf[n - 1] === CR ? n - 1 : n };
}

/**
 * The content of one multipart part: reads from `parent` up to the next boundary line, which
 * it consumes; {@link PartReader.final} tells whether that was the closing boundary.
 *
 * @example Using `PartReader`
 * ```ts
 * import { PartReader } from "./mod.ts";
 * import { SizedReader } from "./mod.ts";
 * async function* body() { yield new TextEncoder().encode("hello\r\n--XyZ--\r\n"); }
 * const part = new PartReader(new SizedReader(body(), null, null), new TextEncoder().encode("--XyZ"));
 * new TextDecoder().decode(await part.read()); // "hello"
 * part.final; // true
 * ```
 */
export class PartReader extends ByteReader {
  /** `--` and the boundary, as bytes. */
  readonly boundary: Uint8Array;
  /** `true` once the boundary ending this part was read and it was the closing one. */
  final = false;
  readonly #parent: ByteReader;
  #buffer: Uint8Array = EMPTY;
  #atLineStart = true;
  #eof = false;
  #ended = false;

  /** Creates the reader of the part starting at `parent`'s position (after its headers). */
  constructor(parent: ByteReader, boundary: Uint8Array) {
    super();
    this.#parent = parent;
    this.boundary = boundary;
  }

  /** The next chunk of the content, or `null` at its end. */
  protected override async pull(): Promise<Uint8Array | null> {
    if (this.#ended) return null;
    for (;;) {
      const s = scan(this.#buffer, this.boundary, this.#atLineStart, this.#eof);
      if (s.kind === "end") {
        const data = this.#buffer.subarray(0, s.dataEnd);
        this.#parent.unread(this.#buffer.subarray(s.next));
        this.#buffer = EMPTY;
        this.#ended = true;
        this.final = s.final;
        return data.length > 0 ? data : null;
      }
      if (s.emit > 0) {
        const data = this.#buffer.subarray(0, s.emit);
        this.#buffer = this.#buffer.subarray(s.emit);
        this.#atLineStart = false;
        return data;
      }
      if (this.#eof) throw new HTTPError(400, "Illegal end of multipart body.");
      const chunk = await this.#parent.readChunk();
      if (chunk === null) this.#eof = true;
      else this.#buffer = this.#buffer.length === 0 ? chunk : concatBytes([this.#buffer, chunk]);
    }
  }
}

function stripBytes(line: Uint8Array): Uint8Array {
  let start = 0;
  let end = line.length;
  while (start < end && isSpace(line[start]!)) start++;
  while (end > start && isSpace(line[end - 1]!)) end--;
  return line.subarray(start, end);
}

function isSpace(b: number): boolean {
  return b === 0x20 || (b >= 0x09 && b <= 0x0d);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Header text: UTF-8 when it is valid UTF-8, ISO-8859-1 otherwise. */
function headerText(bytes: Uint8Array): string {
  return decodeCharset(bytes, "utf-8") ?? latin1(bytes);
}

/**
 * Reads a part's headers from `reader` (up to and including the empty line). Answers 400 for
 * a header block that is cut off, lacks CRLF line ends, or has a line without a colon.
 *
 * @example Using `readPartHeaders`
 * ```ts
 * import { readPartHeaders } from "./mod.ts";
 * import { SizedReader } from "./mod.ts";
 * async function* body() { yield new TextEncoder().encode("Content-Type: text/plain\r\n\r\n"); }
 * (await readPartHeaders(new SizedReader(body(), null, null))).get("content-type"); // "text/plain"
 * ```
 */
export async function readPartHeaders(reader: ByteReader): Promise<HeaderMap> {
  const headers = new HeaderMap();
  let lastKey: string | null = null;
  for (let count = 0;; count++) {
    const line = await reader.readline(MAX_HEADER_LINE);
    if (line.length === 0) throw new HTTPError(400, "Illegal end of headers.");
    if (line.length === 2 && line[0] === CR && line[1] === LF) break;
    if (line.length < 2 || line[line.length - 2] !== CR || line[line.length - 1] !== LF) {
      if (reader.done) throw new HTTPError(400, "Illegal end of headers.");
      throw new HTTPError(
        400,
        line.length >= MAX_HEADER_LINE
          ? "A multipart header line is too long."
          : `MIME requires CRLF terminators: ${JSON.stringify(latin1(line))}`,
      );
    }
    if (count >= MAX_HEADER_LINES) throw new HTTPError(400, "Too many multipart header lines.");
    let key: string;
    let value: string;
    if (line[0] === 0x20 || line[0] === 0x09) {
      if (lastKey === null) throw new HTTPError(400, "Illegal multipart header continuation.");
      key = lastKey;
      value = headerText(stripBytes(line));
    } else {
      const colon = line.indexOf(0x3a);
      if (colon < 0) {
        throw new HTTPError(400, `Illegal multipart header line: ${JSON.stringify(latin1(line))}`);
      }
      key = headerText(stripBytes(line.subarray(0, colon)));
      value = headerText(stripBytes(line.subarray(colon + 1)));
    }
    const existing = headers.get(key);
    headers.set(key, existing ? `${existing}, ${value}` : value);
    lastKey = key;
  }
  return headers;
}

/**
 * Reads every part of a multipart entity into `entity.parts` (each processed by its own
 * processors: see {@link Part}). The boundary comes from the Content-Type; a missing or
 * invalid one is answered 400.
 *
 * @example Keep every part in `request.body.parts`
 * ```ts
 * import { type Entity } from "../../mod.ts";
 * import { processMultipart } from "./mod.ts";
 * function onStartResource(body: Entity) {
 *   body.processors["multipart"] = processMultipart;
 * }
 * ```
 */
export async function processMultipart(entity: Entity): Promise<void> {
  const ib = (entity.content_type.params["boundary"] ?? "").replace(/^"+|"+$/g, "");
  if (!/^[ -~]{0,200}[!-~]$/.test(ib)) {
    throw new HTTPError(400, `Invalid boundary in multipart form: ${pyRepr(ib)}`);
  }
  const dash = new TextEncoder().encode("--" + ib);
  const fp = entity.fp;
  for (;;) {
    const line = await fp.readline(MAX_HEADER_LINE);
    if (line.length === 0) return;
    if (sameBytes(stripBytes(line), dash)) break;
  }
  for (;;) {
    const part: Part = await entity.part_class.fromFp(fp, dash, entity);
    entity.parts.push(part);
    await part.process();
    await part.fp.skip();
    if (part.fp.final) break;
    const next = await fp.readChunk();
    if (next === null) break;
    fp.unread(next);
  }
}

/** A field's text; the Part itself for an upload or a part a processor of its own read. */
async function partValue(part: Part): Promise<unknown> {
  return part.filename === null && part.processor === null ? await part.fullvalue() : part;
}

/**
 * The `multipart/form-data` processor: each named part becomes a parameter, a string for a
 * plain field and the {@link Part} itself for a file upload (it has `filename` and `file`);
 * parts without a name stay in `entity.parts`.
 *
 * @example Using `processMultipartFormData`
 * ```ts
 * import { type Entity } from "../../mod.ts";
 * import { processMultipartFormData } from "./mod.ts";
 * function formsOnly(body: Entity) {
 *   body.processors = { "multipart/form-data": processMultipartFormData };
 * }
 * ```
 */
export async function processMultipartFormData(entity: Entity): Promise<void> {
  await processMultipart(entity);
  const kept: Part[] = [];
  for (const part of entity.parts) {
    if (part.name === null) kept.push(part);
    else addParam(entity.params, part.name, await partValue(part));
  }
  entity.parts = kept;
}

/**
 * The request body's processor for other `multipart/*` types (CherryPy's
 * `_old_process_multipart`): every part becomes a parameter, unnamed ones under `parts`.
 *
 * @example Using `processMultipartAsParams`
 * ```ts
 * import { type Entity } from "../../mod.ts";
 * import { processMultipartAsParams } from "./mod.ts";
 * function mixedAsParams(body: Entity) {
 *   body.processors["multipart/mixed"] = processMultipartAsParams;
 * }
 * ```
 */
export async function processMultipartAsParams(entity: Entity): Promise<void> {
  await processMultipart(entity);
  for (const part of entity.parts) {
    addParam(entity.params, part.name ?? "parts", await partValue(part));
  }
}
