/**
 * The `encode` tool: text responses get a charset the client accepts (on by default).
 *
 * @module
 */

import { encodesInChunks, encodeText } from "../http/charsets.ts";
import { FileBody } from "../http/file_body.ts";
import { HTTPError } from "../core/errors.ts";
import { headerElements } from "../core/header_elements.ts";
import { MediaType } from "../http/media_type.ts";
import { callApplication, currentServing, selfFollowing } from "../core/serving.ts";
import type { Tool } from "./tools.ts";

function isIterable(value: unknown): value is Iterable<unknown> {
  return value !== null && typeof value === "object" && Symbol.iterator in value;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return value !== null && typeof value === "object" && Symbol.asyncIterator in value;
}

/** Encodes a (non-streamed) body: `null` when some text cannot be encoded in `charset`. */
function encodeWhole(body: unknown, charset: string): unknown {
  if (typeof body === "string") return encodeText(body, charset);
  if (body instanceof Uint8Array || body === null || body === undefined) return body;
  if (isIterable(body)) {
    const out: Uint8Array[] = [];
    for (const chunk of body) {
      if (typeof chunk === "string") {
        const bytes = encodeText(chunk, charset);
        if (bytes === null) return null;
        out.push(bytes);
      } else out.push(chunk as Uint8Array);
    }
    return out;
  }
  return body;
}

async function* encodeStream(body: unknown, charset: string): AsyncIterable<Uint8Array> {
  const source = typeof body === "string" || body instanceof Uint8Array ? [body] : body;
  const each = isAsyncIterable(source) ? source : (source as Iterable<unknown>);
  for await (const chunk of each as AsyncIterable<unknown>) {
    if (typeof chunk === "string") {
      const bytes = encodeText(chunk, charset);
      if (bytes === null) {
        throw new TypeError(`The response body could not be encoded with ${charset}.`);
      }
      yield bytes;
    } else yield chunk as Uint8Array;
  }
}

/** `text/<subtype>` without parameters, in lower case: what {@link utf8TypeOf} answers at once. */
const PLAIN_TEXT_TYPE = /^text\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;
const utf8Types = new Map<string, string | null>();

/**
 * `contentType` with `;charset=utf-8` when it is a text type without parameters (as
 * {@link setCharset} writes it), `null` otherwise; remembered per type.
 */
function utf8TypeOf(contentType: string): string | null {
  let known = utf8Types.get(contentType);
  if (known === undefined) {
    known = PLAIN_TEXT_TYPE.test(contentType) ? setCharset(contentType, "utf-8") : null;
    if (utf8Types.size < 256) utf8Types.set(contentType, known);
  }
  return known;
}

function setCharset(contentType: string, charset: string): string {
  const ct = MediaType.parse(contentType);
  return new MediaType(ct.value, { ...ct.params, charset }).toString();
}

/** The `encode` tool's options (`tools.encode.*`), as CherryPy's `ResponseEncoder` takes them. */
export interface EncodeOptions {
  /** The charset to use; `null` (the default) picks one the client accepts. */
  encoding?: string | null;
  /** The charset tried first when the client accepts any (`"utf-8"`). */
  default_encoding?: string;
  /** Encode only `text/*` responses (`true`, the default). */
  text_only?: boolean;
  /** Add the charset to the Content-Type (`true`, the default). */
  add_charset?: boolean;
  /** CherryPy's `errors` key (`"strict"`), accepted so its configs keep working. */
  errors?: string;
}

/**
 * Picks the charset for the body (CherryPy's `ResponseEncoder.find_acceptable_charset`) and
 * encodes the body with it. Returns the charset; 406 when no acceptable one can encode it.
 */
function findCharset(body: unknown, stream: boolean, options: EncodeOptions): [string, unknown] {
  const { request } = currentServing();
  const attempted = new Set<string>();
  const tryCharset = (charset: string): unknown => {
    // As CherryPy, each charset is tried once, under the name the client gave it.
    if (attempted.has(charset)) return null;
    attempted.add(charset);
    if (stream) return encodesInChunks(charset) ? encodeStream(body, charset) : null;
    return encodeWhole(body, charset);
  };
  const defaultEncoding = options.default_encoding ?? "utf-8";
  const header = request.header("accept-charset");
  const elements = headerElements(header);
  const charsets = elements.map((e) => e.value.toLowerCase());
  if (options.encoding) {
    const encoding = options.encoding.toLowerCase();
    if (charsets.length === 0 || charsets.includes("*") || charsets.includes(encoding)) {
      const out = tryCharset(encoding);
      if (out !== null) return [encoding, out];
    }
  } else if (elements.length === 0) {
    const out = tryCharset(defaultEncoding);
    if (out !== null) return [defaultEncoding, out];
    throw new HTTPError(500, `Response body could not be encoded with '${defaultEncoding}'.`);
  } else {
    for (const element of elements) {
      if (element.qvalue <= 0) continue;
      const charset = element.value === "*" ? defaultEncoding : element.value;
      const out = tryCharset(charset);
      if (out !== null) return [charset, out];
    }
    if (!charsets.includes("*") && !charsets.includes("iso-8859-1")) {
      const out = tryCharset("iso-8859-1");
      if (out !== null) return ["iso-8859-1", out];
    }
  }
  let msg = header === null
    ? "Your client did not send an Accept-Charset header."
    : `Your client sent this Accept-Charset header: ${header}.`;
  msg += ` We tried these charsets: ${[...attempted].sort().join(", ")}.`;
  throw new HTTPError(406, msg);
}

function encodeBody(body: unknown, options: EncodeOptions): unknown {
  const { request, response } = currentServing();
  const contentType = response.headers.get("Content-Type");
  if (contentType === null) return body;
  // The common case (a text type without parameters, a string, UTF-8 for a client that names
  // no charset), answered without parsing anything.
  if (
    typeof body === "string" && !options.encoding &&
    (options.default_encoding ?? "utf-8") === "utf-8" && request.header("accept-charset") === null
  ) {
    const withCharset = utf8TypeOf(contentType);
    if (withCharset !== null) {
      if (options.add_charset !== false) response.headers.set("Content-Type", withCharset);
      return body;
    }
  }
  const textOnly = options.text_only !== false;
  if (textOnly && !contentType.trim().toLowerCase().startsWith("text/")) return body;
  if (body instanceof FileBody) {
    // Bytes only, which any charset leaves as they are: the first acceptable charset is named,
    // and the file is neither read nor re-measured.
    const [charset] = findCharset([], false, options);
    if (options.add_charset !== false) {
      response.headers.set("Content-Type", setCharset(contentType, charset));
    }
    return body;
  }
  const [charset, encoded] = findCharset(body, response.stream, options);
  if (!response.stream) response.headers.delete("Content-Length");
  if (options.add_charset !== false) {
    response.headers.set("Content-Type", setCharset(contentType, charset));
  }
  return encoded;
}

/** The `encode` tool's callable (`before_handler`, priority 70). */
export function encode(this: Tool, options: EncodeOptions): void {
  const { request } = currentServing();
  const inner = request.handler;
  if (inner === null) return;
  // Made per request: the handler inside is followed (callApplication), not this wrapper.
  request.handler = selfFollowing(() => {
    const body = callApplication(inner, undefined, []);
    if (body instanceof Promise) return body.then((b) => encodeBody(b, options));
    return encodeBody(body, options);
  });
}
