/**
 * Request bodies, as CherryPy's `_cpreqbody`: `request.body` is a {@link RequestBody}, an
 * {@link Entity} whose Content-Type picks a processor from `request.body.processors`: the
 * full media type first (`application/x-www-form-urlencoded`), then its major type
 * (`multipart`), else `request.body.default_proc` (which leaves the body unread, for the
 * handler to `read()`). Processors fill `params`, which are merged into `request.params`.
 * Multipart parts are {@link Part}s, entities themselves with their own processors.
 *
 * Config keys `request.body.<attr>` set the attributes of the same name: `maxbytes`,
 * `processors`, `default_proc`, `attempt_charsets`, `part_class`.
 *
 * @module
 */

import {
  BodyFile,
  type ByteReader,
  concatBytes,
  decodeCharset,
  SizedReader,
} from "./body_reader.ts";
import { HTTPError } from "../core/errors.ts";
import type { HeaderMap } from "../http/headers.ts";
import { MediaType } from "../http/media_type.ts";
import {
  PartReader,
  processMultipart,
  processMultipartAsParams,
  processMultipartFormData,
  readPartHeaders,
} from "./multipart.ts";
import { addParam, processUrlencoded, undecodableMessage } from "./urlencoded.ts";

/**
 * A body processor: reads `entity` and fills its `params` (or whatever it likes).
 *
 * @example Using `Processor`
 * ```ts
 * import type { Processor } from "./body.ts";
 * const csv: Processor = async (entity) => {
 *   entity.params["rows"] = (await entity.text()).split("\n");
 * };
 * ```
 */
export type Processor = (entity: Entity) => void | Promise<void>;

/**
 * What `default_proc` may be: a processor, or an error to throw (`new HTTPError(415)`).
 *
 * @example Using `DefaultProcessor`
 * ```ts
 * import type { DefaultProcessor } from "./body.ts";
 * import { HTTPError } from "../../mod.ts";
 * const refuse: DefaultProcessor = new HTTPError(415, "Send JSON");
 * ```
 */
export type DefaultProcessor = Processor | Error;

/**
 * Parameters taken from a body: strings, {@link Part}s, or arrays of them.
 *
 * @example Using `BodyParams`
 * ```ts
 * import type { BodyParams } from "./body.ts";
 * const params: BodyParams = { name: "Ada", tags: ["a", "b"] };
 * ```
 */
export type BodyParams = Record<string, unknown>;

function ownEntry<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Python's `unquote(text, encoding)`: percent-escapes decoded as `charset`. */
function unquoteText(text: string, charset: string): string {
  return text.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
    const bytes = new Uint8Array(run.length / 3);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(run.slice(i * 3 + 1, i * 3 + 3), 16);
    return decodeCharset(bytes, charset) ?? new TextDecoder().decode(bytes);
  });
}

/**
 * An HTTP request body, or a part of a multipart body: its headers, its media type and
 * Content-Disposition, the processors that read it, and what they found.
 *
 * @example A processor for JSON bodies
 * ```ts
 * import { type Entity, HTTPError } from "../../mod.ts";
 * async function jsonProcessor(entity: Entity) {
 *   try {
 *     entity.params.data = JSON.parse(await entity.text());
 *   } catch {
 *     throw new HTTPError(400, "Invalid JSON document");
 *   }
 * }
 * ```
 */
export class Entity {
  /** The charsets tried, in order, when none is given (copied into each instance). */
  static attempt_charsets: string[] = ["utf-8"];
  /** The processors by media type (copied into each instance). */
  static processors: Record<string, Processor> = {
    "application/x-www-form-urlencoded": processUrlencoded,
    "multipart/form-data": processMultipartFormData,
    "multipart": processMultipart,
  };
  /** The media type assumed without a Content-Type header. */
  static default_content_type = "application/x-www-form-urlencoded";
  /** The class of multipart parts (set to {@link Part} below its definition). */
  static part_class: typeof Part;

  /** The charsets tried in order to decode text (a Content-Type charset comes first). */
  attempt_charsets: string[];
  /** The charset that decoded the content, once one did. */
  charset: string | null = null;
  /** The Content-Type (or the class's default). */
  content_type: MediaType;
  /** The Content-Disposition `filename` (or `filename*`), if any. */
  filename: string | null = null;
  /** The Content-Disposition `name`, if any. */
  name: string | null = null;
  /** The headers (the request's, or the part's). */
  headers: HeaderMap;
  /** The Content-Length, or `null` (absent, or the body is chunked). */
  length: number | null = null;
  /** Parameters the processors took from the content. */
  params: BodyParams;
  /** The parts of a multipart entity. */
  parts: Part[];
  /** The processors by media type, or major type. */
  processors: Record<string, Processor>;
  /** Runs when no processor matches (by default: leaves the content unread). */
  default_proc: DefaultProcessor;
  /** The class of multipart parts (a {@link Part} subclass changes how parts are read). */
  part_class: typeof Part;
  /** The content kept as a file (an upload, a large part), if any. */
  file: BodyFile | null = null;
  /** The content kept in memory (a small part), if any. */
  value: Uint8Array | null = null;
  /** The processor that read the content, once one did (`null` for `default_proc`). */
  processor: Processor | null = null;
  /** The reader of the content. */
  fp: ByteReader;
  /** Temporary files made for this entity and its parts, removed by {@link Entity.cleanup}. */
  tempFiles: Set<BodyFile> = new Set();

  /**
   * Creates the entity read from `fp` with `headers`.
   *
   * @example Using `constructor`
   * ```ts
   * import { Entity } from "../../mod.ts";
   * import { HeaderMap } from "../http/mod.ts";
   * import { SizedReader } from "./mod.ts";
   * async function* src() { yield new TextEncoder().encode("a=1"); }
   * const entity = new Entity(new SizedReader(src(), 3, null), new HeaderMap());
   * await entity.process();
   * entity.params.a; // "1"
   * ```
   */
  constructor(fp: ByteReader, headers: HeaderMap, params?: BodyParams, parts?: Part[]) {
    const cls = this.constructor as typeof Entity;
    this.fp = fp;
    this.headers = headers;
    this.params = params ?? Object.create(null);
    this.parts = parts ?? [];
    this.processors = { ...cls.processors };
    this.part_class = cls.part_class;
    this.default_proc = () => this.defaultProcess();
    this.content_type = MediaType.fromHeader(headers.get("Content-Type")) ??
      MediaType.parse(cls.default_content_type);
    const charset = this.content_type.params["charset"];
    this.attempt_charsets = charset
      ? [charset, ...cls.attempt_charsets.filter((c) => c !== charset)]
      : [...cls.attempt_charsets];
    const clen = headers.get("Content-Length");
    if (
      clen !== null && /^\s*\d+\s*$/.test(clen) &&
      !(headers.get("Transfer-Encoding") ?? "").includes("chunked")
    ) this.length = Number(clen);
    const disp = MediaType.fromHeader(headers.get("Content-Disposition"));
    if (disp !== null) {
      const unquote = (v: string) =>
        v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
      const name = disp.params["name"];
      if (name !== undefined) this.name = unquote(name);
      const filename = disp.params["filename"];
      if (filename !== undefined) this.filename = unquote(filename);
      const extended = disp.params["filename*"]?.split("'");
      if (extended?.length === 3) this.filename = unquoteText(extended[2]!, extended[0] || "utf-8");
    }
  }

  /** Reads `size` bytes of the content (all that is left when omitted). */
  read(size?: number | null): Promise<Uint8Array> {
    return this.fp.read(size);
  }

  /** Reads one line of the content (up to `\n`, at most `size` bytes). */
  readline(size?: number | null): Promise<Uint8Array> {
    return this.fp.readline(size);
  }

  /** The rest of the content as chunks, as they arrive. */
  stream(): AsyncIterable<Uint8Array> {
    return this.fp.chunks();
  }

  /**
   * The rest of the content, chunk by chunk: a handler may return the body itself to send it
   * back, as CherryPy's iterable request body allows.
   */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return this.fp.chunks()[Symbol.asyncIterator]();
  }

  /** Reads the rest of the content into `file` (by default a new temporary file). */
  async readIntoFile(file?: BodyFile): Promise<BodyFile> {
    const out = file ?? await this.makeFile();
    for await (const chunk of this.fp.chunks()) await out.write(chunk);
    await out.close();
    return out;
  }

  /** A new temporary file for the content, removed by {@link Entity.cleanup}. */
  async makeFile(): Promise<BodyFile> {
    const file = await BodyFile.temporary();
    this.tempFiles.add(file);
    return file;
  }

  /**
   * The content as text: the stored `file` or `value`, else what is left to read (kept in
   * `value`), decoded with the first of `attempt_charsets` that works (400 when none does).
   */
  async fullvalue(): Promise<string> {
    let bytes: Uint8Array;
    if (this.file !== null) bytes = await this.file.read();
    else if (this.value !== null) bytes = this.value;
    else bytes = this.value = await this.fp.read();
    return this.decodeEntity(bytes);
  }

  /** Same as {@link Entity.fullvalue}. */
  text(): Promise<string> {
    return this.fullvalue();
  }

  /** Decodes `bytes` with the first of `attempt_charsets` that works; 400 when none does. */
  decodeEntity(bytes: Uint8Array): string {
    for (const charset of this.attempt_charsets) {
      const text = decodeCharset(bytes, charset);
      if (text !== null) {
        this.charset = charset;
        return text;
      }
    }
    throw new HTTPError(400, undecodableMessage(this.attempt_charsets));
  }

  /** Runs the processor for this entity's media type (or `default_proc`). */
  async process(): Promise<void> {
    const ct = this.content_type.value;
    const major = ct.split("/", 1)[0]!;
    const proc = ownEntry(this.processors, ct) ?? ownEntry(this.processors, ct.toLowerCase()) ??
      ownEntry(this.processors, major) ?? ownEntry(this.processors, major.toLowerCase());
    if (typeof proc === "function") {
      this.processor = proc;
      return await proc(this);
    }
    const fallback = this.default_proc;
    if (fallback instanceof Error) throw fallback;
    await fallback.call(this, this);
  }

  /** What `default_proc` does unless replaced: nothing here (the content stays unread). */
  protected defaultProcess(): void | Promise<void> {}

  /** Removes the temporary files made for this entity and its parts. */
  async cleanup(): Promise<void> {
    const files = [...this.tempFiles];
    this.tempFiles.clear();
    await Promise.all(files.map((f) => f.remove().catch(() => {})));
  }
}

/**
 * A part of a multipart entity. Plain fields arrive as strings; a part with a filename (a
 * file upload) is handed to the page handler as the Part itself, its content in
 * {@link Part.file}: in memory up to `maxrambytes`, in a temporary file beyond.
 *
 * @example An upload handler
 * ```ts
 * import { expose, type Part } from "../../mod.ts";
 * class Root {
 *   @expose
 *   async upload(myFile: Part) {
 *     const data = await myFile.file!.read();
 *     return `${myFile.filename} (${myFile.content_type}): ${data.length} bytes`;
 *   }
 * }
 * ```
 */
export class Part extends Entity {
  /** Parts try US-ASCII, then UTF-8 (MIME's default charset first). */
  static override attempt_charsets: string[] = ["us-ascii", "utf-8"];
  /** A part without a Content-Type is `text/plain`, as MIME says. */
  static override default_content_type = "text/plain";
  /** The size above which content goes to a temporary file (copied into each instance). */
  static maxrambytes = 1000;

  /** The size above which content goes to a temporary file. */
  maxrambytes: number;
  /** `--` and the boundary, as bytes. */
  boundary: Uint8Array;
  /** The reader of this part's content (it stops at the next boundary). */
  declare fp: PartReader;

  /**
   * Creates the part read from `fp`, with its `headers` already read.
   *
   * @example Using `constructor`
   * ```ts
   * import { Part } from "../../mod.ts";
   * import { HeaderMap } from "../http/mod.ts";
   * import { PartReader, SizedReader } from "./mod.ts";
   * async function* src() { yield new TextEncoder().encode("hi\r\n--b--"); }
   * const dash = new TextEncoder().encode("--b");
   * const part = new Part(new PartReader(new SizedReader(src(), null, null), dash), new HeaderMap(), dash);
   * await part.process();
   * ```
   */
  constructor(fp: PartReader, headers: HeaderMap, boundary: Uint8Array) {
    super(fp, headers);
    this.boundary = boundary;
    this.maxrambytes = (this.constructor as typeof Part).maxrambytes;
  }

  /**
   * Reads a part's headers from `fp`, then creates the part; it shares `owner`'s temporary
   * files and `part_class`.
   *
   * @example Using `fromFp`
   * ```ts
   * import { Part } from "../../mod.ts";
   * import { SizedReader } from "./mod.ts";
   * async function* src() { yield new TextEncoder().encode("\r\nhi\r\n--b--"); }
   * const part = await Part.fromFp(new SizedReader(src(), null, null), new TextEncoder().encode("--b"));
   * ```
   */
  static async fromFp(fp: ByteReader, boundary: Uint8Array, owner?: Entity): Promise<Part> {
    const headers = await readPartHeaders(fp);
    const part = new this(new PartReader(fp, boundary), headers, boundary);
    if (owner !== undefined) {
      part.tempFiles = owner.tempFiles;
      part.part_class = owner.part_class;
    }
    return part;
  }

  /**
   * Reads the content up to the boundary: the bytes when they fit in `maxrambytes`, else a
   * temporary file holding them.
   */
  async readToBoundary(): Promise<Uint8Array | BodyFile> {
    const chunks: Uint8Array[] = [];
    let seen = 0;
    let file: BodyFile | null = null;
    for await (const chunk of this.fp.chunks()) {
      if (file !== null) {
        await file.write(chunk);
        continue;
      }
      chunks.push(chunk);
      seen += chunk.length;
      if (seen > this.maxrambytes) {
        file = await this.makeFile();
        for (const c of chunks) await file.write(c);
        chunks.length = 0;
      }
    }
    if (file === null) return concatBytes(chunks, seen);
    await file.close();
    return file;
  }

  /**
   * Without a matching processor: an upload's content goes to `file`, a field's to `value`
   * (or `file` when larger than `maxrambytes`).
   */
  protected override async defaultProcess(): Promise<void> {
    const content = await this.readToBoundary();
    if (this.filename !== null) {
      this.file = content instanceof BodyFile ? content : BodyFile.fromBytes(content);
    } else if (content instanceof BodyFile) this.file = content;
    else this.value = content;
  }
}

Entity.part_class = Part;

/**
 * Options for a {@link RequestBody}.
 *
 * @example Using `RequestBodyOptions`
 * ```ts
 * import type { RequestBodyOptions } from "./body.ts";
 * const options: RequestBodyOptions = { requestParams: { q: "x" }, method: "PUT" };
 * ```
 */
export interface RequestBodyOptions {
  /** The request's parameters, into which the body's are merged (`request.params`). */
  requestParams?: Record<string, unknown>;
  /** The request method. */
  method?: string;
  /** The body parameters to start from. */
  params?: BodyParams;
}

/**
 * The request's body (`request.body`). Nothing is read until {@link RequestBody.process}
 * (or a handler's `read()`); a body without a Content-Type is left unparsed.
 *
 * @example A raw body, left for the handler
 * ```ts
 * import { RequestBody } from "../../mod.ts";
 * import { HeaderMap } from "../http/mod.ts";
 * async function* src() { yield new TextEncoder().encode('{"a": 1}'); }
 * const headers = new HeaderMap([["Content-Type", "application/json"], ["Content-Length", "8"]]);
 * const body = new RequestBody(src(), headers);
 * await body.process(); // no processor for JSON: nothing is read
 * JSON.parse(await body.text()); // { a: 1 }
 * ```
 */
export class RequestBody extends Entity {
  /** A request body without a Content-Type is not parsed at all. */
  static override default_content_type = "";
  /** The largest body accepted, in bytes (413 beyond); `null` or 0 for no limit. */
  static maxbytes: number | null = null;

  /** The largest body accepted, in bytes (413 beyond); `null` or 0 for no limit. */
  maxbytes: number | null;
  /** The request method. */
  readonly method: string;
  /** The request's parameters, into which the body's are merged. */
  readonly requestParams: Record<string, unknown>;
  /** The names of the parameters the body gave (filled by {@link RequestBody.process}). */
  readonly paramNames: Set<string> = new Set();
  /** The reader of the body, with the size limits. */
  declare fp: SizedReader;

  /**
   * Creates the body read from `source` (`null`: no body) with the request `headers`.
   *
   * @example Using `constructor`
   * ```ts
   * import { RequestBody } from "../../mod.ts";
   * import { HeaderMap } from "../http/mod.ts";
   * async function* src() { yield new TextEncoder().encode("a=1&a=2"); }
   * const headers = new HeaderMap([
   *   ["Content-Type", "application/x-www-form-urlencoded"],
   *   ["Content-Length", "7"],
   * ]);
   * const params = {};
   * const body = new RequestBody(src(), headers, { requestParams: params, method: "POST" });
   * await body.process(); // params: { a: ["1", "2"] }
   * ```
   */
  constructor(
    source: AsyncIterable<Uint8Array> | null,
    headers: HeaderMap,
    options: RequestBodyOptions = {},
  ) {
    super(new SizedReader(null, null, null), headers, options.params);
    this.maxbytes = (this.constructor as typeof RequestBody).maxbytes;
    this.fp = new SizedReader(source, this.length, () => this.maxbytes);
    this.method = options.method ?? "POST";
    this.requestParams = options.requestParams ?? Object.create(null);
    if (this.content_type.value.startsWith("text/")) {
      const latin = ["ISO-8859-1", "iso-8859-1", "Latin-1", "latin-1"];
      if (!this.attempt_charsets.some((c) => latin.includes(c))) {
        this.attempt_charsets.push("ISO-8859-1");
      }
    }
    this.processors["multipart"] = processMultipartAsParams;
  }

  /**
   * Processes the body by its media type, then merges the parameters it gave into the
   * request's. A request with neither Content-Length nor Transfer-Encoding is answered 411.
   */
  override async process(): Promise<void> {
    if (!this.headers.has("Content-Length") && !this.headers.has("Transfer-Encoding")) {
      throw new HTTPError(411);
    }
    await super.process();
    for (const key of Object.keys(this.params)) {
      addParam(this.requestParams, key, this.params[key]);
      this.paramNames.add(key);
    }
  }
}
