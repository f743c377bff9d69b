/**
 * Builds the npm package into `npm/` and (unless `--no-test`) runs the test suite under Node
 * against the build.
 *
 *     deno run -A scripts/build_npm.ts            # build, then test under Node
 *     deno run -A scripts/build_npm.ts --no-test  # build only
 *
 * The TypeScript compiler (from npm) emits ESM `.js` and `.d.ts` for the library, the
 * examples and the tests; relative `.ts` import specifiers become `.js`
 * (`rewriteRelativeImportExtensions`), and the same rewrite is applied to the declaration
 * files, which the compiler leaves alone. The examples' other files (config files, templates)
 * are copied next to them. `npm/package.json` gets an exports map and the
 * `cherryd` bin; only the library goes into the published files.
 *
 * @module
 */

const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const out = `${root}/npm`;
const LIBRARY_DIRS = ["platform", "bus", "plugins", "server", "framework", "cli"];
const COMPILED_DIRS = [...LIBRARY_DIRS, "examples", "tests"];
/** framework's folders, each a subpath export (`cherrypy-ts/framework/http`, ...). */
const FRAMEWORK_FOLDERS = [
  "http",
  "core",
  "config",
  "dispatch",
  "body",
  "tools",
  "app",
  "site",
  "lib",
];

async function run(cmd: string, args: string[], options: { cwd?: string } = {}): Promise<number> {
  const child = new Deno.Command(cmd, {
    args,
    cwd: options.cwd ?? root,
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  return (await child.status).code;
}

async function* walk(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* walk(path);
    else if (entry.isFile) yield path;
  }
}

/** Rewrites relative `.ts` specifiers in declaration files to `.js`. */
async function rewriteDeclarations(): Promise<void> {
  const spec = /((?:from|import)\s*\(?\s*["'])(\.{1,2}\/[^"']*?)\.ts(["'])/g;
  for await (const path of walk(out)) {
    if (!path.endsWith(".d.ts")) continue;
    const text = await Deno.readTextFile(path);
    const fixed = text.replace(spec, "$1$2.js$3");
    if (fixed !== text) await Deno.writeTextFile(path, fixed);
  }
}

async function writePackageJson(): Promise<void> {
  const denoJson = JSON.parse(await Deno.readTextFile(`${root}/deno.json`));
  const pkg = {
    name: "cherrypy-ts",
    version: denoJson.version,
    description:
      "CherryPy, the Python web framework, for TypeScript: object trees of exposed handlers, " +
      "config-driven tools and a process bus, on Deno and Node.",
    license: "BSD-3-Clause",
    type: "module",
    main: "./mod.js",
    types: "./mod.d.ts",
    exports: {
      ".": { types: "./mod.d.ts", default: "./mod.js" },
      "./platform": { types: "./platform/mod.d.ts", default: "./platform/mod.js" },
      "./bus": { types: "./bus/mod.d.ts", default: "./bus/mod.js" },
      "./plugins": { types: "./plugins/mod.d.ts", default: "./plugins/mod.js" },
      "./server": { types: "./server/mod.d.ts", default: "./server/mod.js" },
      "./framework": { types: "./framework/mod.d.ts", default: "./framework/mod.js" },
      ...Object.fromEntries(FRAMEWORK_FOLDERS.map((f) => [
        `./framework/${f}`,
        { types: `./framework/${f}/mod.d.ts`, default: `./framework/${f}/mod.js` },
      ])),
      "./package.json": "./package.json",
    },
    bin: { cherryd: "./cli/cherryd.js" },
    files: [
      "mod.js",
      "mod.d.ts",
      ...LIBRARY_DIRS.map((d) => `${d}/`),
      "docs/",
      "README.md",
      "LICENSE",
    ],
    engines: { node: ">=22" },
    sideEffects: false,
  };
  await Deno.writeTextFile(`${out}/package.json`, JSON.stringify(pkg, null, 2) + "\n");
}

async function writeTsconfig(): Promise<string> {
  const include = ["mod.ts", ...COMPILED_DIRS.map((d) => `${d}/**/*.ts`)];
  const tsconfig = {
    compilerOptions: {
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      lib: ["ES2023", "DOM", "DOM.Iterable"],
      types: ["node"],
      rewriteRelativeImportExtensions: true,
      declaration: true,
      rootDir: root,
      outDir: out,
      strict: true,
      noImplicitOverride: true,
      noUncheckedIndexedAccess: true,
      exactOptionalPropertyTypes: true,
      // Only syntax a type stripper can erase (no enums, namespaces, parameter properties), so
      // Node's type stripping (`node app.ts`) runs the sources too.
      erasableSyntaxOnly: true,
      skipLibCheck: true,
      newLine: "lf",
    },
    include: include.map((p) => `${root}/${p}`),
  };
  const path = `${root}/node_modules/.cache-tsconfig.build.json`;
  await Deno.writeTextFile(path, JSON.stringify(tsconfig, null, 2));
  return path;
}

/** Builds `npm/`; returns false when compiling failed. */
export async function build(): Promise<boolean> {
  await Deno.remove(out, { recursive: true }).catch(() => {});
  await Deno.mkdir(out, { recursive: true });
  const tsconfig = await writeTsconfig();
  const tsc = `${root}/node_modules/typescript/bin/tsc`;
  const code = await run("node", [tsc, "-p", tsconfig]);
  if (code !== 0) {
    console.error(`build_npm: the TypeScript compiler failed (exit ${code}).`);
    return false;
  }
  await rewriteDeclarations();
  await writePackageJson();
  // The package's own README (the repository's speaks of the repository), the license, the docs.
  await Deno.copyFile(`${root}/README.npm.md`, `${out}/README.md`);
  await Deno.copyFile(`${root}/LICENSE`, `${out}/LICENSE`);
  await Deno.mkdir(`${out}/docs`, { recursive: true });
  for await (const entry of Deno.readDir(`${root}/docs`)) {
    if (entry.isFile && entry.name.endsWith(".md")) {
      await Deno.copyFile(`${root}/docs/${entry.name}`, `${out}/docs/${entry.name}`);
    }
  }
  // The examples' and tests' data files (config files, page templates, static files) sit next
  // to the compiled code.
  for (const folder of ["examples", "tests"]) {
    for await (const path of walk(`${root}/${folder}`)) {
      if (path.endsWith(".ts")) continue;
      const target = `${out}${path.slice(root.length)}`;
      await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
      await Deno.copyFile(path, target);
    }
  }
  return true;
}

/** The compiled test files, for `node --test`. */
export async function nodeTestFiles(): Promise<string[]> {
  const files: string[] = [];
  for await (const path of walk(`${out}/tests`)) {
    if (path.endsWith("_test.js")) files.push(path);
  }
  return files.sort();
}

if (import.meta.main) {
  if (!(await build())) Deno.exit(1);
  console.log(`build_npm: built ${out}`);
  if (!Deno.args.includes("--no-test")) {
    const files = await nodeTestFiles();
    Deno.exit(await run("node", ["--test", ...files]));
  }
}
