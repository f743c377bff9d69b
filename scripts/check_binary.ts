/**
 * Single-binary deployment: compiles tutorial 1 (`examples/deploy/single_binary.ts`, which takes
 * its port from `PORT`) into one executable and runs it from a folder with no runtime on PATH. It must log its start lines, serve "Hello world!", and exit 0 on
 * SIGTERM after logging the bus's exit.
 *
 *     deno run -A scripts/check_binary.ts
 *
 * Two compilers are tried:
 * - `bun build --compile` (Bun from the workspace's optional dependencies), which needs nothing
 *   from the network;
 * - `deno compile`, which needs Deno's runtime binary (`denort`): it downloads it, or takes the
 *   one `DENORT_BIN` names. Where neither works (no network access), the check prints a line
 *   saying it was skipped and why, and goes on.
 *
 * @module
 */

const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const APP = `${root}/examples/deploy/single_binary.ts`;
const decoder = new TextDecoder();

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Runs `binary` (a copy in an empty folder, PATH pointing nowhere) and checks a whole life. */
async function runBinary(name: string, binary: string, dir: string): Promise<void> {
  const port = freePort();
  const child = new Deno.Command(binary, {
    cwd: dir,
    clearEnv: true,
    env: { PATH: `${dir}/no-runtime-here`, PORT: String(port) },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let log = "";
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) log += decoder.decode(chunk);
  };
  const reading = Promise.all([collect(child.stdout), collect(child.stderr)]);
  try {
    const deadline = Date.now() + 15_000;
    while (!log.includes(`Serving on http://127.0.0.1:${port}`)) {
      if (Date.now() > deadline) throw new Error(`${name}: the binary did not start:\n${log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const body = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    if (body !== "Hello world!") {
      throw new Error(`${name}: unexpected body ${JSON.stringify(body)}`);
    }
  } finally {
    child.kill("SIGTERM");
  }
  const status = await child.status;
  await reading;
  if (status.code !== 0) throw new Error(`${name}: exited ${status.code}:\n${log}`);
  for (const line of ["ENGINE Bus STARTED", "ENGINE Caught signal SIGTERM.", "ENGINE Bus EXITED"]) {
    if (!log.includes(line)) throw new Error(`${name}: no '${line}' in its log:\n${log}`);
  }
}

async function compile(cmd: string, args: string[]): Promise<{ ok: boolean; output: string }> {
  const out = await new Deno.Command(cmd, { args, cwd: root, stdout: "piped", stderr: "piped" })
    .output();
  return { ok: out.success, output: decoder.decode(out.stdout) + decoder.decode(out.stderr) };
}

const work = await Deno.makeTempDir({ prefix: "cherrypy-ts-binary-" });
let failed = false;
try {
  const entry = APP;

  // Bun: everything it needs ships in its npm package.
  const bun = `${root}/node_modules/bun-linux-x64/bin/bun`;
  const bunDir = `${work}/bun`;
  Deno.mkdirSync(bunDir);
  const built = await compile(bun, ["build", "--compile", entry, "--outfile", `${bunDir}/site`]);
  if (!built.ok) {
    console.error(`check_binary: bun build --compile failed:\n${built.output}`);
    failed = true;
  } else {
    await runBinary("bun build --compile", `${bunDir}/site`, bunDir);
    const size = (Deno.statSync(`${bunDir}/site`).size / 2 ** 20).toFixed(0);
    console.log(
      `check_binary: bun build --compile: a ${size} MiB binary serves tutorial 1 with no ` +
        "runtime on PATH and exits 0 on SIGTERM",
    );
  }

  // Deno: needs denort, from the network or DENORT_BIN.
  const denoDir = `${work}/deno`;
  Deno.mkdirSync(denoDir);
  const compiled = await compile(Deno.execPath(), [
    ...["compile", "-A", "--no-check", "-o", `${denoDir}/site`, entry],
  ]);
  if (compiled.ok) {
    await runBinary("deno compile", `${denoDir}/site`, denoDir);
    console.log(
      "check_binary: deno compile: the binary serves tutorial 1 and exits 0 on SIGTERM",
    );
  } else if (
    /denort|dl\.deno\.land|error sending request|Writing deno compile executable/.test(
      compiled.output,
    )
  ) {
    console.log(
      "check_binary: deno compile: skipped: Deno's compile runtime (denort) cannot be " +
        "downloaded here; set DENORT_BIN to a denort binary of the same Deno version to run it",
    );
  } else {
    console.error(`check_binary: deno compile failed:\n${compiled.output}`);
    failed = true;
  }
} finally {
  await Deno.remove(work, { recursive: true });
}
if (failed) Deno.exit(1);
