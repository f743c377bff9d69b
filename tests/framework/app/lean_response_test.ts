/**
 * A minimal response, configured: `response.headers.<Name>: null` keeps a default header (the
 * `Server` that names the software and its version) off the wire, and
 * `response.headers.Content-Type` sets an app's default content type. What leaves the server
 * is read as raw bytes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { expose, response } from "../../../mod.ts";
import { serveRoot } from "../../_helpers.ts";
import { rawExchange } from "../../_raw.ts";

class Root {
  @expose
  index(): string {
    return "Hello world!";
  }

  @expose
  page(): string {
    response.headers.set("Content-Type", "text/html");
    return "<p>page</p>";
  }
}

/** The response's header lines, as sent, with the Date's value left out. */
async function headLines(port: number, path: string): Promise<string[]> {
  const { text } = await rawExchange(
    port,
    `GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`,
  );
  const head = text.slice(0, text.indexOf("\r\n\r\n"));
  return head.split("\r\n").map((line) => line.replace(/^Date: .*/, "Date: *"));
}

test("response.headers.server: null sends no Server header; a default Content-Type per app", async () => {
  const lean = await serveRoot(new Root(), {
    "/": { "response.headers.server": null, "response.headers.Content-Type": "text/plain" },
  });
  const plain = await serveRoot(new Root());
  try {
    assert.deepEqual(await headLines(lean.port, "/"), [
      "HTTP/1.1 200 OK",
      "Content-Type: text/plain;charset=utf-8",
      "Content-Length: 12",
      "Date: *",
      "Connection: close",
    ]);
    // A handler still sets its own type.
    assert.ok(
      (await headLines(lean.port, "/page")).includes("Content-Type: text/html;charset=utf-8"),
    );
    // Without the keys: CherryPy's defaults.
    const defaults = await headLines(plain.port, "/");
    assert.ok(defaults.includes("Content-Type: text/html;charset=utf-8"), defaults.join("\n"));
    assert.ok(
      defaults.some((line) => /^Server: CherryPy-TS\/\S+$/.test(line)),
      defaults.join("\n"),
    );
  } finally {
    await lean.stop();
    await plain.stop();
  }
});
