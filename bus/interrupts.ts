/**
 * The errors that end serving or the process: `SystemExit` (thrown by a listener or handler to
 * end the process) and `KeyboardInterrupt` (thrown by a handler to stop serving), as in
 * CherryPy.
 *
 * @module
 */

/**
 * Thrown (by a listener) to end the process with `code`; publish re-throws it at once instead
 * of collecting it, as CherryPy does with `SystemExit`.
 *
 * @example Using `SystemExit`
 * ```ts
 * import { SystemExit } from "../mod.ts";
 * const stop = () => { throw new SystemExit(2); };
 * ```
 */
export class SystemExit extends Error {
  /** The exit code asked for. */
  code: number;
  /** Creates the request to exit with `code` (default 0). */
  constructor(code = 0) {
    super(`SystemExit(${code})`);
    this.name = "SystemExit";
    this.code = code;
  }
}

/**
 * Thrown by a page handler (or set as `server.httpserver.interrupt`) to stop serving and exit
 * the bus, as Python's `KeyboardInterrupt` does in CherryPy: the request gets no answer, the
 * HTTP server stops and the engine exits.
 *
 * @example Using `KeyboardInterrupt`
 * ```ts
 * import { KeyboardInterrupt } from "../mod.ts";
 * function shutdown(): never { throw new KeyboardInterrupt(); }
 * ```
 */
export class KeyboardInterrupt extends Error {
  /** Creates the interrupt. */
  constructor(message = "") {
    super(message);
    this.name = "KeyboardInterrupt";
  }
}

/** `true` for a {@link KeyboardInterrupt} or {@link SystemExit}: errors that stop serving. */
export function isInterrupt(error: unknown): error is KeyboardInterrupt | SystemExit {
  return error instanceof KeyboardInterrupt || error instanceof SystemExit;
}
