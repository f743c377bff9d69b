/**
 * The request pipeline: how a {@link Request} is answered. In order: the request headers are
 * checked, the dispatcher finds the handler and the config, the config's namespaces are
 * applied (tools attach their hooks), then `on_start_resource`, the query string,
 * `before_request_body`, the body, `before_handler`, the handler, `before_finalize`, finalizing,
 * and `on_end_resource`. Errors take the error path: an `HTTPError` or `HTTPRedirect` sets the
 * response and still runs `before_finalize`; anything else runs `before_error_response`,
 * `request.error_response` and `after_error_response`. When even that fails, the client gets
 * CherryPy's bare "Unrecoverable error in the server."
 *
 * @module
 */

import { formatTraceback, isInterrupt } from "../../bus/mod.ts";
import type { IncomingRequest } from "../../platform/mod.ts";
import type { DispatcherLike } from "../core/types.ts";
import { bareErrorBody, HTTPError, NotFound, TimeoutError } from "../core/errors.ts";
import { parseQueryString } from "../http/httputil.ts";
import type { LogManager } from "../core/log.ts";
import { HTTPRedirect, InternalRedirect } from "../core/redirect.ts";
import type { Request } from "../core/request.ts";
import type { Response } from "../core/response.ts";
import { applyNamespaces, type NamespaceApp } from "./namespaces.ts";
import { bindServing, callApplicationWith, followServing } from "../core/serving.ts";

/** The request body as the pipeline drives it. */
export interface PipelineBody {
  /** Reads and parses the body into `request.params`. */
  process(): Promise<void>;
  /** Releases what the body holds (temporary files); called when the request ends. */
  cleanup?(): Promise<void> | void;
  /** The names of the parameters that came from the body (for 400 vs 404 on mismatch). */
  readonly paramNames?: ReadonlySet<string>;
}

/** What the pipeline needs from the application serving the request. */
export interface PipelineApp extends NamespaceApp {
  /** The `request.dispatch` configured for a path, or `defaultValue`. */
  dispatcherFor(path: string, defaultValue: unknown): unknown;
  /** Makes the request body object (or `null` when bodies are not handled). */
  makeBody?(request: Request): PipelineBody | null;
}

/** `true` for errors that are normal control flow (not logged when a hook raises them). */
export function isQuietError(error: unknown): boolean {
  return error instanceof HTTPError || error instanceof HTTPRedirect ||
    error instanceof InternalRedirect;
}

function checkTimedOut(response: Response): void {
  if (response.timed_out) throw new TimeoutError();
}

/** Enters stage `name` and runs its hooks; `undefined` (nothing to await) when there are none. */
function stage(request: Request, point: string, label = point): Promise<void> | undefined {
  request.stage = label;
  return request.hooks.run(point);
}

/** What a pipeline step returns: `undefined` when it finished, a promise when it must wait. */
type Step = (request: Request, response: Response, body: PipelineBody | null) =>
  | Promise<unknown>
  | undefined
  | void;

function processQueryString(request: Request): void {
  request.stage = "process_query_string";
  if (request.query_string !== "") {
    let qsParams;
    try {
      qsParams = parseQueryString(request.query_string, request.query_string_encoding);
    } catch {
      throw new HTTPError(
        404,
        "The given query string could not be processed. Query strings for this resource " +
          `must be encoded with '${request.query_string_encoding}'.`,
      );
    }
    Object.assign(request.params, qsParams);
  }
  if (request.process_request_body && !request.methods_with_bodies.includes(request.method)) {
    request.process_request_body = false;
  }
}

/** The stages after dispatch, in order (run synchronously until one returns a promise). */
const STEPS: readonly Step[] = [
  (request) => stage(request, "on_start_resource"),
  (request, response) => {
    checkTimedOut(response);
    processQueryString(request);
  },
  (request) => stage(request, "before_request_body"),
  (request, response, body) => {
    checkTimedOut(response);
    if (!request.process_request_body || body === null) return;
    request.stage = "process_body";
    followServing();
    return body.process().then(() => {
      if (body.paramNames !== undefined) request.bodyParamNames = body.paramNames;
    });
  },
  (request) => stage(request, "before_handler"),
  (request, response) => {
    checkTimedOut(response);
    const handler = request.handler;
    if (!handler) return;
    request.stage = "handler";
    const result = callApplicationWith(handler, undefined, undefined);
    if (result instanceof Promise) {
      return result.then((value) => {
        response.body = value;
      });
    }
    response.body = result;
  },
  (request, response) => {
    checkTimedOut(response);
    return stage(request, "before_finalize");
  },
  (_request, response) => response.finalize(),
];

function runSteps(
  request: Request,
  response: Response,
  body: PipelineBody | null,
  from: number,
): Promise<unknown> | undefined {
  for (let i = from; i < STEPS.length; i++) {
    const result = STEPS[i]!(request, response, body);
    if (result !== undefined) {
      return result.then(bindServing(() => runSteps(request, response, body, i + 1)));
    }
  }
  return undefined;
}

/** Runs the pipeline up to finalizing; returns a promise only when some part had to wait. */
function doRespond(
  app: PipelineApp,
  request: Request,
  response: Response,
  pathInfo: string,
): Promise<unknown> | undefined {
  if (request.app === null) throw new NotFound(request.script_name + pathInfo);
  request.stage = "process_headers";
  const host = request.header("host");
  if (host === null && request.protocol[0] === 1 && request.protocol[1] >= 1) {
    throw new HTTPError(400, "HTTP/1.1 requires a 'Host' request header.");
  }
  if (request.header("cookie") !== null) void request.cookie;
  request.base = `${request.scheme}://${
    host === null
      ? request.local.name || request.local.ip
      : host.includes("\r") || host.includes("\n")
      ? host.replace(/[\r\n]/g, "")
      : host
  }`;
  request.stage = "get_resource";
  const dispatch = (request.app as unknown as PipelineApp).dispatcherFor(
    pathInfo,
    request.dispatch,
  );
  (dispatch as DispatcherLike).dispatch(pathInfo, request);
  const body = app.makeBody?.(request) ?? null;
  if (body !== null) request.body = body as Request["body"];
  applyNamespaces(app, request, response);
  return runSteps(request, response, body, 0);
}

/** What the pipeline's parts return: `undefined` when done, a promise when they must wait. */
type Waiting = Promise<unknown> | undefined | void;

/**
 * Runs `fn`, then `onDone` (or `onError` with what `fn` threw or rejected with): synchronously
 * when `fn` does not wait, else in continuations bound to the current request.
 */
function attempt(
  fn: () => Waiting,
  onDone: () => Waiting,
  onError: (error: unknown) => Waiting,
): Waiting {
  let result;
  try {
    result = fn();
  } catch (e) {
    return onError(e);
  }
  if (result instanceof Promise) return result.then(bindServing(onDone), bindServing(onError));
  return onDone();
}

/** `then()` after `first`: at once when `first` is not a promise. */
function after(first: unknown, then: () => Waiting): Waiting {
  return first instanceof Promise ? first.then(bindServing(then)) : then();
}

const done = (): undefined => undefined;

function handleError(request: Request, response: Response, error: unknown): Waiting {
  request.error = error;
  return attempt(
    () =>
      after(
        stage(request, "before_error_response"),
        () =>
          after(
            callApplicationWith(request.error_response, request, undefined),
            () => after(stage(request, "after_error_response"), () => response.finalize()),
          ),
      ),
    done,
    (e) => {
      if (!(e instanceof HTTPRedirect)) throw e;
      e.setResponse();
      return response.finalize();
    },
  );
}

/** The error path after the pipeline failed with `error` (before `on_end_resource` ran). */
function respondToError(
  request: Request,
  response: Response,
  log: LogManager,
  error: unknown,
): Waiting {
  const failed = (e: unknown) => handleFailure(request, response, log, e);
  // on_end_resource runs whatever happened; an error there replaces the earlier one.
  return attempt(
    () => {
      if (!(error instanceof HTTPError || error instanceof HTTPRedirect)) throw error;
      error.setResponse();
      return after(
        stage(request, "before_finalize", "before_finalize (HTTPError)"),
        () => response.finalize(),
      );
    },
    () => endResource(request, response, log),
    (e) => attempt(() => stage(request, "on_end_resource"), () => failed(e), failed),
  );
}

/**
 * The error path for an error that is not an HTTP error or redirect (or that happened while
 * answering one, or in `on_end_resource`): the error response, or CherryPy's bare page.
 */
function handleFailure(
  request: Request,
  response: Response,
  log: LogManager,
  error: unknown,
): Waiting {
  return attempt(
    () => {
      if (error instanceof InternalRedirect || request.throw_errors || isInterrupt(error)) {
        throw error;
      }
      return handleError(request, response, error);
    },
    done,
    (e) => lastResort(request, response, log, e),
  );
}

function lastResort(request: Request, response: Response, log: LogManager, e: unknown): void {
  if (e instanceof InternalRedirect || request.throw_errors || isInterrupt(e)) throw e;
  // Failure in the error handling itself: bypass everything.
  log.error("", "", 40, e);
  bareError(response, request.show_tracebacks ? formatTraceback(e) : "");
}

/**
 * Answers `request` into `response`, for `pathInfo` (the path below the mount point). Returns
 * `undefined` when it finished without waiting, else a promise. Never fails, except with an
 * {@link InternalRedirect} (the application serves its target) or, with
 * `request.throw_errors`, the error itself.
 */
export function respond(
  app: PipelineApp,
  request: Request,
  response: Response,
  pathInfo: string,
  log: LogManager,
): Promise<unknown> | undefined {
  // attempt(), spelled out: this is the path of every request.
  let running;
  try {
    running = doRespond(app, request, response, pathInfo);
  } catch (e) {
    return respondToError(request, response, log, e) as Promise<unknown> | undefined;
  }
  if (running === undefined) {
    return endResource(request, response, log) as Promise<unknown> | undefined;
  }
  return running.then(
    bindServing(() => endResource(request, response, log)),
    bindServing((e: unknown) => respondToError(request, response, log, e)),
  );
}

function endResource(request: Request, response: Response, log: LogManager): Waiting {
  let running;
  try {
    running = stage(request, "on_end_resource");
  } catch (e) {
    return handleFailure(request, response, log, e);
  }
  if (running === undefined) return undefined;
  return running.then(
    undefined,
    bindServing((e: unknown) => handleFailure(request, response, log, e)),
  );
}

/** Makes `response` CherryPy's bare 500 ("Unrecoverable error in the server."). */
export function bareError(response: Response, traceback = ""): void {
  const body = new TextEncoder().encode(bareErrorBody(traceback));
  response.status = 500;
  response.code = 500;
  response.reason = "Internal Server Error";
  response.headers.clear();
  response.header_list = null;
  response.headers.set("Content-Type", "text/plain");
  response.headers.set("Content-Length", String(body.length));
  response.body = body;
}

/**
 * Fills `request` from its native request: request line, query string and protocol, and the
 * decoded path below the mount point.
 */
export function readRequestLine(request: Request, incoming: IncomingRequest, path: string): void {
  const target = incoming.target;
  const q = target.indexOf("?");
  request.query_string = q < 0 ? "" : target.slice(q + 1);
  const protocol = incoming.protocol;
  if (protocol !== "HTTP/1.1") request.protocol = protocolOf(protocol);
  request.path_info = path;
}

const HTTP_2: readonly [number, number] = Object.freeze([2, 0]) as readonly [number, number];

/**
 * The version a request is served under: HTTP/1.x as CherryPy's `min(request, server)` with the
 * server speaking HTTP/1.1, and HTTP/2 as itself (`"HTTP/2"` has no minor version).
 */
function protocolOf(protocol: string): readonly [number, number] {
  const slash = protocol.indexOf("/");
  const dot = protocol.indexOf(".");
  const major = Number(protocol.slice(slash + 1, dot < 0 ? protocol.length : dot));
  if (major === 2) return HTTP_2;
  const minor = dot < 0 ? 0 : Number(protocol.slice(dot + 1));
  return major > 1 || (major === 1 && minor >= 1) ? [1, 1] : [major, minor];
}

/**
 * Runs the `on_end_request` hooks (errors are logged), releases the body, and marks the
 * request closed. Returns a promise only when something had to wait.
 */
export function closeRequest(request: Request, log: LogManager): Promise<void> | undefined {
  if (request.closed) return undefined;
  request.closed = true;
  const ended = (e: unknown) => {
    if (!isQuietError(e)) log.error("", "", 40, e);
  };
  let running;
  try {
    running = stage(request, "on_end_request");
  } catch (e) {
    ended(e);
  }
  if (running !== undefined) {
    followServing();
    return running.then(undefined, ended).then(() => cleanupBody(request, log));
  }
  return cleanupBody(request, log);
}

function cleanupBody(request: Request, log: LogManager): Promise<void> | undefined {
  const body = request.body as PipelineBody | undefined;
  if (body === undefined || body === null || typeof body.cleanup !== "function") return;
  const failed = (e: unknown) => log.error("Could not clean up the request body.", "HTTP", 30, e);
  try {
    const cleaning = body.cleanup();
    if (cleaning instanceof Promise) return cleaning.catch(failed);
  } catch (e) {
    failed(e);
  }
}
