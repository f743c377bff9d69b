/**
 * Benchmark baseline for Node: a raw `node:http` server answering one app's response with no
 * cherrypy-ts code and no routing at all, as `raw_deno.ts` does on Deno (`BENCH_APP`: `hello`,
 * the default, answers `Hello world!` as `text/plain`; `json` and `json_out` the JSON payload;
 * `nested` reads the id from `/users/<id>/profile` with one regular expression; `session` counts
 * the request in the smallest in-memory session, `rawSessions()` of `payloads.mjs`, read from
 * the `Cookie` header; `static_css` and `static_1mb` answer the app's file, read once at start
 * from `BENCH_STATIC_DIR` and kept in memory). Plain ESM JavaScript so Node runs it as is.
 *
 * `BENCH_ANSWER=cherrypy` makes it the floor the framework's Node rows are also compared with
 * (see `../targets.ts`): it reads the method, the URL and the `Host` header, and answers the
 * bytes cherrypy-ts's framework answers (the same status, body and headers: `Content-Type:
 * text/html;charset=utf-8` or `application/json`, `Server`, `Content-Length`).
 *
 *     node scripts/bench/servers/raw_node.mjs [port]   # or PORT=8080; default 0 (any)
 *
 * Prints `LISTENING <port>` once the socket is bound (the benchmark waits for that line), and
 * exits on SIGTERM (so that `--cpu-prof` writes its profile).
 *
 * @module
 */

import { Buffer } from "node:buffer";
import http from "node:http";
import process from "node:process";
import { readFileSync } from "node:fs";
import {
  HELLO_BODY,
  jsonPayload,
  profileBody,
  rawSessions,
  SERVER_HEADER,
  SESSION_COOKIE,
  STATIC_FILES,
} from "./payloads.mjs";

const port = Number(process.argv[2] ?? process.env.PORT ?? 0);
const app = process.env.BENCH_APP ?? "hello";
const PROFILE = /^\/users\/([^/?]+)\/profile(?:\?|$)/;
const helloLength = String(Buffer.byteLength(HELLO_BODY));

// An explicit Content-Length everywhere, as Deno.serve sends; without it Node answers chunked.
function send(res, type, body) {
  res.writeHead(200, { "content-type": type, "content-length": String(Buffer.byteLength(body)) });
  res.end(body);
}

const sessions = rawSessions();
const notFound = (_req, res) => {
  res.writeHead(404, { "content-length": "0" });
  res.end();
};

// A static app's file, read once (only for the app served).
function fileAnswer(name) {
  if (app !== name) return notFound;
  const { name: file, type } = STATIC_FILES[name];
  const bytes = readFileSync(`${process.env.BENCH_STATIC_DIR}/${file}`);
  const length = String(bytes.length);
  return (_req, res) => {
    res.writeHead(200, { "content-type": type, "content-length": length });
    res.end(bytes);
  };
}

const handlers = {
  hello: (_req, res) => {
    res.writeHead(200, { "content-type": "text/plain", "content-length": helloLength });
    res.end(HELLO_BODY);
  },
  json: (_req, res) => send(res, "application/json", JSON.stringify(jsonPayload())),
  nested: (req, res) => {
    const m = PROFILE.exec(req.url);
    if (m === null) {
      res.writeHead(404, { "content-length": "0" });
      res.end();
    } else send(res, "text/plain", profileBody(m[1]));
  },
  session: (req, res) => {
    const s = sessions.hit(req.headers.cookie);
    const body = String(s.count);
    const headers = { "content-type": "text/plain", "content-length": String(body.length) };
    if (s.fresh) headers["set-cookie"] = `${SESSION_COOKIE}=${s.id}; Path=/`;
    res.writeHead(200, headers);
    res.end(body);
  },
  static_css: fileAnswer("static_css"),
  static_1mb: fileAnswer("static_1mb"),
  json_out: (_req, res) => send(res, "application/json", JSON.stringify(jsonPayload())),
};
// The framework's answer: its headers, in its order, as the flat list it hands to Node.
function sendAsCherryPy(req, res, type, body) {
  const method = req.method, url = req.url, host = req.headers.host;
  if (method.length === 0 || url.length === 0 || host === "") {
    res.writeHead(404, { "content-length": "0" });
    res.end();
    return;
  }
  res.writeHead(200, [
    "Content-Type",
    type,
    "Server",
    SERVER_HEADER,
    "Content-Length",
    String(Buffer.byteLength(body)),
  ]);
  res.end(body);
}

const HTML = "text/html;charset=utf-8";
const cherrypy = {
  hello: (req, res) => sendAsCherryPy(req, res, HTML, HELLO_BODY),
  json: (req, res) => sendAsCherryPy(req, res, "application/json", JSON.stringify(jsonPayload())),
  nested: (req, res) => {
    const m = PROFILE.exec(req.url);
    if (m === null) {
      res.writeHead(404, { "content-length": "0" });
      res.end();
    } else sendAsCherryPy(req, res, HTML, profileBody(m[1]));
  },
};

const answer = process.env.BENCH_ANSWER ?? "raw";
const handler = { raw: handlers, cherrypy }[answer]?.[app];
if (handler === undefined) {
  console.error(
    `raw_node: unknown app ${app} or answer ${answer}; known apps: ${
      Object.keys(handlers).join(", ")
    }; answers: raw, cherrypy`,
  );
  process.exit(2);
}

process.on("SIGTERM", () => process.exit(0));
const server = http.createServer(handler);
server.listen(port, "127.0.0.1", () => console.log(`LISTENING ${server.address().port}`));
