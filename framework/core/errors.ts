/**
 * HTTP errors and CherryPy's error page.
 *
 * @module
 */

import { formatTraceback } from "../../bus/mod.ts";
import { platform } from "../../platform/mod.ts";
import { collapseSync } from "../http/_bytes.ts";
import { FileBody } from "../http/file_body.ts";
import { escapeHtml, validStatus } from "../http/httputil.ts";
import { currentServing } from "./serving.ts";
import { VERSION } from "./version.ts";

/** The base class of the framework's exceptions. */
export class CherryPyException extends Error {
  /** Creates the exception. */
  constructor(message?: string) {
    super(message);
    this.name = "CherryPyException";
  }
}

/** Values interpolated into the error page. */
export interface ErrorPageValues {
  /** `"404 Not Found"`. */
  status: string;
  /** The message paragraph. */
  message: string;
  /** The traceback, or `""`. */
  traceback: string;
  /** The framework version. */
  version: string;
}

const ERROR_TEMPLATE = `<!DOCTYPE html PUBLIC
"-//W3C//DTD XHTML 1.0 Transitional//EN"
"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html>
<head>
    <meta http-equiv="Content-Type" content="text/html; charset=utf-8"></meta>
    <title>%(status)s</title>
    <style type="text/css">
    #powered_by {
        margin-top: 20px;
        border-top: 2px solid black;
        font-style: italic;
    }

    #traceback {
        color: red;
    }
    </style>
</head>
    <body>
        <h2>%(status)s</h2>
        <p>%(message)s</p>
        <pre id="traceback">%(traceback)s</pre>
    <div id="powered_by">
      <span>
        Powered by <a href="http://www.cherrypy.dev">CherryPy %(version)s</a>
      </span>
    </div>
    </body>
</html>
`;

/**
 * Fills a CherryPy error-page template: `%(status)s`, `%(message)s`, `%(traceback)s` and
 * `%(version)s` are replaced by the values (given already escaped), `%%` by `%`.
 *
 * @example Using `fillErrorTemplate`
 * ```ts
 * import { fillErrorTemplate } from "./mod.ts";
 * fillErrorTemplate("<h1>%(status)s</h1>", {
 *   status: "404 Not Found", message: "", traceback: "", version: "1",
 * }); // "<h1>404 Not Found</h1>"
 * ```
 */
export function fillErrorTemplate(template: string, values: ErrorPageValues): string {
  return template.replace(/%(%|\((\w+)\)s)/g, (all, pct: string, key?: string) => {
    if (pct === "%") return "%";
    if (key !== undefined && key in values) return values[key as keyof ErrorPageValues];
    throw new Error(`The error page template uses an unknown value ${all}.`);
  });
}

function pageValues(status: number | string, values: Partial<ErrorPageValues>): ErrorPageValues {
  const [code, reason, defaultMessage] = validStatus(status);
  const e = (s: string) => escapeHtml(s);
  return {
    status: e(values.status ?? `${code} ${reason}`),
    message: e(values.message ?? defaultMessage),
    traceback: e(values.traceback ?? ""),
    version: e(values.version ?? VERSION),
  };
}

/**
 * Renders CherryPy's default error page (XHTML, every value HTML-escaped).
 *
 * @example Using `getErrorPage`
 * ```ts
 * import { getErrorPage } from "../../mod.ts";
 * const html = getErrorPage(404, { message: "The path '/x' was not found." });
 * ```
 */
export function getErrorPage(
  status: number | string,
  values: Partial<ErrorPageValues> = {},
): string {
  return fillErrorTemplate(ERROR_TEMPLATE, pageValues(status, values));
}

/**
 * A custom error page (`error_page.404` or `error_page.default` in config): a template file
 * path, or a function given the (HTML-escaped) values that returns the body.
 */
export type ErrorPage =
  | string
  | ((
    values: ErrorPageValues,
  ) => string | Uint8Array | Iterable<string | Uint8Array> | FileBody);

/**
 * The error page for the current request: the custom page configured for the status (or the
 * default custom page) when there is one, else CherryPy's. When the custom page fails, the
 * default page is used and its message tells why.
 *
 * @example Using `renderErrorPage`
 * ```ts
 * import { renderErrorPage } from "./mod.ts";
 * const body = renderErrorPage(404, { message: "No such page." });
 * ```
 */
export function renderErrorPage(
  status: number | string,
  values: Partial<ErrorPageValues> = {},
): unknown {
  const { request, response } = currentServing();
  const escaped = pageValues(status, values);
  const [code] = validStatus(status);
  const pages = request.error_page;
  const custom = pages[String(code)] ?? pages["default"];
  let template = ERROR_TEMPLATE;
  if (custom !== undefined && custom !== null && custom !== "") {
    try {
      if (typeof custom === "function") {
        const result = custom(escaped);
        if (
          typeof result === "string" || result instanceof Uint8Array || result instanceof FileBody
        ) return result;
        if (result !== null && typeof result === "object" && Symbol.iterator in result) {
          return result;
        }
        throw new TypeError(
          `error_page functions must return a string, bytes or an iterable of them; got ${typeof result}.`,
        );
      }
      template = platform.readTextFileSync(String(custom));
    } catch (e) {
      let m = escaped.message;
      if (m) m += "<br />";
      m += "In addition, the custom error page failed:\n<br />" +
        escapeHtml(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
      escaped.message = m;
      template = ERROR_TEMPLATE;
    }
  }
  response.headers.set("Content-Type", "text/html;charset=utf-8");
  try {
    return fillErrorTemplate(template, escaped);
  } catch (e) {
    escaped.message += "<br />In addition, the custom error page failed:\n<br />" +
      escapeHtml((e as Error).message);
    return fillErrorTemplate(ERROR_TEMPLATE, escaped);
  }
}

const IE_FRIENDLY_SIZES: Record<number, number> = {
  400: 512,
  403: 256,
  404: 512,
  405: 256,
  406: 512,
  408: 512,
  409: 512,
  410: 256,
  500: 512,
  501: 512,
  505: 512,
};

/** Headers an error response must not keep from the response it replaces. */
const ERROR_CLEANED_HEADERS = [
  "Accept-Ranges",
  "Age",
  "ETag",
  "Location",
  "Retry-After",
  "Vary",
  "Content-Encoding",
  "Content-Length",
  "Expires",
  "Content-Location",
  "Content-MD5",
  "Last-Modified",
];

/**
 * An HTTP error (status 400-599): raise it from a handler or tool and the client gets the
 * status and CherryPy's error page.
 *
 * @example Using `HTTPError`
 * ```ts
 * import { HTTPError } from "../../mod.ts";
 * function page(id: string) {
 *   if (!/^\d+$/.test(id)) throw new HTTPError(400, "id must be a number");
 *   return `item ${id}`;
 * }
 * ```
 */
export class HTTPError extends CherryPyException {
  /** The status as given (`404` or `"404 Not Found"`). */
  readonly status: number | string;
  /** The numeric status code. */
  readonly code: number;
  /** The reason phrase. */
  readonly reason: string;
  /** The message shown on the error page. */
  readonly errorMessage: string;

  /** Creates the error; `status` must be 400-599 (else it becomes a 500 explaining why). */
  constructor(status: number | string = 500, message?: string | null) {
    let code: number, reason: string, defaultMessage: string;
    try {
      [code, reason, defaultMessage] = validStatus(status);
    } catch (e) {
      [code, reason, defaultMessage] = [500, "Internal Server Error", (e as Error).message];
      message = (e as Error).message;
    }
    if (code < 400 || code > 599) {
      message = `Bad HTTPError status: ${code} (HTTPError statuses must be 400-599).`;
      [code, reason] = [500, "Internal Server Error"];
    }
    const text = message ?? defaultMessage;
    super(text);
    this.name = "HTTPError";
    this.status = status;
    this.code = code;
    this.reason = reason;
    this.errorMessage = text;
  }

  /** `"404 Not Found"`. */
  get fullStatus(): string {
    return `${this.code} ${this.reason}`;
  }

  /**
   * Makes the current response represent this error: status, cleaned headers, the error page
   * (with the traceback of `cause` when `request.show_tracebacks` is on), padded so browsers
   * show it rather than their own.
   */
  setResponse(cause: unknown = this): void {
    const { request, response } = currentServing();
    const h = response.headers;
    for (const name of ERROR_CLEANED_HEADERS) h.delete(name);
    if (this.code !== 416) h.delete("Content-Range");
    response.status = this.fullStatus;
    const traceback = request.show_tracebacks ? formatTraceback(cause) : "";
    let content = renderErrorPage(this.fullStatus, { message: this.errorMessage, traceback });
    const size = IE_FRIENDLY_SIZES[this.code];
    if (size !== undefined && content instanceof FileBody) {
      // A file served as the error page (`serve_file` in an error_page function): padded
      // without reading it.
      const n = content.length;
      if (n > 0 && n < size + 1) {
        content = new FileBody(content.source, [
          ...content.parts,
          new Uint8Array(size + 1 - n).fill(0x20),
        ]);
      }
      h.set("Content-Length", String((content as FileBody).length));
    } else if (size !== undefined) {
      let bytes = collapseSync(content);
      if (bytes.length > 0 && bytes.length < size + 1) {
        const padded = new Uint8Array(size + 1);
        padded.set(bytes);
        padded.fill(0x20, bytes.length);
        bytes = padded;
      }
      content = bytes;
      h.set("Content-Length", String(bytes.length));
    }
    response.body = content;
  }

  /**
   * Runs `fn` and turns errors of class `errorClass` into this kind of HTTPError with
   * `status` (CherryPy's `HTTPError.handle` context manager).
   *
   * @example Using `handle`
   * ```ts
   * import { HTTPError } from "../../mod.ts";
   * const n = HTTPError.handle(SyntaxError, 400, () => JSON.parse("{"));
   * ```
   */
  static handle<R>(
    // deno-lint-ignore no-explicit-any
    errorClass: abstract new (...args: any[]) => unknown,
    status: number | string,
    fn: () => R,
    message = "",
  ): R {
    const wrap = (e: unknown): never => {
      if (e instanceof errorClass) {
        throw new this(status, message || (e instanceof Error ? e.message : String(e)));
      }
      throw e;
    };
    try {
      const result = fn();
      return (result instanceof Promise ? result.catch(wrap) : result) as R;
    } catch (e) {
      return wrap(e);
    }
  }
}

/**
 * 404: the URL matched no handler.
 *
 * @example Using `NotFound`
 * ```ts
 * import { NotFound } from "../../mod.ts";
 * throw new NotFound("/missing");
 * ```
 */
export class NotFound extends HTTPError {
  /** The path that was not found. */
  readonly path: string;
  /** Creates the error for `path` (default: the current request's path). */
  constructor(path?: string) {
    if (path === undefined) {
      const { request } = currentServing();
      path = request.script_name + request.path_info;
    }
    super(404, `The path '${path}' was not found.`);
    this.name = "NotFound";
    this.path = path;
  }
}

/**
 * Raised when a response ran past `response.timeout` (CherryPy's `cherrypy.TimeoutError`);
 * answered with a 500.
 *
 * @example Using `TimeoutError`
 * ```ts
 * import { response } from "../../mod.ts";
 * response.checkTimeout(); // throws TimeoutError once the response has timed out
 * ```
 */
export class TimeoutError extends CherryPyException {
  /** Creates the error. */
  constructor(message = "The response timed out.") {
    super(message);
    this.name = "TimeoutError";
  }
}

/** The body of the last-resort 500 when error handling itself failed. */
export function bareErrorBody(traceback?: string): string {
  return "Unrecoverable error in the server." + (traceback ? "\n" + traceback : "");
}
