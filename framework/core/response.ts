/**
 * `Response`: what a handler's answer becomes, finalized into status, headers and bytes.
 *
 * @module
 */

import type { OutgoingBody } from "../../platform/mod.ts";
import { collapseSync, concatBytes, EMPTY_BYTES as EMPTY, toBytes } from "../http/_bytes.ts";
import { SimpleCookie } from "./cookies.ts";
import { FileBody } from "../http/file_body.ts";
import { HTTPError } from "./errors.ts";
import { CPHeaderMap } from "./header_elements.ts";
import { encodeHeaderValue, validStatus } from "../http/httputil.ts";
import { followServing, runServing, type Serving, servingNow } from "./serving.ts";
import { SERVER_SOFTWARE } from "./version.ts";

/** What a page handler may return. */
export type Body =
  | string
  | Uint8Array
  | null
  | undefined
  | Iterable<string | Uint8Array>
  | AsyncIterable<string | Uint8Array>
  | ReadableStream<Uint8Array>;

/** A character outside ASCII. */
const NOT_ASCII = /[\u0080-\uffff]/;

/** The length of `text` in UTF-8, without encoding it (a lone surrogate counts as U+FFFD). */
function utf8Length(text: string): number {
  // Most bodies are ASCII: a regular expression finds that about twice as fast as the loop.
  if (!NOT_ASCII.test(text)) return text.length;
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 2;
        i++;
      } else n += 2;
    } else n += 2;
  }
  return n;
}

/** `list`, after checking that every name and value is a string (else a `TypeError`). */
function checked(list: Array<[string, string]>): Array<[string, string]> {
  for (const pair of list) {
    const [k, v] = pair as unknown[];
    if (typeof k !== "string") {
      throw new TypeError(`response.header_list key ${pyRepr(k)} is not a byte string.`);
    }
    if (typeof v !== "string") {
      throw new TypeError(`response.header_list value ${pyRepr(v)} is not a byte string.`);
    }
  }
  return list;
}

function pyRepr(value: unknown): string {
  return typeof value === "number" ? String(value) : JSON.stringify(value) ?? String(value);
}

/**
 * Turns any {@link Body} into one byte array.
 *
 * @example Using `collapseBody`
 * ```ts
 * import { collapseBody } from "./mod.ts";
 * const bytes = await collapseBody(["Hello ", "world!"]); // 12 bytes
 * ```
 */
export async function collapseBody(body: unknown): Promise<Uint8Array> {
  if (
    body === null || typeof body !== "object" ||
    typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] !== "function"
  ) return collapseSync(body);
  const chunks: Uint8Array[] = [];
  for await (const chunk of body as AsyncIterable<unknown>) chunks.push(toBytes(chunk));
  return concatBytes(chunks);
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

function chunkOf(
  result: IteratorResult<unknown>,
): IteratorResult<Uint8Array, undefined> {
  return result.done ? DONE : { done: false, value: toBytes(result.value) };
}

/**
 * A streamed body, read chunk by chunk with its request current (`cherrypy.request` works in
 * a streaming generator, as it does in CherryPy's).
 */
class StreamedBody implements AsyncIterableIterator<Uint8Array> {
  readonly #source: unknown;
  readonly #serving: Serving | undefined;
  readonly #async: boolean;
  #iterator: Iterator<unknown> | AsyncIterator<unknown> | null = null;

  constructor(source: unknown, serving: Serving | undefined) {
    this.#source = source;
    this.#serving = serving;
    this.#async = typeof (source as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function";
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #step(
    step: (
      iterator: Iterator<unknown> | AsyncIterator<unknown>,
    ) => IteratorResult<unknown> | Promise<IteratorResult<unknown>>,
  ): Promise<IteratorResult<unknown>> {
    const run = () => {
      const source = this.#source as Iterable<unknown> & AsyncIterable<unknown>;
      this.#iterator ??= this.#async ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
      if (this.#async) followServing();
      return step(this.#iterator);
    };
    try {
      const serving = this.#serving;
      return Promise.resolve(serving === undefined ? run() : runServing(serving, run));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  next(): Promise<IteratorResult<Uint8Array, undefined>> {
    return this.#step((it) => it.next()).then(chunkOf);
  }

  return(): Promise<IteratorResult<Uint8Array, undefined>> {
    if (this.#iterator === null || typeof this.#iterator.return !== "function") {
      return Promise.resolve(DONE);
    }
    return this.#step((it) => it.return!()).then(() => DONE);
  }
}

function streamBody(body: unknown): AsyncIterable<Uint8Array> {
  const source = body === null || body === undefined
    ? []
    : typeof body === "string" || body instanceof Uint8Array
    ? [body]
    : body;
  return new StreamedBody(source, servingNow());
}

const DEFAULT_HEADERS = new CPHeaderMap([
  ["Content-Type", "text/html"],
  ["Server", SERVER_SOFTWARE],
]);

/**
 * The response being built for a request: available as `cherrypy.response` during the
 * request.
 *
 * @example Set a status and a header from a handler
 * ```ts
 * import { response } from "../../mod.ts";
 * function created() {
 *   response.status = 201;
 *   response.headers.set("Location", "/items/1");
 *   return "created";
 * }
 * ```
 */
export class Response {
  /**
   * The status: a code or `"code reason"`; `""` until set (then 200). Finalizing makes it the
   * full status line (`"200 OK"`).
   */
  status: number | string = "";
  /** Response headers. Defaults: `Content-Type: text/html`, `Server`. */
  readonly headers: CPHeaderMap = DEFAULT_HEADERS.clone() as CPHeaderMap;
  /** The body as the handler returned it (finalized into bytes, or a stream). */
  body: unknown = null;
  /** `true` to send the body as it is produced (chunked) instead of collecting it first. */
  stream = false;
  /** When the response was created, in seconds since the epoch. */
  readonly time: number = Date.now() / 1000;
  /** The finalized status code. */
  code = 200;
  /** The finalized reason phrase. */
  reason = "OK";
  /** Seconds the response may take before it counts as timed out (default 300). */
  timeout = 300;
  /** `true` once the response has run past {@link Response.timeout}. */
  timed_out = false;
  #cookie: SimpleCookie | undefined;
  #headerList: Array<[string, string]> | null = null;

  /**
   * Cookies to set: `response.cookie.set("name", "value").path = "/"`; each becomes a
   * `Set-Cookie` header when the response is sent.
   */
  get cookie(): SimpleCookie {
    return this.#cookie ??= new SimpleCookie();
  }
  set cookie(value: SimpleCookie) {
    this.#cookie = value;
  }

  /** Called once when the response times out (the framework aborts `request.signal`). */
  onTimedOut: (() => void) | null = null;

  /**
   * Sets {@link Response.timed_out} when the response has run past its timeout (the timeout
   * monitor calls this for every request in progress; handlers may call it too).
   *
   * @example Using `checkTimeout`
   * ```ts
   * import { response } from "../../mod.ts";
   * response.checkTimeout();
   * if (response.timed_out) console.log("giving up");
   * ```
   */
  checkTimeout(now: number = Date.now() / 1000): void {
    if (this.timed_out || now <= this.time + this.timeout) return;
    this.timed_out = true;
    this.onTimedOut?.();
  }

  /** `"200 OK"`, once finalized. */
  get output_status(): string {
    return `${this.code} ${this.reason}`;
  }

  /**
   * Validates the status and (unless streaming) collects the body and sets `Content-Length`.
   * Responses that cannot carry a body lose it. Returns a promise only when the body has to be
   * read (an iterable or stream); `await response.finalize()` works either way.
   */
  finalize(): Promise<void> | undefined {
    this.#headerList = null;
    const status = this.status;
    // As CherryPy, `status` becomes the full status line ("200 OK").
    if (status === "" || status === 200 || status === "200 OK") {
      this.code = 200;
      this.reason = "OK";
      this.status = "200 OK";
    } else {
      try {
        [this.code, this.reason] = validStatus(status);
      } catch (e) {
        throw new HTTPError(500, (e as Error).message);
      }
      this.status = `${this.code} ${this.reason}`;
    }
    const headers = this.headers;
    const code = this.code;
    if (code < 200 || code === 204 || code === 205 || code === 304) {
      headers.delete("Content-Length");
      this.body = EMPTY;
      return;
    }
    if (this.stream) {
      if (!headers.has("Content-Length")) this.body = streamBody(this.body);
      return;
    }
    const body = this.body;
    if (typeof body === "string") {
      // Kept as text: the runtime encodes it once as it sends it.
      if (!headers.has("Content-Length")) headers.set("Content-Length", String(utf8Length(body)));
      return undefined;
    }
    if (body instanceof FileBody) {
      // Its length is known: it goes out as it is read (CherryPy leaves a file body uncollected
      // when its Content-Length is set).
      if (!headers.has("Content-Length")) headers.set("Content-Length", String(body.length));
      return undefined;
    }
    if (
      body !== null && typeof body === "object" && !(body instanceof Uint8Array) &&
      (Symbol.iterator in body || Symbol.asyncIterator in body) && headers.has("Content-Length")
    ) {
      // A declared length and a body in pieces: the pieces are sent as they come (as CherryPy
      // hands them to the server), so that the server can check them against the length.
      this.body = streamBody(body);
      return undefined;
    }
    if (
      body === null || typeof body !== "object" ||
      typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] !== "function"
    ) {
      this.#collected(collapseSync(body));
      return undefined;
    }
    followServing();
    return collapseBody(body).then((bytes) => this.#collected(bytes));
  }

  /** Takes the collected body, with its length unless one was set. */
  #collected(bytes: Uint8Array): void {
    this.body = bytes;
    if (!this.headers.has("Content-Length")) {
      this.headers.set("Content-Length", String(bytes.length));
    }
  }

  /**
   * The header fields as they will be sent, once finalized: `[name, value]` pairs, the
   * cookies included (CherryPy's `response.header_list`). Tools at `on_end_resource` may
   * append fields that repeat a name (`header_list.push(["WWW-Authenticate", "Basic"])`).
   * Changing `headers` after reading it has no effect on it (until the next finalize).
   */
  get header_list(): Array<[string, string]> {
    return this.#headerList ??= this.#outputHeaders();
  }
  set header_list(value: Array<[string, string]> | null) {
    this.#headerList = value;
  }

  #outputHeaders(): Array<[string, string]> {
    const list = this.headers.toArray();
    for (let i = 0; i < list.length; i++) {
      const value = list[i]![1];
      const encoded = encodeHeaderValue(value);
      if (encoded !== value) list[i] = [list[i]![0], encoded];
    }
    const jar = this.#cookie;
    if (jar !== undefined && jar.size > 0) {
      for (const value of jar.output()) {
        // deno-lint-ignore no-control-regex
        list.push(["Set-Cookie", value.replace(/[\x00-\x1f\x7f]/g, "")]);
      }
    }
    return list;
  }

  /** The finalized response in the platform's form. */
  toOutgoing(): {
    status: number;
    statusText: string;
    headers: Array<[string, string]>;
    body: OutgoingBody;
  } {
    return {
      status: this.code,
      statusText: this.reason,
      headers: this.#headerList === null ? this.#outputHeaders() : checked(this.#headerList),
      body: this.body instanceof FileBody
        ? this.body.bytesNow() ?? this.body
        : this.body as OutgoingBody,
    };
  }
}
