/**
 * Runs one corpus case over a raw socket and says what the server did, as a short outcome
 * string: the statuses of the responses in order (`"200"`, `"100 200"`, `"200 400"`), or
 * `"closed"` (the server closed without answering), `"waits"` (nothing came, the connection
 * stayed open) or `"other"` (bytes that are not an HTTP/1.x response, e.g. HTTP/2 frames).
 *
 * @module
 */
import { rawConnect } from "../../_raw.ts";

/** What happened to one case. */
export interface Observed {
  /** The outcome string (see the module doc). */
  outcome: string;
  /** The statuses received, in order. */
  statuses: number[];
  /** `true` when the server closed the connection. */
  closed: boolean;
  /** What was received, as Latin-1 text. */
  text: string;
}

/** A response found in the received text. */
interface Parsed {
  statuses: number[];
  /** `false` when the last response is cut short (more bytes are due). */
  complete: boolean;
  /** `true` when the bytes are not an HTTP/1.x response. */
  other: boolean;
}

/** Splits `text` into HTTP/1.x responses, following their framing. */
export function parseResponses(text: string, closed: boolean): Parsed {
  const statuses: number[] = [];
  let at = 0;
  while (at < text.length) {
    if (!/^HTTP\/1\.[01] \d{3}/.test(text.slice(at, at + 12)) && text.length - at >= 12) {
      return { statuses, complete: true, other: true };
    }
    const end = text.indexOf("\r\n\r\n", at);
    if (end < 0) return { statuses, complete: false, other: !text.startsWith("HTTP/", at) };
    const head = text.slice(at, end);
    const status = Number(head.slice(9, 12));
    statuses.push(status);
    at = end + 4;
    if (status < 200 || status === 204 || status === 304) continue;
    // A HEAD response has no body: the next response follows at once.
    if (text.startsWith("HTTP/1.", at)) continue;
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
      for (;;) {
        const eol = text.indexOf("\r\n", at);
        if (eol < 0) return { statuses, complete: false, other: false };
        const size = parseInt(text.slice(at, eol), 16);
        if (Number.isNaN(size)) return { statuses, complete: true, other: true };
        if (size === 0) {
          const last = text.indexOf("\r\n\r\n", eol);
          if (last < 0) return { statuses, complete: false, other: false };
          at = last + 4;
          break;
        }
        at = eol + 2 + size + 2;
        if (at > text.length) return { statuses, complete: false, other: false };
      }
    } else if (length) {
      at += Number(length[1]);
      if (at > text.length) return { statuses, complete: false, other: false };
    } else {
      // Delimited by the close.
      return { statuses, complete: closed, other: false };
    }
  }
  return { statuses, complete: true, other: false };
}

/** Options of {@link exchange}. */
export interface ExchangeOptions {
  /** Half-close the connection (send FIN) after writing. */
  shut?: boolean;
  /** How long to wait at most (ms). */
  maxWait: number;
  /** How long the connection must stay quiet before the outcome is taken (ms). */
  quiet: number;
  /**
   * The outcome awaited (see {@link matches}): the exchange ends once it is seen and the
   * connection stayed quiet, or once the server closed, or after `maxWait`.
   */
  expected: string;
}

/** Sends `bytes` (Latin-1 text) to `port` and watches what comes back. */
export async function exchange(
  port: number,
  bytes: string,
  options: ExchangeOptions,
): Promise<Observed> {
  const conn = await rawConnect(port);
  conn.socket.on("error", () => {}); // a reset after a refusal is an outcome, not a failure
  conn.socket.setNoDelay(true);
  const data = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) data[i] = bytes.charCodeAt(i) & 0xff;
  conn.socket.write(data);
  if (options.shut) conn.socket.end();
  const started = Date.now();
  let lastLength = -1;
  let quietSince = Date.now();
  for (;;) {
    await Promise.race([conn.closed, new Promise((r) => setTimeout(r, 20))]);
    const text = conn.text();
    if (conn.isClosed()) break;
    if (text.length !== lastLength) {
      lastLength = text.length;
      quietSince = Date.now();
    }
    const now = Date.now();
    if (now - started >= options.maxWait) break;
    const parsed = parseResponses(text, false);
    if (
      parsed.complete && now - quietSince >= options.quiet &&
      matches(outcomeOf(parsed, false), options.expected)
    ) break;
  }
  const text = conn.text();
  const closed = conn.isClosed();
  conn.destroy();
  const parsed = parseResponses(text, closed);
  return { outcome: outcomeOf(parsed, closed), statuses: parsed.statuses, closed, text };
}

function outcomeOf(parsed: Parsed, closed: boolean): string {
  let outcome = parsed.statuses.join(" ");
  if (parsed.other) outcome = outcome ? `${outcome} other` : "other";
  return outcome === "" ? (closed ? "closed" : "waits") : outcome;
}

/**
 * `true` when `outcome` is one the expectation allows. An expectation lists alternatives with
 * `|` (`"400|closed"`); `"refused"` stands for any answer that serves nothing: `"closed"`, or
 * 4xx statuses only (1xx interim responses aside).
 */
export function matches(outcome: string, expected: string): boolean {
  return expected.split("|").some((alt) => {
    if (alt === "refused") {
      if (outcome === "closed") return true;
      const statuses = outcome.split(" ").filter((s) => !s.startsWith("1"));
      return statuses.length > 0 && statuses.every((s) => /^4\d\d$/.test(s));
    }
    return alt === outcome;
  });
}
