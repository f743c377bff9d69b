/**
 * The `gzip` tool (CherryPy's `encoding.gzip`): response bodies compressed for clients that
 * accept it, through the runtime's own zlib. Beyond CherryPy, `encodings` may also offer
 * Brotli (`br`) and Zstandard (`zstd`), chosen by the client's `Accept-Encoding`.
 *
 * @module
 */

import { platform } from "../../platform/mod.ts";
import { HTTPError } from "../core/errors.ts";
import { type HeaderElement, headerElements } from "../core/header_elements.ts";
import type { Request } from "../core/request.ts";
import { currentServing } from "../core/serving.ts";
import { collapseSync } from "../http/_bytes.ts";
import { checkLevel, compressStream, compressWhole, type ContentCoding } from "./_compress.ts";
import { checkBoolean, isStrings, refuse } from "./_check.ts";
import { debugLog, isEmptyBody, isSyncBody, setVaryHeader } from "./_content.ts";
import type { Tool } from "./tools.ts";

/**
 * The `gzip` tool's options (`tools.gzip.*`).
 *
 * @example Text and JSON, Brotli first
 * ```ts
 * import type { GzipOptions } from "./gzip.ts";
 * const options: GzipOptions = { mime_types: ["text/*", "application/*+json"], encodings: ["br", "gzip"] };
 * ```
 */
export interface GzipOptions {
  /** The zlib level, 1 (fastest) to 9 (smallest), 0 (none) or -1 (zlib's default); 5. */
  compress_level?: number;
  /**
   * The media types compressed: `type/subtype`, `type/*` or `type/*+suffix`
   * (`["text/html", "text/plain"]` by default).
   */
  mime_types?: string | readonly string[];
  /**
   * The content codings offered, in the server's order of preference: `"gzip"` (the default,
   * alone, as in CherryPy), `"br"` and `"zstd"` (where the runtime has them). The level is
   * `compress_level` for each (Brotli's scale is 0-11, Zstandard's 1-22).
   */
  encodings?: string | readonly string[];
  /** Log what the tool does (context `TOOLS.GZIP`). */
  debug?: boolean;
}

const DEFAULT_MIME_TYPES: readonly string[] = ["text/html", "text/plain"];
const CODINGS: readonly ContentCoding[] = ["gzip", "br", "zstd"];
/** Bodies up to this size are compressed at once; larger ones off the main thread. */
const WHOLE_LIMIT = 256 * 1024;

/**
 * Checks the `gzip` tool's options that are present; the error names the option.
 *
 * @example Using `checkGzipOptions`
 * ```ts
 * import { checkGzipOptions } from "./gzip.ts";
 * checkGzipOptions({ compress_level: 9, encodings: ["br", "gzip"] }); // fine
 * ```
 */
export function checkGzipOptions(options: Record<string, unknown>): void {
  if ("compress_level" in options) checkLevel(options["compress_level"]);
  if ("mime_types" in options && !isStrings(options["mime_types"])) {
    refuse("gzip", "mime_types", "a media type or a list of them", options["mime_types"]);
  }
  const encodings = options["encodings"];
  if (
    "encodings" in options &&
    !(isStrings(encodings) &&
      (typeof encodings === "string" ? [encodings] : encodings).every((e) =>
        (CODINGS as readonly string[]).includes(e.toLowerCase())
      ))
  ) refuse("gzip", "encodings", 'a list of "gzip", "br" and "zstd"', encodings);
  checkBoolean("gzip", options, "debug");
}

/** Codings named in `encodings` that this runtime lacks, already reported. */
const reported = new Set<string>();

/** The offered codings, most preferred first; unknown names are a config error. */
function offered(request: Request, encodings: GzipOptions["encodings"]): ContentCoding[] {
  const names = encodings === undefined ? ["gzip"] : typeof encodings === "string" ? [encodings] : [
    ...encodings,
  ];
  const out: ContentCoding[] = [];
  const available = platform.compressionFormats();
  for (const raw of names) {
    const name = String(raw).toLowerCase() as ContentCoding;
    if (!available.includes(name)) {
      if (!reported.has(name)) {
        reported.add(name);
        request.app?.log.error(
          `tools.gzip.encodings names "${name}", which this runtime cannot compress: it is ` +
            `not offered (see docs/runtimes.md).`,
          "TOOLS.GZIP",
          30,
        );
      }
      continue;
    }
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

/**
 * `true` when Content-Type `ct` (without parameters) is one of `mimeTypes` or their patterns.
 *
 * @example Using `mimeTypeMatches`
 * ```ts
 * import { mimeTypeMatches } from "./gzip.ts";
 * mimeTypeMatches("application/atom+xml", ["text/*", "application/*+xml"]); // true
 * ```
 */
export function mimeTypeMatches(ct: string, mimeTypes: readonly string[]): boolean {
  const type = ct.trim().toLowerCase();
  const wanted = mimeTypes.map((m) => String(m).trim().toLowerCase());
  if (wanted.includes(type)) return true;
  const slash = type.indexOf("/");
  if (slash < 0) return false;
  const major = type.slice(0, slash);
  const sub = type.slice(slash + 1);
  for (const pattern of wanted) {
    const at = pattern.indexOf("/");
    if (at < 0 || pattern.slice(0, at) !== major) continue;
    const psub = pattern.slice(at + 1);
    if (psub === "*") return true;
    const plus = psub.indexOf("+");
    if (plus >= 0 && psub.slice(0, plus) === "*" && sub.includes("+")) {
      if (sub.slice(sub.lastIndexOf("+") + 1) === psub.slice(plus + 1)) return true;
    }
  }
  return false;
}

/** An element's string, parameters included (CherryPy's tie-break between equal `q`). */
function elementString(e: HeaderElement): string {
  return e.value + Object.entries(e.params).map(([k, v]) => `;${k}=${v}`).join("");
}

/**
 * The coding to send: a {@link ContentCoding}, `null` for identity, `406` when none fits.
 *
 * @example Using `negotiate`
 * ```ts
 * import { negotiate } from "./gzip.ts";
 * negotiate("gzip;q=0.5, br", ["br", "gzip"]); // "br"
 * negotiate("identity;q=0", ["gzip"]); // 406
 * ```
 */
export function negotiate(
  header: string | null,
  codings: readonly ContentCoding[],
): ContentCoding | null | 406 {
  // CherryPy's order: q descending, then the element's string descending.
  const elements = headerElements(header).map((e) => ({ e, s: elementString(e) })).sort((a, b) =>
    b.e.qvalue - a.e.qvalue || (a.s < b.s ? 1 : a.s > b.s ? -1 : 0)
  ).map(({ e }) => ({ value: e.value.toLowerCase(), q: e.qvalue }));
  if (elements.length === 0) return null;
  const codingOf = (value: string): ContentCoding | undefined =>
    (value === "x-gzip" ? "gzip" : codings.find((c) => c === value)) as ContentCoding | undefined;
  const listed = new Set(elements.map((e) => codingOf(e.value) ?? e.value));
  const star = elements.find((e) => e.value === "*");
  // Ties: an identity the header names wins (as in CherryPy), then the server's preference;
  // an identity that only `*` stands for comes last.
  let best: { coding: ContentCoding | null; q: number; rank: number } | null = null;
  const consider = (coding: ContentCoding | null, q: number, rank: number) => {
    if (q <= 0) return;
    if (best === null || q > best.q || (q === best.q && rank < best.rank)) {
      best = { coding, q, rank };
    }
  };
  for (const { value, q } of elements) {
    if (value === "identity") consider(null, q, -1);
    else {
      const coding = codingOf(value);
      if (coding !== undefined && codings.includes(coding)) {
        consider(coding, q, codings.indexOf(coding));
      }
    }
  }
  // `*` stands for every coding (identity included) the header does not name.
  if (star !== undefined) {
    if (!listed.has("identity")) consider(null, star.q, codings.length);
    for (const coding of codings) {
      if (!listed.has(coding)) consider(coding, star.q, codings.indexOf(coding));
    }
  }
  const chosen = best as { coding: ContentCoding | null; q: number } | null;
  if (chosen !== null) return chosen.coding;
  // Nothing acceptable with q > 0. An offered coding refused outright (gzip;q=0) means
  // "send it plain", as in CherryPy; so does a header that does not exclude identity.
  if (elements.some((e) => e.q === 0 && codings.includes(codingOf(e.value)!))) return null;
  const identity = elements.find((e) => e.value === "identity");
  const excluded = identity !== undefined ? identity.q === 0 : star !== undefined && star.q === 0;
  return excluded ? 406 : null;
}

/**
 * The `gzip` tool's callable (`before_finalize`, priority 80), CherryPy's `encoding.gzip`:
 * always adds `Accept-Encoding` to `Vary`; then, unless the body is empty, came from the
 * cache, or is already encoded, compresses it when the client's `Accept-Encoding` prefers a
 * coding the tool offers over `identity` and the Content-Type is in `mime_types`. A client
 * that accepts neither (`identity;q=0`) gets `406` with CherryPy's message `identity, gzip`.
 * Streamed bodies (`response.stream`) are compressed as they are produced, each chunk sent as
 * soon as it is compressed.
 *
 * @example Compress HTML, CSS and JavaScript (docs §4.4.2)
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 * class Root {
 *   @cherrypy.expose
 *   @cherrypy.tools.gzip({ mime_types: ["text/*", "application/javascript"] })
 *   index() {
 *     return "hello world!";
 *   }
 * }
 * ```
 */
export function gzip(this: Tool | void, options: GzipOptions = {}): void {
  const { request, response } = currentServing();
  const debug = options.debug;
  setVaryHeader(response, "Accept-Encoding");
  if (isEmptyBody(response.body)) {
    if (debug) debugLog(request, "TOOLS.GZIP", "No response body");
    return;
  }
  if (request.cached) {
    if (debug) debugLog(request, "TOOLS.GZIP", "Not gzipping cached response");
    return;
  }
  if (response.headers.has("Content-Encoding")) {
    if (debug) debugLog(request, "TOOLS.GZIP", "The response is already encoded");
    return;
  }
  const header = request.headers.get("Accept-Encoding");
  if (header === null || header.trim() === "") {
    if (debug) debugLog(request, "TOOLS.GZIP", "No Accept-Encoding");
    return;
  }
  checkGzipOptions(options as Record<string, unknown>);
  const level = options.compress_level ?? 5;
  const codings = offered(request, options.encodings);
  const coding = negotiate(header, codings);
  if (coding === 406) {
    if (debug) debugLog(request, "GZIP", "No acceptable encoding found.");
    new HTTPError(406, ["identity", ...codings].join(", ")).setResponse();
    return;
  }
  if (coding === null) {
    if (debug) debugLog(request, "TOOLS.GZIP", `Sending identity for ${header}`);
    return;
  }
  const given = options.mime_types ?? DEFAULT_MIME_TYPES;
  const mimeTypes = typeof given === "string" ? [given] : [...given];
  const ct = (response.headers.get("Content-Type") ?? "").split(";", 1)[0]!;
  if (!mimeTypeMatches(ct, mimeTypes)) {
    if (debug) {
      debugLog(request, "TOOLS.GZIP", `Content-Type ${ct} not in mime_types ${mimeTypes}`);
    }
    return;
  }
  if (debug) debugLog(request, "TOOLS.GZIP", coding === "gzip" ? "Gzipping" : `Encoding ${coding}`);
  const body = response.body;
  let encoded: unknown;
  if (!response.stream && isSyncBody(body)) {
    // Read now: an error in a generator is the handler's, and no header is changed yet.
    const bytes = collapseSync(body);
    encoded = bytes.length <= WHOLE_LIMIT
      ? compressWhole(coding, bytes, level)
      : compressStream(coding, bytes, level);
  } else {
    encoded = compressStream(coding, body, level, response.stream);
  }
  response.headers.set("Content-Encoding", coding);
  response.headers.delete("Content-Length");
  response.body = encoded;
}
