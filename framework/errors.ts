/**
 * HTTP errors and CherryPy's error page.
 *
 * @module
 */

import { escapeHtml, validStatus } from "./httputil.ts";
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

/**
 * Renders CherryPy's default error page (XHTML, every value HTML-escaped).
 *
 * @example
 * ```ts
 * import { getErrorPage } from "./errors.ts";
 * const html = getErrorPage(404, { message: "The path '/x' was not found." });
 * ```
 */
export function getErrorPage(
  status: number | string,
  values: Partial<ErrorPageValues> = {},
): string {
  const [code, reason, defaultMessage] = validStatus(status);
  const v: ErrorPageValues = {
    status: values.status ?? `${code} ${reason}`,
    message: values.message ?? defaultMessage,
    traceback: values.traceback ?? "",
    version: values.version ?? VERSION,
  };
  const e = (s: string) => escapeHtml(s);
  return `<!DOCTYPE html PUBLIC
"-//W3C//DTD XHTML 1.0 Transitional//EN"
"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html>
<head>
    <meta http-equiv="Content-Type" content="text/html; charset=utf-8"></meta>
    <title>${e(v.status)}</title>
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
        <h2>${e(v.status)}</h2>
        <p>${e(v.message)}</p>
        <pre id="traceback">${e(v.traceback)}</pre>
    <div id="powered_by">
      <span>
        Powered by <a href="http://www.cherrypy.dev">CherryPy ${e(v.version)}</a>
      </span>
    </div>
    </body>
</html>
`;
}

/**
 * An HTTP error (status 400-599): raise it from a handler or tool and the client gets the
 * status and CherryPy's error page.
 *
 * @example
 * ```ts
 * import { HTTPError } from "./errors.ts";
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
   * Runs `fn` and turns errors of class `errorClass` into this kind of HTTPError with
   * `status` (CherryPy's `HTTPError.handle` context manager).
   *
   * @example
   * ```ts
   * import { HTTPError } from "./errors.ts";
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
 * @example
 * ```ts
 * import { NotFound } from "./errors.ts";
 * throw new NotFound("/missing");
 * ```
 */
export class NotFound extends HTTPError {
  /** The path that was not found. */
  readonly path: string;
  /** Creates the error for `path`. */
  constructor(path: string) {
    super(404, `The path '${path}' was not found.`);
    this.name = "NotFound";
    this.path = path;
  }
}

/** The body of the last-resort 500 when error handling itself failed. */
export function bareErrorBody(traceback?: string): string {
  return "Unrecoverable error in the server." + (traceback ? "\n" + traceback : "");
}
