/**
 * The HTTP server's addresses, TLS, concurrency cap, statistics, path dispatching and its
 * graceful stop.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isDeno } from "../../platform/mod.ts";
import { Bus } from "../../bus/mod.ts";
import { ServerAdapter } from "../../plugins/mod.ts";
import { HTTPServer, PathInfoDispatcher } from "../../server/mod.ts";
import { rawConnect, rawExchange } from "../_raw.ts";
import { eventually, runCommand, runProgram, runtimeCommand, scriptPath } from "../_helpers.ts";
import { ENGINES, serveTest, testGateway } from "./_gateway.ts";

const GET = (path: string) => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`;

for (const engine of ENGINES) {
  test(`server: port 0 reports the bound port; IPv6 loopback; dual stack on :: [${engine}]`, async () => {
    const v6 = new HTTPServer({ host: "::1", port: 0 }, testGateway, { engine });
    await v6.start();
    try {
      assert.equal(v6.boundAddr!.hostname, "::1");
      const conn = await rawConnect(v6.boundAddr!.port, { host: "::1" });
      conn.write(GET("/"));
      await conn.waitFor(/Hello world!/);
      conn.destroy();
    } finally {
      await v6.stop();
    }
    const dual = new HTTPServer({ host: "::", port: 0 }, testGateway, { engine });
    await dual.start();
    try {
      const v4 = await rawExchange(dual.boundAddr!.port, GET("/"), 1000);
      assert.match(v4.text, /Hello world!/, "an IPv4 client reaches a server bound to ::");
    } finally {
      await dual.stop();
    }
  });

  test(`server: a Unix socket (a stale socket file is replaced) [${engine}]`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "cherrypy-ts-sock-"));
    const path = join(dir, "site.sock");
    try {
      for (let round = 0; round < 2; round++) {
        const server = new HTTPServer({ path }, testGateway, { engine });
        await server.start();
        assert.deepEqual(server.boundAddr, { transport: "unix", hostname: path, port: 0 });
        assert.equal(server.bindAddr, undefined);
        const conn = await rawConnect(path);
        conn.write(GET("/"));
        await conn.waitFor(/Hello world!/);
        conn.destroy();
        await server.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test(`server: TLS with a generated certificate and chain; 'Serving on https://' [${engine}]`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "cherrypy-ts-tls-"));
    try {
      const cert = join(dir, "cert.pem");
      const key = join(dir, "key.pem");
      execFileSync("openssl", [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        key,
        "-out",
        cert,
        "-days",
        "1",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=DNS:localhost,IP:127.0.0.1",
      ], { stdio: "ignore" });
      const server = new HTTPServer({ host: "127.0.0.1", port: 0 }, testGateway, {
        ssl: { certificate: cert, privateKey: key, certificateChain: cert },
        engine,
      });
      const bus = new Bus({ exitProcess: () => {} });
      const logs: string[] = [];
      bus.subscribe("log", (m: string) => logs.push(m));
      new ServerAdapter(bus, server).subscribe();
      await bus.start();
      try {
        const port = server.boundAddr!.port;
        assert.ok(logs.includes(`Serving on https://127.0.0.1:${port}`), logs.join("\n"));
        const conn = await rawConnect(port, { tls: { ca: readFileSync(cert, "utf8") } });
        conn.write(GET("/"));
        await conn.waitFor(/Hello world!/);
        conn.destroy();
      } finally {
        await bus.exit();
      }
      await assert.rejects(
        new HTTPServer({ host: "127.0.0.1", port: 0 }, testGateway, {
          ssl: { certificate: join(dir, "missing.pem"), privateKey: key },
        }).start(),
        /Cannot read the TLS certificate \(server\.ssl_certificate\)/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test(`drain: 50 slow requests finish, new connections are refused, idle keep-alive closes at once [${engine}]`, async () => {
    const server = await serveTest({ shutdownTimeout: 5, statistics: true, engine });
    const port = server.boundAddr!.port;
    const idle = await rawConnect(port);
    idle.write(GET("/"));
    await idle.waitFor(/Hello world!/);
    const inflight = await Promise.all(Array.from({ length: 50 }, () => rawConnect(port)));
    for (const c of inflight) c.write(GET("/sleep?ms=1000"));
    await eventually(
      () => server.stats["In Flight"] === 50 || undefined,
      5000,
      "50 requests in flight",
    );
    const t0 = Date.now();
    const stopped = server.stop();
    await new Promise((r) => setTimeout(r, 100));
    await assert.rejects(rawConnect(port), "new connections are refused while draining");
    await Promise.race([idle.closed, new Promise((r) => setTimeout(r, 1000))]);
    assert.ok(idle.isClosed(), "the idle keep-alive connection was closed at once");
    await stopped;
    const took = Date.now() - t0;
    for (const c of inflight) {
      // (Deno's shutdown can resolve just before the last bytes reach the sockets.)
      await c.waitFor(/HTTP\/1\.1 200[\s\S]*Slept 1000 ms\./, 2000);
      assert.match(c.text(), /\r\nconnection: close\r\n/i);
      c.destroy();
    }
    assert.ok(took < 6000, `stop took ${took} ms (shutdown_timeout 5 s)`);
  });

  test(`drain: requests slower than shutdown_timeout are cut and counted in the log [${engine}]`, async () => {
    const logs: string[] = [];
    const server = await serveTest({ shutdownTimeout: 0.5, log: (m) => logs.push(m), engine });
    const port = server.boundAddr!.port;
    const slow = await Promise.all([0, 1, 2].map(() => rawConnect(port)));
    for (const c of slow) c.write(GET("/sleep?ms=10000"));
    await new Promise((r) => setTimeout(r, 200));
    const t0 = Date.now();
    await server.stop();
    const took = Date.now() - t0;
    assert.ok(took < 2500, `stop took ${took} ms`);
    assert.ok(logs.some((l) => /3 request\(s\) still in flight were cut/.test(l)), logs.join("\n"));
    for (const c of slow) {
      await Promise.race([c.closed, c.waitFor(/HTTP\/1\.1 503/, 1000).catch(() => {})]);
      assert.ok(c.isClosed() || /HTTP\/1\.1 503/.test(c.text()), `got ${c.text()}`);
      c.destroy();
    }
  });
}

test("server: systemd socket activation adopts fd 3 on Node; Deno says what to do instead", async () => {
  if (isDeno) {
    const server = new HTTPServer({ fd: 3 }, testGateway);
    await assert.rejects(
      server.start(),
      /Deno cannot adopt an inherited listening socket[\s\S]*run the site on Node/,
    );
    return;
  }
  // Like systemd: bind the socket, put it on fd 3, set LISTEN_PID/LISTEN_FDS, exec the site.
  const activator = [
    "import os, socket, sys",
    "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(16)",
    "print('ACTIVATED', s.getsockname()[1], flush=True)",
    "os.dup2(s.fileno(), 3); os.set_inheritable(3, True)",
    "os.environ['LISTEN_PID'] = str(os.getpid()); os.environ['LISTEN_FDS'] = '1'",
    "os.execv(sys.argv[1], sys.argv[1:])",
  ].join("\n");
  const [cmd, args] = runtimeCommand(scriptPath("tests/fixtures/socket_activation"));
  const prog = runCommand("python3", ["-c", activator, cmd, ...args]);
  try {
    const [, port] = await prog.waitFor(/ACTIVATED (\d+)/);
    await prog.waitFor(/Serving on http:\/\/127\.0\.0\.1:\d+/);
    assert.match((await rawExchange(Number(port), GET("/"), 1000)).text, /Hello world!/);
  } finally {
    prog.signal("SIGTERM");
    await prog.exited;
  }
});

test("server: thread_pool_max caps requests in flight; a full queue gets 503", async () => {
  const server = await serveTest({
    maxConcurrency: 2,
    queueSize: 1,
    queueTimeout: 0.05,
    statistics: true,
  });
  try {
    const port = server.boundAddr!.port;
    const results = await Promise.all(
      [0, 1, 2, 3].map((i) =>
        new Promise<void>((r) => setTimeout(r, i * 20)).then(() =>
          rawExchange(port, GET("/sleep?ms=300"), 2000)
        )
      ),
    );
    const codes = results.map((r) => r.text.match(/HTTP\/1\.1 (\d+)/)?.[1]).sort();
    assert.deepEqual(codes, ["200", "200", "200", "503"]);
    const stats = server.stats;
    assert.equal(stats.Enabled, true);
    assert.equal(stats.Rejected, 1);
    assert.equal(stats.Requests, 3);
    assert.equal(stats["Max In Flight"], 2);
    assert.equal(stats["Bind Address"], `127.0.0.1:${port}`);
    assert.ok(stats["Run time"] > 0);
  } finally {
    await server.stop();
  }
});

test("server: PathInfoDispatcher picks the longest prefix and strips it; 404 otherwise", async () => {
  const dispatcher = new PathInfoDispatcher({
    "/api": (req: Request) => new Response(`api:${new URL(req.url).pathname}`),
    "/api/v2": { handle: (req) => ({ status: 200, headers: [], body: `v2:${req.target}` }) },
  });
  const server = new HTTPServer({ host: "127.0.0.1", port: 0 }, dispatcher);
  await server.start();
  const base = `http://127.0.0.1:${server.boundAddr!.port}`;
  try {
    assert.equal(await (await fetch(base + "/api/users?x=1")).text(), "api:/users");
    assert.equal(await (await fetch(base + "/api")).text(), "api:/");
    assert.equal(await (await fetch(base + "/api/v2/items?q=1")).text(), "v2:/items?q=1");
    const miss = await fetch(base + "/apix");
    assert.equal(miss.status, 404);
    await miss.text();
  } finally {
    await server.stop();
  }
});

test("server: stop/start cycles in one process leave no sockets or timers behind", async () => {
  const prog = runProgram("tests/fixtures/server_cycles");
  assert.equal(await prog.exited, 0, prog.stderr() + prog.stdout());
  assert.match(prog.stdout(), /cycle 3: both servers answered/);
});
