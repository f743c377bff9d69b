/**
 * Port probes shared by both platforms (`node:net` is built into Node and implemented by Deno).
 *
 * @module
 */

import { connect } from "node:net";

/** `true` when something accepts TCP connections on `host:port` within `timeoutMs`. */
export function isPortOccupied(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  const target = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
  return new Promise((resolve) => {
    const socket = connect({ host: target, port });
    const done = (occupied: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(occupied);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}
