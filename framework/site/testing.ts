/**
 * The test helper (CherryPy's `helper.CPWebCase`): mount an application, request pages and
 * check the answers, from the test runner of your choice on Deno and Node. Requests go
 * in-process through `tree.fetch` (no socket: fast, nothing to clean up) or, with
 * `{ socket: true }`, over a real HTTP server on an ephemeral port.
 *
 * @module
 */

import { HTTPServer } from "../../server/mod.ts";
import type { AppConfig, Application } from "../app/application.ts";
import type { Tree } from "../app/tree.ts";
import { tree as globalTree } from "./site.ts";

/**
 * A failed check of {@link WebCase} (named like the standard assertion error, so test runners report it as
 * a failed assertion).
 */
export class AssertionError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "AssertionError";
  }
}

/** Options of {@link WebCase}. */
export interface WebCaseOptions {
  /** The tree to serve (default: `cherrypy.tree`). */
  tree?: Tree;
  /** Serve over a real socket on 127.0.0.1 instead of in-process. */
  socket?: boolean;
  /** The host name requests are addressed to (default `127.0.0.1`). */
  host?: string;
}

/** Options of {@link WebCase.getPage}. */
export interface PageOptions {
  /** The method (default GET, or POST when a body is given). */
  method?: string;
  /** Request headers, as pairs or an object. */
  headers?: Array<[string, string]> | Record<string, string>;
  /** The request body. */
  body?: string | Uint8Array | URLSearchParams | FormData;
}

/**
 * Requests pages from a mounted application and checks the answers.
 *
 * @example The docs' echo test
 * ```ts
 * import * as cherrypy from "../../mod.ts";
 *
 * class Root {
 *   @cherrypy.expose
 *   echo(message: string) { return message; }
 * }
 *
 * async function messageIsReturnedAsIs() {
 *   const web = new cherrypy.WebCase();
 *   web.mount(new Root());
 *   await web.getPage("/echo?message=Hello%20world");
 *   web.assertStatus("200 OK");
 *   web.assertHeader("Content-Type", "text/html;charset=utf-8");
 *   web.assertBody("Hello world");
 *   await web.stop();
 * }
 * ```
 *
 * Call such functions from your test runner's test cases (the one that ships with Deno or Node, or any other).
 */
export class WebCase {
  /** The tree being served. */
  readonly tree: Tree;
  /** The status line of the last page (`"200 OK"`). */
  status = "";
  /** The status code of the last page. */
  code = 0;
  /** The headers of the last page. */
  headers: Headers = new Headers();
  /** The body of the last page, as text. */
  body = "";
  /** The body of the last page, as bytes. */
  bytes: Uint8Array = new Uint8Array(0);
  /** The port of the test server (`{ socket: true }` only, once started). */
  port = 0;
  readonly #socket: boolean;
  readonly #host: string;
  #server: HTTPServer | null = null;
  readonly #mounted: string[] = [];

  /** Creates the helper. */
  constructor(options: WebCaseOptions = {}) {
    this.tree = options.tree ?? globalTree;
    this.#socket = options.socket ?? false;
    this.#host = options.host ?? "127.0.0.1";
  }

  /** Mounts `root` on the tree (removed again by {@link WebCase.stop}). */
  mount(root: unknown, scriptName = "", config?: AppConfig | string): Application {
    const app = this.tree.mount(root, scriptName, config);
    this.#mounted.push(app.script_name);
    return app;
  }

  async #base(): Promise<string> {
    if (!this.#socket) return `http://${this.#host}`;
    if (this.#server === null) {
      this.#server = new HTTPServer({ host: "127.0.0.1", port: 0 }, this.tree);
      await this.#server.start();
      this.port = this.#server.boundAddr!.port;
    }
    return `http://127.0.0.1:${this.port}`;
  }

  /** Requests `url` (a path, or an absolute URL) and records the answer. */
  async getPage(url: string, options: PageOptions = {}): Promise<Response> {
    const base = await this.#base();
    const full = /^https?:\/\//.test(url) ? url : base + url;
    const headers = new Headers(options.headers);
    if (this.#socket && !headers.has("host") && this.#host !== "127.0.0.1") {
      headers.set("Host", this.#host);
    }
    const init: RequestInit = {
      method: options.method ?? (options.body ? "POST" : "GET"),
      headers,
      // Redirects are answers to check, as CherryPy's helper sees them: never followed.
      redirect: "manual",
    };
    if (options.body !== undefined) init.body = options.body as BodyInit;
    const request = new Request(full, init);
    const response = this.#socket ? await fetch(request) : await this.tree.fetch(request);
    this.bytes = new Uint8Array(await response.arrayBuffer());
    this.body = new TextDecoder().decode(this.bytes);
    this.code = response.status;
    this.status = `${response.status} ${response.statusText}`;
    this.headers = response.headers;
    return response;
  }

  #fail(message: string): never {
    throw new AssertionError(`${message}\n\nStatus: ${this.status}\nBody:\n${this.body}`);
  }

  /**
   * Checks the status: a code (`404`), a status line (`"404 Not Found"`), or a list of
   * either (any one matching passes).
   */
  assertStatus(expected: number | string | Array<number | string>): void {
    const options = Array.isArray(expected) ? expected : [expected];
    for (const one of options) {
      if (typeof one === "number" ? this.code === one : this.status === one) return;
      if (typeof one === "string" && /^\d+$/.test(one) && this.code === Number(one)) return;
    }
    this.#fail(`Status ${JSON.stringify(this.status)} is not ${JSON.stringify(expected)}.`);
  }

  /** Checks that header `name` is present, and equal to `value` when given. */
  assertHeader(name: string, value?: string): void {
    const actual = this.headers.get(name);
    if (actual === null) this.#fail(`Header ${JSON.stringify(name)} is missing.`);
    if (value !== undefined && actual !== value) {
      this.#fail(
        `Header ${JSON.stringify(name)} is ${JSON.stringify(actual)}, not ${
          JSON.stringify(value)
        }.`,
      );
    }
  }

  /** Checks that header `name` is absent. */
  assertNoHeader(name: string): void {
    if (this.headers.has(name)) this.#fail(`Header ${JSON.stringify(name)} is present.`);
  }

  /** Checks the whole body. */
  assertBody(expected: string): void {
    if (this.body !== expected) {
      this.#fail(`Body is not ${JSON.stringify(expected)}.`);
    }
  }

  /** Checks that the body contains `part`. */
  assertInBody(part: string): void {
    if (!this.body.includes(part)) this.#fail(`${JSON.stringify(part)} is not in the body.`);
  }

  /** Checks that the body does not contain `part`. */
  assertNotInBody(part: string): void {
    if (this.body.includes(part)) this.#fail(`${JSON.stringify(part)} is in the body.`);
  }

  /** Checks that the body matches `pattern`. */
  assertMatchesBody(pattern: RegExp): void {
    if (!pattern.test(this.body)) this.#fail(`The body does not match ${pattern}.`);
  }

  /**
   * Checks that the page is CherryPy's error page for `status`, with `message` (when given)
   * as its message.
   */
  assertErrorPage(status: number | string, message?: string): void {
    this.assertStatus(status);
    const code = typeof status === "number" ? status : Number(String(status).slice(0, 3));
    const titled = new RegExp(`<title>${code} [^<]*</title>`);
    if (!titled.test(this.body)) this.#fail(`The body is not the error page for ${code}.`);
    if (message !== undefined) {
      const escaped = message.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(
        ">",
        "&gt;",
      );
      if (!this.body.includes(`<p>${escaped}</p>`)) {
        this.#fail(`The error page's message is not ${JSON.stringify(message)}.`);
      }
    }
  }

  /** Stops the test server (if any) and unmounts what {@link WebCase.mount} mounted. */
  async stop(): Promise<void> {
    for (const name of this.#mounted.splice(0)) delete this.tree.apps[name];
    const server = this.#server;
    this.#server = null;
    if (server !== null) await server.stop();
  }
}
