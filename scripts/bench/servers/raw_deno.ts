/**
 * Benchmark baseline for Deno: a raw `Deno.serve` answering one app's response with no
 * cherrypy-ts code and no routing at all. `BENCH_APP` says which:
 *
 * - `hello` (the default): every request gets `Hello world!` as `text/plain`.
 * - `json`, `json_out`: every request gets the JSON payload, serialized per request.
 * - `nested`: reads the id from `/users/<id>/profile` with one regular expression.
 * - `session`: reads the `Cookie` header and counts the request in the smallest in-memory
 *   session there is (`rawSessions()` of `payloads.mjs`: a map from a random `session_id` to a
 *   counter), answering the count as text; `Set-Cookie` only when it starts a session.
 * - `static_css`, `static_1mb`: every request gets the bytes of the app's file, read once at
 *   start from `BENCH_STATIC_DIR` and kept in memory, with the file's media type: what sending
 *   those bytes costs, without touching the disk.
 *
 * `BENCH_ANSWER` makes it one of the floors the cherrypy-ts rows are also compared with (see
 * `../targets.ts`):
 *
 * - `raw` (the default): the above, reading nothing of the request it does not need.
 * - `read`: first reads the method and the `Host` header, as cherrypy-ts's server does before it
 *   hands a request to its gateway, then answers as `raw` does.
 * - `cherrypy`: reads the method, the URL and the `Host` header, as any server that routes a
 *   request and builds its URL must, and answers the bytes cherrypy-ts's framework answers: the
 *   same status and body with the same headers (`Content-Type: text/html;charset=utf-8`, or
 *   `application/json`, then `Server`), built the cheapest way Deno offers.
 *
 *     deno run -A scripts/bench/servers/raw_deno.ts [port]   # or PORT=8080; default 0 (any)
 *
 * Prints `LISTENING <port>` once the socket is bound (the benchmark waits for that line), and
 * exits on SIGTERM (so that `--cpu-prof` writes its profile).
 *
 * @module
 */

import {
  HELLO_BODY,
  jsonPayload,
  profileBody,
  rawSessions,
  SERVER_HEADER,
  SESSION_COOKIE,
  STATIC_FILES,
} from "./payloads.mjs";

const port = Number(Deno.args[0] ?? Deno.env.get("PORT") ?? 0);
const app = Deno.env.get("BENCH_APP") ?? "hello";
const answer = Deno.env.get("BENCH_ANSWER") ?? "raw";
const PROFILE = /^[a-z]+:\/\/[^/]*\/users\/([^/?]+)\/profile(?:\?|$)/;
const notFound = () => new Response("Not Found", { status: 404 });
const sessions = rawSessions();

/** The answer of a static app: its file's bytes, read once (only for the app served). */
function fileAnswer(name: keyof typeof STATIC_FILES): (req: Request) => Response {
  if (app !== name) return notFound;
  const { name: file, type } = STATIC_FILES[name];
  const bytes = Deno.readFileSync(`${Deno.env.get("BENCH_STATIC_DIR")}/${file}`);
  return () => new Response(bytes, { headers: { "content-type": type } });
}

const jsonAnswer = () =>
  new Response(JSON.stringify(jsonPayload()), {
    headers: { "content-type": "application/json" },
  });

const raw: Record<string, (req: Request) => Response> = {
  hello: () => new Response(HELLO_BODY, { headers: { "content-type": "text/plain" } }),
  json: jsonAnswer,
  nested: (req) => {
    const m = PROFILE.exec(req.url);
    if (m === null) return notFound();
    return new Response(profileBody(m[1]), { headers: { "content-type": "text/plain" } });
  },
  session: (req) => {
    const s = sessions.hit(req.headers.get("cookie"));
    const headers: Record<string, string> = { "content-type": "text/plain" };
    if (s.fresh) headers["set-cookie"] = `${SESSION_COOKIE}=${s.id}; Path=/`;
    return new Response(String(s.count), { headers });
  },
  static_css: fileAnswer("static_css"),
  static_1mb: fileAnswer("static_1mb"),
  json_out: jsonAnswer,
};

/** A 200 with its Content-Type, then `Server` appended: Deno's cheapest two-header response. */
function cherrypyResponse(body: string, contentType: string): Response {
  const response = new Response(body, { headers: { "content-type": contentType } });
  response.headers.append("server", SERVER_HEADER);
  return response;
}

const HTML = "text/html;charset=utf-8";
const cherrypy: Record<string, (req: Request) => Response> = {
  hello: () => cherrypyResponse(HELLO_BODY, HTML),
  json: () => cherrypyResponse(JSON.stringify(jsonPayload()), "application/json"),
  nested: (req) => {
    const m = PROFILE.exec(req.url);
    return m === null ? notFound() : cherrypyResponse(profileBody(m[1]), HTML);
  },
};

/** Reads the method and the Host header (and the URL when `routes`) before answering. */
function reading(
  respond: (req: Request) => Response,
  routes: boolean,
): (req: Request) => Response {
  return (req) => {
    const method = req.method, host = req.headers.get("host");
    if (method.length === 0 || host === "" || (routes && req.url.length === 0)) return notFound();
    return respond(req);
  };
}

const handlers = { raw, read: raw, cherrypy }[answer];
const chosen = handlers?.[app];
if (chosen === undefined) {
  console.error(
    `raw_deno: unknown app ${app} or answer ${answer}; known apps: ${Object.keys(raw).join(", ")}` +
      "; answers: raw, read, cherrypy",
  );
  Deno.exit(2);
}
const handler = answer === "raw" ? chosen : reading(chosen, answer === "cherrypy");

Deno.addSignalListener("SIGTERM", () => Deno.exit(0));
Deno.serve({
  hostname: "127.0.0.1",
  port,
  onListen: (addr) => console.log(`LISTENING ${addr.port}`),
}, handler);
