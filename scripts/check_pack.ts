/**
 * Packs the npm build, installs the tarball into an empty project outside the repository, and
 * runs the package README's own samples there as a user would: the JavaScript site on Node 22
 * (the oldest supported line) and on Bun, the CommonJS one (`require`) on both, the TypeScript site on Bun and on Deno, and the
 * decorator-free TypeScript site through Node 26's type stripping, against the package and
 * against the repository's sources. Each must serve
 * its page and exit 0 on SIGTERM after the bus's `EXITED` line. The package's `cherryd` bin must
 * run from the project's `node_modules/.bin`.
 *
 *     deno run -A scripts/check_pack.ts     (after `npm test` or `npm run build`)
 *
 * The samples listen on CherryPy's port 8080; here one line setting `server.socket_port` to 0 is
 * put before their `quickstart` call, so the check takes any free port.
 *
 * @module
 */

const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const decoder = new TextDecoder();

/** A workspace binary (optional dependency) when installed, else the command on PATH. */
function binary(packaged: string, fallback: string): string {
  try {
    return Deno.statSync(`${root}/node_modules/${packaged}`).isFile
      ? `${root}/node_modules/${packaged}`
      : fallback;
  } catch {
    return fallback;
  }
}
const NODE = binary("node22-linux-x64/bin/node", "node");
const NODE26 = binary("node26-linux-x64/bin/node", "node");
const STRIPPED = "Hello from node app.ts!";
const BUN = binary("bun-linux-x64/bin/bun", "bun");

async function sh(cmd: string, args: string[], cwd: string): Promise<string> {
  const out = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  const text = decoder.decode(out.stdout);
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")} failed:\n${text}\n${decoder.decode(out.stderr)}`);
  }
  return text;
}

/** Code block `nth` (from 0) of `lang` in `markdown`, set to listen on a free port. */
function sample(markdown: string, lang: string, nth = 0): string {
  const blocks = [...markdown.matchAll(new RegExp("```" + lang + "\\n([\\s\\S]*?)```", "g"))];
  const code = blocks[nth]?.[1];
  if (code === undefined || !code.includes("cherrypy.quickstart(")) {
    throw new Error(`the package README has no \`\`\`${lang} site sample`);
  }
  return code.replace(
    /^(await )?cherrypy\.quickstart\(/m,
    'cherrypy.config.update({ "server.socket_port": 0 });\n$&',
  );
}

/** Runs `cmd args` in `dir`; fetches `path` once it serves; SIGTERM; checks a clean exit. */
async function serveOnce(name: string, cmd: string, args: string[], dir: string, path: string) {
  const child = new Deno.Command(cmd, { args, cwd: dir, stdout: "piped", stderr: "piped" })
    .spawn();
  let log = "";
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) log += decoder.decode(chunk);
  };
  const reading = Promise.all([collect(child.stdout), collect(child.stderr)]);
  let body: string | undefined;
  try {
    const deadline = Date.now() + 20_000;
    let port: string | undefined;
    while ((port = log.match(/Serving on http:\/\/127\.0\.0\.1:(\d+)/)?.[1]) === undefined) {
      if (Date.now() > deadline) throw new Error(`${name}: the site did not start:\n${log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    body = await (await fetch(`http://127.0.0.1:${port}${path}`)).text();
  } finally {
    child.kill("SIGTERM");
  }
  const status = await child.status;
  await reading;
  if (!log.includes("ENGINE Bus EXITED")) throw new Error(`${name}: no clean exit:\n${log}`);
  if (status.code !== 0) throw new Error(`${name}: exited ${status.code}:\n${log}`);
  return body;
}

const dir = await Deno.makeTempDir({ prefix: "cherrypy-ts-pack-" });
try {
  const tarball = (await sh("npm", ["pack", "--silent", "--pack-destination", dir], `${root}/npm`))
    .trim().split("\n").at(-1)!;
  await Deno.writeTextFile(
    `${dir}/package.json`,
    JSON.stringify({ name: "consumer", private: true, type: "module" }),
  );
  await sh("npm", ["install", "--no-audit", "--no-fund", `${dir}/${tarball}`], dir);
  const readme = await Deno.readTextFile(`${dir}/node_modules/cherrypy-ts/README.md`);
  if (!readme.startsWith("# cherrypy-ts\n\nCherryPy, the Python web framework")) {
    throw new Error("the package's README is not its own");
  }
  await Deno.writeTextFile(`${dir}/app.mjs`, sample(readme, "js"));
  await Deno.writeTextFile(`${dir}/app.ts`, sample(readme, "ts"));
  await Deno.writeTextFile(`${dir}/app.cjs`, sample(readme, "cjs"));
  await Deno.writeTextFile(`${dir}/stripped.ts`, sample(readme, "ts", 1));
  // The same, against the repository's sources instead of the package.
  await Deno.writeTextFile(
    `${dir}/stripped_sources.ts`,
    sample(readme, "ts", 1).replace('"cherrypy-ts"', JSON.stringify(`${root}/mod.ts`)),
  );

  const runs: Array<[string, string, string[], string, string]> = [
    ["JavaScript sample on Node 22", NODE, ["app.mjs"], "/greet?name=Ada", "Hello, Ada!"],
    ["JavaScript sample on Bun", BUN, ["app.mjs"], "/greet?name=Ada", "Hello, Ada!"],
    ["CommonJS sample (require) on Node 22", NODE, ["app.cjs"], "/", "Hello from CommonJS!"],
    ["CommonJS sample (require) on Bun", BUN, ["app.cjs"], "/", "Hello from CommonJS!"],
    ["TypeScript sample on Bun", BUN, ["app.ts"], "/", "Hello world!"],
    ["TypeScript sample on Deno", Deno.execPath(), ["run", "-A", "app.ts"], "/", "Hello world!"],
    ["node app.ts (type stripping) on Node 26", NODE26, ["stripped.ts"], "/", STRIPPED],
    ["node app.ts on Node 26, from the sources", NODE26, ["stripped_sources.ts"], "/", STRIPPED],
  ];
  for (const [name, cmd, args, path, expected] of runs) {
    const body = await serveOnce(name, cmd, args, dir, path);
    if (body !== expected) throw new Error(`${name}: unexpected body ${JSON.stringify(body)}`);
    console.log(`check_pack: ${tarball}: ${name} serves "${body}" and exits 0 on SIGTERM`);
  }
  // The package's bin: npm links `cherryd` into the project's node_modules/.bin.
  const help = await sh(NODE, [`${dir}/node_modules/.bin/cherryd`, "--help"], dir);
  if (!help.startsWith("Usage: cherryd [options]")) throw new Error(`cherryd --help:\n${help}`);
  console.log("check_pack: the installed cherryd bin runs (cherryd --help)");
} finally {
  await Deno.remove(dir, { recursive: true });
}
