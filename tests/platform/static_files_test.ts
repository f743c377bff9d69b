/** The platform's static-file section: resolving links, reading files at a position. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NotFoundError, platform } from "../../platform/mod.ts";

test("platform: realPathSync resolves links, dots and repeated slashes", () => {
  const dir = platform.realPathSync(mkdtempSync(join(tmpdir(), "cp-realpath-")))!;
  try {
    mkdirSync(join(dir, "a"));
    writeFileSync(join(dir, "a", "f.txt"), "x");
    symlinkSync(join(dir, "a"), join(dir, "link"));
    symlinkSync("a/f.txt", join(dir, "rel"));
    symlinkSync(join(dir, "loop"), join(dir, "loop"));
    assert.equal(platform.realPathSync(join(dir, "link", "f.txt")), join(dir, "a", "f.txt"));
    assert.equal(platform.realPathSync(join(dir, "rel")), join(dir, "a", "f.txt"));
    assert.equal(platform.realPathSync(`${dir}//a/./../a/f.txt`), join(dir, "a", "f.txt"));
    assert.equal(platform.realPathSync(join(dir, "missing")), null);
    assert.equal(platform.realPathSync(join(dir, "a", "f.txt", "below")), null);
    assert.equal(platform.realPathSync(join(dir, "loop")), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("platform: openFile reads at any position, in any order", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cp-openfile-"));
  try {
    const path = join(dir, "digits.txt");
    writeFileSync(path, "0123456789");
    const file = await platform.openFile(path);
    assert.equal(file.path, path);
    const info = file.statSync();
    assert.equal(info.isFile, true);
    assert.equal(info.size, 10);
    assert.ok(info.mtime instanceof Date);
    const read = async (position: number, length: number) => {
      const buffer = new Uint8Array(length);
      const n = await file.read(buffer, position);
      return new TextDecoder().decode(buffer.subarray(0, n));
    };
    assert.equal(await read(7, 2), "78");
    assert.equal(await read(0, 3), "012");
    assert.equal(await read(8, 5), "89");
    assert.equal(await read(10, 5), "");
    // Reads started together each get their own position.
    assert.deepEqual(await Promise.all([read(1, 2), read(5, 2), read(3, 1)]), ["12", "56", "3"]);
    file.close();
    file.close();
    await assert.rejects(platform.openFile(join(dir, "missing")), NotFoundError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("platform: openFile reads a pipe without holding up the event loop", async () => {
  // A regular file is read with blocking reads; a pipe's read waits for its writer, so it must
  // not block: timers keep firing while it waits.
  const dir = mkdtempSync(join(tmpdir(), "cp-openfile-fifo-"));
  const fifo = join(dir, "fifo");
  execFileSync("mkfifo", [fifo]);
  // The writer opens the pipe (which waits for the reader), waits, then writes and closes.
  const writer = spawn("sh", ["-c", `exec 3>"${fifo}"; sleep 0.6; printf piped >&3`]);
  try {
    const file = await platform.openFile(fifo);
    try {
      let ticks = 0;
      const timer = setInterval(() => ticks++, 20);
      const started = Date.now();
      const buffer = new Uint8Array(16);
      const n = await file.read(buffer, 0).finally(() => clearInterval(timer));
      assert.equal(new TextDecoder().decode(buffer.subarray(0, n)), "piped");
      assert.ok(Date.now() - started >= 300, "the read waited for the writer");
      assert.ok(ticks >= 5, `timers fired ${ticks} times while the read waited`);
      // In order only: what was read is gone from a pipe.
      await assert.rejects(file.read(buffer, 0));
    } finally {
      file.close();
    }
  } finally {
    writer.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});
