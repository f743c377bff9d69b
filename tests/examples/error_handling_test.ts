import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as cherrypy from "../../mod.ts";
import { conf, Root } from "../../examples/advanced/error_handling.ts";
import { privateSite as site } from "../_helpers.ts";

const TOKEN = { "X-Token": "let-me-in" };

test("error handling (§5.3): 401 unless authorized, 404 for a missing file, else the file", async () => {
  const dir = await mkdtemp(join(tmpdir(), "cp-errors-"));
  try {
    await writeFile(join(dir, "hello.txt"), "Hello from a file");
    const { tree, web } = site();
    tree.mount(new Root(dir)); // without the custom error pages
    for (const page of ["/thing", "/thing_handled"]) {
      await web.getPage(`${page}?path=hello.txt`);
      web.assertErrorPage(401, "Unauthorized");
      await web.getPage(`${page}?path=hello.txt`, { headers: TOKEN });
      web.assertStatus(200);
      web.assertBody("Hello from a file");
      await web.getPage(`${page}?path=missing.txt`, { headers: TOKEN });
      // HTTPError(404) has the default message; HTTPError.handle uses the error's message.
      web.assertErrorPage(
        404,
        page === "/thing"
          ? "Nothing matches the given URI"
          : `No such file or directory: ${dir}/missing.txt`,
      );
      await web.getPage(`${page}?path=..%2Fetc%2Fpasswd`, { headers: TOKEN });
      web.assertErrorPage(404);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("HTTPError.handle turns only the named error class into the status", async () => {
  assert.throws(
    () => cherrypy.HTTPError.handle(SyntaxError, 400, () => JSON.parse("{")),
    (e: unknown) => e instanceof cherrypy.HTTPError && e.code === 400,
  );
  assert.throws(
    () =>
      cherrypy.HTTPError.handle(SyntaxError, 400, () => {
        throw new RangeError("not mine");
      }),
    RangeError,
  );
  await assert.rejects(
    cherrypy.HTTPError.handle(cherrypy.NotFoundError, 404, () =>
      Promise.reject(
        new cherrypy.NotFoundError("/x"),
      )),
    (e: unknown) => e instanceof cherrypy.HTTPError && e.code === 404,
  );
  assert.equal(cherrypy.HTTPError.handle(SyntaxError, 400, () => 42), 42);
});

test("error pages (§5.3): a function for 404s, a template file for 500s", async () => {
  const { tree, web, errors } = site();
  tree.mount(new Root("/nonexistent"), "", conf);
  await web.getPage("/no/such/page");
  web.assertStatus(404);
  // Short error bodies are padded with spaces (to 513 bytes for a 404), as CherryPy does, so
  // that browsers show them instead of their own page.
  assert.equal(
    web.body.trimEnd(),
    "<html><body><h1>404 Not Found</h1><p>The path '/no/such/page' was not found.</p>" +
      '<p>Try <a href="/">the home page</a>.</p></body></html>',
  );
  assert.equal(web.bytes.length, 513);
  // A function page sets its own headers: the response's Content-Type stays as it was.
  web.assertHeader("Content-Type", "text/html");
  await web.getPage("/thing?path=nothing", { headers: TOKEN });
  web.assertStatus(404);
  web.assertInBody("<h1>404 Not Found</h1><p>Nothing matches the given URI</p>");
  await web.getPage("/crash");
  web.assertStatus(500);
  web.assertInBody("<h1>Sorry, something went wrong (500 Internal Server Error)</h1>");
  web.assertInBody(`Powered by cherrypy-ts ${cherrypy.VERSION}`);
  web.assertNotInBody("this page is broken"); // request.show_tracebacks is off
  assert.ok(errors.some((l) => l.includes("TypeError: this page is broken")), errors.join("\n"));
  // The default page, for statuses without a custom one.
  await web.getPage("/thing?path=x");
  web.assertErrorPage(401, "Unauthorized");
});
