/**
 * The examples of the toolbox: behind nginx (docs §8.9.2), parameter conversion (§13.18), an
 * XML-RPC service called by Python's client, and statistics.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as cherrypy from "../../mod.ts";
import { Root as NginxRoot, siteConfig } from "../../examples/deploy/behind_nginx.ts";
import { Root as ParamsRoot } from "../../examples/extend/params.ts";
import { config as rpcConfig, Root as RpcRoot } from "../../examples/advanced/xmlrpc_service.ts";
import {
  config as statsConfig,
  Root as StatsRoot,
  shopStats,
} from "../../examples/advanced/statistics.ts";
import { getPage, serveRoot } from "../_helpers.ts";

test("behind nginx (§8.9.2): the client's address in the log, the public base in URLs", async () => {
  const { "server.socket_port": _port, ...toolConfig } = siteConfig;
  class Probe extends NginxRoot {
    @cherrypy.expose
    where() {
      return cherrypy.url("/page");
    }
  }
  const s = await serveRoot(new Probe(), undefined, {
    ...cherrypy.DEFAULT_TOOL_CONFIG,
    ...toolConfig,
  });
  try {
    const page = await getPage(s.base + "/", {
      headers: { "X-Forwarded-For": "203.0.113.9, 10.0.0.2" },
    });
    assert.equal(page.body, "hello world");
    assert.ok(s.access.some((l) => l.startsWith("203.0.113.9 - - [")), s.access.join("\n"));
    assert.equal((await getPage(s.base + "/where")).body, "http://www.example.com/page");
  } finally {
    await s.stop();
  }
});

test("params (§13.18): limit arrives as a number; a bad one is a 400", async () => {
  const s = await serveRoot(new ParamsRoot());
  try {
    assert.equal((await getPage(s.base + "/resource?limit=10")).body, "limit is a number: 10");
    const bad = await getPage(s.base + "/resource?limit=ten");
    assert.equal(bad.status, 400);
    assert.match(bad.body, /invalid literal for int\(\) with base 10: 'ten'/);
  } finally {
    await s.stop();
  }
});

test("xmlrpc_service: Python's ServerProxy calls it, faults included", async () => {
  const s = await serveRoot(new RpcRoot(), rpcConfig);
  try {
    const script = `
import json, sys
from xmlrpc.client import ServerProxy, Fault
p = ServerProxy(sys.argv[1])
out = [p.add(2, 3), p.notes.add("milk"), p.notes.count(), p.divide(7, 2)]
for call in (lambda: p.divide(1, 0), lambda: p.notes.add(""), lambda: p.missing()):
    try:
        call()
    except Fault as f:
        out.append([f.faultCode, f.faultString])
print(json.dumps(out))
`;
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        "/usr/bin/python3",
        ["-c", script, s.base + "/RPC2/xmlrpc/"],
        (e, stdout, stderr) =>
          e ? reject(new Error(`python3 failed: ${stderr || e.message}`)) : resolve(stdout),
      )
    );
    assert.deepEqual(JSON.parse(out), [
      5,
      1,
      1,
      3.5,
      [1, "division by zero"],
      [2, "a note is some text"],
      [1, 'method "missing" is not supported'],
    ]);
  } finally {
    await s.stop();
  }
});

test("statistics: requests and the shop's own counts, in HTML and JSON", async () => {
  const s = await serveRoot(new StatsRoot(), statsConfig);
  try {
    const before = shopStats["Orders"] as number;
    assert.equal((await getPage(s.base + "/order?item=cake")).body, "One cake, coming up.");
    const data = JSON.parse((await getPage(s.base + "/cpstats/data")).body);
    assert.equal(data["Shop"]["Orders"], before + 1);
    assert.equal(typeof data["Shop"]["Orders/Hour"], "number");
    assert.ok(data["CherryPy Applications"]["Total Requests"] >= 2);
    const html = (await getPage(s.base + "/cpstats/")).body;
    assert.match(html, /<h1>Shop<\/h1>/);
    assert.match(html, /<td id='Shop-Orders'>\d+<\/td>/);
  } finally {
    await s.stop();
  }
});
