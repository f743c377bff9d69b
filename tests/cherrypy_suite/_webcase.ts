/**
 * CherryPy's `helper.CPWebCase` over a raw socket: requests are written byte for byte (any
 * method, protocol, `Host`, repeated header), on a fresh connection each or on one persistent
 * connection (`persistent = true`, as the original's `self.persistent`), and the answer is read
 * as `http.client` reads it (Content-Length, chunked, or until the server closes).
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { connect, type Socket } from "node:net";
import { getErrorPage } from "../../framework/core/errors.ts";

/** One HTTP/1.x response as read off the socket. */
export interface RawResponse {
  /** The status code. */
  code: number;
  /** `"200 OK"`. */
  status: string;
  /** The protocol of the status line. */
  version: string;
  /** The header fields in order, names as sent. */
  headers: Array<[string, string]>;
  /** The body bytes. */
  body: Uint8Array;
}

/** A client connection that reads responses one at a time. */
export class RawConnection {
  readonly socket: Socket;
  #buffer: Buffer = Buffer.alloc(0);
  #closed = false;
  #waiters = new Set<() => void>();

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on("data", (d: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, d]);
      this.#wake();
    });
    socket.on("close", () => {
      this.#closed = true;
      this.#wake();
    });
    socket.on("error", () => {});
  }

  /** Connects to 127.0.0.1:`port`. */
  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: "127.0.0.1", port });
      socket.once("connect", () => resolve(new RawConnection(socket)));
      socket.once("error", reject);
    });
  }

  #wake(): void {
    for (const w of [...this.#waiters]) w();
  }

  /** `true` once the server closed the connection. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Resolves when the server closes (or after `ms`); `true` when it closed. */
  async waitClosed(ms = 3000): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!this.#closed && Date.now() < deadline) await this.#more(deadline - Date.now());
    return this.#closed;
  }

  /** Writes bytes. */
  write(data: string | Uint8Array): void {
    this.socket.write(typeof data === "string" ? Buffer.from(data, "latin1") : data);
  }

  /** Closes the connection. */
  close(): void {
    this.socket.destroy();
  }

  #more(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, Math.max(ms, 0));
      const waiters = this.#waiters;
      function done() {
        clearTimeout(t);
        waiters.delete(done);
        resolve();
      }
      waiters.add(done);
    });
  }

  /** Takes `n` bytes, waiting for them; fails when the server closes first. */
  async #take(n: number, deadline: number): Promise<Buffer> {
    while (this.#buffer.length < n) {
      if (this.#closed) throw new Error("The server closed the connection.");
      if (Date.now() > deadline) throw new Error("Timed out reading the response.");
      await this.#more(deadline - Date.now());
    }
    const out = this.#buffer.subarray(0, n);
    this.#buffer = this.#buffer.subarray(n);
    return out;
  }

  /** Takes one line (without its CRLF). */
  async readLine(ms = 5000): Promise<string> {
    const deadline = Date.now() + ms;
    for (;;) {
      const at = this.#buffer.indexOf("\r\n");
      if (at >= 0) return (await this.#take(at + 2, deadline)).toString("latin1", 0, at);
      if (this.#closed) throw new Error("The server closed the connection.");
      if (Date.now() > deadline) throw new Error("Timed out reading a line.");
      await this.#more(deadline - Date.now());
    }
  }

  /** Reads the status line and headers (http.client's `_read_status` plus the headers). */
  async readHead(ms = 5000): Promise<Omit<RawResponse, "body">> {
    const line = await this.readLine(ms);
    const m = /^(HTTP\/\d\.\d) (\d{3})(?: (.*))?$/.exec(line);
    if (m === null) throw new Error(`Bad status line: ${JSON.stringify(line)}`);
    const headers: Array<[string, string]> = [];
    for (;;) {
      const h = await this.readLine(ms);
      if (h === "") break;
      const colon = h.indexOf(":");
      headers.push([h.slice(0, colon), h.slice(colon + 1).trim()]);
    }
    const code = Number(m[2]);
    return { code, status: `${code} ${m[3] ?? ""}`.trimEnd(), version: m[1]!, headers };
  }

  /**
   * Reads one response to a request of `method`; a `100 Continue` before it is skipped, as
   * `http.client` does.
   */
  async readResponse(method = "GET", ms = 5000): Promise<RawResponse> {
    let head = await this.readHead(ms);
    while (head.code === 100) head = await this.readHead(ms);
    return { ...head, body: await this.readBody(head, method, ms) };
  }

  /** Reads the body that follows `head` (a response to `method`). */
  async readBody(head: Omit<RawResponse, "body">, method = "GET", ms = 5000): Promise<Uint8Array> {
    const deadline = Date.now() + ms;
    const get = (n: string) =>
      head.headers.find(([k]) => k.toLowerCase() === n)?.[1].toLowerCase() ?? null;
    let body: Buffer = Buffer.alloc(0);
    const bodyless = method === "HEAD" || head.code === 204 || head.code === 304 ||
      head.code < 200;
    if (!bodyless) {
      const length = get("content-length");
      if (get("transfer-encoding") === "chunked") {
        const parts: Buffer[] = [];
        for (;;) {
          const size = parseInt(await this.readLine(ms), 16);
          if (size === 0) break;
          parts.push(Buffer.from(await this.#take(size, deadline)));
          await this.#take(2, deadline);
        }
        while ((await this.readLine(ms)) !== "");
        body = Buffer.concat(parts);
      } else if (length !== null) {
        body = Buffer.from(await this.#take(Number(length), deadline));
      } else {
        await this.waitClosed(Math.max(deadline - Date.now(), 0));
        body = this.#buffer;
        this.#buffer = Buffer.alloc(0);
      }
    }
    return new Uint8Array(body);
  }
}

/** Options of {@link RawWebCase.getPage}: CherryPy's `getPage(url, headers, method, body, protocol)`. */
export interface RawPageOptions {
  headers?: Array<[string, string]>;
  method?: string;
  body?: string | Uint8Array;
  protocol?: string;
}

/**
 * `CPWebCase` over raw sockets: `getPage` adds `Host` (unless given) and, for a body,
 * `Content-Length`, like CherryPy's `webtest`.
 */
export class RawWebCase {
  port = 0;
  /** `HTTP/1.1` unless changed (CherryPy's `PROTOCOL`). */
  protocol = "HTTP/1.1";
  /** Keep one connection across requests (CherryPy's `persistent`). */
  persistent = false;
  conn: RawConnection | null = null;
  code = 0;
  status = "";
  headers: Array<[string, string]> = [];
  bytes: Uint8Array = new Uint8Array(0);
  body = "";

  constructor(port = 0) {
    this.port = port;
  }

  /** `http://127.0.0.1:<port>` (CherryPy's `self.base()`). */
  base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The Host the requests name. */
  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Requests `url` and records the answer. */
  async getPage(url: string, options: RawPageOptions = {}): Promise<RawResponse> {
    const method = options.method ?? "GET";
    const protocol = options.protocol ?? this.protocol;
    const headers = [...(options.headers ?? [])];
    if (!headers.some(([k]) => k.toLowerCase() === "host")) headers.unshift(["Host", this.host]);
    const body = typeof options.body === "string"
      ? Buffer.from(options.body, "latin1")
      : options.body;
    if (body !== undefined && !headers.some(([k]) => k.toLowerCase() === "content-length")) {
      headers.push(["Content-Length", String(body.length)]);
    }
    if (this.conn === null || !this.persistent) {
      if (this.persistent === false && this.conn !== null) this.conn.close();
      this.conn = await RawConnection.open(this.port);
    } else if (this.conn.closed) {
      throw new Error("NotConnected: the server closed the persistent connection.");
    }
    const conn = this.conn;
    let head = `${method} ${url} ${protocol}\r\n`;
    for (const [k, v] of headers) head += `${k}: ${v}\r\n`;
    conn.write(head + "\r\n");
    if (body !== undefined) conn.write(body);
    const res = await conn.readResponse(method);
    this.record(res);
    if (!this.persistent) {
      conn.close();
      this.conn = null;
    }
    return res;
  }

  /** Records `res` as the last page. */
  record(res: RawResponse): void {
    this.code = res.code;
    this.status = res.status;
    this.headers = res.headers;
    this.bytes = res.body;
    this.body = new TextDecoder().decode(res.body);
  }

  /** Closes the persistent connection. */
  close(): void {
    this.conn?.close();
    this.conn = null;
  }

  #fail(message: string): never {
    throw new Error(
      `${message}\n\nStatus: ${this.status}\nHeaders: ${
        JSON.stringify(this.headers)
      }\nBody:\n${this.body}`,
    );
  }

  /** The value of the first header `name`, or `null`. */
  header(name: string): string | null {
    return this.headers.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1] ?? null;
  }

  /** CherryPy's `assertStatus`: a code, a status line, or a list of either. */
  assertStatus(expected: number | string | Array<number | string>): void {
    const options = Array.isArray(expected) ? expected : [expected];
    for (const one of options) {
      if (typeof one === "number" ? this.code === one : this.status === one) return;
      if (typeof one === "string" && /^\d+$/.test(one) && this.code === Number(one)) return;
    }
    this.#fail(`Status ${JSON.stringify(this.status)} is not ${JSON.stringify(expected)}.`);
  }

  /** CherryPy's `assertHeader`: one of the headers named `name` (equal to `value` when given). */
  assertHeader(name: string, value?: string): string {
    const lower = name.toLowerCase();
    for (const [k, v] of this.headers) {
      if (k.toLowerCase() === lower && (value === undefined || v === value)) return v;
    }
    this.#fail(`Header ${JSON.stringify(name)}${value === undefined ? "" : `: ${value}`} missing.`);
  }

  /** CherryPy's `assertNoHeader` (with a value: no such header with that value). */
  assertNoHeader(name: string, value?: string): void {
    const lower = name.toLowerCase();
    for (const [k, v] of this.headers) {
      if (k.toLowerCase() === lower && (value === undefined || v === value)) {
        this.#fail(`Header ${JSON.stringify(name)} is present.`);
      }
    }
  }

  /** CherryPy's `assertBody` (text compared as UTF-8, bytes as bytes). */
  assertBody(expected: string | Uint8Array): void {
    if (typeof expected === "string" ? this.body === expected : sameBytes(this.bytes, expected)) {
      return;
    }
    this.#fail(`Body is not ${JSON.stringify(typeof expected === "string" ? expected : "bytes")}.`);
  }

  /** CherryPy's `assertInBody`. */
  assertInBody(part: string): void {
    if (!this.body.includes(part)) this.#fail(`${JSON.stringify(part)} is not in the body.`);
  }

  /** CherryPy's `assertNotInBody`. */
  assertNotInBody(part: string): void {
    if (this.body.includes(part)) this.#fail(`${JSON.stringify(part)} is in the body.`);
  }

  /** CherryPy's `assertMatchesBody`. */
  assertMatchesBody(pattern: RegExp): void {
    if (!pattern.test(this.body)) this.#fail(`The body does not match ${pattern}.`);
  }

  /**
   * CherryPy's `assertErrorPage`: the whole body is the error page for `status` and `message`,
   * with any traceback; `pattern`, when given, must occur in the traceback.
   */
  assertErrorPage(status: number | string, message?: string, pattern = ""): void {
    const page = getErrorPage(status, message === undefined ? {} : { message });
    const [before, after] = page.split('<pre id="traceback"></pre>') as [string, string];
    const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const m = new RegExp(`^${esc(before)}<pre id="traceback">([\\s\\S]*)</pre>${esc(after)}$`)
      .exec(this.body);
    if (m === null) this.#fail(`Error page does not match; expected:\n${page}`);
    if (pattern !== "" && !m[1]!.includes(pattern)) {
      this.#fail(`Error page does not contain ${JSON.stringify(pattern)} in traceback`);
    }
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
