/**
 * SSL support (docs §8.6): a key and a certificate made with the docs' openssl commands, the
 * example served over HTTPS with them (`ssl_module` "builtin"), and "pyopenssl" refused with
 * a message that says why.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, runProgram } from "../_helpers.ts";
import { curl } from "../_tls.ts";

test("ssl (§8.6): the docs' key and certificate serve HTTPS; pyopenssl is refused", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cherrypy-ts-ssl-"));
  try {
    const openssl = (...args: string[]) =>
      execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
    openssl("genrsa", "-out", "privkey.pem", "2048");
    // (The docs' command asks its questions; -subj answers them: Common Name localhost.)
    openssl(
      "req",
      "-new",
      "-x509",
      "-days",
      "365",
      "-key",
      "privkey.pem",
      "-out",
      "cert.pem",
      "-subj",
      "/CN=localhost",
    );
    const port = await freePort();
    const site = runProgram("examples/deploy/ssl", { SSL_DIR: dir, PORT: String(port) });
    try {
      await site.waitFor(new RegExp(`Serving on https://127\\.0\\.0\\.1:${port}`));
      assert.equal(await curl([`https://127.0.0.1:${port}/`]), "Hello world!");
      // The certificate served is the one made above.
      const subject = await curl([
        "-v",
        "-o",
        "/dev/null",
        `https://127.0.0.1:${port}/`,
        "--stderr",
        "-",
      ]);
      assert.match(subject, /subject: CN=localhost/);
    } finally {
      site.signal("SIGTERM");
      assert.equal(await site.exited, 0, site.stderr());
    }
    const refused = runProgram("examples/deploy/ssl", {
      SSL_DIR: dir,
      PORT: String(port),
      SSL_MODULE: "pyopenssl",
    });
    assert.notEqual(await refused.exited, 0);
    assert.match(refused.stderr(), /server\.ssl_module "pyopenssl" does not exist here/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
