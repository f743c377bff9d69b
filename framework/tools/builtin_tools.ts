/**
 * `cherrypy.tools`, the default toolbox, with the tools CherryPy turns on by default:
 * `encode` (text responses get a charset the client accepts), `trailing_slash` (redirects
 * `/dir` to `/dir/` for index handlers), `log_tracebacks` and `log_headers` (what the error
 * log gets when a request fails).
 *
 * @module
 */

import { encodesInChunks, encodeText } from "../http/charsets.ts";
import { HTTPError } from "../core/errors.ts";
import { MediaType } from "../http/media_type.ts";
import { titleCaseHeader } from "../http/httputil.ts";
import { HTTPRedirect } from "../core/redirect.ts";
import { currentServing } from "../core/serving.ts";
import { Tool, Toolbox } from "./tools.ts";
import { url } from "../core/url.ts";

// ---- header elements ------------------------------------------------------------------------

/** One element of a comma-separated header: `value;param=x;q=0.5`. */
export interface HeaderElement {
  /** The element's value (`"text/html"`, `"utf-8"`). */
  value: string;
  /** Its parameters, names lower-cased. */
  params: Readonly<Record<string, string>>;
  /** The `q` parameter as a number (1 when absent). */
  qvalue: number;
}

/**
 * Splits a header into its elements, sorted by descending `q` as CherryPy's
 * `header_elements` does (stable for equal `q`). An invalid `q` is a 400.
 *
 * @example
 * ```ts
 * import { headerElements } from "./mod.ts";
 * headerElements("iso-8859-5;q=0.5, utf-8").map((e) => e.value); // ["utf-8", "iso-8859-5"]
 * ```
 */
export function headerElements(header: string | null): HeaderElement[] {
  if (header === null || header.trim() === "") return [];
  const out: HeaderElement[] = [];
  for (const raw of header.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)) {
    const { value, params } = MediaType.parse(raw);
    if (value === "") continue;
    let qvalue = 1;
    if ("q" in params) {
      qvalue = Number(params["q"]);
      if (!Number.isFinite(qvalue) || params["q"]!.trim() === "") {
        throw new HTTPError(400, `Malformed HTTP header: \`${raw.trim()}\``);
      }
    }
    out.push({ value, params, qvalue });
  }
  return out.map((e, i) => [e, i] as const).sort((a, b) => b[0].qvalue - a[0].qvalue || a[1] - b[1])
    .map(([e]) => e);
}

// ---- encode ---------------------------------------------------------------------------------

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

function setCharset(contentType: string, charset: string): string {
  const ct = MediaType.parse(contentType);
  return new MediaType(ct.value, { ...ct.params, charset }).toString();
}

interface EncodeOptions {
  encoding?: string | null;
  default_encoding?: string;
  text_only?: boolean;
  add_charset?: boolean;
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
    attempted.add(charset.toLowerCase());
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
  // The common case, answered without parsing anything.
  if (
    contentType === "text/html" && typeof body === "string" && !options.encoding &&
    (options.default_encoding ?? "utf-8") === "utf-8" && request.header("accept-charset") === null
  ) {
    if (options.add_charset !== false) {
      response.headers.set("Content-Type", "text/html;charset=utf-8");
    }
    return body;
  }
  const textOnly = options.text_only !== false;
  if (textOnly && !contentType.trim().toLowerCase().startsWith("text/")) return body;
  const [charset, encoded] = findCharset(body, response.stream, options);
  if (!response.stream) response.headers.delete("Content-Length");
  if (options.add_charset !== false) {
    response.headers.set("Content-Type", setCharset(contentType, charset));
  }
  return encoded;
}

function encode(this: Tool, options: EncodeOptions): void {
  const { request } = currentServing();
  const inner = request.handler;
  if (inner === null) return;
  request.handler = () => {
    const body = inner();
    if (body instanceof Promise) return body.then((b) => encodeBody(b, options));
    return encodeBody(body, options);
  };
}

// ---- trailing_slash -------------------------------------------------------------------------

interface TrailingSlashOptions {
  missing?: boolean;
  extra?: boolean;
  status?: number | null;
}

function trailingSlash(this: Tool, options: TrailingSlashOptions): void {
  const { request } = currentServing();
  const pi = request.path_info;
  if (request.is_index === true) {
    if (options.missing !== false && !pi.endsWith("/")) {
      throw new HTTPRedirect(url(pi + "/", request.query_string), options.status ?? 301);
    }
  } else if (request.is_index === false) {
    if (options.extra === true && pi.endsWith("/") && pi !== "/") {
      throw new HTTPRedirect(url(pi.slice(0, -1), request.query_string), options.status ?? 301);
    }
  }
}

// ---- log_tracebacks, log_headers ------------------------------------------------------------

function logTracebacks(this: Tool, options: { severity?: number }): void {
  const { request } = currentServing();
  const log = request.app?.log;
  if (log === undefined) return;
  const error = request.error;
  log.error("", "HTTP", options.severity ?? 40, error === undefined ? false : error);
}

function logHeaders(this: Tool): void {
  const { request } = currentServing();
  const entries = request.incoming === null ? [...request.headers.entries()] : [
    ...request.incoming.headerEntries(),
  ].map(([k, v]) => [titleCaseHeader(k), v] as const);
  const lines = entries.map(([k, v]) => `  ${k}: ${v}`);
  request.app?.log.error("\nRequest Headers:\n" + lines.join("\n"), "HTTP");
}

// ---- the default toolbox --------------------------------------------------------------------

/** The default toolbox's built-in tools (others can be added as properties). */
export interface DefaultTools extends Toolbox {
  /** Gives text responses a charset the client accepts (on by default). */
  encode: Tool;
  /** Redirects to add (or remove) the trailing slash of index URLs (on by default). */
  trailing_slash: Tool;
  /** Logs the traceback of unexpected errors (on by default). */
  log_tracebacks: Tool;
  /** Logs the request headers when a request fails (on by default). */
  log_headers: Tool;
}

/**
 * `cherrypy.tools`: the default toolbox (config namespace `tools`).
 *
 * @example Register a tool and switch it on for a path
 * ```ts
 * import { tools, request } from "../../mod.ts";
 * tools.register("before_finalize")(function logit() {
 *   console.log(request.remote.ip);
 * });
 * const conf = { "/": { "tools.logit.on": true } };
 * ```
 */
export const tools: DefaultTools = new Toolbox("tools") as DefaultTools;
tools.encode = new Tool("before_handler", encode, { priority: 70 });
tools.trailing_slash = new Tool("before_handler", trailingSlash, { priority: 60 });
tools.log_tracebacks = new Tool("before_error_response", logTracebacks);
tools.log_headers = new Tool("before_error_response", logHeaders);

/** The tools CherryPy's global config turns on by default. */
export const DEFAULT_TOOL_CONFIG: Readonly<Record<string, unknown>> = {
  "tools.log_tracebacks.on": true,
  "tools.log_headers.on": true,
  "tools.trailing_slash.on": true,
  "tools.encode.on": true,
};
