/**
 * `IncomingView`: an {@link IncomingRequest} seen through a change (another target, another
 * method, headers hidden), delegating everything else to the request it wraps.
 *
 * @module
 */

import type { IncomingRequest } from "../platform/mod.ts";

/**
 * Delegates every part of an incoming request to `inner`; subclasses override what they see
 * differently.
 *
 * @example The same request for another path
 * ```ts
 * import type { IncomingRequest } from "../platform/mod.ts";
 * import { IncomingView } from "../mod.ts";
 * class Retargeted extends IncomingView {
 *   constructor(inner: IncomingRequest, readonly path: string) {
 *     super(inner);
 *   }
 *   override get target() {
 *     return this.path;
 *   }
 * }
 * ```
 */
export class IncomingView implements IncomingRequest {
  /** The request seen through this view. */
  protected readonly inner: IncomingRequest;

  /** Wraps `inner`. */
  constructor(inner: IncomingRequest) {
    this.inner = inner;
  }
  /** The method. */
  get method(): string {
    return this.inner.method;
  }
  /** The request target. */
  get target(): string {
    return this.inner.target;
  }
  /** The protocol. */
  get protocol(): string {
    return this.inner.protocol;
  }
  /** `"http"` or `"https"`. */
  get scheme(): string {
    return this.inner.scheme;
  }
  /** The client's address. */
  get remoteAddress(): string {
    return this.inner.remoteAddress;
  }
  /** The client's port. */
  get remotePort(): number {
    return this.inner.remotePort;
  }
  /** The server address. */
  get localAddress(): string {
    return this.inner.localAddress;
  }
  /** The server port. */
  get localPort(): number {
    return this.inner.localPort;
  }
  /** Aborted when the client goes away. */
  get signal(): AbortSignal {
    return this.inner.signal;
  }
  /** One header. */
  header(name: string): string | null {
    return this.inner.header(name);
  }
  /** Every header. */
  headerEntries(): Iterable<[string, string]> {
    return this.inner.headerEntries();
  }
  /** The body. */
  body(): AsyncIterable<Uint8Array> | null {
    return this.inner.body();
  }
  /** The request as a Fetch `Request`. */
  toRequest(): Request {
    return this.inner.toRequest();
  }
  /** The switch to a WebSocket, where the engine of the request offers it. */
  get upgradeWebSocket(): IncomingRequest["upgradeWebSocket"] {
    const inner = this.inner;
    if (inner.upgradeWebSocket === undefined) return undefined;
    return (events, options) => inner.upgradeWebSocket!(events, options);
  }
}
