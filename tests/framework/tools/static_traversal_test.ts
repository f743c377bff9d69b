/**
 * The staticdir tool never serves a file outside its directory: a corpus of hostile paths (dot
 * segments however encoded, encoded slashes and backslashes, NUL bytes, overlong UTF-8, absolute
 * paths, symbolic links leading out), sent raw on every HTTP engine of the runtime. A secret
 * file lies beside the served directory, and a sibling directory whose name starts like it; no
 * answer may contain either's content. Answers are refusals: 400 (the server), 403 or 404.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as cherrypy from "../../../mod.ts";
import { HTTPServer } from "../../../mod.ts";
import { rawExchange } from "../../_raw.ts";
import { ENGINES } from "../../server/_gateway.ts";

const SECRET = `TOP-SECRET-${crypto.randomUUID()}`;
const SIBLING = `SIBLING-SECRET-${crypto.randomUUID()}`;
const base = mkdtempSync(join(tmpdir(), "cp-traversal-"));
const root = join(base, "root");
mkdirSync(join(root, "sub"), { recursive: true });
mkdirSync(join(base, "root-evil"));
mkdirSync(join(base, "etc"));
writeFileSync(join(root, "public.txt"), "public file");
writeFileSync(join(root, "sub", "inner.txt"), "inner file");
writeFileSync(join(base, "secret.txt"), SECRET);
writeFileSync(join(base, "etc", "passwd"), SECRET);
writeFileSync(join(base, "root-evil", "x.txt"), SIBLING);
// Links leading out of the directory, and one that stays in.
symlinkSync(join(base, "secret.txt"), join(root, "link_out"));
symlinkSync(base, join(root, "linkdir"));
symlinkSync("../secret.txt", join(root, "sub", "rel_link"));
symlinkSync(join(root, "public.txt"), join(root, "link_in"));

/** The corpus: request targets, as sent on the request line. */
function corpus(): string[] {
  const ups = [
    "..",
    "%2e%2e",
    "%2E%2E",
    ".%2e",
    "%2e.",
    "%252e%252e",
    "%c0%ae%c0%ae",
    "%e0%80%ae%e0%80%ae",
    "%uff0e%uff0e",
    "%ef%bc%8e%ef%bc%8e",
    "...",
    "....",
  ];
  const seps = ["/", "%2f", "%2F", "%5c", "\\", "%252f", "%c0%af", "%e0%80%af"];
  const targets = ["secret.txt", "root-evil/x.txt", "etc/passwd"];
  const out = new Set<string>();
  for (const up of ups) {
    for (const sep of seps) {
      out.add(`/static/${up}${sep}secret.txt`);
      out.add(`/static/sub/${up}${sep}${up}${sep}secret.txt`);
    }
    for (const target of targets) out.add(`/static/${up}/${target}`);
    out.add(`/static/${up}/${up}/${up}/etc/passwd`);
  }
  for (
    const p of [
      "/static/../secret.txt",
      "/static/./../secret.txt",
      "/static//../secret.txt",
      "/static/sub/../../secret.txt",
      "/static/sub/../../root-evil/x.txt",
      "/static/../root-evil/x.txt",
      "/static/%2e%2e/root-evil/x.txt",
      "/static/%2e%2e/%2e%2e/etc/passwd",
      "/static/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
      "/static/..%2f..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
      "/static/%2F..%2Fsecret.txt",
      `/static/${encodeURIComponent(join(base, "secret.txt"))}`,
      `/static/${join(base, "secret.txt")}`,
      `/static/%2f${join(base, "secret.txt").slice(1)}`,
      `/static//${join(base, "secret.txt")}`,
      "/static/%5c..%5csecret.txt",
      "/static/..%5c..%5csecret.txt",
      "/static/..\\..\\secret.txt",
      "/static/sub\\..\\..\\secret.txt",
      "/static/public.txt%00",
      "/static/public.txt%00.png",
      "/static/%00../secret.txt",
      "/static/..%00/secret.txt",
      "/static/..%2500/secret.txt",
      "/static/%2e%2e%00/secret.txt",
      "/static/link_out",
      "/static/linkdir/secret.txt",
      "/static/linkdir/etc/passwd",
      "/static/linkdir/root-evil/x.txt",
      "/static/sub/rel_link",
      "/static/%6c%69%6e%6b%5f%6f%75%74",
      "/static/linkdir%2fsecret.txt",
      "/static/;/../secret.txt",
      "/static/..;/secret.txt",
      "/static/.%2e/.%2e/secret.txt",
      "/static/%2e%2e%5c%2e%2e%5csecret.txt",
      "/static/%%32%65%%32%65/secret.txt",
      "/static/%25%32%65%25%32%65/secret.txt",
      "/static/..%c0%afsecret.txt",
      "/static/..%c1%9csecret.txt",
      "/static/..%u2215secret.txt",
      "/static/%2e%2e/static/../secret.txt",
      "/static/%3f/../secret.txt",
      "/static/#/../secret.txt",
      "/static/sub/%2e%2e/%2e%2e/secret.txt",
      "/static/sub/./../../secret.txt",
      "/static/" + "../".repeat(40) + "etc/passwd",
      "/static/" + "%2e%2e/".repeat(40) + "etc/passwd",
      "/../secret.txt",
      "/static/../../../../../../../../../../etc/passwd",
      "//static/../secret.txt",
      "/static/.../secret.txt",
      "/static/ ../secret.txt",
      "/static/.. /secret.txt",
    ]
  ) out.add(p);
  return [...out];
}

const CORPUS = corpus();
const ALLOWED = /^HTTP\/1\.[01] (400|403|404) /;

class Root {
  @cherrypy.expose
  index() {
    return "root";
  }
}

const config: cherrypy.AppConfig = {
  "/static": {
    "tools.staticdir.on": true,
    "tools.staticdir.dir": root,
    "tools.staticdir.index": "public.txt",
  },
  "/follow": {
    "tools.staticdir.on": true,
    "tools.staticdir.dir": root,
    "tools.staticdir.allow_outside_symlinks": true,
  },
};

const log = new cherrypy.LogManager({ screen: false });
const tree = new cherrypy.Tree({ globalConfig: () => ({ ...cherrypy.DEFAULT_TOOL_CONFIG }), log });
const servers: HTTPServer[] = [];
const ports = new Map<string, number>();

before(async () => {
  tree.mount(new Root(), "", config);
  for (const engine of ENGINES) {
    const server = new HTTPServer({ host: "127.0.0.1", port: 0 }, tree, { engine });
    await server.start();
    servers.push(server);
    ports.set(engine, server.boundAddr!.port);
  }
});

after(async () => {
  for (const server of servers) await server.stop();
  rmSync(base, { recursive: true, force: true });
});

async function get(port: number, target: string, headers = ""): Promise<string> {
  const request =
    `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}Connection: close\r\n\r\n`;
  return (await rawExchange(port, request)).text;
}

test("static traversal: the corpus has more than 100 paths", () => {
  assert.ok(CORPUS.length >= 100, `only ${CORPUS.length} paths`);
});

for (const engine of ENGINES) {
  test(`static traversal (${engine} engine): no file outside the directory is served`, async () => {
    const port = ports.get(engine)!;
    const served: string[] = [];
    const refusedBadly: string[] = [];
    for (const target of CORPUS) {
      for (const range of ["", "Range: bytes=0-\r\n"]) {
        const text = await get(port, target, range);
        if (text.includes(SECRET) || text.includes(SIBLING)) served.push(target);
        else if (!ALLOWED.test(text)) refusedBadly.push(`${target} → ${text.split("\r\n")[0]}`);
      }
    }
    assert.deepEqual(served, [], `files outside the directory were served`);
    assert.deepEqual(refusedBadly, [], "answers other than 400, 403 or 404");
  });

  test(`static traversal (${engine} engine): files inside are served`, async () => {
    const port = ports.get(engine)!;
    for (const target of ["/static/public.txt", "/static/sub/inner.txt", "/static/link_in"]) {
      const text = await get(port, target);
      assert.match(text, /^HTTP\/1\.1 200 OK\r\n/, target);
      assert.match(text, /\r\n\r\n(public|inner) file$/, target);
    }
    // A dot segment that stays inside resolves inside, as in CherryPy.
    assert.match(await get(port, "/static/sub/%2e%2e/public.txt"), /\r\n\r\npublic file$/);
  });

  test(`static traversal (${engine} engine): allow_outside_symlinks follows links out`, async () => {
    const port = ports.get(engine)!;
    const text = await get(port, "/follow/link_out");
    assert.match(text, /^HTTP\/1\.1 200 OK\r\n/);
    assert.ok(text.endsWith(SECRET));
    // Dot segments still may not climb out.
    assert.match(await get(port, "/follow/%2e%2e/secret.txt"), /^HTTP\/1\.1 403 /);
  });
}
