/**
 * A client that keeps cookies between requests, as a browser (or Python's
 * `requests.Session`) does: what the session tests use to stay in one session.
 *
 * @module
 */

/** One answer: status, headers and body text. */
export interface Page {
  status: number;
  headers: Headers;
  body: string;
}

/**
 * Keeps the cookies `Set-Cookie` gives (a `Max-Age` of 0 or less drops one, or without `Max-Age`
 * an `expires` in the past).
 */
export class Browser {
  /** The cookies, by name. */
  readonly jar: Map<string, string> = new Map();
  /** The `Set-Cookie` headers of the last answer. */
  lastSetCookies: string[] = [];

  /** The URL paths are appended to. */
  readonly base: string;

  /** Requests `base` + paths. */
  constructor(base: string) {
    this.base = base;
  }

  /** The `Cookie` header the next request sends (`null` without cookies). */
  cookieHeader(): string | null {
    if (this.jar.size === 0) return null;
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  /** Fetches `path` with the jar's cookies, then keeps the answer's cookies. */
  async fetch(path: string, init: RequestInit = {}): Promise<Page> {
    const headers = new Headers(init.headers);
    const cookie = this.cookieHeader();
    if (cookie !== null && !headers.has("cookie")) headers.set("cookie", cookie);
    const response = await fetch(this.base + path, { ...init, headers, redirect: "manual" });
    const body = await response.text();
    this.lastSetCookies = response.headers.getSetCookie();
    for (const line of this.lastSetCookies) this.#keep(line);
    return { status: response.status, headers: response.headers, body };
  }

  #keep(line: string): void {
    const [pair = "", ...attributes] = line.split(";").map((s) => s.trim());
    const eq = pair.indexOf("=");
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    // A Max-Age wins over an expires date (RFC 6265 §5.3): a cookie made to last one second may
    // carry an expires date that has passed by the time it is read (it has whole seconds).
    let maxAge: number | null = null;
    let expires: number | null = null;
    for (const attribute of attributes) {
      const [key = "", val = ""] = attribute.split("=", 2);
      if (key.toLowerCase() === "max-age" && /^-?\d+$/.test(val)) maxAge = Number(val);
      if (key.toLowerCase() === "expires") expires = Date.parse(val);
    }
    const gone = maxAge !== null ? maxAge <= 0 : expires !== null && expires < Date.now();
    if (gone) this.jar.delete(name);
    else this.jar.set(name, value);
  }
}

/** The attributes of a `Set-Cookie` line, by lower-cased name (`""` for flags). */
export function cookieAttributes(line: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of line.split(";").slice(1)) {
    const [key = "", val = ""] = part.trim().split("=", 2);
    out.set(key.toLowerCase(), val);
  }
  return out;
}
