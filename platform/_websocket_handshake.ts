/**
 * The server side of the WebSocket opening handshake (RFC 6455 §4.2), shared by every engine:
 * what makes a request a valid handshake, and the headers of its `101` answer.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { hash } from "./_shared.ts";
import { WebSocketHandshakeError } from "./types.ts";

/** The GUID a key is hashed with (RFC 6455 §1.3). */
const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
/** A key: 16 bytes in base64. */
const KEY = /^[A-Za-z0-9+/]{21}[AQgw]==$/;

/** `Sec-WebSocket-Accept` for `key`: base64 of the SHA-1 of the key and the GUID. */
export function acceptKey(key: string): string {
  return Buffer.from(hash("sha1", key + GUID), "hex").toString("base64");
}

/** `true` when the comma-separated header value `value` lists `token` (any case). */
function hasToken(value: string | null, token: string): boolean {
  if (value === null) return false;
  for (const part of value.split(",")) {
    if (part.trim().toLowerCase() === token) return true;
  }
  return false;
}

/** The subprotocols a client offered (`Sec-WebSocket-Protocol`), in its order. */
export function offeredProtocols(header: string | null): string[] {
  if (header === null) return [];
  return header.split(",").map((p) => p.trim()).filter((p) => p !== "");
}

/** What the handshake check needs of a request. */
export interface HandshakeRequest {
  readonly method: string;
  readonly protocol: string;
  header(name: string): string | null;
}

/**
 * Checks that `request` is a WebSocket handshake the server can accept, and that `protocol`
 * (the subprotocol chosen, if any) is one the client offered. Returns the headers of the `101`
 * answer; throws a {@link WebSocketHandshakeError} saying what is wrong.
 */
export function checkHandshake(
  request: HandshakeRequest,
  hasBody: boolean,
  protocol: string | null | undefined,
): Array<[string, string]> {
  const upgrade = request.header("upgrade");
  if (!hasToken(upgrade, "websocket")) {
    throw new WebSocketHandshakeError(
      426,
      "This resource is a WebSocket: connect with a WebSocket client (Upgrade: websocket).",
      [["Upgrade", "websocket"], ["Sec-WebSocket-Version", "13"]],
    );
  }
  if (request.method !== "GET") {
    throw new WebSocketHandshakeError(
      400,
      `A WebSocket handshake is a GET request, not ${request.method}.`,
    );
  }
  if (request.protocol !== "HTTP/1.1") {
    throw new WebSocketHandshakeError(
      400,
      `A WebSocket handshake needs HTTP/1.1, not ${request.protocol}.`,
    );
  }
  if (!hasToken(request.header("connection"), "upgrade")) {
    throw new WebSocketHandshakeError(
      400,
      "A WebSocket handshake must say 'Connection: Upgrade'.",
    );
  }
  const version = request.header("sec-websocket-version");
  if (version === null || version.trim() !== "13") {
    throw new WebSocketHandshakeError(
      426,
      `Unsupported WebSocket version ${version === null ? "(none sent)" : `'${version}'`}: ` +
        "this server speaks version 13.",
      [["Sec-WebSocket-Version", "13"]],
    );
  }
  const key = request.header("sec-websocket-key")?.trim() ?? null;
  if (key === null || !KEY.test(key)) {
    throw new WebSocketHandshakeError(
      400,
      "The Sec-WebSocket-Key header must be 16 bytes in base64.",
    );
  }
  if (hasBody) {
    throw new WebSocketHandshakeError(400, "A WebSocket handshake has no body.");
  }
  const headers: Array<[string, string]> = [
    ["Upgrade", "websocket"],
    ["Connection", "Upgrade"],
    ["Sec-WebSocket-Accept", acceptKey(key)],
  ];
  if (protocol) {
    if (!offeredProtocols(request.header("sec-websocket-protocol")).includes(protocol)) {
      throw new TypeError(
        `The WebSocket subprotocol '${protocol}' was not offered by the client ` +
          "(Sec-WebSocket-Protocol): choose one of those it offered, or none.",
      );
    }
    headers.push(["Sec-WebSocket-Protocol", protocol]);
  }
  return headers;
}

/** Header names the engine sets itself on a `101` answer (lower case). */
const SWITCH_HEADERS = new Set([
  "upgrade",
  "connection",
  "sec-websocket-accept",
  "sec-websocket-protocol",
  "sec-websocket-extensions",
  "sec-websocket-version",
  "content-length",
  "transfer-encoding",
  "keep-alive",
]);

/**
 * The headers of a `101` answer: the application's (`headers`), less those the switch decides
 * (framing, connection, handshake), then the handshake's own.
 */
export function switchingHeaders(
  headers: ReadonlyArray<readonly [string, string]>,
  handshake: ReadonlyArray<readonly [string, string]>,
): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [name, value] of headers) {
    if (!SWITCH_HEADERS.has(name.toLowerCase())) out.push([name, value]);
  }
  for (const [name, value] of handshake) out.push([name, value]);
  return out;
}
