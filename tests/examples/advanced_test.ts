import { test } from "node:test";
import assert from "node:assert/strict";
import { StringGenerator as Aliases } from "../../examples/advanced/aliases.ts";
import { Band as CpDispatchBand } from "../../examples/advanced/cp_dispatch.ts";
import { Band as PopargsBand } from "../../examples/advanced/popargs.ts";
import { conf as lowerConf, StringGenerator as Lower } from "../../examples/extend/force_lower.ts";
import { config as vhostConfig, Root as VhostRoot } from "../../examples/deploy/virtual_host.ts";
import { getPage, serveRoot } from "../_helpers.ts";
import { rawExchange } from "../_raw.ts";

const HEX = /^[0-9a-fA-F]+$/;

test("aliases (§5.1): /generate, /generer and /generar reach one handler", async () => {
  const s = await serveRoot(new Aliases());
  try {
    for (const path of ["/generate", "/generer", "/generar"]) {
      const page = await getPage(s.base + path + "?length=5");
      assert.equal(page.status, 200, path);
      assert.match(page.body, HEX);
      assert.equal(page.body.length, 5);
    }
    assert.equal((await getPage(s.base + "/generer")).body.length, 8);
    assert.equal((await getPage(s.base + "/generieren")).status, 404);
  } finally {
    await s.stop();
  }
});

test("_cp_dispatch (§5.2.1): /nirvana/ and /nirvana/albums/nevermind/", async () => {
  const s = await serveRoot(new CpDispatchBand());
  try {
    assert.equal((await getPage(s.base + "/nirvana/")).body, "About nirvana...");
    assert.equal(
      (await getPage(s.base + "/nirvana/albums/nevermind/")).body,
      "About nevermind by nirvana...",
    );
    // What the docs say the two URLs act as.
    assert.equal((await getPage(s.base + "/?name=nirvana")).body, "About nirvana...");
    assert.equal(
      (await getPage(s.base + "/albums/?artist=nirvana&title=nevermind")).body,
      "About nevermind by nirvana...",
    );
    assert.equal((await getPage(s.base + "/nirvana/albums/")).status, 404);
  } finally {
    await s.stop();
  }
});

test("popargs (§5.2.2): bands, albums and tracks by name", async () => {
  const s = await serveRoot(new PopargsBand());
  try {
    assert.equal((await getPage(s.base + "/nirvana/")).body, "About nirvana...");
    assert.equal(
      (await getPage(s.base + "/nirvana/albums/nevermind/")).body,
      "About nevermind by nirvana...",
    );
    assert.equal(
      (await getPage(s.base + "/nirvana/albums/nevermind/tracks/06/polly")).body,
      "Track 06 (polly) of nevermind by nirvana",
    );
    assert.equal(
      (await getPage(s.base + "/the%20band/albums/an%20album/")).body,
      "About an album by the band...",
    );
    const missing = await getPage(s.base + "/nirvana/albums/");
    assert.equal(missing.status, 404);
    assert.match(missing.body, /Missing parameters: album_title/);
  } finally {
    await s.stop();
  }
});

test("ForceLowerDispatcher (§7.3): /GENerAte leads to generate; without it, 404", async () => {
  const s = await serveRoot(new Lower(), lowerConf);
  const plain = await serveRoot(new Lower());
  try {
    for (const path of ["/generate?length=8", "/GENerAte?length=8"]) {
      const page = await getPage(s.base + path);
      assert.equal(page.status, 200, path);
      assert.match(page.body, HEX);
      assert.equal(page.body.length, 8);
    }
    assert.equal((await getPage(plain.base + "/GENerAte?length=8")).status, 404);
  } finally {
    await s.stop();
    await plain.stop();
  }
});

async function getWithHost(port: number, path: string, host: string | null) {
  const { text } = await rawExchange(
    port,
    `GET ${path} HTTP/1.1\r\n${host === null ? "" : `Host: ${host}\r\n`}Connection: close\r\n\r\n`,
  );
  const [head = "", body = ""] = text.split("\r\n\r\n", 2);
  return { status: Number(head.split(" ")[1]), body };
}

test("virtual hosts (§8.8): company.com:8080 is app1, home.net:8080 is app2", async () => {
  const s = await serveRoot(new VhostRoot(), { "/": vhostConfig });
  try {
    const app1 = await getWithHost(s.port, "/", "company.com:8080");
    assert.deepEqual(app1, { status: 200, body: "Hello world from app1" });
    const app2 = await getWithHost(s.port, "/", "home.net:8080");
    assert.deepEqual(app2, { status: 200, body: "Hello world from app2" });
    // The host is matched exactly: another port, or none, is not listed.
    assert.equal((await getWithHost(s.port, "/", "company.com")).status, 404);
    assert.equal(
      (await getWithHost(s.port, "/app2/", "company.com")).body,
      "Hello world from app2",
    );
    const forwarded = await rawExchange(
      s.port,
      "GET / HTTP/1.1\r\nHost: proxy\r\nX-Forwarded-Host: home.net:8080\r\nConnection: close\r\n\r\n",
    );
    assert.match(forwarded.text, /\r\n\r\nHello world from app2$/);
  } finally {
    await s.stop();
  }
});
