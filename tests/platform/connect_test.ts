import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { ConnectionError, platform } from "../../platform/mod.ts";
import { runCommand } from "../_helpers.ts";

const decoder = new TextDecoder();

/** A server on 127.0.0.1 (or on `path`) that hands each connection to `onSocket`. */
async function listen(
  onSocket: (socket: Socket) => void,
  path?: string,
): Promise<{ port: number; server: Server; sockets: Set<Socket>; stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    onSocket(socket);
  });
  await new Promise<void>((resolve) =>
    path === undefined ? server.listen(0, "127.0.0.1", resolve) : server.listen(path, resolve)
  );
  const address = server.address();
  return {
    port: typeof address === "object" && address !== null ? address.port : 0,
    server,
    sockets,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const echo = (socket: Socket) => socket.pipe(socket);

test("connect: TCP echo, in order, reading until close", async () => {
  const srv = await listen(echo);
  try {
    const conn = await platform.connect({ hostname: "127.0.0.1", port: srv.port });
    assert.equal(conn.peer, `127.0.0.1:${srv.port}`);
    assert.equal(conn.closed, false);
    await Promise.all([conn.write("one "), conn.write(new TextEncoder().encode("two "))]);
    await conn.write("three");
    let text = "";
    for await (const chunk of conn) {
      text += decoder.decode(chunk);
      if (text.length >= "one two three".length) break;
    }
    assert.equal(text, "one two three");
    conn.close();
    conn.close();
    assert.equal(conn.closed, true);
  } finally {
    await srv.stop();
  }
});

test("connect: a Unix domain socket", async () => {
  const dir = await platform.makeTempDir("cp-connect-");
  const path = join(dir, "echo.sock");
  const srv = await listen(echo, path);
  try {
    const conn = await platform.connect({ path });
    assert.equal(conn.peer, path);
    await conn.write("over a unix socket");
    const iterator = conn[Symbol.asyncIterator]();
    const { value } = await iterator.next();
    assert.equal(decoder.decode(value), "over a unix socket");
    conn.close();
    assert.equal((await iterator.next()).done, true);
  } finally {
    await srv.stop();
    await platform.removeDir(dir);
  }
});

test("connect: the iteration ends when the peer closes, and when close() is called", async () => {
  const srv = await listen((socket) => socket.end("bye"));
  try {
    const conn = await platform.connect({ port: srv.port });
    let text = "";
    for await (const chunk of conn) text += decoder.decode(chunk);
    assert.equal(text, "bye");
    conn.close();
  } finally {
    await srv.stop();
  }
  const quiet = await listen(() => {});
  try {
    const conn = await platform.connect({ port: quiet.port });
    const reading = (async () => {
      let n = 0;
      for await (const _ of conn) n++;
      return n;
    })();
    await new Promise((r) => setTimeout(r, 50));
    conn.close();
    assert.equal(await reading, 0);
    await assert.rejects(conn.write("late"), (e: unknown) => {
      assert.ok(e instanceof ConnectionError);
      assert.equal(e.code, "ECLOSED");
      assert.match(e.message, /Cannot write to 127\.0\.0\.1:\d+: the connection is closed/);
      return true;
    });
  } finally {
    await quiet.stop();
  }
});

test("connect: a refused connection is a clear ConnectionError", async () => {
  const srv = await listen(() => {});
  const port = srv.port;
  await srv.stop();
  await assert.rejects(platform.connect({ hostname: "127.0.0.1", port }), (e: unknown) => {
    assert.ok(e instanceof ConnectionError);
    assert.equal(e.code, "ECONNREFUSED");
    assert.equal(e.peer, `127.0.0.1:${port}`);
    assert.equal(
      e.message,
      `Cannot connect to 127.0.0.1:${port}: connection refused (nothing listens there) ` +
        "(ECONNREFUSED).",
    );
    return true;
  });
  await assert.rejects(platform.connect({ path: "/nonexistent/cp.sock" }), (e: unknown) => {
    assert.ok(e instanceof ConnectionError);
    assert.equal(e.code, "ENOENT");
    assert.match(e.message, /^Cannot connect to \/nonexistent\/cp\.sock: no such socket file/);
    return true;
  });
});

test("connect: bad options are a TypeError saying what is wrong", async () => {
  await assert.rejects(platform.connect({ port: 0 }), /port must be an integer from 1 to 65535/);
  await assert.rejects(platform.connect({}), /port must be an integer/);
  await assert.rejects(platform.connect({ port: 99999 }), TypeError);
  await assert.rejects(platform.connect({ port: 80, timeoutMs: -1 }), /timeoutMs must be/);
  await assert.rejects(platform.connect({ path: "" }), /path must name a Unix domain socket/);
});

test("connect: a peer that never accepts makes the connect time out", async () => {
  // A listener with a backlog of 0 that never accepts: the kernel queues one connection, and
  // drops the handshakes of the next ones, so they hang until the client gives up.
  const holder = runCommand("python3", [
    "-c",
    "import socket,sys,time\n" +
    "s=socket.socket(); s.bind(('127.0.0.1',0)); s.listen(0)\n" +
    "print(s.getsockname()[1], flush=True); time.sleep(60)",
  ]);
  try {
    const port = Number((await holder.waitFor(/^(\d+)$/m))[1]);
    const held = [];
    let failure: unknown;
    for (let i = 0; i < 20 && failure === undefined; i++) {
      try {
        held.push(await platform.connect({ port, timeoutMs: 300 }));
      } catch (e) {
        failure = e;
      }
    }
    for (const c of held) c.close();
    assert.ok(failure instanceof ConnectionError, "the backlog never filled");
    assert.equal(failure.code, "ETIMEDOUT");
    assert.equal(
      failure.message,
      `Cannot connect to 127.0.0.1:${port}: no connection within 300 ms (ETIMEDOUT).`,
    );
  } finally {
    holder.signal("SIGKILL");
    await holder.exited;
  }
});

test("connect: writes wait while the peer does not read (backpressure), and all arrive", async () => {
  let received = 0;
  let peer: Socket | undefined;
  const srv = await listen((socket) => {
    peer = socket;
    socket.pause();
    socket.on("data", (d) => received += d.length);
  });
  try {
    const conn = await platform.connect({ port: srv.port });
    const block = new Uint8Array(1024 * 1024).fill(7);
    let settled = 0;
    const writes = Array.from({ length: 32 }, () => conn.write(block).then(() => settled++));
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(settled < 32, "32 MiB were taken while nobody read");
    peer!.resume();
    await Promise.all(writes);
    await new Promise<void>((resolve) => {
      const check = () => received === 32 * 1024 * 1024 ? resolve() : setTimeout(check, 10);
      check();
    });
    conn.close();
  } finally {
    await srv.stop();
  }
});

test("connect: a connection reset by the peer makes reading throw", async () => {
  const srv = await listen((socket) => {
    socket.write("partial");
    setTimeout(() => socket.resetAndDestroy(), 50);
  });
  try {
    const conn = await platform.connect({ port: srv.port });
    let text = "";
    await assert.rejects(
      (async () => {
        for await (const chunk of conn) text += decoder.decode(chunk);
      })(),
      (e: unknown) => {
        assert.ok(e instanceof ConnectionError);
        assert.equal(e.code, "ECONNRESET");
        assert.match(e.message, /^Connection to 127\.0\.0\.1:\d+ failed: connection reset/);
        return true;
      },
    );
    assert.equal(text, "partial");
    assert.equal(conn.closed, true);
    conn.close();
  } finally {
    await srv.stop();
  }
});

test("connect: an unref'd connection still works", async () => {
  const srv = await listen(echo);
  try {
    const conn = await platform.connect({ port: srv.port });
    conn.unref();
    conn.ref();
    conn.unref();
    await conn.write("ping");
    for await (const chunk of conn) {
      assert.equal(decoder.decode(chunk), "ping");
      break;
    }
    conn.close();
  } finally {
    await srv.stop();
  }
});
