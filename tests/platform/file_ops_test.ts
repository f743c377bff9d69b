/** The Platform's file operations for the file session store: exclusive create, rename, dirs. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NotFoundError, platform } from "../../platform/mod.ts";

test("platform: createExclusive creates once (mode 0600), false when the path exists", async () => {
  const dir = await mkdtemp(join(tmpdir(), "file-ops-"));
  try {
    const path = join(dir, "a.lock");
    assert.equal(await platform.createExclusive(path, "one"), true);
    assert.equal(await platform.createExclusive(path, "two"), false);
    assert.equal(await readFile(path, "utf8"), "one");
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    const bytes = join(dir, "b");
    assert.equal(await platform.createExclusive(bytes, new Uint8Array([1, 2, 3]), 0o640), true);
    assert.deepEqual([...await readFile(bytes)], [1, 2, 3]);
    // Concurrent creators: exactly one wins.
    const race = join(dir, "race");
    const won = await Promise.all(
      Array.from({ length: 20 }, (_, i) => platform.createExclusive(race, String(i))),
    );
    assert.equal(won.filter(Boolean).length, 1);
    await assert.rejects(platform.createExclusive(join(dir, "no", "such"), "x"), NotFoundError);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("platform: rename replaces the target; makeDir, readDirNames and touch", async () => {
  const dir = await mkdtemp(join(tmpdir(), "file-ops-"));
  try {
    const deep = join(dir, "x", "y");
    await platform.makeDir(deep);
    await platform.makeDir(deep); // exists: nothing happens
    assert.equal((await stat(deep)).mode & 0o777, 0o700);
    await platform.createExclusive(join(deep, "new"), "new");
    await platform.createExclusive(join(deep, "old"), "old");
    await platform.rename(join(deep, "new"), join(deep, "old"));
    assert.equal(await readFile(join(deep, "old"), "utf8"), "new");
    assert.deepEqual(await platform.readDirNames(deep), ["old"]);
    assert.deepEqual(await platform.readDirNames(join(dir, "missing")), []);
    await assert.rejects(platform.rename(join(deep, "gone"), join(deep, "x")), NotFoundError);
    const then = new Date(Date.now() - 3600_000);
    await platform.touch(join(deep, "old"), then);
    assert.ok(Math.abs((await stat(join(deep, "old"))).mtimeMs - then.getTime()) < 1000);
    await platform.touch(join(deep, "old"));
    assert.ok(Date.now() - (await stat(join(deep, "old"))).mtimeMs < 5000);
    await assert.rejects(platform.touch(join(deep, "gone")), NotFoundError);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
