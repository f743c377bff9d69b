/**
 * Packs the npm build, installs the tarball into an empty Node project, and runs a 10-line
 * app written against the documented API: it must serve a page and exit 0 on SIGTERM. The
 * package's `cherryd` bin must run from the project's `node_modules/.bin`.
 *
 *     deno run -A scripts/check_pack.ts     (after `npm test` or `npm run build`)
 *
 * @module
 */

const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
/** The oldest supported Node line (the workspace's optional dependency), else the `node` on PATH. */
const NODE = (() => {
  const packaged = `${root}/node_modules/node22-linux-x64/bin/node`;
  try {
    return Deno.statSync(packaged).isFile ? packaged : "node";
  } catch {
    return "node";
  }
})();

async function sh(cmd: string, args: string[], cwd: string): Promise<string> {
  const out = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    throw new Error(
      `${cmd} ${args.join(" ")} failed:\n${text}\n${new TextDecoder().decode(out.stderr)}`,
    );
  }
  return text;
}

const APP = `import * as cherrypy from "cherrypy-ts";

const root = {
  index: cherrypy.expose(() => "Hello from npm!"),
  greet: cherrypy.expose((name = "stranger") => \`Hello, \${name}!\`),
};

cherrypy.config.update({ "server.socket_port": 0 });
await cherrypy.quickstart(root);
`;

const dir = await Deno.makeTempDir({ prefix: "cherrypy-ts-pack-" });
try {
  const tarball = (await sh("npm", ["pack", "--silent", "--pack-destination", dir], `${root}/npm`))
    .trim().split("\n").at(-1)!;
  await Deno.writeTextFile(
    `${dir}/package.json`,
    JSON.stringify({ name: "consumer", private: true, type: "module" }),
  );
  await sh("npm", ["install", "--no-audit", "--no-fund", `${dir}/${tarball}`], dir);
  await Deno.writeTextFile(`${dir}/app.js`, APP);
  const child = new Deno.Command(NODE, {
    args: ["app.js"],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const decoder = new TextDecoder();
  let stderr = "";
  const reader = child.stderr.getReader();
  const deadline = Date.now() + 10_000;
  let port: string | undefined;
  while (port === undefined && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    stderr += decoder.decode(value);
    port = stderr.match(/Serving on http:\/\/127\.0\.0\.1:(\d+)/)?.[1];
  }
  if (port === undefined) throw new Error(`the packed app did not start:\n${stderr}`);
  const body = await (await fetch(`http://127.0.0.1:${port}/greet?name=Ada`)).text();
  child.kill("SIGTERM");
  // Keep reading until the app closes its output, so its last log lines are not cut.
  const drainErr = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      stderr += decoder.decode(value);
    }
  })();
  const [status] = await Promise.all([
    child.status,
    child.stdout.pipeTo(new WritableStream()),
    drainErr,
  ]);
  if (!stderr.includes("ENGINE Bus EXITED")) throw new Error(`no clean exit:\n${stderr}`);
  if (body !== "Hello, Ada!") throw new Error(`unexpected body: ${body}`);
  if (status.code !== 0) throw new Error(`the packed app exited ${status.code}`);
  console.log(`check_pack: ${tarball} installs, serves "${body}" and exits 0 on SIGTERM`);
  // The package's bin: npm links `cherryd` into the project's node_modules/.bin.
  const help = await sh(NODE, [`${dir}/node_modules/.bin/cherryd`, "--help"], dir);
  if (!help.startsWith("Usage: cherryd [options]")) throw new Error(`cherryd --help:\n${help}`);
  console.log("check_pack: the installed cherryd bin runs (cherryd --help)");
} finally {
  await Deno.remove(dir, { recursive: true });
}
