/**
 * The tree and an application see changes made while they serve: apps mounted, replaced or
 * removed through `tree.apps`, toolboxes added to `app.toolboxes`.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as cherrypy from "../../../mod.ts";
import { watchedRecord } from "../../../framework/app/_watched.ts";

const { expose } = cherrypy;

function site(): cherrypy.Tree {
  const log = new cherrypy.LogManager();
  log.screen = false;
  return new cherrypy.Tree({ globalConfig: () => ({ ...cherrypy.DEFAULT_TOOL_CONFIG }), log });
}

async function body(tree: cherrypy.Tree, path: string): Promise<string> {
  const res = await tree.fetch(new Request(`http://localhost${path}`));
  return `${res.status} ${(await res.text()).split("\n", 1)[0]}`;
}

test("watchedRecord counts sets, definitions and deletions", () => {
  const { record, changes } = watchedRecord<number>({ a: 1 });
  assert.equal(changes.count, 0);
  record.b = 2;
  Object.defineProperty(record, "c", { value: 3, enumerable: true, configurable: true });
  delete record.a;
  assert.equal(changes.count, 3);
  assert.deepEqual({ ...record }, { b: 2, c: 3 });
  assert.ok("b" in record);
});

test("tree: apps mounted, replaced and removed while serving are seen at once", async () => {
  const tree = site();
  tree.mount({ index: expose(() => "root") }, "");
  assert.equal(await body(tree, "/blog/post"), "404 <!DOCTYPE html PUBLIC");
  tree.mount({ default: expose((...args: string[]) => `blog ${args.join("/")}`) }, "/blog");
  assert.equal(await body(tree, "/blog/post"), "200 blog post");
  assert.equal(await body(tree, "/blogger"), "404 <!DOCTYPE html PUBLIC");
  assert.equal(await body(tree, "/"), "200 root");
  tree.apps["/blog"] = new cherrypy.Application({ index: expose(() => "new blog") }, "/blog");
  assert.equal(await body(tree, "/blog/"), "200 new blog");
  delete tree.apps["/blog"];
  assert.equal(await body(tree, "/blog/post"), "404 <!DOCTYPE html PUBLIC");
  assert.deepEqual(Object.keys(tree.apps), [""]);
});

test("application: a toolbox added after the first request is applied", async () => {
  const tree = site();
  const app = tree.mount({ index: expose(() => "page") }, "", {
    "/": { "stamp.mark.on": true },
  });
  const first = await tree.fetch(new Request("http://localhost/"));
  assert.equal(first.headers.get("X-Mark"), null);
  const stamp = new cherrypy.Toolbox("stamp");
  stamp.mark = new cherrypy.Tool("before_finalize", () => {
    cherrypy.response.headers.set("X-Mark", "yes");
  });
  app.toolboxes.stamp = stamp;
  const second = await tree.fetch(new Request("http://localhost/"));
  assert.equal(second.headers.get("X-Mark"), "yes");
  delete app.toolboxes.stamp;
  const third = await tree.fetch(new Request("http://localhost/"));
  assert.equal(third.headers.get("X-Mark"), null);
});
