/** The platform's static-file section: resolving links, reading files at a position. */
import { test } from "node:test";
import assert from "node:assert/strict";
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
