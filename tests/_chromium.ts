/**
 * A small client of Chromium's DevTools protocol for the real-browser tests: starts a private
 * headless Chromium (a fresh profile, DevTools on an ephemeral port), speaks the protocol over
 * the runtime's global `WebSocket` (Deno, Node 22 and later, Bun), and offers what the tests
 * need: open a page, evaluate, click and type as a user does (real mouse and keyboard input
 * events), wait for a condition, accept `alert()`s and take screenshots.
 *
 * The browser is Debian's `chromium` (`scripts/install_chromium.sh`), or the program named by
 * the `CHROMIUM` environment variable. {@link launchBrowser} resolves to a string saying why
 * when none can start, so that the tests skip with that one line.
 *
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Buffer } from "node:buffer";
import { tmpdir } from "node:os";
import process from "node:process";
import { fileURLToPath } from "node:url";

/** Where screenshots go: `.test-output/browser/` of the repository (git-ignored). */
export const SCREENSHOT_DIR: string = (() => {
  let root = fileURLToPath(new URL("..", import.meta.url));
  // The npm build's tests live in npm/tests/: its repository is one folder up.
  if (root.endsWith("/npm/")) root = root.slice(0, -"npm/".length);
  return `${root}.test-output/browser`;
})();

/** The name of the runtime running the tests, for file names: deno, node22, node26 or bun. */
export function runtimeName(): string {
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  if (g.Deno !== undefined) return "deno";
  if (g.Bun !== undefined) return "bun";
  return `node${process.versions.node.split(".")[0]}`;
}

function findChromium(): string | undefined {
  const named = process.env["CHROMIUM"];
  if (named) return named;
  for (const dir of (process.env["PATH"] ?? "").split(":")) {
    for (const name of ["chromium", "chromium-browser", "google-chrome"]) {
      if (dir && existsSync(`${dir}/${name}`)) return `${dir}/${name}`;
    }
  }
  return undefined;
}

type Message = {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
  sessionId?: string;
};

/** A connection to the browser over its DevTools WebSocket. */
class Connection {
  #ws: WebSocket;
  #nextId = 1;
  #pending = new Map<
    number,
    { resolve(v: Record<string, unknown>): void; reject(e: Error): void }
  >();
  #listeners = new Set<(m: Message) => void>();

  constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.addEventListener("message", (event) => {
      const m = JSON.parse(String(event.data)) as Message;
      if (m.id !== undefined) {
        const waiter = this.#pending.get(m.id);
        this.#pending.delete(m.id);
        if (m.error) waiter?.reject(new Error(`DevTools: ${m.error.message}`));
        else waiter?.resolve(m.result ?? {});
      } else {
        for (const listener of this.#listeners) listener(m);
      }
    });
    ws.addEventListener("close", () => {
      for (const waiter of this.#pending.values()) waiter.reject(new Error("DevTools closed"));
      this.#pending.clear();
    });
  }

  static open(url: string): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.addEventListener("open", () => resolve(new Connection(ws)), { once: true });
      ws.addEventListener("error", () => reject(new Error(`cannot connect to ${url}`)), {
        once: true,
      });
    });
  }

  send(
    method: string,
    params: Record<string, unknown> = {},
    sessionId?: string,
  ): Promise<Record<string, unknown>> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    });
  }

  on(listener: (m: Message) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close(): void {
    this.#ws.close();
  }
}

/** A tab of the browser. */
export class Page {
  readonly #conn: Connection;
  readonly #session: string;
  readonly #targetId: string;
  /** The messages of the `alert()`s the page showed (each is accepted). */
  readonly dialogs: string[] = [];
  /** Console errors and uncaught exceptions of the page. */
  readonly errors: string[] = [];

  constructor(conn: Connection, session: string, targetId: string) {
    this.#conn = conn;
    this.#session = session;
    this.#targetId = targetId;
    conn.on((m) => {
      if (m.sessionId !== session) return;
      if (m.method === "Page.javascriptDialogOpening") {
        this.dialogs.push(String(m.params?.["message"]));
        this.#send("Page.handleJavaScriptDialog", { accept: true }).catch(() => {});
      } else if (m.method === "Runtime.exceptionThrown") {
        const details = m.params?.["exceptionDetails"] as {
          text?: string;
          exception?: { description?: string };
        };
        this.errors.push(details.exception?.description ?? details.text ?? "exception");
      } else if (m.method === "Runtime.consoleAPICalled" && m.params?.["type"] === "error") {
        const args = m.params["args"] as Array<{ value?: unknown; description?: string }>;
        this.errors.push(args.map((a) => String(a.value ?? a.description)).join(" "));
      }
    });
  }

  #send(method: string, params: Record<string, unknown> = {}) {
    return this.#conn.send(method, params, this.#session);
  }

  /** Opens `url` and waits for its `load` event. */
  async goto(url: string, timeoutMs = 10_000): Promise<void> {
    let off = () => {};
    const loaded = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${url} did not load`)), timeoutMs);
      off = this.#conn.on((m) => {
        if (m.sessionId === this.#session && m.method === "Page.loadEventFired") {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    try {
      const result = await this.#send("Page.navigate", { url });
      if (result["errorText"]) throw new Error(`${url}: ${result["errorText"]}`);
      await loaded;
    } finally {
      off();
    }
  }

  /** The value of the JavaScript `expression` in the page (awaited when it is a promise). */
  async evaluate<T = unknown>(expression: string): Promise<T> {
    const result = await this.#send("Runtime.evaluate", {
      expression,
      awaitPromise: true,
      returnByValue: true,
    });
    const thrown = result["exceptionDetails"] as
      | { exception?: { description?: string } }
      | undefined;
    if (thrown) throw new Error(`in the page: ${thrown.exception?.description ?? expression}`);
    return (result["result"] as { value?: T }).value as T;
  }

  /** Waits until `expression` is truthy in the page; its value. */
  async waitFor<T = unknown>(expression: string, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await this.evaluate<T>(expression);
      if (value) return value;
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${expression}; page errors: ${this.errors}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Waits until the page has shown the `alert()` `message`. */
  async waitForDialog(message: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.dialogs.includes(message)) {
      if (Date.now() > deadline) {
        throw new Error(
          `no alert("${message}") within ${timeoutMs} ms; page errors: ${this.errors}`,
        );
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Clicks the middle of the element `selector` with the mouse. */
  async click(selector: string): Promise<void> {
    const box = await this.evaluate<{ x: number; y: number } | null>(`(() => {
      const el = document.querySelector(${JSON.stringify(selector)});
      if (!el) return null;
      el.scrollIntoView({ block: "center" });
      const r = el.getBoundingClientRect();
      return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
    })()`);
    if (box === null) throw new Error(`no element ${selector} to click`);
    for (const type of ["mousePressed", "mouseReleased"]) {
      await this.#send("Input.dispatchMouseEvent", {
        type,
        x: box.x,
        y: box.y,
        button: "left",
        clickCount: 1,
      });
    }
  }

  /** Replaces the text of the input `selector` with `text`, typed from the keyboard. */
  async type(selector: string, text: string): Promise<void> {
    const found = await this.evaluate<boolean>(`(() => {
      const el = document.querySelector(${JSON.stringify(selector)});
      if (!el) return false;
      el.focus();
      el.select();
      return true;
    })()`);
    if (!found) throw new Error(`no element ${selector} to type into`);
    await this.#send("Input.insertText", { text });
  }

  /** Saves a PNG screenshot of the page as `name`.png in {@link SCREENSHOT_DIR}; its path. */
  async screenshot(name: string): Promise<string> {
    const result = await this.#send("Page.captureScreenshot", { format: "png" });
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const path = `${SCREENSHOT_DIR}/${name}.png`;
    writeFileSync(path, Buffer.from(String(result["data"]), "base64"));
    return path;
  }

  /** Closes the tab. */
  async close(): Promise<void> {
    await this.#conn.send("Target.closeTarget", { targetId: this.#targetId });
  }
}

/** A running headless Chromium. */
export class Browser {
  readonly #child: ChildProcess;
  readonly #conn: Connection;
  readonly #profile: string;
  readonly #exited: Promise<void>;

  constructor(child: ChildProcess, conn: Connection, profile: string, exited: Promise<void>) {
    this.#child = child;
    this.#conn = conn;
    this.#profile = profile;
    this.#exited = exited;
  }

  /** Opens a new tab, its cookies its own (a fresh browser context). */
  async newPage(): Promise<Page> {
    const { browserContextId } = await this.#conn.send("Target.createBrowserContext");
    const { targetId } = await this.#conn.send("Target.createTarget", {
      url: "about:blank",
      browserContextId,
    });
    const { sessionId } = await this.#conn.send("Target.attachToTarget", {
      targetId,
      flatten: true,
    });
    const page = new Page(this.#conn, String(sessionId), String(targetId));
    await this.#conn.send("Page.enable", {}, String(sessionId));
    await this.#conn.send("Runtime.enable", {}, String(sessionId));
    return page;
  }

  /** Closes the browser and removes its profile. */
  async close(): Promise<void> {
    await this.#conn.send("Browser.close").catch(() => {});
    this.#conn.close();
    const killer = setTimeout(() => this.#child.kill("SIGKILL"), 3_000);
    await this.#exited;
    clearTimeout(killer);
    rmSync(this.#profile, { recursive: true, force: true });
  }
}

/**
 * Starts a private headless Chromium; resolves to it, or to one line saying why none could
 * start (no Chromium installed, or it failed or took too long to start).
 */
export async function launchBrowser(timeoutMs = 20_000): Promise<Browser | string> {
  const program = findChromium();
  if (program === undefined) {
    return "Chromium is not installed (scripts/install_chromium.sh, or set CHROMIUM)";
  }
  if (typeof WebSocket !== "function") return "this runtime has no global WebSocket";
  const profile = mkdtempSync(`${tmpdir()}/cherrypy-chromium-`);
  const child = spawn(program, [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-extensions",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--window-size=800,600",
    "--remote-debugging-port=0",
    `--user-data-dir=${profile}`,
    "about:blank",
  ], { stdio: ["ignore", "ignore", "pipe"] });
  // (A program that cannot be spawned reports "error" and never "exit".)
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.once("error", () => resolve());
  });
  let stderr = "";
  let spawnError: string | undefined;
  const url = await new Promise<string | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), timeoutMs);
    child.once("error", (error) => {
      spawnError = error.message;
      resolve(undefined);
    });
    child.once("exit", () => resolve(undefined));
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      const m = stderr.match(/DevTools listening on (ws:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  });
  const fail = async (why: string) => {
    child.kill("SIGKILL");
    await exited;
    rmSync(profile, { recursive: true, force: true });
    const last = stderr.trim().split("\n").filter((l) => l.trim()).pop() ?? "";
    return `Chromium (${program}) cannot start: ${why}${last ? ` (${last.trim()})` : ""}`;
  };
  if (url === undefined) return await fail(spawnError ?? "it gave no DevTools endpoint");
  // Keep reading its error output, so that the pipe never fills up.
  child.stderr!.resume();
  try {
    return new Browser(child, await Connection.open(url), profile, exited);
  } catch (error) {
    return await fail((error as Error).message);
  }
}
